import type { ChargingPeriod, PriceComponent, TariffElement } from '../../ocpi/v2_2_1/index.js';
import type { Bucket, LineBreakdown, PeriodBreakdown, PricedSession, PricingWarning } from './breakdown.js';
import { Exact, ZERO } from './exact.js';
import type { PricingSession, PricingTariff } from './input.js';
import { lintTariff } from './lint.js';
import { localClock } from './local-time.js';
import { DEFAULT_POLICY, type PricingPolicy } from './policy.js';
import { changesWithTime, matchRestrictions, type MatchResult, type PeriodState } from './restrictions.js';
import { applyLimits, taxAmounts } from './tax-engine.js';

/**
 * Prices a session by a tariff (mod_tariffs, mod_cdrs → step_size), exactly:
 *  - each charging period is priced by the first tariff element, per dimension, whose restrictions
 *    hold at the period's start (mod_tariffs → "the first Tariff Element with a Price Component for
 *    that dimension ... with matching Tariff Restrictions will be used");
 *  - FLAT is charged once per session, by the first period an element with a FLAT component applies to;
 *  - step_size applies once per session to the total: ENERGY alone, TIME and PARKING_TIME together
 *    (on the parking total when there is priced parking); what rounding up adds is billed at the
 *    price of the last component of that kind (mod_cdrs → step_size);
 *  - min_price and max_price bound the total; taxes follow the tariff's tax treatment.
 */

type Metered = 'ENERGY' | 'TIME' | 'PARKING_TIME' | 'RESERVATION_TIME';

/** Base units a price is per: Wh per kWh, seconds per hour. step_size counts base units. */
const BASE_PER_UNIT: Record<Metered, number> = { ENERGY: 1000, TIME: 3600, PARKING_TIME: 3600, RESERVATION_TIME: 3600 };
/** The price component type that prices a dimension (reservation time is priced by TIME, mod_tariffs → ReservationRestrictionType). */
const COMPONENT_FOR: Record<Metered, PriceComponent['type']> = {
  ENERGY: 'ENERGY',
  TIME: 'TIME',
  PARKING_TIME: 'PARKING_TIME',
  RESERVATION_TIME: 'TIME',
};
const BUCKET_FOR: Record<Metered, Bucket> = {
  ENERGY: 'total_energy_cost',
  TIME: 'total_time_cost',
  PARKING_TIME: 'total_parking_cost',
  RESERVATION_TIME: 'total_reservation_cost',
};

interface Line extends LineBreakdown {
  /** Measured and billed volume in base units (Wh, s, 1). */
  base: Exact;
  billedBase: Exact;
  perUnit: number;
  period: number;
}

interface Chosen {
  component: PriceComponent;
  element: number;
  match: MatchResult;
}

