import { Decimal } from 'decimal.js';
import { jurisdictionOf, taxRatesFor, type TaxRate } from '../pricing/taxes.js';

/**
 * Sales taxes on the services the hub supplies (its fees), by the payer's jurisdiction, from the
 * clearing tax table (effective-dated). A business-to-business service in Canada bears GST or HST,
 * plus QST in Quebec; the provincial PST/RST in that table are retail taxes on goods and do not
 * apply to the hub's fees. US states tax no such service by default (the operator's extra rates).
 */
const SERVICE_TAXES = new Set(['GST', 'HST', 'QST']);

export interface AppliedTax {
  name: string;
  percentage: string;
  amount: Decimal;
}

/** The taxes on a service supplied on `date` (YYYY-MM-DD) to a payer in (country, province or state). */
export function serviceTaxRates(country: string | null, subdivision: string | null, date: string, extra: readonly TaxRate[] = []): TaxRate[] {
  if (!country) return [];
  return taxRatesFor(jurisdictionOf(country, subdivision ?? undefined), date, extra).filter((rate) => SERVICE_TAXES.has(rate.name));
}

/** Each tax on the (already rounded) net, itself rounded half-up to the minor unit. */
export function taxesOn(net: Decimal, rates: TaxRate[], minorDigits = 2): AppliedTax[] {
  return rates.map((rate) => ({
    name: rate.name,
    percentage: rate.percentage,
    amount: net.times(rate.percentage).dividedBy(100).toDecimalPlaces(minorDigits, Decimal.ROUND_HALF_UP),
  }));
}
