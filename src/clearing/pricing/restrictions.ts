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
  if (!r) return { matches: !state.reservation, held, failed: state.reservation ? 'reservation' : undefined };
  const check = (name: RestrictionName, ok: boolean): boolean => {
    if (ok) held.push(name);
    return ok;
  };
  const fail = (name: RestrictionName, unknown = false): MatchResult => ({ matches: false, held, failed: name, unknown: unknown ? name : undefined });

  // Reservation elements price reservations only; other elements price everything else.
  if (r.reservation === undefined) {
    if (state.reservation) return fail('reservation');
  } else if (!check('reservation', r.reservation === state.reservation || (r.reservation === 'RESERVATION' && state.reservation === 'RESERVATION_EXPIRES'))) {
    return fail('reservation');
  }
  const { time, date, weekday } = state.local;
  if ((r.start_time !== undefined || r.end_time !== undefined) && !check('start_time', withinTimeOfDay(time, r.start_time, r.end_time))) return fail('start_time');
  if (r.start_date !== undefined && !check('start_date', date >= r.start_date)) return fail('start_date');
  if (r.end_date !== undefined && !check('end_date', date < r.end_date)) return fail('end_date');
  if (r.day_of_week && !check('day_of_week', r.day_of_week.includes(weekday))) return fail('day_of_week');
  if (r.min_kwh !== undefined && !check('min_kwh', state.energyKwh.greaterThanOrEqualTo(r.min_kwh))) return fail('min_kwh');
  if (r.max_kwh !== undefined && !check('max_kwh', state.energyKwh.lessThan(r.max_kwh))) return fail('max_kwh');
  if (r.min_duration !== undefined && !check('min_duration', state.durationSeconds >= r.min_duration)) return fail('min_duration');
  if (r.max_duration !== undefined && !check('max_duration', state.durationSeconds < r.max_duration)) return fail('max_duration');
  for (const [name, measured, bound, atLeast] of [
    ['min_current', state.current, r.min_current, true],
    ['max_current', state.current, r.max_current, false],
    ['min_power', state.power, r.min_power, true],
    ['max_power', state.power, r.max_power, false],
  ] as const) {
    if (bound === undefined) continue;
    if (measured === undefined) return fail(name, true);
    if (!check(name, atLeast ? measured >= bound : measured < bound)) return fail(name);
  }
  return { matches: true, held };
}