export function priceSession(tariff: PricingTariff, session: PricingSession, policy: PricingPolicy = DEFAULT_POLICY): PricedSession {
  const warnings: PricingWarning[] = lintTariff(tariff, session, policy);
  if (tariff.currency !== session.currency) {
    warnings.push({ code: 'CURRENCY_MISMATCH', message: `The tariff is in ${tariff.currency}, the session in ${session.currency}` });
  }
  const periods = [...session.periods].sort((a, b) => Date.parse(a.start_date_time) - Date.parse(b.start_date_time));
  const hasEnergy = periods.some((p) => p.dimensions.some((d) => d.type === 'ENERGY' && d.volume > 0));
  const startMs = session.start.getTime();
  const endMs = session.end.getTime();
  const lines: Line[] = [];
  const breakdown: PeriodBreakdown[] = [];
  const measured: Record<Metered, Exact> = { ENERGY: ZERO, TIME: ZERO, PARKING_TIME: ZERO, RESERVATION_TIME: ZERO };
  const timeDependent = changesWithTime(tariff.elements.map((e) => e.restrictions));
  // FLAT once per session, and once more for a reservation's own fee (mod_tariffs, reservation examples).
  const flatCharged = { charging: false, reservation: false };

  periods.forEach((period, index) => {
    const from = Date.parse(period.start_date_time);
    const to = index + 1 < periods.length ? Date.parse(periods[index + 1].start_date_time) : endMs;
    if (from < startMs || from > endMs) {
      warnings.push({ code: 'PERIOD_OUTSIDE_SESSION', message: `Period ${index} starts at ${period.start_date_time}, outside the session`, period: index });
    }
    const state = periodState(period, from, startMs, measured.ENERGY, session.timeZone, hasEnergy);
    const choose = chooser(tariff.elements, state, warnings, index);
    const periodLines: Line[] = [];

    const flatKind = state.reservation ? 'reservation' : 'charging';
    const flat = flatCharged[flatKind] ? undefined : choose('FLAT');
    if (flat) {
      flatCharged[flatKind] = true;
      periodLines.push(line('FLAT', state.reservation ? 'total_reservation_cost' : 'total_fixed_cost', flat, new Exact(1), 1, index));
    }
    for (const dimension of period.dimensions) {
      if (!(dimension.type in BASE_PER_UNIT)) continue;
      const type = dimension.type as Metered;
      const base = new Exact(dimension.volume).times(BASE_PER_UNIT[type]);
      measured[type] = measured[type].plus(base);
      const chosen = choose(COMPONENT_FOR[type]);
      if (chosen) periodLines.push(line(type, BUCKET_FOR[type], chosen, base, BASE_PER_UNIT[type], index));
    }
    if (timeDependent && to > from + 1000) checkPriceChange(tariff.elements, period, from, to, startMs, state, periodLines, session.timeZone, warnings, index);
    lines.push(...periodLines);
    breakdown.push({
      index,
      start: period.start_date_time,
      end: new Date(to).toISOString(),
      local_start: `${state.local.date} ${state.local.time} ${state.local.weekday}`,
      lines: periodLines,
    });
  });

  applyStepSize(lines, policy);
  for (const l of lines) {
    l.billed_volume = l.billedBase.div(l.perUnit);
    l.cost = l.price.times(l.billedBase).div(l.perUnit);
  }

  const costs = taxAmounts(tariff, session, lines, policy, warnings);
  applyLimits(tariff, costs, session, policy, warnings);
  const billed = (type: Metered) => {
    const extra = lines.filter((l) => l.dimension === type).reduce((acc, l) => acc.plus(l.billedBase.minus(l.base)), ZERO);
    return measured[type].plus(extra).div(BASE_PER_UNIT[type]);
  };
  return {
    tariff_id: tariff.id,
    currency: tariff.currency,
    costs,
    total_energy: billed('ENERGY'),
    total_time: billed('TIME').plus(billed('PARKING_TIME')),
    total_parking_time: billed('PARKING_TIME'),
    periods: breakdown,
    warnings,
  };
}

function line(dimension: Line['dimension'], bucket: Bucket, chosen: Chosen, base: Exact, perUnit: number, period: number): Line {
  return {
    dimension,
    bucket,
    volume: base.div(perUnit),
    billed_volume: base.div(perUnit),
    price: new Exact(chosen.component.price),
    step_size: chosen.component.step_size,
    ...(chosen.component.vat === undefined ? {} : { vat: chosen.component.vat }),
    element: chosen.element,
    restrictions: chosen.match.held,
    cost: ZERO,
    base,
    billedBase: base,
    perUnit,
    period,
  };
}

