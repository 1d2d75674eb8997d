/**
 * Sessions 2.1.1 ⇄ 2.2.1, and the pieces CDRs share with them: auth_id ⇄ cdr_token, the embedded
 * Location ⇄ references, charging periods (2.2.1 dropped the FLAT dimension and added eight others),
 * total_cost number ⇄ Price, renamed start/end fields, SessionStatus RESERVATION.
 */
import * as v211 from '../../v2_1_1/index.js';
import type * as v221 from '../../v2_2_1/index.js';
import { differences } from '../diff.js';
import { LossLog, translated, type Translated, type TranslationContext } from '../context.js';
import { priceFrom211, priceTo211 } from '../money.js';
import { dropOwner, ownerOf, patchLastUpdated } from './common.js';
import { conform211 } from './conform.js';
import { checkSnapshot, embeddedLocation211, refsOf } from './embedded-location.js';

/** Party of a cdr_token built from a contract id that is neither in the store nor eMA-ID shaped. */
export const UNKNOWN_PARTY = { country_code: 'ZZ', party_id: 'ZZZ' } as const;

type Mode = 'object' | 'patch';

export function sessionFrom211(session: v211.Session, ctx: TranslationContext): Translated<v221.Session> {
  return translated((log) => sessionUp(session, ctx, log, 'object') as v221.Session);
}

export function sessionPatchFrom211(patch: v211.SessionPatch, ctx: TranslationContext): Translated<v221.SessionPatch> {
  return translated((log) => sessionUp(patch, ctx, log, 'patch') as v221.SessionPatch);
}

export function sessionTo211(session: v221.Session, ctx: TranslationContext): Translated<v211.Session> {
  return translated((log) => conform211(v211.SessionSchema, sessionDown(session, ctx, log), log) as v211.Session);
}

export function sessionPatchTo211(patch: v221.SessionPatch, ctx: TranslationContext): Translated<v211.SessionPatch> {
  return translated((log) => conform211(v211.SessionPatchSchema, sessionDown(patch, ctx, log), log));
}

function sessionUp(session: v211.SessionPatch, ctx: TranslationContext, log: LossLog, mode: Mode) {
  const { start_datetime, end_datetime, auth_id, location, charging_periods, total_cost, ...rest } = session;
  const out: Record<string, unknown> = mode === 'object' ? { ...ownerOf(ctx), ...rest } : { ...rest };
  if (start_datetime !== undefined) out.start_date_time = start_datetime;
  if (end_datetime !== undefined) out.end_date_time = end_datetime;
  if (auth_id !== undefined) out.cdr_token = cdrTokenFrom211(auth_id, ctx, log.at('auth_id'));
  if (location) {
    const refs = refsOf(location, log.at('location'));
    checkSnapshot(location, refs, ctx, log.at('location'));
    Object.assign(out, refs);
  }
  if (charging_periods) out.charging_periods = chargingPeriodsFrom211(charging_periods, log.at('charging_periods'));
  if (total_cost !== undefined) out.total_cost = priceFrom211(total_cost);
  if (mode === 'patch') out.last_updated = patchLastUpdated(session, ctx, log);
  return out;
}

function sessionDown(session: v221.SessionPatch, ctx: TranslationContext, log: LossLog) {
  const {
    country_code,
    party_id,
    start_date_time,
    end_date_time,
    cdr_token,
    auth_method,
    authorization_reference,
    location_id,
    evse_uid,
    connector_id,
    charging_periods,
    total_cost,
    status,
    ...rest
  } = session;
  dropOwner({ country_code, party_id }, ctx, log);
  const out: Record<string, unknown> = { ...rest };
  if (start_date_time !== undefined) out.start_datetime = start_date_time;
  if (end_date_time !== undefined) out.end_datetime = end_date_time;
  if (cdr_token) out.auth_id = cdrTokenTo211(cdr_token, ctx, log.at('cdr_token'));
  if (auth_method !== undefined) out.auth_method = authMethodTo211(auth_method, log);
  if (authorization_reference !== undefined) {
    log.dropped('authorization_reference', '2.1.1 Sessions have no authorization_reference');
  }
  if (location_id !== undefined) {
    const refs = { location_id, evse_uid: evse_uid ?? '', connector_id: connector_id ?? '' };
    out.location = embeddedLocation211(refs, ctx, log.at('location'), session.last_updated ?? '');
  } else if (evse_uid !== undefined || connector_id !== undefined) {
    const reason = '2.1.1 can only send the whole location, and location_id is not in this PATCH';
    log.dropped(evse_uid !== undefined ? 'evse_uid' : 'connector_id', reason);
  }
  if (charging_periods) out.charging_periods = chargingPeriodsTo211(charging_periods, log.at('charging_periods'));
  if (total_cost) out.total_cost = priceTo211(total_cost, log.at('total_cost'));
  if (status === 'RESERVATION') {
    out.status = 'PENDING';
    log.approximated('status', '2.1.1 SessionStatus has no RESERVATION; PENDING is the nearest');
  } else if (status !== undefined) {
    out.status = status;
  }
  return out;
}

