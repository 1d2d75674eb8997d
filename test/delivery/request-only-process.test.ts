import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENTS_CHANNEL } from '../../src/delivery/wake.js';
import { OcpiPlatform } from '../../src/sim/platform.js';
import type { Database } from '../../src/store/database.js';
import { openPostgres } from '../../src/store/postgres.js';
import { startSwitchyard, type RunningHub, type SwitchyardOptions } from '../../src/switchyard.js';
import { Agent } from 'undici';
import { PRESSED_AT_REQUESTS_IN_FLIGHT } from '../../src/hub/request-pressure.js';
import { success } from '../../src/ocpi/envelope.js';
import { evse, location, token } from '../support/fixtures.js';
import { eventually, isolatedDatabase, startLoopbackHub } from '../support/hub.js';
import { onboard, PARTIES } from '../support/network.js';

const CP1 = { countryCode: 'US', partyId: 'CP1' };
/** The delivering process's own poll: far longer than any wait below, so only a wake-up explains a delivery. */
const SLOW_POLL_MS = 120_000;
/** Long enough for the woken process to have read the log in vain while the older transaction is open. */
const BLOCKED_MS = 1_000;
/** The delivering process's give-way: far longer than a round takes. */
const GIVE_WAY_MS = 6_000;
/** Time enough for a delivery round on a loaded machine, well inside GIVE_WAY_MS. */
const WATCH_MS = 2_000;
const MS1 = { countryCode: 'US', partyId: 'MS1' };

describe('a hub process started without delivery', () => {
  it('refuses to start on the embedded database, where no other process could deliver', async () => {
    await expect(startSwitchyard({ port: 0, host: '127.0.0.1', deliver: false })).rejects.toThrow(/--no-delivery needs a PostgreSQL server/);
  });
});

