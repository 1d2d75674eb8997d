/**
 * The NA×10 mixed run's traffic, sent from a process of its own: EVSE changes, real-time
 * authorizations (through the hub and, as their baseline, directly to the eMSP), sessions and
 * CDRs at fixed rates. Apart from the bench's simulated eMSPs, whose work (thousands of
 * deliveries a second) would otherwise delay this clock and be counted as the hub's latency.
 *
 * Receives a LoadPlan as its first IPC message, answers with a LoadResult, then exits.
 */
import { Agent } from 'undici';
import { callOcpi } from '../../src/ocpi/client.js';
import { cdr, session } from '../../test/support/fixtures.js';
import { evseOfChange, sendEvseChange } from './evse-changes.js';

type Party = { countryCode: string; partyId: string };

export interface LoadPlan {
  /** Traffic at the plan's rates before the timed run: sent and checked for loss, not timed. */
  warmUpMs?: number;
  runMs: number;
  rates: { changes: number; authorizations: number; sessions: number };
  /** The last OCPI timestamp used: every change is strictly newer. */
  clock: number;
  cpos: { party: Party; token: string; locationsUrl: string; tokensUrl: string; sessionsUrl: string; cdrsUrl: string }[];
  emsps: { party: Party; tokenForHub: string; directTokensUrl: string; tokens: string[] }[];
  locations: { cpo: number; id: string; evses: string[] }[];
  /**
   * Another CPO's burst beside the timed traffic: `inFlight` authorizations of `token` kept open at
   * once, from the plan's CPO `cpo` through the hub, for the whole run. Untimed; the timed
   * authorizations then come from the other CPOs.
   */
  burst?: { cpo: number; token: string; inFlight: number };
}

export interface LoadResult {
  /** Accept latencies of the EVSE changes sent after the warm-up, ms. */
  changes: number[];
  /** `uid|last_updated` of each change → when it was sent (wall clock, ms). */
  sentAt: [string, number][];
  /** Each EVSE's last accepted state (its last_updated). */
  lastAccepted: [string, string][];
  hubRta: number[];
  directRta: number[];
  refused: number;
  errors: number;
  sessions: string[];
  cdrs: string[];
  /** Authorizations of the burst answered with 1000. */
  burstAnswered: number;
}

/**
 * A time in ms that another process on this machine can compare with its own: the monotonic clock,
 * which every process reads alike. Wall-clock time as of a process's start (`performance.timeOrigin`)
 * is not, should the system clock be stepped between two processes' starts: one run read every
 * delivery lag 300 ms below zero, changes arriving before they were sent.
 */
export const machineClock = () => Number(process.hrtime.bigint()) / 1e6;

const sleep = (delay: number) => new Promise((resolve) => setTimeout(resolve, delay));
const pick = <T>(list: T[]) => list[Math.floor(Math.random() * list.length)];

