import { Decimal } from 'decimal.js';
import type { ChargingPeriod, DayOfWeek, Price, PriceComponent, Tariff, TariffRestrictions } from '../ocpi/v2_2_1/index.js';

/**
 * Prices a charging session by its tariff, the way a CPO does before it sends the CDR
 * (mod_tariffs, mod_cdrs → step_size). Exact decimal arithmetic; every cost is rounded to cents
 * once, per dimension, and the total is the sum of the rounded parts so that a CDR adds up.
 *
 * It prices what the simulator's tariffs use: FLAT, ENERGY, TIME and PARKING_TIME with time,
 * date, weekday, energy and duration restrictions. Tariffs with power or current restrictions or
 * min/max prices are refused rather than priced wrongly.
 */

// Divisions by 3600 need not terminate; 40 digits keep the final rounding to cents exact.
const Exact = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });
type Exact = InstanceType<typeof Exact>;

export interface SessionCost {
  total: Price;
  fixed: Price;
  energy: Price;
  time: Price;
  parking: Price;
}

export interface SessionContext {
  /** When the session started: duration restrictions count from here. */
  start: Date;
  /** The location's IANA time zone: time and date restrictions are local. */
  timeZone: string;
}

type Metered = 'ENERGY' | 'TIME' | 'PARKING_TIME';

/** How many step_size units make one priced unit: Wh per kWh, seconds per hour. */
const BASE_PER_UNIT: Record<Metered, number> = { ENERGY: 1000, TIME: 3600, PARKING_TIME: 3600 };

/** One priced quantity: `base` is Wh, seconds, or 1 for a flat fee. */
interface Line {
  type: Metered | 'FLAT';
  component: PriceComponent;
  base: Exact;
}

export function priceSession(tariff: Tariff, periods: readonly ChargingPeriod[], context: SessionContext): SessionCost {
  assertSupported(tariff);
  const lines: Line[] = [];
  const totals: Record<Metered, Exact> = { ENERGY: new Exact(0), TIME: new Exact(0), PARKING_TIME: new Exact(0) };
  let energySoFar = new Exact(0);
  let flatCharged = false;

  for (const period of [...periods].sort((a, b) => Date.parse(a.start_date_time) - Date.parse(b.start_date_time))) {
    const at = new Date(period.start_date_time);
    const state = {
      local: localClock(at, context.timeZone),
      energyKwh: energySoFar,
      durationSeconds: (at.getTime() - context.start.getTime()) / 1000,
    };
    const active = tariff.elements.filter((element) => matches(element.restrictions, state));
    const componentFor = (type: PriceComponent['type']) =>
      active.flatMap((element) => element.price_components).find((c) => c.type === type);

    const flat = flatCharged ? undefined : componentFor('FLAT');
    if (flat) {
      lines.push({ type: 'FLAT', component: flat, base: new Exact(1) });
      flatCharged = true;
    }
    for (const dimension of period.dimensions) {
      if (!(dimension.type in BASE_PER_UNIT)) continue;
      const type = dimension.type as Metered;
      const base = new Exact(dimension.volume).times(BASE_PER_UNIT[type]);
      totals[type] = totals[type].plus(base);
      if (type === 'ENERGY') energySoFar = energySoFar.plus(dimension.volume);
      const priced = componentFor(type);
      if (priced) lines.push({ type, component: priced, base });
    }
  }

  // step_size applies once per session: to all energy, and to time and parking together, through
  // the last priced line of each, which is billed for what rounding the whole volume up adds.
  roundUpLast(lines, totals, ['ENERGY']);
  roundUpLast(lines, totals, ['TIME', 'PARKING_TIME']);

  const fixed = sum(lines, 'FLAT');
  const energy = sum(lines, 'ENERGY');
  const time = sum(lines, 'TIME');
  const parking = sum(lines, 'PARKING_TIME');
  const parts = [fixed, energy, time, parking];
  return {
    total: price(
      parts.reduce((acc, p) => acc.plus(p.excl), new Exact(0)),
      parts.reduce((acc, p) => acc.plus(p.incl), new Exact(0)),
    ),
    fixed: price(fixed.excl, fixed.incl),
    energy: price(energy.excl, energy.incl),
    time: price(time.excl, time.incl),
    parking: price(parking.excl, parking.incl),
  };
}

