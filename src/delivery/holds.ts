import { prepared, type Database, type Queryable } from '../store/database.js';
import type { Cursor } from '../store/event-log.js';

export type HoldState = 'RETRY' | 'PARKED' | 'WAITING';

/** One event held back for one receiver (see migration 010). */
export interface Hold {
  seq: number;
  objectKey: string;
  state: HoldState;
  /** Attempts made for this event and this receiver. */
  attempts: number;
  /** Epoch ms. */
  nextAttemptAt: number;
  httpStatus?: number;
  ocpiStatus?: number;
  blame?: string;
  error?: string;
}

interface HoldRow {
  seq: number;
  object_key: string;
  state: HoldState;
  attempts: number;
  next_attempt_at: Date;
  http_status: number | null;
  ocpi_status: number | null;
  blame: string | null;
  error: string | null;
}

export async function loadHolds(db: Queryable, party: string): Promise<Hold[]> {
  const rows = await db.query<HoldRow>(
    `SELECT seq, object_key, state, attempts, next_attempt_at, http_status, ocpi_status, blame, error
     FROM delivery_holds WHERE party = $1 ORDER BY seq`,
    [party],
  );
  return rows.map((row) => ({
    seq: row.seq,
    objectKey: row.object_key,
    state: row.state,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at.getTime(),
    httpStatus: row.http_status ?? undefined,
    ocpiStatus: row.ocpi_status ?? undefined,
    blame: row.blame ?? undefined,
    error: row.error ?? undefined,
  }));
}

/** What one batch of a receiver changed: where its cursor is now, and its holds. */
export interface Progress {
  party: string;
  cursor?: Cursor;
  /** Holds created or changed. */
  held: Hold[];
  /** Holds that are over (delivered, superseded, dropped). */
  released: number[];
}

/**
 * Records a batch's progress atomically: the cursor never moves past an event unless the event
 * was delivered or is held. Without hold changes it is one statement.
 */
export async function saveProgress(db: Database, progress: Progress): Promise<void> {
  if (progress.held.length === 0 && progress.released.length === 0) {
    if (progress.cursor) await moveCursor(db, progress.party, progress.cursor);
    return;
  }
  await db.transaction(async (tx) => {
    if (progress.released.length > 0) {
      await tx.query('DELETE FROM delivery_holds WHERE party = $1 AND seq = ANY($2::bigint[])', [progress.party, progress.released]);
    }
    if (progress.held.length > 0) {
      const h = progress.held;
      await tx.query(
        `INSERT INTO delivery_holds (party, seq, object_key, state, attempts, next_attempt_at, http_status, ocpi_status, blame, error)
         SELECT $1, * FROM unnest($2::bigint[], $3::text[], $4::text[], $5::int[], $6::timestamptz[], $7::int[], $8::int[], $9::text[], $10::text[])
         ON CONFLICT (party, seq) DO UPDATE SET state = excluded.state, attempts = excluded.attempts,
           next_attempt_at = excluded.next_attempt_at, http_status = excluded.http_status, ocpi_status = excluded.ocpi_status,
           blame = excluded.blame, error = excluded.error`,
        [
          progress.party,
          h.map((x) => x.seq),
          h.map((x) => x.objectKey),
          h.map((x) => x.state),
          h.map((x) => x.attempts),
          h.map((x) => new Date(x.nextAttemptAt).toISOString()),
          h.map((x) => x.httpStatus ?? null),
          h.map((x) => x.ocpiStatus ?? null),
          h.map((x) => x.blame ?? null),
          h.map((x) => x.error ?? null),
        ],
      );
    }
    if (progress.cursor) await moveCursor(tx, progress.party, progress.cursor);
  });
}

const MOVE_CURSORS = prepared(
  'move-cursors',
  `UPDATE receiver_cursors c SET last_tx = m.tx::xid8, last_seq = m.seq
   FROM unnest($1::uuid[], $2::text[], $3::bigint[]) m(party, tx, seq)
   WHERE c.party = m.party AND (c.last_tx, c.last_seq) < (m.tx::xid8, m.seq)`,
);

/** Moves several receivers' cursors in one statement. */
export async function moveCursors(db: Queryable, moves: { party: string; cursor: Cursor }[]): Promise<void> {
  if (moves.length === 0) return;
  await db.query(
    MOVE_CURSORS,
    [moves.map((m) => m.party), moves.map((m) => m.cursor.tx), moves.map((m) => m.cursor.seq)],
  );
}

function moveCursor(db: Queryable, party: string, cursor: Cursor): Promise<void> {
  return moveCursors(db, [{ party, cursor }]);
}

export async function readCursor(db: Queryable, party: string): Promise<Cursor | undefined> {
  const [row] = await db.query<{ last_tx: string; last_seq: number }>(
    'SELECT last_tx::text AS last_tx, last_seq FROM receiver_cursors WHERE party = $1',
    [party],
  );
  return row && { tx: row.last_tx, seq: row.last_seq };
}

/** A parked delivery as the operator sees it. */
export interface ParkedDelivery {
  receiver: string;
  receiver_party: string;
  seq: number;
  module: string;
  method: string;
  object_id: string;
  correlation_id: string;
  attempts: number;
  http_status: number | null;
  ocpi_status: number | null;
  blame: string | null;
  error: string | null;
  held_since: Date;
  /** Later events of the same object waiting behind it. */
  waiting: number;
}

export async function listParked(db: Queryable, filter: { party?: string; limit: number }): Promise<ParkedDelivery[]> {
  return db.query<ParkedDelivery>(
    `SELECT h.party::text AS receiver, p.country_code || '*' || p.party_id AS receiver_party, h.seq, e.module, e.method, e.object_id,
            e.correlation_id, h.attempts, h.http_status, h.ocpi_status, h.blame, h.error, h.held_since,
            (SELECT count(*)::int FROM delivery_holds w WHERE w.party = h.party AND w.object_key = h.object_key AND w.state = 'WAITING') AS waiting
     FROM delivery_holds h JOIN events e ON e.seq = h.seq JOIN parties p ON p.id = h.party
     WHERE h.state = 'PARKED' AND ($1::text IS NULL OR p.country_code || '*' || p.party_id = upper($1))
     ORDER BY h.held_since, h.seq LIMIT $2`,
    [filter.party ?? null, filter.limit],
  );
}

/** Sends a parked delivery again at the next round, with a fresh count of attempts. */
export async function retryParked(db: Queryable, receiver: string, seq: number): Promise<boolean> {
  const rows = await db.query(
    `UPDATE delivery_holds SET state = 'RETRY', attempts = 0, next_attempt_at = now()
     WHERE party::text = $1 AND seq = $2 AND state = 'PARKED' RETURNING seq`,
    [receiver, seq],
  );
  return rows.length > 0;
}

/** Gives up a parked delivery; the object's later events, if any, go next. */
export async function dropParked(db: Queryable, receiver: string, seq: number): Promise<boolean> {
  const rows = await db.query(`DELETE FROM delivery_holds WHERE party::text = $1 AND seq = $2 AND state = 'PARKED' RETURNING seq`, [
    receiver,
    seq,
  ]);
  return rows.length > 0;
}
