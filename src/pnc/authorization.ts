import type { FallbackDecision } from '../hub/authorization.js';
import type { AuthorizationFallback } from '../hub/party-settings.js';
import { findParty, type RoutedParty } from '../hub/routing.js';
import { formatParty } from '../ocpi/headers.js';
import type { Token, TokenType } from '../ocpi/v2_2_1/index.js';
import type { Queryable } from '../store/database.js';
import { contractStanding, type ContractStanding } from './contracts.js';
import { emaidOrUndefined } from './emaid.js';

/**
 * Plug & Charge in real-time authorization: an EMAID is routed to the MO the contract pool names,
 * and when that eMSP does not answer in time, its contract certificate's standing in the pool
 * (valid, expired, revoked) can decide in its place.
 */

export type ContractFallbackRule = `FALLBACK_CONTRACT_${ContractStanding}`;

/** The eMSP owning an EMAID: the MO that published its contract, else the MO client holding its provider id. */
export async function emaidOwner(db: Queryable, uid: string): Promise<RoutedParty | undefined> {
  const emaid = emaidOrUndefined(uid);
  if (!emaid) return undefined;
  const [contract] = await db.query<{ country_code: string; party_id: string }>(
    'SELECT owner_country AS country_code, owner_party AS party_id FROM pnc_contracts WHERE emaid_key = $1',
    [emaid.key],
  );
  const [owner] = contract
    ? [contract]
    : await db.query<{ country_code: string; party_id: string }>(
        `SELECT p.country_code, p.party_id FROM pnc_clients c JOIN parties p ON p.id = c.party
         WHERE c.role = 'MO' AND $1 = ANY(c.provider_ids) ORDER BY c.created_at LIMIT 1`,
        [emaid.provider],
      );
  return owner && findParty(db, { countryCode: owner.country_code, partyId: owner.party_id }, ['EMSP']);
}

/**
 * What the pool says about an EMAID of this eMSP that the hub holds no token for: a token standing
 * for the contract, and the decision its standing makes (none under policy DENY, which refuses
 * everything anyway).
 */
export async function contractFallback(
  db: Queryable,
  request: { uid: string; type: TokenType },
  emsp: RoutedParty,
  policy: AuthorizationFallback,
): Promise<{ token: Token; decision?: FallbackDecision } | undefined> {
  const emaid = emaidOrUndefined(request.uid);
  const found = emaid && (await contractStanding(db, emaid));
  if (!emaid || !found) return undefined;
  if (found.contract && formatParty(found.contract.owner) !== formatParty(emsp.ref)) return undefined;
  const token: Token = {
    country_code: emsp.ref.countryCode,
    party_id: emsp.ref.partyId,
    uid: request.uid,
    type: request.type,
    contract_id: emaid.id,
    issuer: formatParty(emsp.ref),
    valid: found.standing === 'VALID',
    whitelist: 'ALLOWED_OFFLINE',
    last_updated: new Date().toISOString(),
  };
  if (policy === 'DENY') return { token };
  const rule: ContractFallbackRule = `FALLBACK_CONTRACT_${found.standing}`;
  const validTo = found.contract?.validTo.toISOString();
  const reasons: Record<ContractStanding, string> = {
    VALID: `the contract certificate of ${emaid.id} in the pool is valid until ${validTo}`,
    EXPIRED: `the contract certificate of ${emaid.id} expired on ${validTo}`,
    NOT_YET_VALID: `the contract certificate of ${emaid.id} is not valid yet`,
    REVOKED: `the contract certificate of ${emaid.id} was revoked by its mobility operator`,
  };
  return { token, decision: { allowed: found.standing === 'VALID' ? 'ALLOWED' : 'NOT_ALLOWED', rule, reason: reasons[found.standing] } };
}
