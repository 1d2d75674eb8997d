import type { TariffRestrictions } from '../../ocpi/v2_2_1/index.js';
import type { Exact } from './exact.js';
import type { LocalClock } from './local-time.js';

/**
 * Whether a tariff element applies to a charging period (mod_tariffs → TariffRestrictions class:
 * every restriction given must hold). Evaluated at the period's start, when the CDR's rule to start
 * a new period at every price change (mod_cdrs → ChargingPeriod) makes that the period's price.
 */
export interface PeriodState {
  local: LocalClock;
  /** Energy charged before the period, kWh. */
  energyKwh: Exact;
  /** Seconds since the session started. */
  durationSeconds: number;
  /** The period's current (A) and power (kW), when its dimensions say. */
  current?: number;
  power?: number;
  /** A reservation period (RESERVATION_TIME), and whether the reservation expired unused. */
  reservation?: 'RESERVATION' | 'RESERVATION_EXPIRES';
}

export type RestrictionName = keyof TariffRestrictions;

export interface MatchResult {
  matches: boolean;
  /** The restrictions that held (all of them when it matches): the breakdown says why. */
  held: RestrictionName[];
  /** The first that failed. */
  failed?: RestrictionName;
  /** A current or power restriction the period had no measurement for (it does not match then). */
  unknown?: RestrictionName;
}

/** start_time..end_time, where an end before the start wraps past midnight and 00:00 ends the day. */
export function withinTimeOfDay(time: string, start = '00:00', end = '00:00'): boolean {
  if (start === end) return true;
  if (start < end) return time >= start && time < end;
  return time >= start || time < end;
}

export function matchRestrictions(r: TariffRestrictions | undefined, state: PeriodState): MatchResult {
  const held: RestrictionName[] = [];
  if (!r) return state.reservation ? { matches: false, held, failed: 'reservation' } : { matches: true, held };
  const fail = (name: RestrictionName, unknown = false): MatchResult => ({ matches: false, held, failed: name, unknown: unknown ? name : undefined });

  // Reservation elements price reservations only; other elements price everything else.
  if (r.reservation === undefined) {
    if (state.reservation) return fail('reservation');
  } else if (r.reservation === state.reservation || (r.reservation === 'RESERVATION' && state.reservation === 'RESERVATION_EXPIRES')) {
    held.push('reservation');
  } else {
    return fail('reservation');
  }
  const { time, date, weekday } = state.local;
  if (r.start_time !== undefined || r.end_time !== undefined) {
    if (!withinTimeOfDay(time, r.start_time, r.end_time)) return fail('start_time');
    held.push('start_time');
  }
  if (r.start_date !== undefined) {
    if (date < r.start_date) return fail('start_date');
    held.push('start_date');
  }
  if (r.end_date !== undefined) {
    if (date >= r.end_date) return fail('end_date');
    held.push('end_date');
  }
  if (r.day_of_week) {
    if (!r.day_of_week.includes(weekday)) return fail('day_of_week');
    held.push('day_of_week');
  }
  if (r.min_kwh !== undefined) {
    if (state.energyKwh.lessThan(r.min_kwh)) return fail('min_kwh');
    held.push('min_kwh');
  }
  if (r.max_kwh !== undefined) {
    if (state.energyKwh.greaterThanOrEqualTo(r.max_kwh)) return fail('max_kwh');
    held.push('max_kwh');
  }
  if (r.min_duration !== undefined) {
    if (state.durationSeconds < r.min_duration) return fail('min_duration');
    held.push('min_duration');
  }
  if (r.max_duration !== undefined) {
    if (state.durationSeconds >= r.max_duration) return fail('max_duration');
    held.push('max_duration');
  }
  for (const [name, measured, bound, atLeast] of [
    ['min_current', state.current, r.min_current, true],
    ['max_current', state.current, r.max_current, false],
    ['min_power', state.power, r.min_power, true],
    ['max_power', state.power, r.max_power, false],
  ] as const) {
    if (bound === undefined) continue;
    if (measured === undefined) return fail(name, true);
    if (atLeast ? measured < bound : measured >= bound) return fail(name);
    held.push(name);
  }
  return { matches: true, held };
}

/** Whether any element's price can change with the clock or the session's age within a period. */
export function changesWithTime(restrictions: readonly (TariffRestrictions | undefined)[]): boolean {
  return restrictions.some(
    (r) =>
      r !== undefined &&
      (r.start_time !== undefined || r.end_time !== undefined || r.start_date !== undefined || r.end_date !== undefined ||
        r.day_of_week !== undefined || r.min_duration !== undefined || r.max_duration !== undefined),
  );
}
