import type { Database, Queryable } from '../store/database.js';
import { createJournalPartitions, journalPartitions, type JournalPartition } from './journal-partitions.js';

/**
 * Moving the journal a hub wrote beside its data to the journal's server of its own
 * (`--journal-database-url`), so that support finds the hops of before the switch where it now
 * reads. Day by day: the shared bodies of the day, then its entries, copied in batches that may
 * be copied again (a move that stops half-way is simply run again), and only then the day dropped
 * from the data's server. The authorization decisions follow, oldest first.
 *
 * Both databases carry the same schema (the journal's is migrated like the data's), so rows are
 * copied whole as JSON records, whatever columns later migrations add.
 */

/** Rows a statement copies at once: a few MB of JSON at the journal's row sizes. */
const BATCH_ROWS = 2_000;

export interface JournalMoveProgress {
  day: string;
  entries: number;
  bodies: number;
}

export interface JournalMoved {
  /** Days that had entries or shared bodies (empty partitions made ahead of time are dropped too). */
  days: number;
  entries: number;
  bodies: number;
  decisions: number;
}

/** The journal is still written beside the data: a hub process was not given the journal's server. */
export class JournalStillWritten extends Error {}

/**
 * Makes ids the journal's server hands out follow every id the data's server handed out, so
 * that entries of before and after the switch keep their order (timelines sort by id).
 */
export async function alignJournalIds(data: Queryable, journal: Queryable): Promise<void> {
  const [{ last }] = await data.query<{ last: number }>('SELECT last_value AS last FROM journal_id_seq');
  await journal.query(`SELECT setval('journal_id_seq', $1::bigint) WHERE $1::bigint > (SELECT last_value FROM journal_id_seq)`, [last]);
}

export async function moveJournal(data: Database, journal: Database, onDay: (progress: JournalMoveProgress) => void = () => undefined): Promise<JournalMoved> {
  await alignJournalIds(data, journal);
  const moved: JournalMoved = { days: 0, entries: 0, bodies: 0, decisions: 0 };
  for (const partition of await journalPartitions(data)) {
    const day = await moveDay(data, journal, partition);
    if (day.entries === 0 && day.bodies === 0) continue;
    onDay(day);
    moved.days++;
    moved.entries += day.entries;
    moved.bodies += day.bodies;
  }
  moved.decisions = await moveDecisions(data, journal);
  return moved;
}

async function moveDay(data: Database, journal: Database, partition: JournalPartition): Promise<JournalMoveProgress> {
  await createJournalPartitions(journal, [partition.day]);
  // Bodies first: an entry on the journal's server never refers to a body not there yet.
  const bodies = await copyBodies(data, journal, partition.day);
  let lastId = 0;
  let entries = 0;
  for (;;) {
    const batch = await copyBatch(
      data,
      journal,
      `SELECT * FROM ${partition.name} WHERE id > $1 ORDER BY id LIMIT ${BATCH_ROWS}`,
      [lastId],
      'INSERT INTO journal SELECT * FROM jsonb_populate_recordset(NULL::journal, $1::jsonb) ON CONFLICT DO NOTHING',
      'max(id)',
    );
    if (batch.rows === 0) break;
    entries += batch.rows;
    lastId = batch.last as number;
  }
  await data.transaction(async (tx) => {
    // Nothing may be added between the last copy and the drop.
    await tx.query(`LOCK TABLE ${partition.name} IN ACCESS EXCLUSIVE MODE`);
    const [{ later }] = await tx.query<{ later: number }>(`SELECT count(*)::int AS later FROM ${partition.name} WHERE id > $1`, [lastId]);
    if (later > 0) {
      throw new JournalStillWritten(
        `${later} journal entries of ${partition.day} were written beside the data while it was being moved: ` +
          'start every hub process with --journal-database-url, then move again',
      );
    }
    await tx.query(`DROP TABLE ${partition.name}`);
    await tx.query('DELETE FROM journal_bodies WHERE day = $1::date', [partition.day]);
  });
  return { day: partition.day, entries, bodies };
}

async function copyBodies(data: Queryable, journal: Queryable, day: string): Promise<number> {
  let lastDigest = '';
  let copied = 0;
  for (;;) {
    const batch = await copyBatch(
      data,
      journal,
      `SELECT * FROM journal_bodies WHERE day = $1::date AND digest > $2 ORDER BY digest LIMIT ${BATCH_ROWS}`,
      [day, lastDigest],
      'INSERT INTO journal_bodies SELECT * FROM jsonb_populate_recordset(NULL::journal_bodies, $1::jsonb) ON CONFLICT DO NOTHING',
      'max(digest)',
    );
    if (batch.rows === 0) return copied;
    copied += batch.rows;
    lastDigest = batch.last as string;
  }
}

/** Decisions are copied oldest first and each batch deleted once copied, so a rerun goes on where it stopped. */
async function moveDecisions(data: Database, journal: Queryable): Promise<number> {
  let moved = 0;
  for (;;) {
    const count = await data.transaction(async (tx) => {
      const batch = await copyBatch(
        tx,
        journal,
        `SELECT * FROM authorizations ORDER BY at, id LIMIT ${BATCH_ROWS} FOR UPDATE`,
        [],
        'INSERT INTO authorizations SELECT * FROM jsonb_populate_recordset(NULL::authorizations, $1::jsonb) ON CONFLICT DO NOTHING',
        'array_agg(id)::text[]',
      );
      if (batch.rows > 0) await tx.query('DELETE FROM authorizations WHERE id = ANY($1::uuid[])', [batch.last]);
      return batch.rows;
    });
    if (count === 0) return moved;
    moved += count;
  }
}

/**
 * Reads the rows of `select` from `from` as one JSON array (no row is parsed in the hub), inserts
 * them with `insert` on `to`, and returns how many there were and `lastOf` over them (a keyset's
 * next start).
 */
async function copyBatch(from: Queryable, to: Queryable, select: string, params: unknown[], insert: string, lastOf: string) {
  const [batch] = await from.query<{ rows: number; json: string; last: unknown }>(
    `SELECT count(*)::int AS rows, coalesce(json_agg(batch), '[]')::text AS json, ${lastOf} AS last FROM (${select}) AS batch`,
    params,
  );
  if (batch.rows > 0) await to.query(insert, [batch.json]);
  return batch;
}
