import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { deliveryBacklog } from '../../src/hub/support/deliveries.js';
import { LOOPBACK_NETWORKS } from '../../src/net/outbound-guard.js';
import { OcpiPlatform } from '../../src/sim/platform.js';
import { openDatabase, type Queryable } from '../../src/store/database.js';
import { startSwitchyard, type RunningHub, type SwitchyardOptions } from '../../src/switchyard.js';
import { evse, location } from '../support/fixtures.js';
import { databaseLabel, deliveriesSettled, eventually, isolatedDatabase } from '../support/hub.js';
import { countCursorWrites } from './cursor-writes.js';
import { FAST_DELIVERY, onboard, PARTIES, startRoamingNetwork, type RoamingNetwork } from '../support/network.js';

const CP1 = { countryCode: 'US', partyId: 'CP1' };
const PATCHES = 30;
const QUIET_CURSOR_WRITE_MS = 1_000;

/**
 * Every round moves each receiver's cursor past the events it read. A receiver that was sent
 * something has its cursor written at once (a restart must not send it again); one that was sent
 * nothing (a CPO, while Locations go to eMSPs) has it written at most once a quietCursorWriteMs.
 */
describe(`cursors of receivers sent nothing (${databaseLabel})`, { timeout: 120_000 }, () => {
  let net: RoamingNetwork;

  beforeAll(async () => {
    net = await startRoamingNetwork({ delivery: { ...FAST_DELIVERY, quietCursorWriteMs: QUIET_CURSOR_WRITE_MS } });
    // Each write of a cursor, counted by the database itself.
    await countCursorWrites(net.hub.hub.db);
  });
  afterAll(() => net?.close());

  const writesByParty = async () =>
    new Map(
      (
        await net.hub.hub.db.query<{ party: string; writes: number }>(
          `SELECT p.country_code || '*' || p.party_id AS party, count(w.party)::int AS writes
           FROM receiver_cursors c JOIN parties p ON p.id = c.party LEFT JOIN cursor_writes w ON w.party = c.party
           GROUP BY 1`,
        )
      ).map((row) => [row.party, row.writes]),
    );

  it('writes an eMSP’s cursor with each delivery, a CPO’s once a second; every cursor reaches the end, and a CPO behind shows no backlog', async () => {
    const { cpo1, emsp1, hub } = net;
    const url = `${cpo1.hubUrl('locations', undefined, 'RECEIVER')}/US/CP1/LOC-1`;
    const put = await cpo1.send({ method: 'PUT', url, body: location(CP1, 'LOC-1', { evses: [evse('EVSE-1')] }) });
    expect(put.envelope?.status_code).toBe(1000);
    await deliveriesSettled(hub);
    await hub.hub.db.query('DELETE FROM cursor_writes');
    const cursorOfCp2 = async () =>
      (
        await hub.hub.db.query<{ last_tx: string; last_seq: number }>(
          `SELECT c.last_tx::text, c.last_seq FROM receiver_cursors c JOIN parties p ON p.id = c.party
           WHERE p.country_code = 'CA' AND p.party_id = 'CP2'`,
        )
      )[0];
    const before = await cursorOfCp2();

    const started = Date.now();
    for (let i = 1; i <= PATCHES; i++) {
      const status = i % 2 ? 'CHARGING' : 'AVAILABLE';
      const reply = await cpo1.send({ method: 'PATCH', url: `${url}/EVSE-1`, body: { status, last_updated: new Date(Date.UTC(2026, 10, 1, 0, i)).toISOString() } });
      expect(reply.envelope?.status_code).toBe(1000);
      // Each change is delivered before the next is sent: a round, a batch and a cursor move of its own.
      await eventually(() => emsp1.receivedFor('locations').length === 1 + i, 30_000, `change ${i} at the eMSP`);
    }
    const elapsedMs = Date.now() - started;
    await deliveriesSettled(hub, 30_000);

    const writes = await writesByParty();
    // The eMSP: one write per delivered change at least.
    expect(writes.get('US*MS1')).toBeGreaterThanOrEqual(PATCHES);
    // The CPOs read every change and were sent none: a write per quietCursorWriteMs at most, and the last at the end.
    const quietBound = Math.ceil(elapsedMs / QUIET_CURSOR_WRITE_MS) + 2;
    for (const cpo of ['US*CP1', 'CA*CP2']) {
      expect(writes.get(cpo), `${cpo} in ${elapsedMs} ms`).toBeLessThanOrEqual(quietBound);
      expect(writes.get(cpo), cpo).toBeGreaterThanOrEqual(1);
    }
    // None of the changes went to a CPO.
    expect([...net.cpo1.receivedFor('locations'), ...net.cpo2.receivedFor('locations')]).toEqual([]);

    // A CPO's cursor behind the changes (as between two writes): its backlog is still empty, since none is for a CPO.
    expect(await cursorOfCp2()).not.toEqual(before);
    await hub.hub.db.query(
      `UPDATE receiver_cursors SET last_tx = $1::xid8, last_seq = $2
       WHERE party = (SELECT id FROM parties WHERE country_code = 'CA' AND party_id = 'CP2')`,
      [before.last_tx, before.last_seq],
    );
    const backlog = (await deliveryBacklog(hub.hub.db)).find((receiver) => receiver.party === 'CA*CP2');
    expect(backlog).toMatchObject({ depth: 0, lagSeconds: 0 });
  });
});

