import type { Queryable } from '../../store/database.js';

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
 * (store/event-log.ts, delivery/holds.ts). The depth counts events after the cursor that target
 * the receiver or are broadcast by another party (an upper bound, since a broadcast goes only to
 * the parties that roam with its sender), plus the deliveries held back behind it.
 */
export async function deliveryBacklog(db: Queryable, scope?: string[]): Promise<ReceiverBacklog[]> {
  const rows = await db.query<{ party: string; depth: number; oldest: Date | null; failures: number; last_error: string | null; next_attempt_at: Date | null }>(
    `SELECT p.country_code || '*' || p.party_id AS party, h.failures, h.last_error, h.next_attempt_at,
            b.depth + h.held AS depth, least(b.oldest, h.oldest) AS oldest
     FROM receiver_cursors c JOIN parties p ON p.id = c.party
     CROSS JOIN LATERAL (
       SELECT count(*)::int AS depth, min(e.created_at) AS oldest FROM events e
       WHERE (e.tx > c.last_tx OR (e.tx = c.last_tx AND e.seq > c.last_seq))
         AND (e.target_party = c.party OR (e.target_party IS NULL AND NOT (e.from_country = p.country_code AND e.from_party = p.party_id)))
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
