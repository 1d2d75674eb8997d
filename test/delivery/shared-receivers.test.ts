import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OcpiPlatform } from '../../src/sim/platform.js';
import type { RunningHub } from '../../src/switchyard.js';
import { evse, location } from '../support/fixtures.js';
import { eventually, isolatedDatabase, startLoopbackHub } from '../support/hub.js';
import { FAST_DELIVERY, onboard, PARTIES } from '../support/network.js';

const CP1 = { countryCode: 'US', partyId: 'CP1' };
const EMSPS = 5;

describe.runIf(process.env.DATABASE_URL)('delivering processes on one PostgreSQL', () => {
  let database: Awaited<ReturnType<typeof isolatedDatabase>>;
  const hubs: RunningHub[] = [];
  let cpo: OcpiPlatform;
  const emsps: OcpiPlatform[] = [];
  let receivers = 0;

  const startHub = async () => {
    const hub = await startLoopbackHub({ ...database.options, delivery: FAST_DELIVERY });
    hubs.push(hub);
    return hub;
  };
  const served = (...of: RunningHub[]) => of.map((hub) => hub.hub.delivery.receiversServed);
  /** Every eMSP holds the location's EVSE in `status`, received once per change. */
  const everyEmspHas = (status: string) =>
    emsps.every((emsp) => emsp.receivedFor('locations').filter((r) => (r.body as { status?: string }).status === status).length === 1);
  let changes = 0;
  const push = async (status: string) => {
    const url = `${cpo.hubUrl('locations', undefined, 'RECEIVER')}/US/CP1/LOC-SHARED/EVSE-1`;
    const reply = await cpo.send({ method: 'PATCH', url, body: { status, last_updated: new Date(Date.UTC(2026, 11, 1, 12, 0, ++changes)).toISOString() } });
    expect(reply.envelope?.status_code).toBe(1000);
  };

  beforeAll(async () => {
    database = await isolatedDatabase();
    const first = await startHub();
    cpo = await OcpiPlatform.start({ name: 'Volt Street', roles: [PARTIES.cpo1] });
    await onboard(first, cpo);
    for (let i = 0; i < EMSPS; i++) {
      const emsp = await OcpiPlatform.start({ name: `eMSP ${i}`, roles: [{ role: 'EMSP', countryCode: 'US', partyId: `MS${i}`, name: `eMSP ${i}` }] });
      emsps.push(emsp);
      await onboard(first, emsp);
    }
    const put = await cpo.send({
      method: 'PUT',
      url: `${cpo.hubUrl('locations', undefined, 'RECEIVER')}/US/CP1/LOC-SHARED`,
      body: location(CP1, 'LOC-SHARED', { evses: [evse('EVSE-1')] }),
    });
    expect(put.envelope?.status_code).toBe(1000);
    await eventually(() => emsps.every((emsp) => emsp.receivedFor('locations').length === 1), 30_000, 'the location at every eMSP');
    const [{ n }] = await first.hub.db.query<{ n: number }>('SELECT count(*)::int AS n FROM parties');
    receivers = n;
  });
  afterAll(async () => {
    await cpo?.close();
    for (const emsp of emsps) await emsp.close();
    for (const hub of hubs) await hub.close();
    await database?.drop();
  });

  it('serves every receiver from the one process there is', async () => {
    expect(receivers).toBe(EMSPS + 1);
    await eventually(() => served(hubs[0])[0] === receivers, 10_000, 'one process serving all');
  });

  it('shares the receivers evenly once a second process joins, delivering each change once', async () => {
    const second = await startHub();
    await eventually(() => {
      const [a, b] = served(hubs[0], second);
      return a + b === receivers && Math.abs(a - b) <= 1;
    }, 20_000, `an even split of ${receivers} receivers`);

    // One change at a time: changes waiting together would reach a receiver merged into one.
    for (const status of ['CHARGING', 'AVAILABLE', 'BLOCKED']) {
      await push(status);
      await eventually(() => everyEmspHas(status), 30_000, `${status} at every eMSP`);
    }
  });

  it('has the remaining process take every receiver over when the other stops', async () => {
    const second = hubs.pop()!;
    await second.close();
    await eventually(() => served(hubs[0])[0] === receivers, 20_000, 'the first process serving all again');

    await push('OUTOFORDER');
    await eventually(() => everyEmspHas('OUTOFORDER'), 30_000, 'the change at every eMSP');
  });
});
