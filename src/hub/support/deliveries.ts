import type { Queryable } from '../../store/database.js';
import { broadcastRoles, OWNER_ROLE } from '../routing.js';

/** How far behind each receiver is: events after its cursor and deliveries held back, the oldest one's age, failures. */
export interface ReceiverBacklog {
  party: string;
  depth: number;
  lagSeconds: number;
  /** The most attempts any held-back delivery of this receiver has had. */
  failures: number;
  lastError: string | null;
  /** When the next held-back delivery is tried; null when none waits. */
  nextAttemptAt: Date | null;
}

/**
 * Read from the delivery log, the receivers' cursors and their held-back deliveries
 * (store/event-log.ts, delivery/holds.ts), at a cost that does not grow with the backlog: metrics
 * scrapes and support pages ask for every receiver, and counting a backlog of millions row by row
 * for each took the database's CPU from the deliveries that drain it.
 * - depth: none when no event after the receiver's cursor is for it; otherwise the events logged
 *   after the cursor, from their sequence numbers (an upper bound: it counts events for other
 *   receivers and numbers left unused by rolled-back pushes), at least one; plus the deliveries
 *   held back behind it. The cursor follows commit order, not sequence numbers: a caught-up
 *   cursor may stand below the highest number, when a push that began earlier committed later;
 * - lag: the age of the oldest event after the cursor that is for the receiver (it targets the
 *   receiver, or another party broadcast it to the receiver's role), or of its oldest held-back
 *   delivery. A receiver sent nothing has its cursor written once a second (delivery/worker.ts):
 *   the events of others it has passed meanwhile count for nothing.
 */
/** The roles a broadcast of each module reaches (hub/routing.ts), as SQL rows; hub client info reaches every role. */
const BROADCAST_AUDIENCE = Object.entries(OWNER_ROLE)
  .flatMap(([module, owner]) => broadcastRoles(owner).map((role) => `('${module}', '${role}')`))
  .join(', ');

export async function deliveryBacklog(db: Queryable, scope?: string[]): Promise<ReceiverBacklog[]> {
  const rows = await db.query<{ party: string; depth: number; oldest: Date | null; failures: number; last_error: string | null; next_attempt_at: Date | null }>(
    `SELECT p.country_code || '*' || p.party_id AS party, h.failures, h.last_error, h.next_attempt_at,
            CASE WHEN b.oldest IS NULL THEN 0 ELSE greatest(head.seq - c.last_seq, 1)::int END + h.held AS depth,
            least(b.oldest, h.oldest) AS oldest
     FROM receiver_cursors c JOIN parties p ON p.id = c.party
     CROSS JOIN (SELECT coalesce(max(seq), 0) AS seq FROM events) head
     CROSS JOIN LATERAL (
       SELECT (SELECT e.created_at FROM events e
               WHERE (e.tx, e.seq) > (c.last_tx, c.last_seq)
                 AND (e.target_party = c.party
                      OR (e.target_party IS NULL AND NOT (e.from_country = p.country_code AND e.from_party = p.party_id)
                          AND (e.module = 'hubclientinfo' OR (e.module, p.role) IN (VALUES ${BROADCAST_AUDIENCE}))))
               ORDER BY e.tx, e.seq LIMIT 1) AS oldest
     ) b
     CROSS JOIN LATERAL (
       SELECT count(*)::int AS held, coalesce(max(d.attempts), 0)::int AS failures, min(d.held_since) AS oldest,
              min(d.next_attempt_at) FILTER (WHERE d.state = 'RETRY') AS next_attempt_at,
              (array_agg(d.error ORDER BY d.held_since DESC) FILTER (WHERE d.error IS NOT NULL))[1] AS last_error
       FROM delivery_holds d WHERE d.party = c.party
     ) h
     ${scope ? `WHERE p.country_code || '*' || p.party_id = ANY($1::text[])` : ''}
     ORDER BY party`,
    scope ? [scope] : [],
  );
  return rows.map((row) => ({
    party: row.party,
    depth: row.depth,
    lagSeconds: row.oldest ? Math.max(0, (Date.now() - row.oldest.getTime()) / 1000) : 0,
    failures: row.failures,
    lastError: row.last_error,
    nextAttemptAt: row.next_attempt_at,
  }));
}
