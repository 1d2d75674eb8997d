import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { success } from '../../src/ocpi/envelope.js';
import { startSwitchyard } from '../../src/switchyard.js';
import { admin, eventually, isolatedDatabase, journalDatabase, rowsOf } from '../support/hub.js';
import { token } from '../support/fixtures.js';
import { startRoamingNetwork, type RoamingNetwork } from '../support/network.js';

const MS1 = { countryCode: 'US', partyId: 'MS1' };
const serverUrl = process.env.DATABASE_URL;

describe('the journal refused a database of its own without PostgreSQL for the data', () => {
  it('says what is missing before opening anything', async () => {
    await expect(startSwitchyard({ port: 0, journalDatabaseUrl: 'postgres://127.0.0.1:1/journal' })).rejects.toThrow(
      /--journal-database-url needs the data on a PostgreSQL server as well \(--database-url\)/,
    );
  });
});

describe.skipIf(!serverUrl)('the journal on a database of its own (PostgreSQL server only: the embedded database is one)', () => {
  let net: RoamingNetwork;
  let main: Awaited<ReturnType<typeof isolatedDatabase>>;
  let journal: Awaited<ReturnType<typeof journalDatabase>>;
  const call = (method: string, path: string) => admin(net.hub, method, path);
  const count = async (url: string, table: string) =>
    (await rowsOf<{ count: number }>(url, `SELECT count(*)::int AS count FROM ${table}`))[0].count;

  beforeAll(async () => {
    main = await isolatedDatabase();
    journal = await journalDatabase(main.options.databaseSchema!);
    net = await startRoamingNetwork({ ...main.options, journalDatabaseUrl: journal.url });
  });
  afterAll(async () => {
    await net?.close();
    await main?.drop();
    await journal?.drop();
  });

  it('writes hops and authorization decisions there, none beside the data, and support reads them there', async () => {
    const put = await net.emsp1.send({
      method: 'PUT',
      url: `${net.emsp1.hubUrl('tokens', undefined, 'RECEIVER')}/US/MS1/TOK-JDB?type=RFID`,
      body: token(MS1, 'TOK-JDB', { contract_id: 'US-MS1-CJDB00001' }),
    });
    expect(put.envelope?.status_code).toBe(1000);
    net.emsp1.handle('tokens', () => success({ allowed: 'ALLOWED', token: token(MS1, 'TOK-JDB') }));
    const tap = await net.cpo1.send<any>({ method: 'POST', url: `${net.cpo1.hubUrl('tokens', undefined, 'SENDER')}/TOK-JDB/authorize?type=RFID` });
    expect(tap.envelope?.data.allowed).toBe('ALLOWED');

    // The push's hop and its deliveries to both CPOs, and the tap's decision, once written.
    await eventually(async () => {
      const hops = await rowsOf<{ direction: string }>(journal.schemaUrl, 'SELECT direction FROM journal WHERE correlation_id = $1', [put.correlationId]);
      const decisions = await rowsOf(journal.schemaUrl, 'SELECT 1 FROM authorizations WHERE correlation_id = $1', [tap.correlationId]);
      return hops.filter((hop) => hop.direction === 'OUT').length >= 2 && decisions.length === 1;
    }, 30_000, 'the push, its deliveries and the tap journaled in the journal database');
    expect(await count(main.url!, 'journal')).toBe(0);
    expect(await count(main.url!, 'authorizations')).toBe(0);
    // The data stays beside the data: the token is stored there, not in the journal's database.
    expect(await count(main.url!, "objects WHERE module = 'tokens'")).toBe(1);
    expect(await count(journal.schemaUrl, 'objects')).toBe(0);

    const page = (await call('GET', '/api/journal?party=US*MS1')).body.entries as any[];
    expect(page.map((entry) => entry.correlation_id)).toContain(put.correlationId);
    const story = await call('GET', `/api/journal/story/${tap.correlationId}`);
    expect(story.status).toBe(200);
    expect(story.body.hops.map((hop: any) => hop.kind)).toContain('TAP');
    const matches = (await call('GET', '/api/search?q=US-MS1-CJDB00001')).body.matches as any[];
    expect(matches[0]).toMatchObject({ kind: 'TAP', correlation_id: tap.correlationId, matched: 'contract id' });
    const stats = (await call('GET', '/api/stats?hours=1')).body;
    expect(stats.messages.tokens.reduce((sum: number, n: number) => sum + n, 0)).toBeGreaterThan(0);
    expect(Object.values(stats.authorizations as Record<string, number>).reduce((sum, n) => sum + n, 0)).toBe(1);
    const sla = (await call('GET', '/api/sla?hours=1')).body as any[];
    expect(sla.find((party) => party.party === 'US*MS1')?.requests).toBeGreaterThan(0);
  });

  it("keeps taking pushes while the journal's database is away, says so, and journals them once it is back", async () => {
    const name = new URL(journal.url).pathname.slice(1);
    // The name was generated (sw_journal_ and hex digits): safe to write into the statement.
    const allowConnections = (allowed: boolean) => rowsOf(serverUrl!, `ALTER DATABASE ${name} ALLOW_CONNECTIONS ${allowed}`);
    const health = async () => (await fetch(`${net.hub.url}/health`)).json();
    const waiting = async () => {
      const text = await (await fetch(`${net.hub.url}/metrics`, { headers: { authorization: `Bearer ${net.hub.adminToken}` } })).text();
      return Number(/^switchyard_journal_waiting (\d+)$/m.exec(text)?.[1]);
    };
    try {
      await allowConnections(false);
      await rowsOf(serverUrl!, 'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [name]);
      expect(await health()).toEqual({ status: 'ok', journal: 'unavailable' });

      const put = await net.emsp1.send({
        method: 'PUT',
        url: `${net.emsp1.hubUrl('tokens', undefined, 'RECEIVER')}/US/MS1/TOK-AWAY?type=RFID`,
        body: token(MS1, 'TOK-AWAY'),
      });
      expect(put.envelope?.status_code).toBe(1000);
      // The push's hop is recorded once its answer has gone; it waits, since it cannot be written.
      await eventually(async () => (await waiting()) > 0, 30_000, 'journal entries waiting to be written');
      const search = await call('GET', '/api/journal?party=US*MS1');
      expect([search.status, search.body.error]).toEqual([503, 'unavailable']);

      await allowConnections(true);
      await eventually(async () => (await rowsOf(journal.schemaUrl, 'SELECT 1 FROM journal WHERE correlation_id = $1', [put.correlationId])).length > 0, 30_000, 'the push journaled once the journal database is back');
      expect(await health()).toEqual({ status: 'ok', journal: 'ok' });
      await eventually(async () => (await waiting()) === 0, 30_000, 'nothing left waiting');
    } finally {
      await allowConnections(true);
    }
  });
});
