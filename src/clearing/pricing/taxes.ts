/**
 * Sales taxes by jurisdiction, for tariffs whose prices exclude taxes without naming a VAT rate
 * (2.3.0 mod_tariffs → "Simple Tariff with North American taxes": tax_included NO, no vat). Rates are
 * effective-dated so that a session is taxed at the rates of the day it started.
 *
 * Canada ships with the federal GST, the harmonized HST and the provincial PST/RST/QST at their
 * general rates. QST is levied on the same base as GST (not on GST-inclusive amounts, since 2013).
 * US sales taxes vary by county and city; none ship, the operator adds what applies.
 */

export interface TaxRate {
  /** ISO 3166-2 subdivision ("CA-ON") or a country alone ("CA"). */
  jurisdiction: string;
  name: string;
  /** Percentage as a decimal string ("9.975"). */
  percentage: string;
  /** First day in force (YYYY-MM-DD, local), inclusive. */
  from: string;
  /** First day no longer in force, exclusive. */
  until?: string;
}

const gst = (province: string): TaxRate => ({ jurisdiction: `CA-${province}`, name: 'GST', percentage: '5', from: '2008-01-01' });
const hst = (province: string, percentage: string, from: string, until?: string): TaxRate => ({
  jurisdiction: `CA-${province}`,
  name: 'HST',
  percentage,
  from,
  until,
});

export const CANADIAN_TAX_RATES: readonly TaxRate[] = [
  ...['AB', 'BC', 'MB', 'SK', 'QC', 'YT', 'NT', 'NU'].map(gst),
  hst('ON', '13', '2010-07-01'),
  hst('NS', '15', '2010-07-01', '2025-04-01'),
  hst('NS', '14', '2025-04-01'),
  hst('NB', '13', '2010-07-01', '2016-07-01'),
  hst('NB', '15', '2016-07-01'),
  hst('NL', '13', '2010-07-01', '2016-07-01'),
  hst('NL', '15', '2016-07-01'),
  hst('PE', '14', '2013-04-01', '2016-10-01'),
  hst('PE', '15', '2016-10-01'),
  { jurisdiction: 'CA-QC', name: 'QST', percentage: '9.975', from: '2013-01-01' },
  { jurisdiction: 'CA-BC', name: 'PST', percentage: '7', from: '2013-04-01' },
  { jurisdiction: 'CA-SK', name: 'PST', percentage: '6', from: '2017-03-23' },
  { jurisdiction: 'CA-MB', name: 'RST', percentage: '7', from: '2019-07-01' },
];

/** Taxes in force on a local date in a jurisdiction, shipped rates first, then the operator's. */
export function taxRatesFor(jurisdiction: Jurisdiction, localDate: string, extra: readonly TaxRate[] = []): TaxRate[] {
  const codes = jurisdiction.subdivision ? [jurisdiction.country, jurisdiction.subdivision] : [jurisdiction.country];
  return [...CANADIAN_TAX_RATES, ...extra].filter(
    (rate) => codes.includes(rate.jurisdiction) && rate.from <= localDate && (rate.until === undefined || localDate < rate.until),
  );
}

export interface Jurisdiction {
  /** ISO 3166-1 alpha-2. */
  country: string;
  /** ISO 3166-2, e.g. "CA-QC". */
  subdivision?: string;
}

const ALPHA3_TO_ALPHA2: Record<string, string> = { CAN: 'CA', USA: 'US', MEX: 'MX' };

/** Names and abbreviations of Canadian provinces and US states as a Location's `state` gives them. */
const SUBDIVISION_NAMES: Record<string, Record<string, string>> = {
  CA: {
    ALBERTA: 'AB', 'BRITISH COLUMBIA': 'BC', MANITOBA: 'MB', 'NEW BRUNSWICK': 'NB', 'NEWFOUNDLAND AND LABRADOR': 'NL',
    'NOVA SCOTIA': 'NS', ONTARIO: 'ON', 'PRINCE EDWARD ISLAND': 'PE', QUEBEC: 'QC', 'QUÉBEC': 'QC', SASKATCHEWAN: 'SK',
    YUKON: 'YT', 'NORTHWEST TERRITORIES': 'NT', NUNAVUT: 'NU',
  },
  US: {
    CALIFORNIA: 'CA', 'NEW YORK': 'NY', MASSACHUSETTS: 'MA', TEXAS: 'TX', WASHINGTON: 'WA', OREGON: 'OR', FLORIDA: 'FL',
    ILLINOIS: 'IL', COLORADO: 'CO', 'NEW JERSEY': 'NJ', MICHIGAN: 'MI', PENNSYLVANIA: 'PA', ARIZONA: 'AZ', GEORGIA: 'GA',
  },
};

/** A jurisdiction from a Location's `country` (alpha-3 or alpha-2) and `state` (code or name). */
export function jurisdictionOf(country: string, state?: string): Jurisdiction {
  const upper = country.toUpperCase();
  const alpha2 = ALPHA3_TO_ALPHA2[upper] ?? (upper.length === 2 ? upper : upper.slice(0, 2));
  if (!state) return { country: alpha2 };
  const name = state.trim().toUpperCase();
  const withoutPrefix = name.startsWith(`${alpha2}-`) ? name.slice(3) : name;
  const code = SUBDIVISION_NAMES[alpha2]?.[withoutPrefix] ?? withoutPrefix;
  return { country: alpha2, subdivision: `${alpha2}-${code}` };
}
