import type { Queryable } from '../../store/database.js';

/** How far behind each receiver is: events after its cursor, the oldest one's age, failures. */
export interface ReceiverBacklog {
  party: string;
  depth: number;
  lagSeconds: number;
  failures: number;
  lastError: string | null;
  nextAttemptAt: Date;
}

/**
 * Read from the delivery log and the receivers' cursors (see delivery/log.ts). The depth counts
 * events after the cursor that target the receiver or are broadcast by another party: an upper
 * bound, since a broadcast goes only to the parties that roam with its sender.
 */
export async function deliveryBacklog(db: Queryable, scope?: string[]): Promise<ReceiverBacklog[]> {
  const rows = await db.query<{ party: string; depth: number; oldest: Date | null; failures: number; last_error: string | null; next_attempt_at: Date }>(
    `SELECT p.country_code || '*' || p.party_id AS party, c.failures, c.last_error, c.next_attempt_at, b.depth, b.oldest
     FROM receiver_cursors c JOIN parties p ON p.id = c.party
     CROSS JOIN LATERAL (
       SELECT count(*)::int AS depth, min(e.created_at) AS oldest FROM events e
       WHERE (e.tx > c.last_tx OR (e.tx = c.last_tx AND e.seq > c.last_seq))
         AND (e.target_party = c.party OR (e.target_party IS NULL AND NOT (e.from_country = p.country_code AND e.from_party = p.party_id)))
     ) b
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
