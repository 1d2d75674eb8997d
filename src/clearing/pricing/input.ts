import { schemaOf } from '../../ocpi/kinds.js';
import { translate, type ObjectKind, type OcpiVersion, type TranslationContext } from '../../ocpi/translate/index.js';
import { compileValidator } from '../../ocpi/validation.js';
import type { Cdr, ChargingPeriod, Session, Tariff, TariffElement } from '../../ocpi/v2_2_1/index.js';
import type { Tariff as Tariff230 } from '../../ocpi/v2_3_0/index.js';
import { Exact } from './exact.js';
import { jurisdictionOf, type Jurisdiction } from './taxes.js';

/**
 * What pricing needs, whatever OCPI version it came in: the tariff's elements with how its prices
 * treat taxes, and the session's periods with where and when it happened.
 */

/**
 * How a tariff's prices treat taxes:
 *  VAT       2.2.1 (and 2.1.1): prices exclude VAT; each price component's `vat` is its rate, none if absent.
 *  EXCLUDED  2.3.0 tax_included NO without vat: prices exclude taxes; the jurisdiction's tax table adds them.
 *  INCLUDED  2.3.0 tax_included YES: prices include every tax.
 *  NONE      2.3.0 tax_included N/A: no taxes apply.
 */
export type TaxTreatment = 'VAT' | 'EXCLUDED' | 'INCLUDED' | 'NONE';

export interface PriceLimit {
  beforeTaxes: Exact;
  afterTaxes?: Exact;
}

export interface PricingTariff {
  id: string;
  currency: string;
  elements: TariffElement[];
  taxes: TaxTreatment;
  minPrice?: PriceLimit;
  maxPrice?: PriceLimit;
}

export interface PricingSession {
  start: Date;
  end: Date;
  currency: string;
  periods: ChargingPeriod[];
  /** The location's IANA time zone: every time and date restriction is local to it. */
  timeZone: string;
  /** Where the taxes of a tax table come from. */
  jurisdiction?: Jurisdiction;
  /** The totals the CDR or session states, to check against its periods. */
  stated?: { energy?: number; time?: number; parkingTime?: number };
}

export class PricingInputError extends Error {
  override name = 'PricingInputError';
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(message);
  }
}

/** Lookups a translation may make; pricing translates self-contained objects and needs none. */
function standaloneContext(owner: { countryCode: string; partyId: string }): TranslationContext {
  return { owner, findLocation: () => undefined, findToken: () => undefined, findTokenByContractId: () => undefined };
}

function ownerOf(value: unknown): { countryCode: string; partyId: string } {
  const object = (value ?? {}) as { country_code?: unknown; party_id?: unknown };
  return {
    countryCode: typeof object.country_code === 'string' ? object.country_code : 'ZZ',
    partyId: typeof object.party_id === 'string' ? object.party_id : 'ZZZ',
  };
}

/** Checks a body against its version's schema and brings it to 2.2.1 (a clear error with its path otherwise). */
export function canonical<T>(kind: ObjectKind, version: OcpiVersion, value: unknown, path: string): T {
  const schema = schemaOf(version, kind);
  if (!schema) throw new PricingInputError(`${kind} does not exist in OCPI ${version}`, path);
  const checked = compileValidator(schema)(value);
  if (!checked.ok) throw new PricingInputError(checked.message, `${path}${checked.path.slice(1)}`);
  const module = kind === 'Tariff' ? 'tariffs' : kind === 'CDR' ? 'cdrs' : 'sessions';
  return translate(module, kind as never, version, '2.2.1', checked.value, standaloneContext(ownerOf(value))).value as T;
}

const limit = (price: { excl_vat: number; incl_vat?: number } | undefined): PriceLimit | undefined =>
  price && {
    beforeTaxes: new Exact(price.excl_vat),
    afterTaxes: price.incl_vat === undefined ? undefined : new Exact(price.incl_vat),
  };

/** A canonical (2.2.1) tariff: prices before VAT at each component's rate. */
export function fromCanonicalTariff(tariff: Tariff): PricingTariff {
  return {
    id: tariff.id,
    currency: tariff.currency,
    elements: tariff.elements,
    taxes: 'VAT',
    minPrice: limit(tariff.min_price),
    maxPrice: limit(tariff.max_price),
  };
}

/**
 * A tariff in any version. A 2.3.0 tariff goes through the translation with its prices as they are
 * (the translation would take VAT out of tax-inclusive prices, approximately): `tax_included` says
 * how to read them here, exactly.
 */
export function pricingTariff(body: unknown, version: OcpiVersion, path = '$'): PricingTariff {
  if (version !== '2.3.0') return fromCanonicalTariff(canonical<Tariff>('Tariff', version, body, path));
  const taxIncluded = (body as Partial<Tariff230> | undefined)?.tax_included;
  const asExclusive = body && typeof body === 'object' ? { ...body, tax_included: 'NO' } : body;
  const tariff = fromCanonicalTariff(canonical<Tariff>('Tariff', version, asExclusive, path));
  const anyVat = tariff.elements.some((e) => e.price_components.some((c) => c.vat !== undefined));
  const taxes: TaxTreatment = taxIncluded === 'YES' ? 'INCLUDED' : taxIncluded === 'N/A' ? 'NONE' : anyVat ? 'VAT' : 'EXCLUDED';
  return { ...tariff, taxes };
}

export interface Placement {
  /** The location's IANA time zone. */
  timeZone: string;
  /** Overrides the jurisdiction the CDR's location gives. */
  jurisdiction?: Jurisdiction;
}

/** A canonical CDR's session. */
export function sessionOfCdr(cdr: Cdr, placement: Placement): PricingSession {
  return {
    start: new Date(cdr.start_date_time),
    end: new Date(cdr.end_date_time),
    currency: cdr.currency,
    periods: cdr.charging_periods,
    timeZone: placement.timeZone,
    jurisdiction: placement.jurisdiction ?? jurisdictionOf(cdr.cdr_location.country, cdr.cdr_location.state),
    stated: { energy: cdr.total_energy, time: cdr.total_time, parkingTime: cdr.total_parking_time },
  };
}

/** A canonical session; an ongoing one is priced up to its last period's start. */
export function sessionOfSession(session: Session, placement: Placement): PricingSession {
  const periods = session.charging_periods ?? [];
  const end = session.end_date_time ?? periods.at(-1)?.start_date_time ?? session.start_date_time;
  return {
    start: new Date(session.start_date_time),
    end: new Date(end),
    currency: session.currency,
    periods,
    timeZone: placement.timeZone,
    jurisdiction: placement.jurisdiction,
    stated: { energy: session.kwh },
  };
}

/** Whether a body is a Session rather than a CDR (in any version, only a Session has `kwh`). */
export function isSession(body: unknown): boolean {
  return typeof body === 'object' && body !== null && 'kwh' in body;
}

export function assertTimeZone(timeZone: string, path: string): void {
  try {
    new Intl.DateTimeFormat('en', { timeZone });
  } catch {
    throw new PricingInputError(`${timeZone} is not an IANA time zone`, path);
  }
}
