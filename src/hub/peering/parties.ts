import { randomUUID } from 'node:crypto';
import type { Queryable } from '../../store/database.js';
import { announceChange } from '../directory/changes.js';
import {
  PartyTakenError,
  startReceiverCursor,
  toParty,
  type BehindHubSource,
  type ConnectionStatus,
  type Party,
  type PartyRow,
} from '../registry.js';

/** A party behind a neighbouring hub, as its hubclientinfo or the operator describes it. */
export interface RemoteParty {
  role: string;
  countryCode: string;
  partyId: string;
  status: ConnectionStatus;
  /** Kept as it was when not given (ClientInfo carries none). */
  businessDetails?: Record<string, unknown>;
}

/** SQL: the row `parties` belongs to a neighbouring hub's platform (one that declared role HUB). */
export const ON_NEIGHBOUR_HUB = `EXISTS (SELECT 1 FROM parties hub WHERE hub.platform_id = parties.platform_id AND hub.role = 'HUB' AND hub.behind_hub IS NULL)`;

/**
 * Records a party reached through a neighbouring hub, or its new status. A party another platform
 * hosts stays where it is (PartyTakenError), unless it is SUSPENDED there. Returns the party and
 * whether its status changed, which the hub's other partners are to be told.
 */
export async function saveRemoteParty(
  tx: Queryable,
  neighbourId: string,
  remote: RemoteParty,
  source: BehindHubSource,
): Promise<{ party: Party; changed: boolean }> {
  const [row] = await tx.query<PartyRow & { previous_status: ConnectionStatus | null }>(
    `WITH previous AS (
       SELECT status FROM parties WHERE country_code = $3 AND party_id = $4 AND role = $2)
     INSERT INTO parties (id, platform_id, role, country_code, party_id, business_details, status, standard_agreement, behind_hub)
     VALUES ($1, $5, $2, $3, $4, $6, $7, (SELECT standard_agreement FROM platforms WHERE id = $5), $8)
     ON CONFLICT (country_code, party_id, role) DO UPDATE
       SET platform_id = EXCLUDED.platform_id, status = EXCLUDED.status,
           business_details = CASE WHEN $9::boolean THEN EXCLUDED.business_details ELSE parties.business_details END,
           -- Once the hub knows a party behind this neighbour, it stays known the way it first was.
           behind_hub = CASE WHEN parties.platform_id = EXCLUDED.platform_id THEN parties.behind_hub ELSE EXCLUDED.behind_hub END,
           updated_at = CASE WHEN parties.status = EXCLUDED.status THEN parties.updated_at ELSE now() END
       WHERE parties.platform_id = EXCLUDED.platform_id OR parties.status = 'SUSPENDED'
     RETURNING *, (SELECT status FROM previous) AS previous_status`,
    [
      randomUUID(),
      remote.role,
      remote.countryCode,
      remote.partyId,
      neighbourId,
      JSON.stringify(remote.businessDetails ?? {}),
      remote.status,
      source,
      remote.businessDetails !== undefined,
    ],
  );
  if (!row) {
    const { role, countryCode, partyId, businessDetails = {} } = remote;
    throw new PartyTakenError({ role, countryCode, partyId, businessDetails });
  }
  await startReceiverCursor(tx, row.id);
  await announceChange(tx);
  return { party: toParty(row), changed: row.previous_status !== row.status };
}

/** The parties this hub tells a neighbouring hub about: its own, not those behind any neighbour. */
export async function ownParties(db: Queryable): Promise<Party[]> {
  const rows = await db.query<PartyRow>(
    `SELECT * FROM parties WHERE NOT ${ON_NEIGHBOUR_HUB} ORDER BY updated_at, country_code, party_id, role`,
  );
  return rows.map(toParty);
}
