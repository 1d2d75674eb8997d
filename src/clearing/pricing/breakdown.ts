import type { Exact } from './exact.js';
import type { RestrictionName } from './restrictions.js';

/**
 * The priced result: totals per dimension as a CDR states them, and an auditable breakdown of what
 * each charging period cost and why (which element, which restrictions held).
 */

export interface TaxLine {
  name: string;
  /** Percentage as a decimal string, when the rate is known. */
  percentage?: string;
  amount: Exact;
}

export interface Amount {
  before_taxes: Exact;
  taxes: TaxLine[];
  after_taxes: Exact;
}

export type CostKey =
  | 'total_cost'
  | 'total_fixed_cost'
  | 'total_energy_cost'
  | 'total_time_cost'
  | 'total_parking_cost'
  | 'total_reservation_cost';

/** The CDR's cost fields a priced line adds to. */
export type Bucket = Exclude<CostKey, 'total_cost'>;

export interface LineBreakdown {
  /** The priced dimension: FLAT, ENERGY (kWh), TIME, PARKING_TIME or RESERVATION_TIME (hours). */
  dimension: 'FLAT' | 'ENERGY' | 'TIME' | 'PARKING_TIME' | 'RESERVATION_TIME';
  bucket: Bucket;
  /** What the period measured, and what is billed after step_size (kWh, hours, or 1 for FLAT). */
  volume: Exact;
  billed_volume: Exact;
  price: Exact;
  step_size: number;
  vat?: number;
  /** The tariff element (0-based) whose price component priced it, and the restrictions that held. */
  element: number;
  restrictions: RestrictionName[];
  /** Before taxes, unrounded. */
  cost: Exact;
}

export interface PeriodBreakdown {
  index: number;
  start: string;
  end: string;
  /** The period's start on the location's wall clock, e.g. "2026-03-08 01:30 SUNDAY". */
  local_start: string;
  lines: LineBreakdown[];
}

export type WarningCode =
  | 'PERIOD_OUTSIDE_SESSION'
  | 'PERIOD_SPANS_PRICE_CHANGE'
  | 'RESTRICTION_NOT_EVALUABLE'
  | 'CURRENCY_MISMATCH'
  | 'NO_TAX_JURISDICTION'
  | 'TAX_RATE_UNKNOWN'
  | 'MIN_PRICE_APPLIED'
  | 'MAX_PRICE_APPLIED'
  | 'PER_MINUTE_ENERGY_PRICE'
  | 'UNREACHABLE_ELEMENT'
  | 'FLAT_STEP_SIZE';

export interface PricingWarning {
  code: WarningCode;
  message: string;
  /** The period (0-based) it concerns, if one. */
  period?: number;
}

export interface PricedSession {
  tariff_id: string;
  currency: string;
  costs: Record<CostKey, Amount>;
  total_energy: Exact;
  total_time: Exact;
  total_parking_time: Exact;
  periods: PeriodBreakdown[];
  warnings: PricingWarning[];
}

export interface AmountJson {
  before_taxes: number;
  taxes: { name: string; percentage?: number; amount: number }[];
  after_taxes: number;
}

function amountJson(amount: Amount): AmountJson {
  return {
    before_taxes: amount.before_taxes.toNumber(),
    taxes: amount.taxes.map((t) => ({
      name: t.name,
      ...(t.percentage === undefined ? {} : { percentage: Number(t.percentage) }),
      amount: t.amount.toNumber(),
    })),
    after_taxes: amount.after_taxes.toNumber(),
  };
}

/** The answer of the pricing API: OCPI numbers, amounts in the tariff's currency. */
export function pricedJson(priced: PricedSession) {
  const costs = Object.fromEntries(Object.entries(priced.costs).map(([key, amount]) => [key, amountJson(amount)]));
  return {
    tariff_id: priced.tariff_id,
    currency: priced.currency,
    ...(costs as Record<CostKey, AmountJson>),
    total_energy: priced.total_energy.toNumber(),
    total_time: priced.total_time.toNumber(),
    total_parking_time: priced.total_parking_time.toNumber(),
    periods: priced.periods.map((period) => ({
      ...period,
      lines: period.lines.map((line) => ({
        ...line,
        volume: line.volume.toNumber(),
        billed_volume: line.billed_volume.toNumber(),
        price: line.price.toNumber(),
        cost: line.cost.toDecimalPlaces(4).toNumber(),
      })),
    })),
    warnings: priced.warnings,
  };
}
