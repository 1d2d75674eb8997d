import { priceSession as priceByTariff } from '../clearing/pricing/engine.js';
import type { Amount } from '../clearing/pricing/breakdown.js';
import { fromCanonicalTariff } from '../clearing/pricing/input.js';
import { Exact } from '../clearing/pricing/exact.js';
import type { ChargingPeriod, Price, Tariff } from '../ocpi/v2_2_1/index.js';

/**
 * Prices a simulated session the way a CPO does before it sends the CDR: by the clearing module's
 * pricing engine (so the hub's audit and the simulated CPOs agree), with each dimension's cost
 * rounded to cents once and the total the sum of the rounded parts, so that a CDR adds up.
 */

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

const HOURS: ReadonlySet<string> = new Set(['TIME', 'PARKING_TIME']);

export function priceSession(tariff: Tariff, periods: readonly ChargingPeriod[], context: SessionContext): SessionCost {
  const last = periods.at(-1);
  const lastHours = last?.dimensions.filter((d) => HOURS.has(d.type)).reduce((acc, d) => acc + d.volume, 0) ?? 0;
  const end = last ? new Date(Date.parse(last.start_date_time) + Math.round(lastHours * 3_600_000)) : context.start;
  const priced = priceByTariff(fromCanonicalTariff(tariff), {
    start: context.start,
    end,
    currency: tariff.currency,
    periods: [...periods],
    timeZone: context.timeZone,
  });
  const fixed = cents(priced.costs.total_fixed_cost);
  const energy = cents(priced.costs.total_energy_cost);
  const time = cents(priced.costs.total_time_cost);
  const parking = cents(priced.costs.total_parking_cost);
  const parts = [fixed, energy, time, parking];
  const add = (key: keyof Price) => parts.reduce((acc, p) => acc.plus(p[key] ?? 0), new Exact(0)).toNumber();
  return { total: { excl_vat: add('excl_vat'), incl_vat: add('incl_vat') }, fixed, energy, time, parking };
}

function cents(amount: Amount): Price {
  return {
    excl_vat: amount.before_taxes.toDecimalPlaces(2, Exact.ROUND_HALF_UP).toNumber(),
    incl_vat: amount.after_taxes.toDecimalPlaces(2, Exact.ROUND_HALF_UP).toNumber(),
  };
}
