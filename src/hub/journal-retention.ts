import type { Queryable } from '../store/database.js';

/**
 * Journal retention: entries older than the retention period are deleted in time order, a batch
 * at a time, through the index on `at`. The hub does this instead of declarative partitioning:
 * the same plain SQL runs on PGlite and PostgreSQL, migrations stay plain statements, and nothing
 * must create tomorrow's partition ahead of time; deleting the oldest bucket by index costs about
 * what dropping a partition costs once autovacuum reclaims the space.
 */
export const DEFAULT_RETENTION_DAYS = 90;
const BATCH = 5_000;

/** SWITCHYARD_JOURNAL_RETENTION_DAYS, else 90 days. */
export function journalRetentionDays(): number {
  const configured = Number(process.env.SWITCHYARD_JOURNAL_RETENTION_DAYS);
  return Number.isFinite(configured) && configured > 0 ? configured : DEFAULT_RETENTION_DAYS;
}

/** Deletes journal entries and authorization decisions older than `days`; returns how many entries went. */
export async function pruneJournal(db: Queryable, days: number): Promise<number> {
  let deleted = 0;
  for (;;) {
    const rows = await db.query(
      `DELETE FROM journal WHERE id IN (
         SELECT id FROM journal WHERE at < now() - make_interval(days => $1) ORDER BY at LIMIT ${BATCH})
       RETURNING 1`,
      [days],
    );
    deleted += rows.length;
    if (rows.length < BATCH) break;
  }
  await db.query('DELETE FROM authorizations WHERE at < now() - make_interval(days => $1)', [days]);
  return deleted;
}
