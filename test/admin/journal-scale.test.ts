import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordAll, type JournalEntry } from '../../src/hub/journal.js';
import { DAYS_AHEAD, dayOf, journalPartitions } from '../../src/hub/journal-partitions.js';
import { pruneJournal } from '../../src/hub/journal-retention.js';
import type { RunningHub } from '../../src/switchyard.js';
import { migrate } from '../../src/store/migrate.js';
import { openDatabase } from '../../src/store/database.js';
import { admin, databaseLabel, isolatedDatabase, startTestHub } from '../support/hub.js';

describe(`journal at scale: partitions by day, retention and size cap (${databaseLabel})`, () => {
  let hub: RunningHub;
  beforeAll(async () => {
    hub = await startTestHub();
  });
  afterAll(async () => hub.close());

  it('drops whole days older than the retention period, and only those', async () => {
    const DAY = 86_400_000;
    const now = new Date();
    // Days without a partition yet: each insert makes its day's partition on demand.
    for (const daysAgo of [120, 91, 89, 0]) {
      await recordAll(hub.hub.db, [{ direction: 'IN', method: 'GET', url: '/x', correlationId: `age-${daysAgo}`, at: new Date(now.getTime() - daysAgo * DAY) }]);
    }
    const dayAgo = (days: number) => dayOf(new Date(now.getTime() - days * DAY));
    const days = (await journalPartitions(hub.hub.db)).map((partition) => partition.day);
    expect(days).toEqual(expect.arrayContaining([dayAgo(120), dayAgo(91), dayAgo(89), dayAgo(0), dayAgo(-DAYS_AHEAD)]));

    expect(await pruneJournal(hub.hub.db, 90, now)).toEqual([dayAgo(120), dayAgo(91)]);
    const left = await hub.hub.db.query<{ correlation_id: string }>("SELECT correlation_id FROM journal WHERE correlation_id LIKE 'age-%' ORDER BY id");
    expect(left.map((row) => row.correlation_id)).toEqual(['age-89', 'age-0']);
    expect((await journalPartitions(hub.hub.db)).map((partition) => partition.day)).not.toContain(dayAgo(91));
    expect(await pruneJournal(hub.hub.db, 90, now)).toEqual([]);
  });

  it('stores a body that many deliveries share once a day, and reads it back with each entry until its day is dropped', async () => {
    const DAY = 86_400_000;
    const now = new Date();
    const location = { id: 'SHARED-LOC', evses: Array.from({ length: 10 }, (_, i) => ({ uid: `SHARED-${i}`, status: 'AVAILABLE' })) };
    const delivery = (to: string, daysAgo: number): JournalEntry => ({
      direction: 'OUT', method: 'PUT', url: '/locations/US/CP1/SHARED-LOC', toParty: to, correlationId: `shared-${daysAgo}`,
      requestBody: location, responseBody: { status_code: 1000 }, at: new Date(now.getTime() - daysAgo * DAY),
    });
    const small = { status: 'CHARGING' };
    await recordAll(hub.hub.db, [
      ...['US*MS1', 'US*MS2', 'CA*MS3'].map((to) => delivery(to, 100)),
      ...['US*MS1', 'US*MS2'].map((to) => delivery(to, 0)),
      { direction: 'OUT', method: 'PATCH', url: '/x', toParty: 'US*MS1', correlationId: 'shared-small', requestBody: small },
      { direction: 'OUT', method: 'PATCH', url: '/x', toParty: 'US*MS2', correlationId: 'shared-small', requestBody: small },
    ]);
    // Once for each day it was sent on; a short body stays with its entries.
    const stored = await hub.hub.db.query<{ day: string }>("SELECT day::text AS day FROM journal_bodies WHERE body->>'id' = 'SHARED-LOC' ORDER BY day");
    expect(stored.map((row) => row.day)).toEqual([dayOf(new Date(now.getTime() - 100 * DAY)), dayOf(now)]);
    const inline = await hub.hub.db.query<{ n: number }>("SELECT count(*)::int AS n FROM journal WHERE correlation_id LIKE 'shared-%' AND request_body IS NOT NULL");
    expect(inline).toEqual([{ n: 2 }]);

    for (const daysAgo of [100, 0]) {
      const { body } = await admin(hub, 'GET', `/api/journal?correlation_id=shared-${daysAgo}`);
      expect(body.entries.map((entry: { request_body: unknown }) => entry.request_body)).toEqual(Array(daysAgo ? 3 : 2).fill(location));
    }
    const { body: smallOnes } = await admin(hub, 'GET', '/api/journal?correlation_id=shared-small');
    expect(smallOnes.entries.map((entry: { request_body: unknown }) => entry.request_body)).toEqual([small, small]);

    await pruneJournal(hub.hub.db, 90, now);
    const kept = await hub.hub.db.query<{ day: string }>("SELECT day::text AS day FROM journal_bodies WHERE body->>'id' = 'SHARED-LOC'");
    expect(kept.map((row) => row.day)).toEqual([dayOf(now)]);
  });

  it('keeps the head of a payload over the size cap and flags the entry', async () => {
    const huge = { evses: Array.from({ length: 400 }, (_, i) => ({ uid: `EVSE-${i}`, status: 'AVAILABLE', note: 'x'.repeat(40) })) };
    await recordAll(hub.hub.db, [{ direction: 'IN', method: 'PUT', url: '/big', correlationId: 'big-one', requestBody: huge, responseBody: { status_code: 1000 } }]);
    const { body } = await admin(hub, 'GET', '/api/journal?correlation_id=big-one');
    const [entry] = body.entries;
    expect(entry.truncated).toBe(true);
    expect(entry.request_body).toMatchObject({ truncated: true, size: JSON.stringify(huge).length });
    expect(entry.request_body.head.startsWith('{"evses":[{"uid":"EVSE-0"')).toBe(true);
    expect(entry.response_body).toEqual({ status_code: 1000 });
  });
});

