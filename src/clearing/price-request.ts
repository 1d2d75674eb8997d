import { OCPI_VERSIONS, type OcpiVersion } from '../ocpi/translate/index.js';
import type { Cdr, Session } from '../ocpi/v2_2_1/index.js';
import { pricedJson } from './pricing/breakdown.js';
import { priceSession } from './pricing/engine.js';
import {
  assertTimeZone,
  canonical,
  isSession,
  PricingInputError,
  pricingTariff,
  sessionOfCdr,
  sessionOfSession,
  type PricingTariff,
} from './pricing/input.js';
import { policyWith, type PricingPolicy } from './pricing/policy.js';
import { jurisdictionOf } from './pricing/taxes.js';

/**
 * "How does the hub read my tariff?": prices a CDR or a session of any version by the tariff(s)
 * given, and answers the totals, the per-period breakdown and the warnings (POST /api/pricing/price,
 * `switchyard price`).
 */
export interface PriceRequest {
  tariff?: unknown;
  tariffs?: unknown[];
  /** A CDR or a Session. */
  cdr?: unknown;
  version?: string;
  time_zone?: string;
  /** Where taxes come from, for a session (a CDR's location says it): country and state. */
  country?: string;
  state?: string;
  policy?: Partial<PricingPolicy>;
}

/** Finds the time zone of a stored location when the request gives none. */
export type TimeZoneLookup = (owner: { countryCode: string; partyId: string }, locationId: string) => Promise<string | undefined>;

export async function priceRequest(request: PriceRequest, lookupTimeZone?: TimeZoneLookup) {
  if (typeof request !== 'object' || request === null) throw new PricingInputError('a JSON object is required', '$');
  const version = (request.version ?? '2.2.1') as OcpiVersion;
  if (!OCPI_VERSIONS.includes(version)) throw new PricingInputError(`must be one of ${OCPI_VERSIONS.join(', ')}`, '$.version');
  if (request.cdr === undefined) throw new PricingInputError('a CDR or a Session to price is required', '$.cdr');
  const tariffs = tariffsOf(request, version);
  const session = isSession(request.cdr);
  const body = session ? canonical<Session>('Session', version, request.cdr, '$.cdr') : canonical<Cdr>('CDR', version, request.cdr, '$.cdr');
  const owner = { countryCode: body.country_code.toUpperCase(), partyId: body.party_id.toUpperCase() };
  const locationId = 'cdr_location' in body ? body.cdr_location.id : (body as Session).location_id;
  const timeZone = request.time_zone ?? (await lookupTimeZone?.(owner, locationId));
  if (!timeZone) {
    throw new PricingInputError(`is required: the hub has no location ${locationId} of ${owner.countryCode}*${owner.partyId} to take it from`, '$.time_zone');
  }
  assertTimeZone(timeZone, '$.time_zone');
  const jurisdiction = request.country ? jurisdictionOf(request.country, request.state) : undefined;
  const placement = { timeZone, jurisdiction };
  const priced = session ? sessionOfSession(body as Session, placement) : sessionOfCdr(body as Cdr, placement);
  const named = priced.periods.find((p) => p.tariff_id)?.tariff_id?.toUpperCase();
  const tariff = tariffs.find((t) => t.id.toUpperCase() === named) ?? tariffs[0];
  return pricedJson(priceSession(tariff, priced, policyWith(request.policy)));
}

function tariffsOf(request: PriceRequest, version: OcpiVersion): PricingTariff[] {
  if (request.tariffs !== undefined) {
    if (!Array.isArray(request.tariffs) || request.tariffs.length === 0) throw new PricingInputError('must be a non-empty list of tariffs', '$.tariffs');
    return request.tariffs.map((t, i) => pricingTariff(t, version, `$.tariffs[${i}]`));
  }
  if (request.tariff === undefined) throw new PricingInputError('a tariff (or tariffs) is required', '$.tariff');
  return [pricingTariff(request.tariff, version, '$.tariff')];
}
