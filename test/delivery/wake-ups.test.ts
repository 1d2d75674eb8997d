import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENTS_CHANNEL } from '../../src/delivery/wake.js';
import { OcpiPlatform } from '../../src/sim/platform.js';
import { notifyInSchema } from '../../src/store/channels.js';
import type { Database } from '../../src/store/database.js';
import { openPostgres } from '../../src/store/postgres.js';
import type { RunningHub, SwitchyardOptions } from '../../src/switchyard.js';
import { evse, location } from '../support/fixtures.js';
import { deliveriesSettled, eventually, isolatedDatabase, startLoopbackHub } from '../support/hub.js';
import { onboard, PARTIES } from '../support/network.js';

/** Long enough for a chain of wake-ups to show itself many times over (one link takes ~10 ms). */
const QUIET_WINDOW_MS = 1_500;
/**
 * The process taking requests announces at most once per this long (its round interval), long
 * here so that a stream of pushes on a loaded machine still comes many times faster, and the
 * first push's announcement, due after a few ms, cannot be mistaken for one that waited.
 */
const ANNOUNCE_INTERVAL_MS = 1_000;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.runIf(process.env.DATABASE_URL)('waking delivering processes, on one PostgreSQL', () => {
  let database: Awaited<ReturnType<typeof isolatedDatabase>>;
  let taking: RunningHub;
  const delivering: RunningHub[] = [];
  let cpo: OcpiPlatform;
  let emsp: OcpiPlatform;
  let listener: Database;
  let stopListening: () => Promise<void>;
  const announcements: number[] = [];

  beforeAll(async () => {
    database = await isolatedDatabase();
    const start = (options: Partial<SwitchyardOptions>) => startLoopbackHub({ ...database.options, ...options });
    taking = await start({ deliver: false, delivery: { roundIntervalMs: ANNOUNCE_INTERVAL_MS } });
    // Two delivering processes, so that neither serves every receiver: each would wake the other.
    delivering.push(await start({}), await start({}));
    cpo = await OcpiPlatform.start({ name: 'Volt Street', roles: [PARTIES.cpo1] });
    emsp = await OcpiPlatform.start({ name: 'DriveOn', roles: [PARTIES.emsp1] });
    await onboard(taking, cpo);
    await onboard(taking, emsp);
    listener = await openPostgres(database.options.databaseUrl!, database.options.databaseSchema);
    stopListening = await listener.listen(EVENTS_CHANNEL, () => announcements.push(Date.now()), () => undefined);
  });
  afterAll(async () => {
    await stopListening?.();
    await listener?.close();
    await cpo?.close();
    await emsp?.close();
    await taking?.close();
    for (const hub of delivering) await hub.close();
    await database?.drop();
  });

  const heardDuring = async (ms: number) => {
    const before = announcements.length;
    await pause(ms);
    return announcements.length - before;
  };

  it('announces nothing while nothing is logged, however many processes deliver', async () => {
    await deliveriesSettled(delivering[0], 30_000);
    // What onboarding logged may still have its last announcement due.
    await pause(ANNOUNCE_INTERVAL_MS);
    expect(await heardDuring(QUIET_WINDOW_MS)).toBe(0);
  });

  it('announces an accepted push once: the processes it wakes deliver it without waking each other', async () => {
    const url = `${cpo.hubUrl('locations', undefined, 'RECEIVER')}/US/CP1/LOC-WAKE`;
    const before = announcements.length;
    const reply = await cpo.send({ method: 'PUT', url, body: location({ countryCode: 'US', partyId: 'CP1' }, 'LOC-WAKE', { evses: [evse('EVSE-1')] }) });
    expect(reply.envelope?.status_code).toBe(1000);
    await eventually(() => emsp.receivedFor('locations').some((r) => r.path === '/US/CP1/LOC-WAKE'), 30_000, 'the location at the eMSP');
    await deliveriesSettled(delivering[0], 30_000);
    expect(await heardDuring(QUIET_WINDOW_MS)).toBe(0);
    expect(announcements.length - before).toBe(1);
  });

  it('announces a stream of accepts once per interval, the first of them without waiting for the interval', async () => {
    const locationUrl = `${cpo.hubUrl('locations', undefined, 'RECEIVER')}/US/CP1/LOC-STREAM`;
    const put = await cpo.send({ method: 'PUT', url: locationUrl, body: location({ countryCode: 'US', partyId: 'CP1' }, 'LOC-STREAM', { evses: [evse('EVSE-1')] }) });
    expect(put.envelope?.status_code).toBe(1000);
    await eventually(() => emsp.receivedFor('locations').some((r) => r.path === '/US/CP1/LOC-STREAM'), 30_000, 'the location at the eMSP');
    await deliveriesSettled(delivering[0], 30_000);
    await pause(ANNOUNCE_INTERVAL_MS); // a quiet spell
    const url = (evseUid: string) => `${locationUrl}/${evseUid}`;
    const delivered = emsp.receivedFor('locations').length;
    const before = announcements.length;
    const started = Date.now();
    const first = await cpo.send({ method: 'PATCH', url: url('EVSE-1'), body: { status: 'CHARGING', last_updated: new Date().toISOString() } });
    expect(first.envelope?.status_code).toBe(1000);
    // A push after a quiet spell is announced without waiting for the interval to pass.
    await eventually(() => announcements.length > before, 10_000, 'the first announcement');
    expect(announcements[before] - started).toBeLessThan(ANNOUNCE_INTERVAL_MS);
    for (let i = 0; i < 20; i++) {
      const reply = await cpo.send({ method: 'PATCH', url: url('EVSE-1'), body: { status: i % 2 ? 'CHARGING' : 'AVAILABLE', last_updated: new Date().toISOString() } });
      expect(reply.envelope?.status_code).toBe(1000);
    }
    const elapsedMs = Date.now() - started;
    // The pushes that came within an interval of an announcement share the one after it.
    await eventually(() => emsp.receivedFor('locations').length > delivered && announcements.length - before >= 2, 10_000, 'the trailing announcement');
    await pause(ANNOUNCE_INTERVAL_MS * 2);
    const heard = announcements.length - before;
    expect(heard, `announcements for 21 pushes in ${elapsedMs} ms`).toBeLessThanOrEqual(Math.floor(elapsedMs / ANNOUNCE_INTERVAL_MS) + 2);
    const gaps = announcements.slice(before).map((at, i, all) => (i === 0 ? Infinity : at - all[i - 1]));
    // Heard, not sent, times: the listener's delivery of two notifications may bring them closer.
    expect(Math.min(...gaps)).toBeGreaterThan(ANNOUNCE_INTERVAL_MS / 2);
  });

  it('keeps announcements within the schema: a hub on another schema of the database hears none', async () => {
    const other = await isolatedDatabase();
    const otherDb = await openPostgres(other.options.databaseUrl!, other.options.databaseSchema);
    const heardThere: string[] = [];
    const heardHere: string[] = [];
    const stopThere = await otherDb.listen(EVENTS_CHANNEL, (payload) => heardThere.push(payload), () => undefined);
    const stopHere = await listener.listen(EVENTS_CHANNEL, (payload) => heardHere.push(payload), () => undefined);
    try {
      await notifyInSchema(listener, EVENTS_CHANNEL, 'here');
      await notifyInSchema(otherDb, EVENTS_CHANNEL, 'there');
      // Each listener hears its schema's announcement; one sent earlier on the other schema would have come first.
      await eventually(() => heardThere.length > 0 && heardHere.length > 0, 10_000, 'both announcements');
      expect(heardThere).toEqual(['there']);
      expect(heardHere).toEqual(['here']);
    } finally {
      await stopThere();
      await stopHere();
      await otherDb.close();
      await other.drop();
    }
  });
});