describe(`the journal migration to partitions (${databaseLabel})`, () => {
  it('converts an existing journal table without losing a row', async () => {
    const isolated = await isolatedDatabase();
    const db = await openDatabase({ databaseUrl: isolated.options.databaseUrl, schema: isolated.options.databaseSchema });
    try {
      await migrate(db, { through: '071_accounts.sql' });
      for (const [i, daysAgo] of [40, 40, 3, 0].entries()) {
        await db.query(
          `INSERT INTO journal (at, direction, method, url, correlation_id, from_party, blame, request_body)
           VALUES (now() - make_interval(days => $1), 'IN', 'PUT', '/old', $2, 'US*CP1', 'CPO', '{"status": "AVAILABLE"}')`,
          [daysAgo, `before-${i}`],
        );
      }
      const before = await db.query<{ id: number; at: Date; correlation_id: string }>('SELECT id, at, correlation_id FROM journal ORDER BY id');

      await migrate(db);
      const [{ relkind }] = await db.query<{ relkind: string }>(`SELECT relkind FROM pg_class WHERE oid = 'journal'::regclass`);
      expect(relkind).toBe('p');
      const after = await db.query<{ id: number; at: Date; correlation_id: string; request_body: unknown }>(
        'SELECT id, at, correlation_id, request_body FROM journal ORDER BY id',
      );
      expect(after.map(({ id, at, correlation_id }) => ({ id, at, correlation_id }))).toEqual(before);
      expect(after.every((row) => JSON.stringify(row.request_body) === '{"status":"AVAILABLE"}')).toBe(true);
      expect((await journalPartitions(db)).map((p) => p.day)).toEqual([...new Set(before.map((row) => dayOf(new Date(row.at))))].sort());

      // Ids go on from the old table's, and the support searches keep their indexes on every partition.
      await recordAll(db, [{ direction: 'IN', method: 'GET', url: '/new', correlationId: 'after-migration' }]);
      const [latest] = await db.query<{ id: number }>("SELECT id FROM journal WHERE correlation_id = 'after-migration'");
      expect(Number(latest.id)).toBeGreaterThan(Math.max(...before.map((row) => Number(row.id))));
      const indexes = await db.query<{ indexdef: string }>('SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = $1', [(await journalPartitions(db))[0].name]);
      // The key and the support searches' six; (module, object_id), which nothing read, was dropped by migration 110.
      expect(indexes).toHaveLength(7);
      expect(indexes.some((index) => index.indexdef.includes('(upper(object_id))'))).toBe(true);
      expect(indexes.some((index) => index.indexdef.includes('(module, object_id)'))).toBe(false);
    } finally {
      await db.close();
      await isolated.drop();
    }
  });
});
