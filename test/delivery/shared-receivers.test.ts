import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OcpiPlatform } from '../../src/sim/platform.js';
import type { RunningHub } from '../../src/switchyard.js';
import { evse, location } from '../support/fixtures.js';
import { eventually, isolatedDatabase, startLoopbackHub } from '../support/hub.js';
import { FAST_DELIVERY, onboard } from '../support/network.js';

const CPOS = 3;
const EMSPS = 3;
const CP0 = { countryCode: 'US', partyId: 'CP0' };

describe.runIf(process.env.DATABASE_URL)('delivering processes on one PostgreSQL', () => {
  let database: Awaited<ReturnType<typeof isolatedDatabase>>;
  const hubs: RunningHub[] = [];
  const cpos: OcpiPlatform[] = [];
  const emsps: OcpiPlatform[] = [];
  /** Party id → role, of every receiver. */
  const roleOf = new Map<string, string>();

  const startHub = async () => {
    const hub = await startLoopbackHub({ ...database.options, delivery: FAST_DELIVERY });
    hubs.push(hub);
    return hub;
  };
  const served = (hub: RunningHub) => [...hub.hub.delivery.receiversServed];
  const eMspsServed = (hub: RunningHub) => served(hub).filter((party) => roleOf.get(party) === 'EMSP').length;
  /** Every eMSP holds the EVSE in `status`, received once. */
  const everyEmspHas = (status: string) =>
    emsps.every((emsp) => emsp.receivedFor('locations').filter((r) => (r.body as { status?: string }).status === status).length === 1);
  let changes = 0;
  const push = async (status: string) => {
    const url = `${cpos[0].hubUrl('locations', undefined, 'RECEIVER')}/US/CP0/LOC-SHARED/EVSE-1`;
    const reply = await cpos[0].send({ method: 'PATCH', url, body: { status, last_updated: new Date(Date.UTC(2026, 11, 1, 12, 0, ++changes)).toISOString() } });
    expect(reply.envelope?.status_code).toBe(1000);
  };

  beforeAll(async () => {
    database = await isolatedDatabase();
    const first = await startHub();
    for (let i = 0; i < CPOS; i++) {
      const cpo = await OcpiPlatform.start({ name: `CPO ${i}`, roles: [{ role: 'CPO', countryCode: 'US', partyId: `CP${i}`, name: `CPO ${i}` }] });
      cpos.push(cpo);
      await onboard(first, cpo);
    }
    for (let i = 0; i < EMSPS; i++) {
      const emsp = await OcpiPlatform.start({ name: `eMSP ${i}`, roles: [{ role: 'EMSP', countryCode: 'US', partyId: `MS${i}`, name: `eMSP ${i}` }] });
      emsps.push(emsp);
      await onboard(first, emsp);
    }
    for (const { id, role } of await first.hub.db.query<{ id: string; role: string }>('SELECT id, role FROM parties')) roleOf.set(id, role);
    const put = await cpos[0].send({
      method: 'PUT',
      url: `${cpos[0].hubUrl('locations', undefined, 'RECEIVER')}/US/CP0/LOC-SHARED`,
      body: location(CP0, 'LOC-SHARED', { evses: [evse('EVSE-1')] }),
    });
    expect(put.envelope?.status_code).toBe(1000);
    await eventually(() => emsps.every((emsp) => emsp.receivedFor('locations').length === 1), 30_000, 'the location at every eMSP');
  });
  afterAll(async () => {
    for (const platform of [...cpos, ...emsps]) await platform.close();
    for (const hub of hubs) await hub.close();
    await database?.drop();
  });

  it('serves every receiver from the one process there is', async () => {
    expect(roleOf.size).toBe(CPOS + EMSPS);
    await eventually(() => served(hubs[0]).length === roleOf.size, 10_000, 'one process serving all');
  });

  it('deals the receivers out once a second process joins, eMSPs to both, and delivers each change once', async () => {
    const second = await startHub();
    await eventually(() => {
      const [a, b] = [served(hubs[0]), served(second)];
      return a.length + b.length === roleOf.size && new Set([...a, ...b]).size === roleOf.size && Math.abs(a.length - b.length) <= 1;
    }, 20_000, `an even split of ${roleOf.size} receivers`);
    // Receivers of one role receive alike (every CPO's locations go to each eMSP): each process gets some of each.
    expect(Math.min(eMspsServed(hubs[0]), eMspsServed(second))).toBeGreaterThanOrEqual(1);

    // One change at a time: changes waiting together would reach a receiver merged into one.
    for (const status of ['CHARGING', 'AVAILABLE', 'BLOCKED']) {
      await push(status);
      await eventually(() => everyEmspHas(status), 30_000, `${status} at every eMSP`);
    }
  });

  it('has the remaining process take every receiver over when the other stops', async () => {
    const second = hubs.pop()!;
    await second.close();
    await eventually(() => served(hubs[0]).length === roleOf.size, 20_000, 'the first process serving all again');

    await push('OUTOFORDER');
    await eventually(() => everyEmspHas('OUTOFORDER'), 30_000, 'the change at every eMSP');
  });
});
