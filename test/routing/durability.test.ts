import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { OcpiPlatform } from '../../src/sim/platform.js';
import { startSwitchyard, type RunningHub } from '../../src/switchyard.js';
import { admin, databaseLabel, deliveriesSettled, eventually, isolatedDatabase } from '../support/hub.js';
import { location, session } from '../support/fixtures.js';
import { FAST_DELIVERY, onboard, PARTIES, startRoamingNetwork, type RoamingNetwork } from '../support/network.js';

const CP1 = { countryCode: 'US', partyId: 'CP1' };
const MS1 = { countryCode: 'US', partyId: 'MS1' };

describe(`durable delivery (${databaseLabel})`, () => {
  let net: RoamingNetwork | undefined;
  afterEach(async () => {
    await net?.close();
    net = undefined;
  });

  it('keeps what a receiver missed while down, coalesces state to the latest, and keeps session order', async () => {
    net = await startRoamingNetwork();
    const { cpo1, emsp1, emsp2, hub } = net;
    const locations = cpo1.hubUrl('locations', undefined, 'RECEIVER');
    const sessions = cpo1.hubUrl('sessions', undefined, 'RECEIVER');
    emsp1.available = false;

    await cpo1.send({ method: 'PUT', url: `${locations}/US/CP1/LOC-1`, body: location(CP1) });
    const statuses = ['CHARGING', 'AVAILABLE', 'OUTOFORDER'];
    for (const [i, status] of statuses.entries()) {
      const reply = await cpo1.send({
        method: 'PATCH',
        url: `${locations}/US/CP1/LOC-1/EVSE-1`,
        body: { status, last_updated: `2026-11-22T10:0${i + 1}:00Z` },
      });
      expect(reply.envelope?.status_code).toBe(1000);
    }
    await cpo1.send({ method: 'PUT', url: `${sessions}/US/CP1/S-1`, body: session(CP1, MS1, 'S-1') });
    for (const kwh of [4, 9]) {
      await cpo1.send({ method: 'PATCH', url: `${sessions}/US/CP1/S-1`, body: { kwh, last_updated: `2026-11-22T10:1${kwh}:00Z` } });
    }

    // The other eMSP is not held up by the one that is down.
    const latestStatus = (body: any) => body?.status ?? body?.evses?.[0]?.status;
    await eventually(() => latestStatus(emsp2.receivedFor('locations').at(-1)?.body) === 'OUTOFORDER', 5_000, 'emsp2 deliveries');
    // After repeated failures the receiver is OFFLINE, and the others are told.
    const emsp1Id = net.partnerIds.get(PARTIES.emsp1.name)!;
    await eventually(async () => (await admin(hub, 'GET', `/api/partners/${emsp1Id}`)).body.status === 'OFFLINE', 10_000, 'OFFLINE');
    await eventually(() => (cpo1.clientInfo.get('US/MS1') as any)?.status === 'OFFLINE', 5_000, 'OFFLINE pushed');

    emsp1.available = true;
    await eventually(() => emsp1.receivedFor('sessions').length === 3, 10_000, 'sessions after the outage');
    await deliveriesSettled(hub);

    // Four location changes arrive as one PUT of the latest state.
    const locationDeliveries = emsp1.receivedFor("locations");
    expect(locationDeliveries).toHaveLength(1);
    expect(locationDeliveries[0].method).toBe('PUT');
    expect(locationDeliveries[0].path).toBe('/US/CP1/LOC-1');
    expect((locationDeliveries[0].body as any).evses[0].status).toBe('OUTOFORDER');
    // Sessions are never coalesced: every change, in order.
    expect(emsp1.receivedFor('sessions').map((r) => `${r.method} ${(r.body as any).kwh}`)).toEqual(['PUT 0', 'PATCH 4', 'PATCH 9']);
    await eventually(async () => (await admin(hub, 'GET', `/api/partners/${emsp1Id}`)).body.status === 'CONNECTED', 5_000, 'CONNECTED');
    await eventually(() => (cpo1.clientInfo.get('US/MS1') as any)?.status === 'CONNECTED', 5_000, 'CONNECTED pushed');
  });

  it('records a receiver rejection and goes on with the rest', async () => {
    net = await startRoamingNetwork();
    const { cpo1, emsp1 } = net;
    emsp1.handle('sessions', (request) =>
      (request.body as any)?.id === 'S-BAD'
        ? { status_code: 2001, status_message: 'We do not like this session', timestamp: '2026-11-22T10:00:00Z' }
        : undefined,
    );
    const sessions = cpo1.hubUrl('sessions', undefined, 'RECEIVER');
    const bad = await cpo1.send({ method: 'PUT', url: `${sessions}/US/CP1/S-BAD`, body: session(CP1, MS1, 'S-BAD') });
    await cpo1.send({ method: 'PUT', url: `${sessions}/US/CP1/S-GOOD`, body: session(CP1, MS1, 'S-GOOD') });
    await eventually(() => emsp1.receivedFor('sessions').some((r) => (r.body as any).id === 'S-GOOD'), 5_000, 'S-GOOD');
    // Delivery journal entries are written in batches, shortly after the exchange.
    const [rejection] = await eventually(async () => {
      const rows = await net!.hub.hub.db.query<any>(`SELECT * FROM journal WHERE correlation_id = $1 AND direction = 'OUT'`, [bad.correlationId]);
      return rows.length > 0 && rows;
    }, 5_000, 'the journal entry');
    expect(rejection).toMatchObject({ ocpi_status: 2001, blame: 'CPO', error: 'We do not like this session' });
  });
});

