import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliveryBacklog } from '../../src/hub/support/deliveries.js';
import { OcpiPlatform } from '../../src/sim/platform.js';
import type { RunningHub } from '../../src/switchyard.js';
import { location } from '../support/fixtures.js';
import { databaseLabel, eventually, startTestHub } from '../support/hub.js';
import { FAST_DELIVERY, onboard, PARTIES } from '../support/network.js';

const CP1 = { countryCode: 'US', partyId: 'CP1' };

describe(`a receiver's backlog as metrics and support see it (${databaseLabel})`, { timeout: 60_000 }, () => {
  let hub: RunningHub;
  let cpo: OcpiPlatform;
  let emsp1: OcpiPlatform;
  let emsp2: OcpiPlatform;

  beforeAll(async () => {
    hub = await startTestHub({ delivery: FAST_DELIVERY });
    cpo = await OcpiPlatform.start({ name: 'CPO', roles: [{ ...PARTIES.cpo1 }] });
    emsp1 = await OcpiPlatform.start({ name: 'eMSP 1', roles: [{ ...PARTIES.emsp1 }] });
    emsp2 = await OcpiPlatform.start({ name: 'eMSP 2', roles: [{ ...PARTIES.emsp2 }] });
    for (const platform of [cpo, emsp1, emsp2]) await onboard(hub, platform);
  }, 180_000);
  afterAll(async () => {
    await Promise.all([cpo, emsp1, emsp2].map((p) => p?.close()));
    await hub?.close();
  });

  const backlogOf = async (party: string) => (await deliveryBacklog(hub.hub.db)).find((receiver) => receiver.party === party)!;

  it('counts what a receiver in an outage has not had, dates the oldest, and reads zero once it is delivered', async () => {
    let outage = true;
    emsp1.handle('locations', (_request, reply) => (outage ? reply.code(503).send('down for maintenance') : undefined));
    const url = cpo.hubUrl('locations', undefined, 'RECEIVER');
    for (let i = 0; i < 5; i++) {
      const reply = await cpo.send({ method: 'PUT', url: `${url}/US/CP1/BACKLOG-${i}`, body: location(CP1, `BACKLOG-${i}`) });
      expect(reply.envelope?.status_code).toBe(1000);
    }

    const waiting = await eventually(async () => {
      const backlog = await backlogOf('US*MS1');
      return backlog.failures > 0 && backlog;
    }, 30_000, 'a failed delivery to the eMSP in its outage');
    expect(waiting.depth).toBeGreaterThanOrEqual(5);
    expect(waiting.lagSeconds).toBeGreaterThan(0);
    expect(waiting.lastError).toMatch(/503/);

    // The other eMSP was not held up: it has everything, and nothing is waiting for it.
    await eventually(async () => (await backlogOf('CA*MS2')).depth === 0, 30_000, 'the other eMSP caught up');
    expect((await backlogOf('CA*MS2')).lagSeconds).toBe(0);

    outage = false;
    const caughtUp = await eventually(async () => {
      const backlog = await backlogOf('US*MS1');
      return backlog.depth === 0 && backlog;
    }, 30_000, 'the eMSP caught up after its outage');
    expect(caughtUp).toMatchObject({ lagSeconds: 0, failures: 0, nextAttemptAt: null });
  });
});
