import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Random } from '../../src/sim/random.js';
import { Simulation } from '../../src/sim/runner.js';
import type { RunningHub } from '../../src/switchyard.js';
import { databaseLabel, eventually, startTestHub } from '../support/hub.js';
import { FAST_DELIVERY } from '../support/network.js';
import { SETUP_TIMEOUT_MS } from './support.js';

describe(`Plug & Charge in the simulated network (${databaseLabel})`, () => {
  let hub: RunningHub;
  let sim: Simulation;

  beforeAll(async () => {
    hub = await startTestHub({ delivery: FAST_DELIVERY });
    sim = await Simulation.start({ hubUrl: hub.url, adminToken: hub.adminToken, cpos: 1, emsps: 1, locations: 2, drivers: 6, traffic: false, cpoVersions: ['2.3.0'], runId: 'P1', plugAndCharge: true });
  }, SETUP_TIMEOUT_MS);
  afterAll(async () => {
    await sim?.stop();
    await hub?.close();
  });

  it('publishes the drivers’ contracts and charges their cars by Plug & Charge', async () => {
    const [emsp] = sim.emsps;
    const active = emsp.drivers.filter((d) => d.emaid && d.status === 'ACTIVE');
    const [{ count }] = await hub.hub.db.query<{ count: number }>('SELECT count(*)::int AS count FROM pnc_contracts');
    expect(count).toBe(active.length);
    expect(sim.plugAndCharge!.vehicles.map((v) => v.pcid)).toEqual(active.map((d) => d.pcid));

    const outcome = await sim.plugAndCharge!.plugIn(sim.cpos[0], new Random(3));
    expect(outcome).toMatchObject({ allowed: 'ALLOWED', rule: 'AUTH_REQUEST' });
    const emaid = outcome!.uid;
    expect(active.map((d) => d.emaid!.uid)).toContain(emaid);
    expect(outcome!.session!.session.cdr_token).toMatchObject({ uid: emaid, type: 'OTHER', contract_id: emaid });
    const decision = await eventually(async () => {
      const [row] = await hub.hub.db.query<{ rule: string; allowed: string }>('SELECT rule, allowed FROM authorizations WHERE token_uid = $1', [emaid]);
      return row;
    });
    expect(decision).toEqual({ rule: 'EMSP_ANSWERED', allowed: 'ALLOWED' });
  });
});