function roundUpLast(lines: Line[], totals: Record<Metered, Exact>, types: Metered[]): void {
  const last = lines.findLast((line) => (types as string[]).includes(line.type));
  const step = last?.component.step_size ?? 0;
  if (!last || step < 1) return;
  const total = totals[last.type as Metered];
  last.base = last.base.plus(total.div(step).ceil().times(step).minus(total));
}

/** A dimension's cost in cents-rounded excl. and incl. VAT; no `vat` means no VAT applies. */
function sum(lines: Line[], type: Line['type']): { excl: Exact; incl: Exact } {
  let excl = new Exact(0);
  let incl = new Exact(0);
  for (const line of lines.filter((l) => l.type === type)) {
    const perUnit = type === 'FLAT' ? 1 : BASE_PER_UNIT[type];
    const cost = new Exact(line.component.price).times(line.base).div(perUnit);
    excl = excl.plus(cost);
    incl = incl.plus(line.component.vat === undefined ? cost : cost.times(new Exact(100).plus(line.component.vat)).div(100));
  }
  return { excl: cents(excl), incl: cents(incl) };
}

function cents(amount: Exact): Exact {
  return amount.toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
}

function price(excl: Exact, incl: Exact): Price {
  return { excl_vat: cents(excl).toNumber(), incl_vat: cents(incl).toNumber() };
}

interface PeriodState {
  local: LocalClock;
  energyKwh: Exact;
  durationSeconds: number;
}

/** Whether a tariff element applies at the start of a charging period (restrictions are ANDed). */
function matches(restrictions: TariffRestrictions | undefined, state: PeriodState): boolean {
  if (!restrictions) return true;
  const r = restrictions;
  // Reservation elements price reservations, which simulated sessions never have.
  if (r.reservation) return false;
  const { time, date, weekday } = state.local;
  if (r.start_time !== undefined || r.end_time !== undefined) {
    const start = r.start_time ?? '00:00';
    const end = r.end_time ?? '24:00';
    // An end before the start wraps past midnight; 00:00 as the end means the end of the day.
    const inside = start < end || end === '00:00' ? time >= start && (end === '00:00' || time < end) : time >= start || time < end;
    if (!inside) return false;
  }
  if (r.start_date !== undefined && date < r.start_date) return false;
  if (r.end_date !== undefined && date >= r.end_date) return false;
  if (r.day_of_week && !r.day_of_week.includes(weekday)) return false;
  if (r.min_kwh !== undefined && state.energyKwh.lessThan(r.min_kwh)) return false;
  if (r.max_kwh !== undefined && state.energyKwh.greaterThanOrEqualTo(r.max_kwh)) return false;
  if (r.min_duration !== undefined && state.durationSeconds < r.min_duration) return false;
  if (r.max_duration !== undefined && state.durationSeconds >= r.max_duration) return false;
  return true;
}

function assertSupported(tariff: Tariff): void {
  if (tariff.min_price || tariff.max_price) throw new Error(`Tariff ${tariff.id}: min_price and max_price are not supported`);
  for (const element of tariff.elements) {
    const r = element.restrictions ?? {};
    if (r.min_current !== undefined || r.max_current !== undefined || r.min_power !== undefined || r.max_power !== undefined) {
      throw new Error(`Tariff ${tariff.id}: power and current restrictions are not supported`);
    }
  }
}

interface LocalClock {
  /** HH:MM, 24h. */
  time: string;
  /** YYYY-MM-DD. */
  date: string;
  weekday: DayOfWeek;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function localClock(at: Date, timeZone: string): LocalClock {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      weekday: 'long',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(at).map((p) => [p.type, p.value]));
  return {
    time: `${parts.hour}:${parts.minute}`,
    date: `${parts.year}-${parts.month}-${parts.day}`,
    weekday: parts.weekday.toUpperCase() as DayOfWeek,
  };
}