async function run(plan: LoadPlan): Promise<LoadResult> {
  const result: LoadResult = { changes: [], sentAt: [], lastAccepted: [], hubRta: [], directRta: [], refused: 0, errors: 0, sessions: [], cdrs: [], burstAnswered: 0 };
  const lastAccepted = new Map<string, string>();
  let clock = plan.clock;

  // Latencies count from the end of the warm-up: the first seconds open connections and compile
  // this process's code, which says nothing of the hub.
  const warmUpMs = plan.warmUpMs ?? 0;
  let timed = warmUpMs === 0;

  const change = async (i: number) => {
    const evseUid = evseOfChange(plan, i);
    const lastUpdated = new Date((clock += 1)).toISOString();
    result.sentAt.push([`${evseUid}|${lastUpdated}`, machineClock()]);
    const started = performance.now();
    const counted = timed;
    await sendEvseChange(plan, i, lastUpdated);
    if (counted) result.changes.push(performance.now() - started);
    lastAccepted.set(evseUid, lastUpdated);
  };

  const timedCpos = plan.burst ? plan.cpos.filter((_, i) => i !== plan.burst!.cpo) : plan.cpos;
  const authorize = async (cpo = pick(timedCpos), emsp = pick(plan.emsps), counted = timed) => {
    const path = `${encodeURIComponent(pick(emsp.tokens))}/authorize?type=RFID`;
    let started = performance.now();
    const viaHub = await callOcpi({ method: 'POST', url: `${cpo.tokensUrl}/${path}`, token: cpo.token });
    const viaHubMs = performance.now() - started;
    if (viaHub.envelope?.status_code !== 1000) result.refused++;
    started = performance.now();
    await callOcpi({ method: 'POST', url: `${emsp.directTokensUrl}/${path}`, token: emsp.tokenForHub });
    if (!counted) return;
    result.hubRta.push(viaHubMs);
    result.directRta.push(performance.now() - started);
  };

  const sessionAndCdr = async (n: number) => {
    const cpo = pick(plan.cpos);
    const emsp = pick(plan.emsps);
    const id = `S${n}`;
    const put = await callOcpi({
      method: 'PUT',
      url: `${cpo.sessionsUrl}/${cpo.party.countryCode}/${cpo.party.partyId}/${id}`,
      token: cpo.token,
      body: session(cpo.party, emsp.party, id),
    });
    if (put.envelope?.status_code === 1000) result.sessions.push(id);
    const posted = await callOcpi({ method: 'POST', url: cpo.cdrsUrl, token: cpo.token, body: cdr(cpo.party, emsp.party, `CDR${n}`) });
    if (posted.envelope?.status_code === 1000) result.cdrs.push(`CDR${n}`);
  };

  const inflight = new Set<Promise<void>>();
  const launch = (work: () => Promise<void>) => {
    const promise = work()
      .catch(() => void result.errors++)
      .finally(() => inflight.delete(promise));
    inflight.add(promise);
  };
  // Every eMSP is asked once first, through the hub and directly, uncounted: the connections each
  // path keeps open exist before the timing starts, as they do in steady operation.
  for (const [e, emsp] of plan.emsps.entries()) await authorize(plan.cpos[e % plan.cpos.length], emsp, false);

  const started = performance.now();
  const ended = () => performance.now() - started >= warmUpMs + plan.runMs;
  const bursting = plan.burst ? keepBursting(plan, plan.burst, ended, () => result.burstAnswered++) : Promise.resolve();
  const due = { changes: 0, authorizations: 0, sessions: 0 };
  while (!ended()) {
    const elapsed = (performance.now() - started) / 1000;
    timed ||= elapsed * 1000 >= warmUpMs;
    while (due.changes < elapsed * plan.rates.changes) {
      const i = due.changes++;
      launch(() => change(i));
    }
    while (due.authorizations < elapsed * plan.rates.authorizations) {
      due.authorizations++;
      launch(() => authorize());
    }
    while (due.sessions < elapsed * plan.rates.sessions) {
      const n = due.sessions++;
      launch(() => sessionAndCdr(n));
    }
    await sleep(5);
  }
  await Promise.all([...inflight, bursting]);
  result.lastAccepted = [...lastAccepted];
  return result;
}

/** The burst's authorizations, `inFlight` open at once until the run has ended. */
async function keepBursting(plan: LoadPlan, burst: NonNullable<LoadPlan['burst']>, ended: () => boolean, answered: () => void): Promise<void> {
  const cpo = plan.cpos[burst.cpo];
  const url = `${cpo.tokensUrl}/${encodeURIComponent(burst.token)}/authorize?type=RFID`;
  // Connections of the burst's own, as the bursting CPO's system would have: the timed requests
  // would otherwise queue behind the burst in this process's pool.
  const client = { allowOutboundUrl: () => undefined, dispatcher: new Agent({ connections: null }) };
  await Promise.all(
    Array.from({ length: burst.inFlight }, async () => {
      while (!ended()) {
        const reply = await callOcpi({ method: 'POST', url, token: cpo.token, timeoutMs: 60_000, outbound: client }).catch(() => undefined);
        if (reply?.envelope?.status_code === 1000) answered();
      }
    }),
  );
  await client.dispatcher.close();
}

process.once('message', (plan: LoadPlan) => {
  run(plan).then(
    (result) => process.send!(result, () => process.exit(0)),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
});
