import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordAll, searchJournal } from '../../src/hub/journal.js';
import type { RunningHub } from '../../src/switchyard.js';
import { databaseLabel, startTestHub } from '../support/hub.js';

/** A value nested `depth` levels deep, built without recursion. */
function nested(depth: number): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i++) value = { inner: value };
  return value;
}

describe(`the journal keeps every entry (${databaseLabel})`, () => {
  let hub: RunningHub;
  beforeAll(async () => {
    hub = await startTestHub();
  });
  afterAll(async () => hub.close());

  const cases: [string, Record<string, unknown>, string | null][] = [
    ['plain', { requestBody: { id: 'LOC-1', token: 'secret' } }, null],
    ['NUL in a key and a value', { requestBody: { 'a\u0000b': 'c\u0000d' } }, 'escaped'],
    ['unpaired surrogates', { responseBody: { text: 'x\ud800y', other: '\udc00' }, error: 'broken \ud83d' }, 'escaped'],
    ['NUL in the URL and the object id', { url: '/ocpi/2.2.1/x\u0000', objectId: 'id\u0000' }, 'escaped'],
    ['a body nested 5000 deep', { responseBody: nested(5000) }, 'truncated'],
    ['a body of 1 MB', { requestBody: { blob: 'x'.repeat(1024 * 1024) } }, 'truncated'],
    ['a huge number and a bigint in the notes', { notes: { big: 1e308, count: 10n } }, null],
  ];

  it.each(cases)('stores an entry with %s', async (what, fields, altered) => {
    const correlationId = `journal-${what}`;
    await recordAll(hub.hub.db, [{ direction: 'IN', method: 'PUT', url: '/ocpi/2.2.1/receiver/locations', correlationId, ...fields }]);
    const { entries } = await searchJournal(hub.hub.db, { correlationId, limit: 10, offset: 0 });
    expect(entries).toHaveLength(1);
    expect(entries[0].altered).toBe(altered);
    if (what === 'plain') expect(entries[0].request_body).toEqual({ id: 'LOC-1', token: '[redacted]' });
    if (what === 'NUL in a key and a value') expect(entries[0].request_body).toEqual({ 'a\ufffdb': 'c\ufffdd' });
    if (what === 'a body of 1 MB') expect(entries[0].request_body).toEqual({ truncated: true, size: expect.any(Number), head: expect.any(String) });
  });

  it('falls back to the summary when the database refuses the entry all the same', async () => {
    // 2^31 does not fit the integer column: the entry is still there, without bodies, flagged.
    await recordAll(hub.hub.db, [{ direction: 'OUT', method: 'GET', url: '/x', correlationId: 'journal-fallback', httpStatus: 2 ** 40 }]);
    const { entries } = await searchJournal(hub.hub.db, { correlationId: 'journal-fallback', limit: 10, offset: 0 });
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ altered: 'fallback', http_status: null, url: '/x' });
    expect(entries[0].error).toMatch(/^journal entry stored without bodies: /);
  });
});
