/**
 * Tokens 2.1.1 ⇄ 2.2.1: Token (auth_id ⇄ contract_id, owner fields, new TokenTypes and fields),
 * its PATCH body, LocationReferences and AuthorizationInfo (which gained a full Token in 2.2.1).
 */
import * as v211 from '../../v2_1_1/index.js';
import type * as v221 from '../../v2_2_1/index.js';
import { differences } from '../diff.js';
import { nowOf, translated, type LossLog, type Translated, type TranslationContext } from '../context.js';
import { dropOwner, ownerOf, patchLastUpdated } from './common.js';
import { conform211 } from './conform.js';

/** Fills issuer of the Token a 2.1.1 AuthorizationInfo lacks when the hub does not know the token. */
export const UNKNOWN_ISSUER = '#NA';

export function tokenFrom211(token: v211.Token, ctx: TranslationContext): Translated<v221.Token> {
  return translated(() => tokenUp(token, ctx) as v221.Token);
}

export function tokenPatchFrom211(patch: v211.TokenPatch, ctx: TranslationContext): Translated<v221.TokenPatch> {
  return translated((log) => {
    const { auth_id, ...rest } = patch;
    const out: Record<string, unknown> = { ...rest, last_updated: patchLastUpdated(patch, ctx, log) };
    if (auth_id !== undefined) out.contract_id = auth_id;
    return out as v221.TokenPatch;
  });
}

export function tokenTo211(token: v221.Token, ctx: TranslationContext): Translated<v211.Token> {
  return translated((log) => conform211(v211.TokenSchema, tokenDown(token, ctx, log), log) as v211.Token);
}

export function tokenPatchTo211(patch: v221.TokenPatch, ctx: TranslationContext): Translated<v211.TokenPatch> {
  return translated((log) => conform211(v211.TokenPatchSchema, tokenDown(patch, ctx, log), log));
}

export function locationReferencesFrom211(
  references: v211.LocationReferences,
  _ctx: TranslationContext,
): Translated<v221.LocationReferences> {
  return translated((log) => referencesUp(references, log));
}

export function locationReferencesTo211(
  references: v221.LocationReferences,
  _ctx: TranslationContext,
): Translated<v211.LocationReferences> {
  return translated((log) => conform211(v211.LocationReferencesSchema, references, log));
}

/**
 * The 2.2.1 AuthorizationInfo must carry the Token, which a 2.1.1 one leaves to the request URL: it comes
 * from the store by `ctx.authorizeRequest`, or is built from the request when the hub does not know it.
 */
export function authorizationInfoFrom211(
  info: v211.AuthorizationInfo,
  ctx: TranslationContext,
): Translated<v221.AuthorizationInfo> {
  const request = ctx.authorizeRequest;
  if (!request) throw new Error('authorizationInfoFrom211 needs ctx.authorizeRequest, the token of the request');
  return translated((log) => {
    const { location, ...rest } = info;
    const out: Record<string, unknown> = { ...rest, token: authorizedToken(info, request, ctx, log) };
    if (location) out.location = referencesUp(location, log.at('location'));
    return out as v221.AuthorizationInfo;
  });
}

export function authorizationInfoTo211(
  info: v221.AuthorizationInfo,
  ctx: TranslationContext,
): Translated<v211.AuthorizationInfo> {
  return translated((log) => {
    const { token, authorization_reference, ...rest } = info;
    const stored = ctx.findToken(token.uid, token.type);
    if (!stored || differences(stored, token).length > 0) {
      log.dropped('token', '2.1.1 AuthorizationInfo has no Token; the hub store does not hold this one as sent');
    }
    if (authorization_reference !== undefined) {
      log.dropped('authorization_reference', '2.1.1 has no authorization_reference');
    }
    return conform211(v211.AuthorizationInfoSchema, rest, log) as v211.AuthorizationInfo;
  });
}

/** Exported for Commands, which carry Tokens. */
export function tokenUp(token: v211.Token, ctx: TranslationContext): Record<string, unknown> {
  const { auth_id, ...rest } = token;
  return { ...ownerOf(ctx), ...rest, contract_id: auth_id };
}

export function tokenDown(token: v221.TokenPatch, ctx: TranslationContext, log: LossLog): Record<string, unknown> {
  const { country_code, party_id, type, contract_id, group_id, default_profile_type, energy_contract, ...rest } = token;
  dropOwner({ country_code, party_id }, ctx, log);
  const out: Record<string, unknown> = { ...rest };
  if (type === 'APP_USER' || type === 'AD_HOC_USER') {
    out.type = 'OTHER';
    log.approximated('type', `2.1.1 TokenType has no ${type}; OTHER is used`);
  } else if (type !== undefined) {
    out.type = type;
  }
  if (contract_id !== undefined) out.auth_id = contract_id;
  const absent = '2.1.1 Tokens have no such field';
  if (group_id !== undefined) log.dropped('group_id', absent);
  if (default_profile_type !== undefined) log.dropped('default_profile_type', absent);
  if (energy_contract !== undefined) log.dropped('energy_contract', absent);
  return out;
}

function referencesUp(references: v211.LocationReferences, log: LossLog): v221.LocationReferences {
  const { connector_ids, ...rest } = references;
  if (connector_ids !== undefined) log.dropped('connector_ids', '2.2.1 removed connector_ids from LocationReferences');
  return rest;
}

function authorizedToken(
  info: v211.AuthorizationInfo,
  request: NonNullable<TranslationContext['authorizeRequest']>,
  ctx: TranslationContext,
  log: LossLog,
): v221.Token {
  // The authorize URL's type defaults to RFID in 2.1.1.
  const type = request.tokenType ?? 'RFID';
  const stored = ctx.findToken(request.tokenUid, type);
  if (stored) return stored;
  const valid = info.allowed === 'ALLOWED';
  log.defaulted(
    'token',
    `token ${request.tokenUid} is not in the hub's store: built from the request (contract_id = uid, ` +
      `issuer ${UNKNOWN_ISSUER}, valid = ${valid}, whitelist NEVER)`,
  );
  return {
    ...ownerOf(ctx),
    uid: request.tokenUid,
    type,
    contract_id: request.tokenUid,
    issuer: UNKNOWN_ISSUER,
    valid,
    whitelist: 'NEVER',
    last_updated: nowOf(ctx),
  };
}