function periodState(period: ChargingPeriod, from: number, startMs: number, energyWh: Exact, timeZone: string, hasEnergy: boolean): PeriodState {
  const measure = (...types: string[]) => {
    for (const type of types) {
      const found = period.dimensions.find((d) => d.type === type);
      if (found) return found.volume;
    }
    return undefined;
  };
  const reserving = period.dimensions.some((d) => d.type === 'RESERVATION_TIME');
  return {
    local: localClock(new Date(from), timeZone),
    energyKwh: energyWh.div(1000),
    durationSeconds: (from - startMs) / 1000,
    current: measure('CURRENT', 'MAX_CURRENT', 'MIN_CURRENT'),
    power: measure('POWER', 'MAX_POWER', 'MIN_POWER'),
    reservation: reserving ? (hasEnergy ? 'RESERVATION' : 'RESERVATION_EXPIRES') : undefined,
  };
}

/** Picks, per component type, the first element whose restrictions hold (results cached per period). */
function chooser(elements: TariffElement[], state: PeriodState, warnings: PricingWarning[] | undefined, period: number) {
  const matches = elements.map((element) => matchRestrictions(element.restrictions, state));
  if (warnings) {
    for (const m of matches) {
      if (m.unknown) {
        warnings.push({ code: 'RESTRICTION_NOT_EVALUABLE', message: `Period ${period} has no measurement for ${m.unknown}`, period });
        break;
      }
    }
  }
  return (type: PriceComponent['type']): Chosen | undefined => {
    for (let element = 0; element < elements.length; element++) {
      if (!matches[element].matches) continue;
      const component = elements[element].price_components.find((c) => c.type === type);
      if (component) return { component, element, match: matches[element] };
    }
    return undefined;
  };
}

/**
 * A period whose price changes before it ends should have been split (mod_cdrs → ChargingPeriod:
 * "a new Charging Period has to be added ... because another Price Component is becoming active").
 */
function checkPriceChange(
  elements: TariffElement[],
  period: ChargingPeriod,
  from: number,
  to: number,
  startMs: number,
  atStart: PeriodState,
  priced: Line[],
  timeZone: string,
  warnings: PricingWarning[],
  index: number,
): void {
  const last = to - 1000;
  const atEnd: PeriodState = { ...atStart, local: localClock(new Date(last), timeZone), durationSeconds: (last - startMs) / 1000 };
  if (atEnd.local.time === atStart.local.time && atEnd.local.date === atStart.local.date && atEnd.durationSeconds === atStart.durationSeconds) return;
  const choose = chooser(elements, atEnd, undefined, index);
  for (const l of priced) {
    if (l.dimension === 'FLAT') continue;
    const later = choose(COMPONENT_FOR[l.dimension as Metered]);
    if (later?.element !== l.element) {
      const message = `Period ${index} (${period.start_date_time}) is priced by element ${l.element} for ${l.dimension}, but element ${later?.element ?? 'none'} applies before it ends`;
      warnings.push({ code: 'PERIOD_SPANS_PRICE_CHANGE', message, period: index });
      return;
    }
  }
}

/**
 * step_size (mod_cdrs → step_size): rounds the session's total up to the last relevant component's
 * step; the difference is billed on that component's line. Energy on its own; time and parking
 * together, on parking when the last time-based line is parking.
 */
function applyStepSize(lines: Line[], policy: PricingPolicy): void {
  if (policy.stepSize === 'OFF') return;
  if (policy.stepSize === 'PER_PERIOD') {
    for (const l of lines) if (l.dimension !== 'FLAT') l.billedBase = roundUp(l.base, l.step_size);
    return;
  }
  for (const group of [['ENERGY'], ['TIME', 'PARKING_TIME'], ['RESERVATION_TIME']]) {
    const last = lines.findLast((l) => group.includes(l.dimension));
    if (!last || last.step_size <= 1) continue;
    const total = lines.filter((l) => l.dimension === last.dimension).reduce((acc, l) => acc.plus(l.base), ZERO);
    last.billedBase = last.base.plus(roundUp(total, last.step_size).minus(total));
  }
}

function roundUp(base: Exact, step: number): Exact {
  return step > 1 ? base.div(step).ceil().times(step) : base;
}
