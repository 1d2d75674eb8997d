import type { PartyRef } from '../ocpi/headers.js';
import type { Queryable } from '../store/database.js';
import { agreementBetween, type AgreementDecision } from './agreements.js';

/** The role that owns each routed module's objects (the data owner in OCPI's terms). */
export const OWNER_ROLE: Record<string, 'CPO' | 'EMSP'> = {
  locations: 'CPO',
  tariffs: 'CPO',
  sessions: 'CPO',
  cdrs: 'CPO',
  tokens: 'EMSP',
  commands: 'EMSP',
  chargingprofiles: 'EMSP',
};

/** Who a broadcast push reaches (transport_and_format → Broadcast Push): CPO → eMSP, NSP, OTHER; eMSP → CPO. */
export function broadcastRoles(senderRole: string): string[] {
  return senderRole === 'CPO' ? ['EMSP', 'NSP', 'OTHER'] : ['CPO'];
}

/** A party the hub routes to, as stored. */
export interface RoutedParty {
  id: string;
  ref: PartyRef;
  role: string;
  platformId: string;
  status: string;
}

export async function findParty(db: Queryable, ref: PartyRef, roles?: string[]): Promise<RoutedParty | undefined> {
  const [row] = await db.query<{ id: string; role: string; platform_id: string; status: string }>(
    `SELECT id, role, platform_id, status FROM parties
     WHERE country_code = $1 AND party_id = $2 AND ($3::text[] IS NULL OR role = ANY($3::text[]))
     ORDER BY CASE status WHEN 'CONNECTED' THEN 0 WHEN 'OFFLINE' THEN 1 ELSE 2 END LIMIT 1`,
    [ref.countryCode.toUpperCase(), ref.partyId.toUpperCase(), roles ?? null],
  );
  return row && { id: row.id, ref: { countryCode: ref.countryCode.toUpperCase(), partyId: ref.partyId.toUpperCase() }, role: row.role, platformId: row.platform_id, status: row.status };
}

/** The agreement between the two ends of a route, whichever of them is the CPO. */
export function agreementFor(
  db: Queryable,
  a: { ref: PartyRef; role: string },
  b: { ref: PartyRef; role: string },
  module: string,
): Promise<AgreementDecision> {
  return a.role === 'CPO' ? agreementBetween(db, a.ref, b.ref, module) : agreementBetween(db, b.ref, a.ref, module);
}