describe(`a quiet cursor across a restart (${databaseLabel})`, { timeout: 120_000 }, () => {
  const started: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    for (const item of started.reverse()) await item.close();
    started.length = 0;
  });

  const hubOn = async (database: Partial<SwitchyardOptions>, quietCursorWriteMs: number): Promise<RunningHub> => {
    const hub = await startSwitchyard({
      port: 0, host: '127.0.0.1', allowPartnerNetworks: LOOPBACK_NETWORKS, adminToken: 'test-admin-token',
      delivery: { ...FAST_DELIVERY, quietCursorWriteMs }, ...database,
    });
    hub.hub.config.publicUrl = hub.url;
    return hub;
  };
  /** A receiver's cursor as written, and whether any event stands after it. */
  const cursorOf = async (db: Queryable, party: string) =>
    (
      await db.query<{ last_tx: string; last_seq: number; behind: boolean }>(
        `SELECT c.last_tx::text, c.last_seq, EXISTS (SELECT 1 FROM events e WHERE (e.tx, e.seq) > (c.last_tx, c.last_seq)) AS behind
         FROM receiver_cursors c JOIN parties p ON p.id = c.party WHERE p.country_code || '*' || p.party_id = $1`,
        [party],
      )
    )[0];
  /** The CPO that is sent nothing. */
  const quietCpo = (db: Queryable) => cursorOf(db, 'CA*CP2');

  it('is written when the hub stops; read again from behind after a crash, it sends nothing twice', async () => {
    const isolated = await isolatedDatabase();
    const dataDir = process.env.DATABASE_URL ? undefined : await mkdtemp(join(tmpdir(), 'switchyard-'));
    started.push({ close: async () => (dataDir ? rm(dataDir, { recursive: true, force: true }) : isolated.drop()) });
    const database = { ...isolated.options, dataDir };
    const [cpo1, cpo2, emsp] = await Promise.all(
      (['cpo1', 'cpo2', 'emsp1'] as const).map((key) => OcpiPlatform.start({ name: PARTIES[key].name, roles: [{ ...PARTIES[key] }] })),
    );
    started.push(cpo1, cpo2, emsp);

    // An hour between writes of quiet cursors: only the stop writes them.
    const first = await hubOn(database, 3_600_000);
    for (const platform of [cpo1, cpo2, emsp]) await onboard(first, platform);
    const url = `${cpo1.hubUrl('locations', undefined, 'RECEIVER')}/US/CP1/LOC-1`;
    expect((await cpo1.send({ method: 'PUT', url, body: location(CP1, 'LOC-1', { evses: [evse('EVSE-1')] }) })).envelope?.status_code).toBe(1000);
    await eventually(() => emsp.receivedFor('locations').length === 1, 30_000, 'the PUT at the eMSP');
    for (let i = 1; i <= 10; i++) {
      const body = { status: i % 2 ? 'CHARGING' : 'AVAILABLE', last_updated: new Date(Date.UTC(2026, 10, 1, 0, i)).toISOString() };
      expect((await cpo1.send({ method: 'PATCH', url: `${url}/EVSE-1`, body })).envelope?.status_code).toBe(1000);
      // Delivered before the next is sent, so that none is merged with another.
      await eventually(() => emsp.receivedFor('locations').length === 1 + i, 30_000, `change ${i} at the eMSP`);
    }
    const unwritten = await quietCpo(first.hub.db);
    expect(unwritten.behind).toBe(true);
    // The eMSP was sent every change: its cursor was written with each (once the last answer is in).
    await eventually(async () => !(await cursorOf(first.hub.db, 'US*MS1')).behind, 30_000, 'the eMSP’s cursor written');
    await first.close();

    // Written at the stop; then put back where it stood, as a crash before the write would leave it.
    const db = await openDatabase({ databaseUrl: database.databaseUrl, schema: database.databaseSchema, dataDir });
    try {
      expect((await quietCpo(db)).behind).toBe(false);
      await db.query(
        `UPDATE receiver_cursors SET last_tx = $1::xid8, last_seq = $2
         WHERE party = (SELECT id FROM parties WHERE country_code = 'CA' AND party_id = 'CP2')`,
        [unwritten.last_tx, unwritten.last_seq],
      );
    } finally {
      await db.close();
    }

    const second = await hubOn(database, 50);
    started.push(second);
    await eventually(async () => !(await quietCpo(second.hub.db)).behind, 30_000, 'the restarted hub to read past the changes again');
    await deliveriesSettled(second, 30_000);
    // Read again, nothing went anywhere twice: the eMSP has each change once, the quiet CPO none.
    expect(emsp.receivedFor('locations')).toHaveLength(11);
    expect(cpo2.receivedFor('locations')).toEqual([]);
  });
});
