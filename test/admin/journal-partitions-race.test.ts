import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJournalPartitions, journalPartitions } from '../../src/hub/journal-partitions.js';
import type { RunningHub } from '../../src/switchyard.js';
import { startTestHub } from '../support/hub.js';

/**
 * Hub processes that start together, or that reach a new day together, make the same day's
 * journal partition at once. The second must find the first's partition, not fail on it: a
 * process that fails here does not start, and a journal batch that fails here is not written.
 */
describe.runIf(process.env.DATABASE_URL)('making a journal partition from two connections at once, on PostgreSQL', () => {
  let hub: RunningHub;
  beforeAll(async () => {
    hub = await startTestHub();
  });
  afterAll(async () => hub.close());

  it('lets the one that waited find the partition the other made', async () => {
    const db = hub.hub.db;
    const day = '2099-06-15';
    let releaseFirst!: () => void;
    const firstMayCommit = new Promise<void>((resolve) => (releaseFirst = resolve));
    let firstMade!: () => void;
    const firstHasMadeIt = new Promise<void>((resolve) => (firstMade = resolve));
    // The first makes the partition and keeps its transaction open until the second waits for it.
    const first = db.transaction(async (tx) => {
      await createJournalPartitions(tx, [day]);
      firstMade();
      await firstMayCommit;
    });
    await firstHasMadeIt;
    const second = createJournalPartitions(db, [day]);
    await waitForLockWaiter(hub);
    releaseFirst();
    await first;
    await expect(second).resolves.toBeUndefined();
    expect((await journalPartitions(db)).map((partition) => partition.day)).toContain(day);
  });
});

/** Until a backend of this schema waits for a lock (the second caller, behind the first). */
async function waitForLockWaiter(hub: RunningHub): Promise<void> {
  for (;;) {
    const waiting = await hub.hub.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%journal_partition_for%'`,
    );
    if (waiting[0].n > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
