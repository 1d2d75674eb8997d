import { describe, expect, it } from 'vitest';
import { Simulation } from '../../src/sim/runner.js';
import { admin, databaseLabel, eventually, startTestHub } from '../support/hub.js';
import { FAST_DELIVERY } from '../support/network.js';

describe(`simulated partners on OCPI 2.1.1 and 2.3.0 (${databaseLabel})`, () => {
  it('roam through the hub with taps, app sessions and CDRs, without a single error', async () => {
    const hub = await startTestHub({ delivery: FAST_DELIVERY, authorizationTimeoutMs: 1_000 });
    try {
      const sim = await Simulation.start({
        hubUrl: hub.url,
        adminToken: hub.adminToken,
        cpos: 2,
        emsps: 2,
        cpoVersions: ['2.1.1', '2.3.0'],
        emspVersions: ['2.3.0', '2.1.1'],
        locations: 3,
        drivers: 10,
        seed: 5,
        sessionsPerMinute: 300,
        tickMs: 200,
        commandDelayMs: 20,
      });
      const { body: partners } = await admin(hub, 'GET', '/api/partners');
      expect(partners.map((p: any) => p.ocpi_version).sort()).toEqual(['2.1.1', '2.1.1', '2.3.0', '2.3.0']);
      await eventually(
        () => sim.tally.get('results.accepted') >= 2 && sim.tally.get('cdrs') >= 2,
        20_000,
        'command results and CDRs across versions',
      );
      await sim.stop();
      expect(sim.summary()).not.toContain('errors');
      expect(sim.tally.get('pushes.refused')).toBe(0);
      const sessions = sim.cpos.flatMap((c) => [...c.sessions.values()]);
      expect(sessions.every((s) => s.phase === 'ENDED' && s.cdr)).toBe(true);
      const [{ cdrs }] = await hub.hub.db.query<{ cdrs: number }>("SELECT count(*)::int AS cdrs FROM objects WHERE module = 'cdrs'");
      expect(cdrs).toBe(sessions.length);
    } finally {
      await hub.close();
    }
  });
});
