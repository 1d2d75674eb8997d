import { describe, expect, it } from 'vitest';
import type { Queryable } from '../store/database.js';
import { JournalWriter } from './journal-writer.js';
import { metricsRegistry } from './metrics.js';

/** A counter's value now, from the process's metrics registry. */
async function counter(name: string): Promise<number> {
  const metric = await metricsRegistry.getSingleMetric(name)!.get();
  return metric.values.reduce((sum, value) => sum + value.value, 0);
}

/** A database whose INSERTs wait until released, counting the rows they carried. */
function slowDatabase() {
  let release!: () => void;
  let gate = new Promise<void>((resolve) => (release = resolve));
  const db = {
    inserts: 0,
    async query() {
      await gate;
      db.inserts++;
      return [];
    },
    open() {
      release();
      gate = Promise.resolve();
    },
  };
  return db;
}

const entry = () => ({ direction: 'OUT' as const, module: 'locations', method: 'PUT', url: 'http://example.test/x' });

describe('the journal writer', () => {
  it('lets a producer go on at once below its high-water mark', async () => {
    const db = slowDatabase();
    const writer = new JournalWriter(db as unknown as Queryable, { batchSize: 100, highWater: 10, flushIntervalMs: 60_000 });
    for (let i = 0; i < 9; i++) writer.record(entry());
    let free = false;
    await writer.room().then(() => (free = true));
    expect(free).toBe(true);
    expect(db.inserts).toBe(0);
  });

  it('holds a producer at the high-water mark until the buffered entries are written', async () => {
    const db = slowDatabase();
    const writer = new JournalWriter(db as unknown as Queryable, { batchSize: 100, highWater: 10, flushIntervalMs: 60_000 });
    for (let i = 0; i < 10; i++) writer.record(entry());
    let free = false;
    const waiting = writer.room().then(() => (free = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(free).toBe(false);
    db.open();
    await waiting;
    expect(db.inserts).toBeGreaterThan(0);
    expect(writer.dropped).toBe(0);
  });

  it('keeps an entry it must write at once while the journal database is away, and writes it when it is back', async () => {
    const written: unknown[] = [];
    let away = true;
    const db = {
      async query(_statement: unknown, params?: unknown[]) {
        if (away) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5433'), { code: 'ECONNREFUSED' });
        written.push(...JSON.parse(String(params?.[0])));
        return [];
      },
    };
    const writer = new JournalWriter(db as unknown as Queryable, { flushIntervalMs: 60_000 });
    await expect(writer.write({ ...entry(), url: 'http://example.test/registered' })).resolves.toBeUndefined();
    expect(written).toEqual([]);
    away = false;
    await writer.flush();
    expect(written).toMatchObject([{ url: 'http://example.test/registered', direction: 'OUT' }]);
    expect(writer.dropped).toBe(0);
  });

  it('tells the operator at most once a minute that writes fail or entries are dropped, and counts both', async () => {
    let away = true;
    const db = {
      async query() {
        if (away) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5433'), { code: 'ECONNREFUSED' });
        return [];
      },
    };
    const warnings: string[] = [];
    const failuresBefore = await counter('switchyard_journal_write_failures_total');
    const droppedBefore = await counter('switchyard_journal_dropped_total');
    const writer = new JournalWriter(db as unknown as Queryable, { maxBuffered: 3, flushIntervalMs: 60_000, warn: (message) => warnings.push(message) });

    for (let i = 0; i < 5; i++) writer.record(entry());
    await expect(writer.flush()).rejects.toThrow('ECONNREFUSED');
    await expect(writer.flush()).rejects.toThrow('ECONNREFUSED');
    expect(writer.waiting).toBe(3);
    expect(warnings).toEqual([
      "The journal's buffer is full while its database is away: entries are dropped, oldest first (1 so far)",
      'Journal write failed: connect ECONNREFUSED 127.0.0.1:5433; 3 entries wait to be written again',
    ]);
    expect(await counter('switchyard_journal_dropped_total')).toBe(droppedBefore + 2);
    expect(await counter('switchyard_journal_write_failures_total')).toBe(failuresBefore + 2);

    away = false;
    await writer.flush();
    expect(writer.waiting).toBe(0);
  });
});
