/**
 * CDRs 2.1.1 ⇄ 2.2.1: stop_date_time ⇄ end_date_time, auth_id ⇄ cdr_token, the embedded Location ⇄
 * CdrLocation, total_cost number ⇄ Price, and the fields 2.2.1 added (cost breakdown, signed data,
 * credit CDRs, …), which 2.1.1 cannot carry.
 */
import * as v211 from '../../v2_1_1/index.js';
import * as v221 from '../../v2_2_1/index.js';
import { translated, type LossLog, type Translated, type TranslationContext } from '../context.js';
import { priceFrom211, priceTo211 } from '../money.js';
import { dropOwner, ownerOf } from './common.js';
import { conform211 } from './conform.js';
import { checkSnapshot, embeddedLocation211, refsOf, type LocationRefs } from './embedded-location.js';
import {
  authMethodTo211,
  cdrTokenFrom211,
  cdrTokenTo211,
  chargingPeriodsFrom211,
  chargingPeriodsTo211,
} from './sessions.js';
import { tariffDown, tariffUp } from './tariffs.js';

/** evse_id of a CdrLocation whose 2.1.1 EVSE has none (2.2.1 allows #NA there). */
export const UNKNOWN_EVSE_ID = '#NA';

export function cdrFrom211(cdr: v211.Cdr, ctx: TranslationContext): Translated<v221.Cdr> {
  return translated((log) => {
    const { stop_date_time, auth_id, location, tariffs, charging_periods, total_cost, ...rest } = cdr;
    const refs = refsOf(location, log.at('location'));
    const cdrLocation = cdrLocationFrom211(location, refs, log.at('location'));
    checkSnapshot(location, refs, ctx, log.at('location'), cdrLocation);
    const out: Record<string, unknown> = {
      ...ownerOf(ctx),
      ...rest,
      end_date_time: stop_date_time,
      cdr_token: cdrTokenFrom211(auth_id, ctx, log.at('auth_id')),
      cdr_location: cdrLocation,
      charging_periods: chargingPeriodsFrom211(charging_periods, log.at('charging_periods')),
      total_cost: priceFrom211(total_cost),
    };
    if (tariffs) out.tariffs = tariffs.map((tariff) => ({ ...ownerOf(ctx), ...tariffUp(tariff) }));
    return out as v221.Cdr;
  });
}

export function cdrTo211(cdr: v221.Cdr, ctx: TranslationContext): Translated<v211.Cdr> {
  return translated((log) => {
    const {
      country_code,
      party_id,
      end_date_time,
      cdr_token,
      auth_method,
      cdr_location,
      tariffs,
      charging_periods,
      total_cost,
      credit,
      home_charging_compensation,
      ...rest
    } = cdr;
    dropOwner({ country_code, party_id }, ctx, log);
    const out: Record<string, unknown> = omitAdded(rest, log);
    if (credit) log.dropped('credit', '2.1.1 has no credit CDRs: this one reads as an ordinary CDR');
    if (home_charging_compensation) log.dropped('home_charging_compensation', '2.1.1 CDRs have no such field');
    out.stop_date_time = end_date_time;
    out.auth_id = cdrTokenTo211(cdr_token, ctx, log.at('cdr_token'));
    out.auth_method = authMethodTo211(auth_method, log);
    const { id: location_id, evse_uid, connector_id } = cdr_location;
    const refs = { location_id, evse_uid, connector_id };
    out.location = embeddedLocation211(refs, ctx, log.at('cdr_location'), cdr.last_updated, cdr_location);
    for (const key of Object.keys(cdr_location)) {
      if (!(key in v221.CdrLocationSchema.properties)) {
        log.at('cdr_location').dropped(key, 'the 2.1.1 Location is rebuilt from the known CdrLocation fields only');
      }
    }
    if (tariffs) out.tariffs = tariffs.map((tariff, index) => tariffDown(tariff, ctx, log.at('tariffs').at(index)));
    out.charging_periods = chargingPeriodsTo211(charging_periods, log.at('charging_periods'));
    out.total_cost = priceTo211(total_cost, log.at('total_cost'));
    return conform211(v211.CdrSchema, out, log) as v211.Cdr;
  });
}

/** The 2.2.1 fields without a 2.1.1 counterpart, each reported when present. */
const ADDED_IN_2_2 = [
  'session_id',
  'authorization_reference',
  'signed_data',
  'total_fixed_cost',
  'total_energy_cost',
  'total_time_cost',
  'total_parking_cost',
  'total_reservation_cost',
  'invoice_reference_id',
  'credit_reference_id',
] as const;

function omitAdded(cdr: Record<string, unknown>, log: LossLog): Record<string, unknown> {
  const out = { ...cdr };
  for (const field of ADDED_IN_2_2) {
    if (out[field] === undefined) continue;
    log.dropped(field, '2.1.1 CDRs have no such field');
    delete out[field];
  }
  return out;
}

function cdrLocationFrom211(location: v211.Location, refs: LocationRefs, log: LossLog): v221.CdrLocation {
  const evse = location.evses?.[0];
  const connector = evse?.connectors[0];
  if (evse && evse.evse_id === undefined) {
    log.at('evses').at(0).defaulted('evse_id', `required in a 2.2.1 CdrLocation; ${UNKNOWN_EVSE_ID} is used`);
  }
  const cdrLocation: Record<string, unknown> = {
    id: location.id,
    address: location.address,
    city: location.city,
    postal_code: location.postal_code,
    country: location.country,
    coordinates: location.coordinates,
    evse_uid: refs.evse_uid,
    evse_id: evse?.evse_id ?? UNKNOWN_EVSE_ID,
    connector_id: refs.connector_id,
    connector_standard: connector?.standard,
    connector_format: connector?.format,
    connector_power_type: connector?.power_type,
  };
  if (location.name !== undefined) cdrLocation.name = location.name;
  return cdrLocation as v221.CdrLocation;
}
