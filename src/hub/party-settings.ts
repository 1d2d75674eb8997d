import type { PartyRef } from '../ocpi/headers.js';
import type { Queryable } from '../store/database.js';
import { announceChange } from './directory/changes.js';
import type { BehindHubSource, ConnectionStatus } from './registry.js';

/** What the hub does for an eMSP's drivers when the eMSP cannot answer a real-time authorization. */
export const AUTHORIZATION_FALLBACKS = ['TOKEN_WHITELIST', 'DENY', 'ALLOW'] as const;
export type AuthorizationFallback = (typeof AUTHORIZATION_FALLBACKS)[number];

/** One role of a party with the operator's settings for it and the platform that hosts it. */
export interface PartySettings {
  role: string;
  countryCode: string;
  partyId: string;
  status: ConnectionStatus;
  platformId: string;
  platformName: string;
  /** Set for a party reached through its platform, a neighbouring hub. */
  behindHub: BehindHubSource | null;
  standardAgreement: boolean;
  authorizationFallback: AuthorizationFallback;
}

interface PartySettingsRow {
  role: string;
  country_code: string;
  party_id: string;
  status: ConnectionStatus;
  platform_id: string;
  platform_name: string;
  behind_hub: BehindHubSource | null;
  standard_agreement: boolean;
  authorization_fallback: AuthorizationFallback;
}

/** Every party (all its roles), or only the roles of `party`. */
export async function listPartySettings(db: Queryable, party?: PartyRef): Promise<PartySettings[]> {
  const rows = await db.query<PartySettingsRow>(
    `SELECT r.role, r.country_code, r.party_id, r.status, r.platform_id, p.name AS platform_name, r.behind_hub,
            r.standard_agreement, r.authorization_fallback
     FROM parties r JOIN platforms p ON p.id = r.platform_id
     WHERE ($1::text IS NULL OR (r.country_code = $1 AND r.party_id = $2))
     ORDER BY r.country_code, r.party_id, r.role`,
    [party?.countryCode ?? null, party?.partyId ?? null],
  );
  return rows.map((row) => ({
    role: row.role,
    countryCode: row.country_code,
    partyId: row.party_id,
    status: row.status,
    platformId: row.platform_id,
    platformName: row.platform_name,
    behindHub: row.behind_hub,
    standardAgreement: row.standard_agreement,
    authorizationFallback: row.authorization_fallback,
  }));
}

/** Sets the authorization fallback of every role of a party. */
export async function setAuthorizationFallback(db: Queryable, party: PartyRef, policy: AuthorizationFallback): Promise<void> {
  // updated_at tracks connection status (hubclientinfo); a policy change is not one.
  await db.query('UPDATE parties SET authorization_fallback = $3 WHERE country_code = $1 AND party_id = $2', [
    party.countryCode,
    party.partyId,
    policy,
  ]);
  await announceChange(db);
}
