import { Decimal } from 'decimal.js';

/**
 * Canadian sales taxes on services the hub supplies (its fees), by the payer's province, as
 * effective-dated data. GST and QST apply to the same base (QST is no longer charged on GST since
 * 2013). BC, MB, SK and the territories charge GST alone on these services. US states: none by
 * default (the hub's fees are not a taxable sale in most states; an operator adds rows here).
 */
export interface ServiceTaxRate {
  /** Name as the invoice prints it, e.g. "HST ON". */
  name: string;
  country: string;
  /** ISO 3166-2 subdivision code without the country, or '*' for the whole country. */
  subdivision: string;
  percentage: string;
  /** Inclusive start date (YYYY-MM-DD), or null since ever. */
  validFrom: string | null;
  /** Exclusive end date, or null for open-ended. */
  validUntil: string | null;
}

const HST_PROVINCES = ['ON', 'NB', 'NL', 'PE', 'NS'];

export const CANADIAN_SERVICE_TAXES: readonly ServiceTaxRate[] = [
  { name: 'GST', country: 'CA', subdivision: '*', percentage: '5', validFrom: null, validUntil: null },
  { name: 'QST', country: 'CA', subdivision: 'QC', percentage: '9.975', validFrom: null, validUntil: null },
  { name: 'HST ON', country: 'CA', subdivision: 'ON', percentage: '13', validFrom: null, validUntil: null },
  { name: 'HST NB', country: 'CA', subdivision: 'NB', percentage: '15', validFrom: null, validUntil: null },
  { name: 'HST NL', country: 'CA', subdivision: 'NL', percentage: '15', validFrom: null, validUntil: null },
  { name: 'HST PE', country: 'CA', subdivision: 'PE', percentage: '15', validFrom: null, validUntil: null },
  { name: 'HST NS', country: 'CA', subdivision: 'NS', percentage: '15', validFrom: null, validUntil: '2025-04-01' },
  { name: 'HST NS', country: 'CA', subdivision: 'NS', percentage: '14', validFrom: '2025-04-01', validUntil: null },
];

export interface AppliedTax {
  name: string;
  percentage: string;
  amount: Decimal;
}

const inForce = (rate: ServiceTaxRate, date: string) =>
  (rate.validFrom === null || rate.validFrom <= date) && (rate.validUntil === null || date < rate.validUntil);

/**
 * The taxes on a service supplied on `date` (YYYY-MM-DD) to a payer in (country, subdivision):
 * HST replaces GST in the HST provinces; elsewhere GST, plus QST in Quebec.
 */
export function serviceTaxRates(country: string | null, subdivision: string | null, date: string, table = CANADIAN_SERVICE_TAXES): ServiceTaxRate[] {
  if (!country) return [];
  const rates = table.filter((rate) => rate.country === country.toUpperCase() && inForce(rate, date));
  const province = subdivision?.toUpperCase() ?? '';
  const own = rates.filter((rate) => rate.subdivision === province);
  if (HST_PROVINCES.includes(province) && own.length > 0) return own;
  return [...rates.filter((rate) => rate.subdivision === '*'), ...own];
}

/** Each tax on the (already rounded) net, itself rounded half-up to the minor unit. */
export function taxesOn(net: Decimal, rates: ServiceTaxRate[], minorDigits = 2): AppliedTax[] {
  return rates.map((rate) => ({
    name: rate.name,
    percentage: rate.percentage,
    amount: net.times(rate.percentage).dividedBy(100).toDecimalPlaces(minorDigits, Decimal.ROUND_HALF_UP),
  }));
}
