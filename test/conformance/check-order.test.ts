import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckReport } from '../../src/conformance/report.js';
import { checksOf, latestCheckOf, saveCheck } from '../../src/conformance/store.js';
import type { Database } from '../../src/store/database.js';
import { openMigratedDatabase } from '../clearing/database.js';
import { databaseLabel } from '../support/hub.js';

/**
 * Check ids leave the database as text, in which 10 sorts before 9: a partner's latest check (which
 * gates its routes) must be the one with the highest number, not the one whose text sorts last.
 */
describe(`a partner's checks in order across a digit boundary (${databaseLabel})`, { timeout: 60_000 }, () => {
  let db: Database;
  const platformId = randomUUID();
  const check = (verdict: CheckReport['verdict']): CheckReport => ({
    platform_id: platformId,
    started_at: new Date().toISOString(),
    finished_at: new Date().toISOString(),
    reason: 'OPERATOR',
    verdict,
    cases: [],
    quirks: {},
  });

  beforeAll(async () => {
    db = await openMigratedDatabase();
    await db.query('INSERT INTO platforms (id, name) VALUES ($1, $2)', [platformId, 'Order CPO']);
    await db.query(`SELECT setval('conformance_checks_id_seq', 8)`);
    await saveCheck(db, check('FAIL'));
    await saveCheck(db, check('PASS'));
  });
  afterAll(() => db?.close());

  it('takes check 10, not 9, as the latest', async () => {
    expect(await latestCheckOf(db, platformId)).toMatchObject({ id: '10', verdict: 'PASS' });
  });

  it('lists the checks newest first', async () => {
    expect((await checksOf(db, platformId)).map((report) => report.id)).toEqual(['10', '9']);
  });
});
