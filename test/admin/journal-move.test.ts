import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { success } from '../../src/ocpi/envelope.js';
import { recordAll } from '../../src/hub/journal.js';
import { openPostgres } from '../../src/store/postgres.js';
import type { RunningHub } from '../../src/switchyard.js';
import { location, token } from '../support/fixtures.js';
import { admin, eventually, isolatedDatabase, journalDatabase, rowsOf, startLoopbackHub } from '../support/hub.js';
import { startRoamingNetwork } from '../support/network.js';

const BIN = fileURLToPath(new URL('../../bin/switchyard.js', import.meta.url));
const run = promisify(execFile);
const CP1 = { countryCode: 'US', partyId: 'CP1' };
const MS1 = { countryCode: 'US', partyId: 'MS1' };
const serverUrl = process.env.DATABASE_URL;

const countOf = async (url: string, table: string) => (await rowsOf<{ n: number }>(url, `SELECT count(*)::int AS n FROM ${table}`))[0].n;

/** `switchyard move-journal` as an operator runs it, from the data's server to the journal's. */
async function move(dataUrl: string, journalUrl: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const { DATABASE_URL: _data, SWITCHYARD_JOURNAL_DATABASE_URL: _journal, ...env } = process.env;
  return run('node', [BIN, 'move-journal'], { env: { ...env, DATABASE_URL: dataUrl, SWITCHYARD_JOURNAL_DATABASE_URL: journalUrl } }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
  );
}