/**
 * 2.1.1's auth_id is the token's contract id; the rest of the cdr_token comes from the token store, or,
 * for an unknown token, from the contract id itself: uid = contract id, type OTHER, and the party from
 * an eMA-ID prefix ("NL-TNM-…", "DE8AC…").
 */
export function cdrTokenFrom211(authId: string, ctx: TranslationContext, log: LossLog): v221.CdrToken {
  const token = ctx.findTokenByContractId(authId);
  if (!token) {
    const fallback = fallbackCdrToken(authId);
    log.defaulted(
      undefined,
      `no token with contract id ${authId} in the hub's store: cdr_token uid ${fallback.uid}, type ${fallback.type}, ` +
        `party ${fallback.country_code}/${fallback.party_id}`,
    );
    return fallback;
  }
  const { country_code, party_id, uid, type } = token;
  return { country_code, party_id, uid, type, contract_id: authId };
}

/** Keeps the contract id; the rest is lost unless the store gives the same cdr_token back. */
export function cdrTokenTo211(cdrToken: v221.CdrToken, ctx: TranslationContext, log: LossLog): string {
  const back = cdrTokenFrom211(cdrToken.contract_id, ctx, new LossLog());
  if (differences(back, cdrToken).length > 0) {
    log.dropped(undefined, "2.1.1 keeps only the contract id (auth_id); the hub's token store gives another cdr_token");
  }
  return cdrToken.contract_id;
}

function fallbackCdrToken(contractId: string): v221.CdrToken {
  const emaid = /^([A-Za-z]{2})-?([A-Za-z0-9]{3})/.exec(contractId);
  const party = emaid ? { country_code: emaid[1].toUpperCase(), party_id: emaid[2].toUpperCase() } : UNKNOWN_PARTY;
  return { ...party, uid: contractId, type: 'OTHER', contract_id: contractId };
}

export function authMethodTo211(method: v221.AuthMethod, log: LossLog): v211.AuthMethod {
  if (method !== 'COMMAND') return method;
  log.approximated('auth_method', '2.1.1 AuthMethod has no COMMAND; AUTH_REQUEST (by the eMSP) is the nearest');
  return 'AUTH_REQUEST';
}

/** A period left without dimensions is dropped too (a period needs at least one). */
export function chargingPeriodsFrom211(periods: v211.ChargingPeriod[], log: LossLog): v221.ChargingPeriod[] {
  return periods.flatMap((period, index) => {
    const periodLog = log.at(index);
    const dimensions = period.dimensions.filter((dimension, dimensionIndex) => {
      if (dimension.type !== 'FLAT') return true;
      periodLog.at('dimensions').dropped(dimensionIndex, '2.2.1 removed the FLAT dimension from CDRs');
      return false;
    });
    if (dimensions.length === 0) {
      periodLog.dropped(undefined, 'no dimension of this period exists in 2.2.1');
      return [];
    }
    return [{ ...period, dimensions } as v221.ChargingPeriod];
  });
}

export function chargingPeriodsTo211(periods: v221.ChargingPeriod[], log: LossLog): v211.ChargingPeriod[] {
  return periods.flatMap((period, index) => {
    const periodLog = log.at(index);
    const { tariff_id, dimensions, ...rest } = period;
    if (tariff_id !== undefined) periodLog.dropped('tariff_id', '2.1.1 charging periods have no tariff_id');
    const kept = dimensions.filter((dimension, dimensionIndex) => {
      if ((v211.CDR_DIMENSION_TYPES as readonly string[]).includes(dimension.type)) return true;
      periodLog.at('dimensions').dropped(dimensionIndex, `CdrDimensionType ${dimension.type} does not exist in 2.1.1`);
      return false;
    });
    if (kept.length === 0) {
      periodLog.dropped(undefined, 'no dimension of this period exists in 2.1.1');
      return [];
    }
    return [conform211(v211.ChargingPeriodSchema, { ...rest, dimensions: kept } as v211.ChargingPeriod, periodLog)];
  });
}
