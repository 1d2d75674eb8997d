import { Decimal } from 'decimal.js';
import { jurisdictionOf, taxRatesFor, type TaxRate } from '../pricing/taxes.js';
import { dec, shareOut, sum, toMinor, type Currency } from './money.js';

/** One tax of a statement line, as settlement stores it: a decimal string in the line's currency. */
export interface LineTax {
  name: string;
  percentage: string | null;
  amount: string;
}

/** A tax the line bears by another account than the CPO's (the audit's price, the tax table). */
export interface TaxEstimate {
  name: string;
  percentage: string | null;
  amount: Decimal;
}

/**
 * The taxes of a CDR line, each on its own (GST, HST, PST, QST, a state's sales tax). An OCPI 2.2.1
 * CDR gives one tax total (incl_vat − excl_vat), so the total the CPO claims is itemized by the
 * taxes it bears: as estimated when they add up to it, else shared out in their proportions, to the
 * cent. With no estimate the claimed total stays one line under `unnamed`.
 */
export function itemizeTax(claimed: Decimal, estimates: TaxEstimate[], unnamed: string, currency: Currency): LineTax[] {
  if (claimed.isZero()) return [];
  const known = estimates.filter((e) => !e.amount.isZero());
  if (known.length === 0) return [{ name: unnamed, percentage: null, amount: toMinor(claimed, currency).toFixed(2) }];
  const rounded = known.map((e) => toMinor(e.amount, currency));
  const amounts = sum(rounded).equals(claimed) ? rounded : shareOut(claimed, known.map((e) => e.amount), currency);
  return known.map((e, i) => ({ name: e.name, percentage: e.percentage, amount: amounts[i].toFixed(2) }));
}

/**
 * What the tax table says a line bears: each tax in force in the location's jurisdiction on the
 * session's local start date, on the line's net amount.
 */
export function tableEstimates(net: Decimal, country: string | null, state: string | null, localDate: string, extra: readonly TaxRate[]): TaxEstimate[] {
  if (!country) return [];
  return taxRatesFor(jurisdictionOf(country, state ?? undefined), localDate, extra).map((rate) => ({
    name: rate.name,
    percentage: rate.percentage,
    amount: net.times(rate.percentage).dividedBy(100),
  }));
}

/** The name of a tax total nobody itemized: a sales tax in North America, VAT elsewhere. */
export function unnamedTax(country: string | null): string {
  const alpha2 = country ? jurisdictionOf(country).country : '';
  return ['US', 'CA', 'MX'].includes(alpha2) ? 'Sales tax' : 'VAT';
}

export const estimate = (name: string, percentage: string | number | null | undefined, amount: Decimal.Value): TaxEstimate => ({
  name,
  percentage: percentage === null || percentage === undefined ? null : String(percentage),
  amount: dec(amount),
});
