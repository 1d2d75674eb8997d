import type { Queryable } from '../store/database.js';
import { pruneSharedBodies } from './journal-bodies.js';
import { dropJournalPartition, journalPartitions, prepareJournalPartitions } from './journal-partitions.js';

/**
 * Journal retention: the journal is partitioned by day, so entries past the retention period go a
 * whole day at a time, by dropping that day's partition (no row deletes, nothing for vacuum to
 * reclaim). A day is dropped once all of it is older than the period, with the bodies its entries
 * shared (journal-bodies.ts). Authorization decisions, a small table, are deleted by row.
 */
export const DEFAULT_RETENTION_DAYS = 90;
const DAY_MS = 86_400_000;

/** SWITCHYARD_JOURNAL_RETENTION_DAYS, else 90 days. */
export function journalRetentionDays(): number {
  const configured = Number(process.env.SWITCHYARD_JOURNAL_RETENTION_DAYS);
  return Number.isFinite(configured) && configured > 0 ? configured : DEFAULT_RETENTION_DAYS;
}

/** Drops the journal's days older than `days` and deletes older authorization decisions; returns the days dropped. */
export async function pruneJournal(db: Queryable, days: number, now = new Date()): Promise<string[]> {
  const cutoff = now.getTime() - days * DAY_MS;
  const expired = (await journalPartitions(db)).filter((partition) => Date.parse(`${partition.day}T00:00:00Z`) + DAY_MS <= cutoff);
  for (const partition of expired) await dropJournalPartition(db, partition);
  await pruneSharedBodies(db, new Date(cutoff));
  await db.query('DELETE FROM authorizations WHERE at < $1', [new Date(cutoff)]);
  return expired.map((partition) => partition.day);
}

/** The hub's hourly journal upkeep: the coming days' partitions made, the expired ones dropped. */
export async function maintainJournal(db: Queryable, days: number): Promise<void> {
  await prepareJournalPartitions(db);
  await pruneJournal(db, days);
}
