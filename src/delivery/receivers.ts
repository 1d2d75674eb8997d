import type { PartyRef } from '../ocpi/headers.js';
import type { Queryable } from '../store/database.js';
import type { Quirks } from '../hub/quirks.js';
import type { TokenSealer } from '../hub/secrets.js';

/** A receiver party as the delivery worker needs it: where and how to reach it. */
export interface Receiver {
  /** The party's row id. */
  id: string;
  ref: PartyRef;
  role: string;
  platformId: string;
  platformStatus: string;
  ocpiVersion: string;
  token: string;
  quirks: Quirks;
  /** Receiver interface URLs by module. */
  endpoints: Map<string, string>;
}

export async function loadReceiver(db: Queryable, sealer: TokenSealer, partyId: string): Promise<Receiver | undefined> {
  const [row] = await db.query<{
    id: string;
    country_code: string;
    party_id: string;
    role: string;
    platform_id: string;
    platform_status: string;
    ocpi_version: string | null;
    outbound_token: string | null;
    quirks: Quirks;
  }>(
    `SELECT r.id, r.country_code, r.party_id, r.role, r.platform_id, p.status AS platform_status, p.ocpi_version,
            p.outbound_token, p.quirks
     FROM parties r JOIN platforms p ON p.id = r.platform_id WHERE r.id = $1`,
    [partyId],
  );
  if (!row?.outbound_token || !row.ocpi_version) return undefined;
  const endpoints = await db.query<{ module: string; url: string }>(
    `SELECT module, url FROM endpoints WHERE platform_id = $1 AND role = 'RECEIVER'`,
    [row.platform_id],
  );
  return {
    id: row.id,
    ref: { countryCode: row.country_code, partyId: row.party_id },
    role: row.role,
    platformId: row.platform_id,
    platformStatus: row.platform_status,
    ocpiVersion: row.ocpi_version,
    token: sealer.open(row.outbound_token),
    quirks: row.quirks ?? {},
    endpoints: new Map(endpoints.map((e) => [e.module, e.url.replace(/\/+$/, '')])),
  };
}
