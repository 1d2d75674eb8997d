import { Decimal } from 'decimal.js';

/**
 * The number type of every clearing calculation. Divisions by 3600 (seconds per hour) need not
 * terminate; 40 significant digits keep every later rounding exact.
 */
export const Exact = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });
export type Exact = InstanceType<typeof Exact>;

export const ZERO = new Exact(0);

export function sum(values: Iterable<Exact>): Exact {
  let total = ZERO;
  for (const value of values) total = total.plus(value);
  return total;
}

/** Minor-unit digits of an ISO 4217 currency (USD and CAD: 2), from the platform's currency data. */
const minorUnits = new Map<string, number>();
export function minorUnitOf(currency: string): number {
  let digits = minorUnits.get(currency);
  if (digits === undefined) {
    try {
      digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
    } catch {
      digits = 2;
    }
    minorUnits.set(currency, digits);
  }
  return digits;
}