describe(`delivery across hub restarts and processes (${databaseLabel})`, () => {
  const started: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    for (const item of started.reverse()) await item.close();
    started.length = 0;
  });

  async function hubOn(database: Record<string, unknown>): Promise<RunningHub> {
    const hub = await startSwitchyard({ port: 0, host: '127.0.0.1', adminToken: 'test-admin-token', delivery: FAST_DELIVERY, ...database });
    hub.hub.config.publicUrl = hub.url;
    return hub;
  }

  async function partners() {
    const cpo = await OcpiPlatform.start({ name: 'CPO', roles: [{ ...PARTIES.cpo1 }] });
    const emsp = await OcpiPlatform.start({ name: 'eMSP', roles: [{ ...PARTIES.emsp1 }] });
    started.push(cpo, emsp);
    return { cpo, emsp };
  }

  it('completes deliveries accepted before a restart', async () => {
    const isolated = await isolatedDatabase();
    const dataDir = process.env.DATABASE_URL ? undefined : await mkdtemp(join(tmpdir(), 'switchyard-'));
    started.push({ close: async () => (dataDir ? rm(dataDir, { recursive: true, force: true }) : isolated.drop()) });
    const database = { ...isolated.options, dataDir };
    const { cpo, emsp } = await partners();

    const first = await hubOn(database);
    await onboard(first, cpo);
    await onboard(first, emsp);
    emsp.available = false;
    const sessions = cpo.hubUrl('sessions', undefined, 'RECEIVER');
    for (const id of ['S-1', 'S-2', 'S-3']) {
      const reply = await cpo.send({ method: 'PUT', url: `${sessions}/US/CP1/${id}`, body: session(CP1, MS1, id) });
      expect(reply.envelope?.status_code).toBe(1000);
    }
    await first.close();

    const second = await hubOn(database);
    started.push(second);
    emsp.available = true;
    await eventually(() => emsp.receivedFor('sessions').length === 3, 10_000, 'deliveries after restart');
    expect(emsp.receivedFor('sessions').map((r) => (r.body as any).id)).toEqual(['S-1', 'S-2', 'S-3']);
  });

  it.runIf(process.env.DATABASE_URL)('lets two hub processes on one PostgreSQL share the work, each event once', async () => {
    const isolated = await isolatedDatabase();
    started.push({ close: () => isolated.drop() });
    const { cpo, emsp } = await partners();
    const hubA = await hubOn(isolated.options);
    const hubB = await hubOn(isolated.options);
    started.push(hubA, hubB);
    await onboard(hubA, cpo);
    await onboard(hubA, emsp);

    // Hub A accepts while only hub B delivers: the work is shared through the database.
    await hubA.hub.delivery.stop();
    const sessions = cpo.hubUrl('sessions', undefined, 'RECEIVER');
    for (let i = 1; i <= 20; i++) {
      await cpo.send({ method: 'PUT', url: `${sessions}/US/CP1/S-${i}`, body: session(CP1, MS1, `S-${i}`) });
    }
    await eventually(() => emsp.receivedFor('sessions').length >= 20, 10_000, 'hub B delivers');

    // Both deliver at once: still every event exactly once, in order.
    hubA.hub.delivery.start();
    for (let i = 21; i <= 60; i++) {
      await cpo.send({ method: 'PUT', url: `${sessions}/US/CP1/S-${i}`, body: session(CP1, MS1, `S-${i}`) });
    }
    await eventually(() => emsp.receivedFor('sessions').length >= 60, 15_000, 'both deliver');
    await deliveriesSettled(hubA);
    const ids = emsp.receivedFor('sessions').map((r) => (r.body as any).id);
    if (ids.length !== 60) console.log(emsp.receivedFor('sessions').map((r) => `${(r.body as any).id} ${r.headers['x-request-id']}`).join('\n'));
    expect(ids).toEqual(Array.from({ length: 60 }, (_, i) => `S-${i + 1}`));
  });
});
