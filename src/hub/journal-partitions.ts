import type { Queryable } from '../store/database.js';

/**
 * The journal is partitioned by UTC day (migration 072): one table per day, named journal_pYYYYMMDD,
 * made by the database function journal_partition_for. The hub makes the partitions of the coming
 * days ahead of time; a row dated outside them (an old or future time) gets its day's partition
 * when its insert finds none.
 */

/** Days after today whose partitions exist before the first entry needs them. */
export const DAYS_AHEAD = 3;
const PARTITION_NAME = /^journal_p(\d{4})(\d{2})(\d{2})$/;

/** The UTC day of a moment, as YYYY-MM-DD. */
export const dayOf = (at: Date) => at.toISOString().slice(0, 10);

/** Makes the partitions of these days (YYYY-MM-DD) where they are missing. */
export async function createJournalPartitions(db: Queryable, days: Iterable<string>): Promise<void> {
  await db.query('SELECT journal_partition_for(day) FROM unnest($1::date[]) AS day', [[...new Set(days)]]);
}

/** Makes the partitions of today and the DAYS_AHEAD days after it, by the database's clock. */
export async function prepareJournalPartitions(db: Queryable): Promise<void> {
  await db.query(`SELECT journal_partition_for((now() AT TIME ZONE 'UTC')::date + n) FROM generate_series(0, $1::int) AS n`, [DAYS_AHEAD]);
}

/** True for the error of an insert whose row falls on a day without a partition. */
export const isMissingPartition = (error: unknown) => error instanceof Error && /no partition of relation "?journal"? found for row/.test(error.message);

export interface JournalPartition {
  name: string;
  /** The UTC day it holds, as YYYY-MM-DD. */
  day: string;
}

/** The journal's partitions, oldest day first. */
export async function journalPartitions(db: Queryable): Promise<JournalPartition[]> {
  const rows = await db.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'journal'::regclass`,
  );
  return rows
    .map(({ name }) => ({ name, match: PARTITION_NAME.exec(name) }))
    .filter(({ match }) => match)
    .map(({ name, match }) => ({ name, day: `${match![1]}-${match![2]}-${match![3]}` }))
    .sort((a, b) => a.day.localeCompare(b.day));
}

/** Drops one day's partition, its entries with it. */
export async function dropJournalPartition(db: Queryable, partition: JournalPartition): Promise<void> {
  // The name matched PARTITION_NAME: digits only after the prefix, safe to write into the statement.
  await db.query(`DROP TABLE IF EXISTS ${partition.name}`);
}
