import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cdrHistory, countClearingCdrs, getClearingCdr, listClearingCdrs, streamClearingCdrs } from '../../src/clearing/cdr-records.js';
import { recordDuplicateCdr, recordReceivedCdr } from '../../src/clearing/intake.js';
import type { Database } from '../../src/store/database.js';
import { databaseLabel } from '../support/hub.js';
import { openMigratedDatabase } from './database.js';
import { cdrFixture } from './fixtures.js';

describe(`clearing records (${databaseLabel})`, () => {
  let db: Database;
  const cpo = { countryCode: 'US', partyId: 'CP1' };
  beforeAll(async () => {
    db = await openMigratedDatabase();
    for (let i = 1; i <= 5; i++) {
      const cdr = cdrFixture({ id: `cdr-${i}`, total_cost: { excl_vat: 8.125 + i, incl_vat: 9.5 + i } });
      if (i === 5) cdr.cdr_token = { ...cdr.cdr_token, party_id: 'MS2' };
      await db.transaction((tx) => recordReceivedCdr(tx, { cdr, from: cpo }));
    }
  }, 180_000);
  afterAll(() => db.close());

  it('keeps what the CPO claimed, exactly, as a record waiting for its audit', async () => {
    const record = await getClearingCdr(db, cpo, 'cdr-1');
    expect(record).toMatchObject({
      cdrId: 'CDR-1',
      emsp: { countryCode: 'US', partyId: 'MS1' },
      currency: 'USD',
      sessionId: 'S-CDR-1',
      status: 'RECEIVED',
      claimedTotalExcl: '9.125',
      claimedTotalIncl: '10.5',
      claimed: { total_cost: { before_taxes: '9.125', after_taxes: '10.5' } },
      credit: false,
    });
    expect(record?.auditedAt).toBeUndefined();
    expect(await cdrHistory(db, record!.seq)).toMatchObject([{ actor: 'US*CP1', action: 'RECEIVE', toStatus: 'RECEIVED' }]);
  });

  it('pages by filter in the order received, and streams every page', async () => {
    const first = await listClearingCdrs(db, { emsp: { countryCode: 'US', partyId: 'MS1' } }, { limit: 3 });
    expect(first.items.map((r) => r.cdrId)).toEqual(['CDR-1', 'CDR-2', 'CDR-3']);
    const second = await listClearingCdrs(db, { emsp: { countryCode: 'US', partyId: 'MS1' } }, { after: first.next, limit: 3 });
    expect(second.items.map((r) => r.cdrId)).toEqual(['CDR-4']);
    expect(second.next).toBeUndefined();
    expect(await countClearingCdrs(db, { cpo, status: ['RECEIVED'] })).toBe(5);
    expect(await countClearingCdrs(db, { cpo, status: ['FLAGGED'] })).toBe(0);
    const all: string[] = [];
    for await (const record of streamClearingCdrs(db, { cpo }, 2)) all.push(record.cdrId);
    expect(all).toHaveLength(5);
  });

  it('notes a repeated CDR id on the first record instead of storing it twice', async () => {
    await db.transaction((tx) => recordReceivedCdr(tx, { cdr: cdrFixture({ id: 'cdr-1' }), from: cpo }));
    await db.transaction((tx) => recordDuplicateCdr(tx, cpo, 'cdr-1', cpo));
    const record = await getClearingCdr(db, cpo, 'CDR-1');
    expect(record?.claimedTotalExcl).toBe('9.125');
    expect((await cdrHistory(db, record!.seq)).map((h) => h.action)).toEqual(['RECEIVE', 'DUPLICATE']);
  });
});
