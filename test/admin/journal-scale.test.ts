import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { record } from '../../src/hub/journal.js';
import { pruneJournal } from '../../src/hub/journal-retention.js';
import type { RunningHub } from '../../src/switchyard.js';
import { admin, databaseLabel, startTestHub } from '../support/hub.js';

describe(`journal at scale: retention and size cap (${databaseLabel})`, () => {
  let hub: RunningHub;
  beforeAll(async () => {
    hub = await startTestHub();
  });
  afterAll(async () => hub.close());

  it('deletes entries older than the retention period, and only those', async () => {
    for (const daysAgo of [120, 91, 89, 0]) {
      await hub.hub.db.query(
        `INSERT INTO journal (at, direction, method, url, correlation_id) VALUES (now() - make_interval(days => $1), 'IN', 'GET', '/x', $2)`,
        [daysAgo, `age-${daysAgo}`],
      );
    }
    expect(await pruneJournal(hub.hub.db, 90)).toBe(2);
    const left = await hub.hub.db.query<{ correlation_id: string }>("SELECT correlation_id FROM journal WHERE correlation_id LIKE 'age-%' ORDER BY id");
    expect(left.map((row) => row.correlation_id)).toEqual(['age-89', 'age-0']);
    expect(await pruneJournal(hub.hub.db, 90)).toBe(0);
  });

  it('keeps the head of a payload over the size cap and flags the entry', async () => {
    const huge = { evses: Array.from({ length: 400 }, (_, i) => ({ uid: `EVSE-${i}`, status: 'AVAILABLE', note: 'x'.repeat(40) })) };
    await record(hub.hub.db, { direction: 'IN', method: 'PUT', url: '/big', correlationId: 'big-one', requestBody: huge, responseBody: { status_code: 1000 } });
    const { body } = await admin(hub, 'GET', '/api/journal?correlation_id=big-one');
    const [entry] = body.entries;
    expect(entry.truncated).toBe(true);
    expect(entry.request_body).toMatchObject({ truncated: true, size: JSON.stringify(huge).length });
    expect(entry.request_body.head.startsWith('{"evses":[{"uid":"EVSE-0"')).toBe(true);
    expect(entry.response_body).toEqual({ status_code: 1000 });
  });
});
