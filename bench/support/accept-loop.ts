/**
 * One round of NA×10's accept measurement: a closed loop of EVSE status PATCHes, `width` in
 * flight, sent from a process of its own. Like the mixed run's traffic (na-load.ts), it stays
 * apart from the bench's simulated eMSPs: at 50 eMSPs each change the hub accepts becomes 50
 * deliveries to them, and in one event loop with the client that work would slow the client, not
 * the hub, and be counted as the hub's.
 *
 * Receives an AcceptPlan as its first IPC message and warms up, then says 'warm'. Each 'go' after
 * that runs one timed round and answers with its AcceptResult; 'stop' ends the process.
 */
import { callOcpi } from '../../src/ocpi/client.js';
import { sendEvseChange } from './evse-changes.js';
import type { LoadPlan } from './na-load.js';

export interface AcceptPlan {
  /** Where the PATCHes go: through the hub to the plan's EVSEs, or to a bare proxy. */
  target: { hub: true } | { proxyUrl: string };
  width: number;
  /** Sent first and not counted: warm processes and open connections, not start-up, are measured. */
  warmUpMs: number;
  durationMs: number;
  /** The last OCPI timestamp used: every change is strictly newer. */
  clock: number;
  cpos: LoadPlan['cpos'];
  locations: LoadPlan['locations'];
}

export interface AcceptResult {
  perSecond: number;
  latencies: number[];
  failures: number;
  /** The last OCPI timestamp used, for the bench's next traffic. */
  clock: number;
}

function loopOf(plan: AcceptPlan) {
  let clock = plan.clock;
  const nextTimestamp = () => new Date((clock += 1)).toISOString();

  const patch = async (i: number) => {
    if ('proxyUrl' in plan.target) {
      const cpo = plan.cpos[i % plan.cpos.length];
      const body = { status: 'CHARGING', last_updated: nextTimestamp() };
      await callOcpi({ method: 'PATCH', url: `${plan.target.proxyUrl}/ocpi/2.2.1/receiver/locations/US/X/LOC/E${i}`, token: cpo.token, body });
      return;
    }
    await sendEvseChange(plan, i, nextTimestamp());
  };

  let next = 0;
  const closedLoop = async (durationMs: number) => {
    const latencies: number[] = [];
    let failures = 0;
    const end = performance.now() + durationMs;
    await Promise.all(
      Array.from({ length: plan.width }, async () => {
        while (performance.now() < end) {
          const started = performance.now();
          try {
            await patch(next++);
            latencies.push(performance.now() - started);
          } catch {
            failures++;
          }
        }
      }),
    );
    return { latencies, failures };
  };

  return {
    warmUp: () => closedLoop(plan.warmUpMs),
    async round(): Promise<AcceptResult> {
      const { latencies, failures } = await closedLoop(plan.durationMs);
      return { perSecond: latencies.length / (plan.durationMs / 1000), latencies, failures, clock };
    },
  };
}

const fail = (error: unknown) => {
  console.error(error);
  process.exit(1);
};

process.once('message', (plan: AcceptPlan) => {
  const loop = loopOf(plan);
  loop.warmUp().then(() => {
    process.send!('warm');
    process.on('message', (command: 'go' | 'stop') => {
      if (command === 'stop') process.exit(0);
      loop.round().then((result) => process.send!(result), fail);
    });
  }, fail);
});