describe.runIf(process.env.DATABASE_URL)('a process taking requests beside one delivering, on one PostgreSQL', () => {
  let database: Awaited<ReturnType<typeof isolatedDatabase>>;
  let taking: RunningHub;
  let delivering: RunningHub;
  let cpo: OcpiPlatform;
  let emsp: OcpiPlatform;

  const start = (options: Partial<SwitchyardOptions>) => startLoopbackHub({ ...database.options, ...options });

  beforeAll(async () => {
    database = await isolatedDatabase();
    taking = await start({ deliver: false, authorizationTimeoutMs: 120_000 });
    delivering = await start({ delivery: { pollIntervalMs: SLOW_POLL_MS, giveWayMs: GIVE_WAY_MS } });
    cpo = await OcpiPlatform.start({ name: 'Volt Street', roles: [PARTIES.cpo1] });
    emsp = await OcpiPlatform.start({ name: 'DriveOn', roles: [PARTIES.emsp1] });
    await onboard(taking, cpo);
    await onboard(taking, emsp);
  });
  afterAll(async () => {
    await cpo?.close();
    await emsp?.close();
    await taking?.close();
    await delivering?.close();
    await database?.drop();
  });

  it('has pushes it accepts delivered by the other process, woken at once rather than at its next poll', async () => {
    const url = `${cpo.hubUrl('locations', undefined, 'RECEIVER')}/US/CP1/LOC-SPLIT`;
    const accepted = Date.now();
    const reply = await cpo.send({ method: 'PUT', url, body: location(CP1, 'LOC-SPLIT', { evses: [evse('EVSE-1')] }) });
    expect(reply.envelope?.status_code).toBe(1000);
    await eventually(() => emsp.receivedFor('locations').some((r) => r.path === '/US/CP1/LOC-SPLIT'), 30_000, 'the location at the eMSP');
    expect(Date.now() - accepted).toBeLessThan(SLOW_POLL_MS);

    const patched = await cpo.send({ method: 'PATCH', url: `${url}/EVSE-1`, body: { status: 'CHARGING', last_updated: '2026-12-01T12:00:00Z' } });
    expect(patched.envelope?.status_code).toBe(1000);
    await eventually(() => emsp.receivedFor('locations').some((r) => r.path === '/US/CP1/LOC-SPLIT/EVSE-1'), 30_000, 'the EVSE change at the eMSP');
    expect(taking.hub.delivery.delivering).toBe(false);
    expect(delivering.hub.delivery.delivering).toBe(true);
  });

  it('delivers a push held unreadable by a transaction open elsewhere on the server once that ends, not at the next poll', async () => {
    const url = `${cpo.hubUrl('locations', undefined, 'RECEIVER')}/US/CP1/LOC-SPLIT/EVSE-1`;
    const arrived = () => emsp.receivedFor('locations').some((r) => r.path === '/US/CP1/LOC-SPLIT/EVSE-1' && (r.body as { status?: string } | undefined)?.status === 'BLOCKED');
    const announcements: string[] = [];
    const listener: Database = await openPostgres(database.options.databaseUrl!, database.options.databaseSchema);
    const stopListening = await listener.listen(EVENTS_CHANNEL, (payload) => announcements.push(payload), () => undefined);
    // Any transaction with an id, in any database of the server: the delivery log is read only
    // below the oldest one still open.
    const older = new pg.Client({ connectionString: database.options.databaseUrl });
    await older.connect();
    try {
      await older.query('BEGIN');
      await older.query('SELECT pg_current_xact_id()');
      const patched = await cpo.send({ method: 'PATCH', url, body: { status: 'BLOCKED', last_updated: '2026-12-01T13:00:00Z' } });
      expect(patched.envelope?.status_code).toBe(1000);
      await eventually(() => announcements.length > 0, 30_000, 'the announcement of the push');
      await new Promise((resolve) => setTimeout(resolve, BLOCKED_MS));
      expect(arrived()).toBe(false);
      await older.query('COMMIT');
      await eventually(arrived, 30_000, 'the change at the eMSP after the older transaction ended');
    } finally {
      await older.end();
      await stopListening();
      await listener.close();
    }
  });

  it('gives way while the process taking requests is pressed, told so by its announcements', async () => {
    const tokenPut = await emsp.send({
      method: 'PUT',
      url: `${emsp.hubUrl('tokens', undefined, 'RECEIVER')}/US/MS1/TOK-1?type=RFID`,
      body: token(MS1, 'TOK-1'),
    });
    expect(tokenPut.envelope?.status_code).toBe(1000);
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    emsp.handle('tokens', async () => {
      await held;
      return success({ allowed: 'ALLOWED', token: token(MS1, 'TOK-1') });
    });
    const client = new Agent({ connections: null });
    const url = `${cpo.hubUrl('locations', undefined, 'RECEIVER')}/US/CP1/LOC-SPLIT/EVSE-1`;
    const arrived = (status: string) =>
      emsp.receivedFor('locations').some((r) => r.path === '/US/CP1/LOC-SPLIT/EVSE-1' && (r.body as { status?: string } | undefined)?.status === status);
    const patch = async (status: string, minute: number) => {
      const reply = await cpo.send({ method: 'PATCH', url, body: { status, last_updated: `2026-12-01T14:${minute}:00Z` } });
      expect(reply.envelope?.status_code).toBe(1000);
    };
    try {
      const replies = Promise.all(
        Array.from({ length: PRESSED_AT_REQUESTS_IN_FLIGHT + 8 }, () =>
          cpo.send({
            method: 'POST',
            url: `${cpo.hubUrl('tokens', undefined, 'SENDER')}/TOK-1/authorize?type=RFID`,
            outbound: { allowOutboundUrl: () => undefined, dispatcher: client },
            timeoutMs: 120_000,
          }),
        ),
      );
      await eventually(() => taking.hub.requestPressure.pressedWithin(1), 30_000, 'the process taking requests to count itself pressed');
      await patch('CHARGING', 10);
      await eventually(() => arrived('CHARGING'), 30_000, 'the first change at the eMSP');
      await patch('RESERVED', 11);
      await new Promise((resolve) => setTimeout(resolve, WATCH_MS));
      expect(arrived('RESERVED'), 'a round came while the process taking requests was pressed').toBe(false);
      release();
      expect((await replies).every((reply) => reply.envelope?.status_code === 1000)).toBe(true);
      await eventually(() => arrived('RESERVED'), GIVE_WAY_MS + 30_000, 'the second change once the pressure passed');
    } finally {
      release();
      await client.close();
    }
  });
});
