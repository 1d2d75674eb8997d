import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database, Queryable } from '../../src/store/database.js';
import { eventPlaceholders, eventValues, readAfter, readEvents, type Cursor, type NewEvent } from '../../src/store/event-log.js';
import { openMigratedDatabase } from '../clearing/database.js';
import { databaseLabel } from '../support/hub.js';

const CP1 = { countryCode: 'US', partyId: 'CP1' };

const change = (n: number): NewEvent => ({
  module: 'locations',
  method: 'PATCH',
  owner: CP1,
  objectId: `LOC-${n}`,
  path: `/US/CP1/LOC-${n}/EVSE-1`,
  body: { status: 'CHARGING' },
  from: CP1,
  coalescible: true,
  correlationId: `c-${n}`,
});

/**
 * Receivers read the log in transaction order through a cursor. Transaction ids leave the database
 * as text, and in text 10 sorts before 9: a reader that ordered by it would take the longer ids
 * first whenever the ids grow a digit, and its cursor would then pass events it never read.
 */
describe(`the delivery log's order across a digit boundary (${databaseLabel})`, { timeout: 60_000 }, () => {
  let db: Database;
  /** Transactions long ended on any database (real ids start in the hundreds), across 9 → 10 and 99 → 100. */
  const transactions = ['8', '9', '10', '11', '98', '99', '100', '101'];

  beforeAll(async () => {
    db = await openMigratedDatabase();
    for (const [i, tx] of transactions.entries()) {
      await db.query(`INSERT INTO events (tx, module, method, owner_country, owner_party, object_id, path, absolute_url, body,
        from_country, from_party, target_party, coalescible, correlation_id, source_version, original_body)
        VALUES ($1::xid8, ${eventPlaceholders(2)})`, [tx, ...eventValues(change(i))]);
    }
  });
  afterAll(() => db?.close());

  it('reads every event once, in transaction order, batch after batch', async () => {
    const read: string[] = [];
    let cursor: Cursor = { tx: '0', seq: 0 };
    for (;;) {
      const batch = await readAfter(db, cursor, 3);
      if (batch.length === 0) break;
      read.push(...batch.map((event) => event.tx));
      cursor = { tx: batch.at(-1)!.tx, seq: batch.at(-1)!.seq };
    }
    expect(read).toEqual(transactions);
  });

  it('gives held events back in transaction order', async () => {
    const seqs = (await db.query<{ seq: number }>('SELECT seq FROM events')).map((row) => row.seq);
    expect((await readEvents(db, seqs)).map((event) => event.tx)).toEqual(transactions);
  });
});

describe('a batch of the log out of order', () => {
  /** A database answering with the rows given, whatever it is asked. */
  const answering = (rows: { tx: string; seq: number }[]): Queryable => ({ query: async <Row>() => rows as Row[] });

  it('is refused, so that no cursor moves past events not read', async () => {
    const after = { tx: '98', seq: 1 };
    await expect(readAfter(answering([{ tx: '100', seq: 7 }, { tx: '99', seq: 5 }]), after, 10)).rejects.toThrow(
      'The delivery log came back out of order: 99/5 after 100/7',
    );
    await expect(readAfter(answering([{ tx: '98', seq: 1 }]), after, 10)).rejects.toThrow(/out of order: 98\/1 after 98\/1/);
  });

  it('is taken in order across a digit boundary', async () => {
    const events = await readAfter(answering([{ tx: '99', seq: 5 }, { tx: '100', seq: 3 }, { tx: '100', seq: 4 }]), { tx: '98', seq: 9 }, 10);
    expect(events.map((event) => `${event.tx}/${event.seq}`)).toEqual(['99/5', '100/3', '100/4']);
  });
});