describe.skipIf(!serverUrl)('moving the journal written beside the data to a server of its own (PostgreSQL server only)', () => {
  let main: Awaited<ReturnType<typeof isolatedDatabase>>;
  let journal: Awaited<ReturnType<typeof journalDatabase>>;
  let hub: RunningHub | undefined;
  const story = { push: '', tap: '' };
  const before = { entries: 0, bodies: 0, decisions: 0, lastId: 0 };

  beforeAll(async () => {
    main = await isolatedDatabase();
    journal = await journalDatabase(main.options.databaseSchema!);

    // A hub with its journal beside the data: a location delivered to both eMSPs (one body, shared
    // by the two hops), a token and a tap.
    const net = await startRoamingNetwork(main.options);
    try {
      const put = await net.cpo1.send({ method: 'PUT', url: `${net.cpo1.hubUrl('locations', undefined, 'RECEIVER')}/US/CP1/LOC-MOVE`, body: location(CP1, 'LOC-MOVE') });
      expect(put.envelope?.status_code).toBe(1000);
      const tokenPut = await net.emsp1.send({
        method: 'PUT',
        url: `${net.emsp1.hubUrl('tokens', undefined, 'RECEIVER')}/US/MS1/TOK-MOVE?type=RFID`,
        body: token(MS1, 'TOK-MOVE'),
      });
      expect(tokenPut.envelope?.status_code).toBe(1000);
      expect(put.envelope?.status_code).toBe(1000);
      net.emsp1.handle('tokens', () => success({ allowed: 'ALLOWED', token: token(MS1, 'TOK-MOVE') }));
      const tap = await net.cpo1.send<any>({ method: 'POST', url: `${net.cpo1.hubUrl('tokens', undefined, 'SENDER')}/TOK-MOVE/authorize?type=RFID` });
      expect(tap.envelope?.data.allowed).toBe('ALLOWED');
      story.push = put.correlationId;
      story.tap = tap.correlationId;
      await eventually(async () => {
        const out = await rowsOf(main.url!, `SELECT 1 FROM journal WHERE correlation_id = $1 AND direction = 'OUT'`, [put.correlationId]);
        return out.length >= 2 && (await countOf(main.url!, 'authorizations')) === 1;
      }, 30_000, 'the push, its deliveries and the tap journaled beside the data');
    } finally {
      await net.close();
    }
    // One body shared by two hops, as a change delivered to several receivers in one batch of the
    // journal's writer is stored (whether the deliveries above shared a batch depends on timing).
    const db = await openPostgres(serverUrl!, main.options.databaseSchema);
    try {
      const body = location(CP1, 'LOC-SHARED');
      await recordAll(db, ['US*MS1', 'US*MS2'].map((to) => ({ direction: 'OUT' as const, correlationId: 'shared-body', toParty: to, module: 'locations', method: 'PUT', url: `http://emsp.test/${to}`, requestBody: body, at: new Date() })));
    } finally {
      await db.close();
    }
    // A day of its own, as a journal kept for weeks has.
    await rowsOf(main.url!, `SELECT journal_partition_for((now() - interval '3 days')::date)`);
    await rowsOf(main.url!, `INSERT INTO journal (at, direction, method, url, correlation_id) VALUES (now() - interval '3 days', 'IN', 'GET', '/ocpi/versions', 'three-days-ago')`);

    before.entries = await countOf(main.url!, 'journal');
    before.bodies = await countOf(main.url!, 'journal_bodies');
    before.decisions = await countOf(main.url!, 'authorizations');
    before.lastId = (await rowsOf<{ id: number }>(main.url!, 'SELECT max(id)::int AS id FROM journal'))[0].id;
    // The hub restarted with its journal on the journal's server, as every process is before a move.
    hub = await startLoopbackHub({ ...main.options, journalDatabaseUrl: journal.url });
  }, 120_000);

  afterAll(async () => {
    await hub?.close();
    await main?.drop();
    await journal?.drop();
  });

  it('hands out journal ids after every id written beside the data, so timelines keep their order', async () => {
    const [{ last }] = await rowsOf<{ last: number }>(journal.schemaUrl, 'SELECT last_value::int AS last FROM journal_id_seq');
    expect(last).toBeGreaterThanOrEqual(before.lastId);
  });

  it('moves every entry, shared body and decision, leaves none beside the data, and support reads them there', async () => {
    expect(before.bodies).toBeGreaterThan(0);
    const moved = await move(main.url!, journal.schemaUrl);
    expect(moved.stderr).toBe('');
    expect(moved.code).toBe(0);
    expect(moved.stdout).toContain(
      `Moved ${before.entries} journal entries of 2 days, ${before.bodies} shared bodies and ${before.decisions} authorization decisions.`,
    );
    expect([await countOf(main.url!, 'journal'), await countOf(main.url!, 'journal_bodies'), await countOf(main.url!, 'authorizations')]).toEqual([0, 0, 0]);
    expect(await countOf(journal.schemaUrl, 'journal')).toBeGreaterThanOrEqual(before.entries);
    expect(await countOf(journal.schemaUrl, 'authorizations')).toBe(before.decisions);

    const hops = (await admin(hub!, 'GET', `/api/journal?correlation_id=${story.push}`)).body.entries as any[];
    const deliveries = hops.filter((hop) => hop.direction === 'OUT');
    expect(deliveries.length).toBeGreaterThanOrEqual(2);
    for (const delivery of deliveries) expect(delivery.request_body?.id).toBe('LOC-MOVE');
    const shared = (await admin(hub!, 'GET', '/api/journal?correlation_id=shared-body')).body.entries as any[];
    expect(shared.map((hop) => hop.request_body?.id)).toEqual(['LOC-SHARED', 'LOC-SHARED']);
    const tap = await admin(hub!, 'GET', `/api/journal/story/${story.tap}`);
    expect(tap.status).toBe(200);
    expect(tap.body.hops.map((hop: any) => hop.kind)).toContain('TAP');
    const old = (await admin(hub!, 'GET', '/api/journal?correlation_id=three-days-ago')).body.entries as any[];
    expect(old).toHaveLength(1);
  });

  it('moves nothing twice when run again', async () => {
    const entries = await countOf(journal.schemaUrl, 'journal');
    const again = await move(main.url!, journal.schemaUrl);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('Moved 0 journal entries of 0 days, 0 shared bodies and 0 authorization decisions.');
    expect(await countOf(journal.schemaUrl, 'journal')).toBe(entries);
  });

  it('refuses one database named twice, a missing one, and one that is not a hub’s, with the reason', async () => {
    const same = await move(main.url!, main.url!);
    expect([same.code, same.stderr.trim()]).toEqual([1, '--database-url and --journal-database-url name the same database: there is nothing to move']);
    const missing = await move(main.url!, '');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('move-journal needs both --database-url');
    const empty = await isolatedDatabase();
    try {
      const nothing = await move(empty.url!, journal.schemaUrl);
      expect([nothing.code, nothing.stderr.trim()]).toEqual([1, '--database-url holds no Switchyard database: no migration was ever applied there']);
    } finally {
      await empty.drop();
    }
  });
});
