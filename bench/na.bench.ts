/**
 * "NA×10": a North American network ten times today's size on one machine. CPOs load their
 * locations and eMSPs their tokens through the hub; then, for `--minutes`, EVSE status changes,
 * real-time authorizations, sessions and CDRs flow at fixed rates (after `--warm-up-seconds` of
 * the same traffic, checked for loss but not timed). Every figure comes with a baseline measured
 * in the same run:
 *
 *   accept       closed loop at `--concurrency`, after 2 s untimed each: the hub's EVSE PATCH vs a bare Fastify → undici proxy
 *   RTA          the hub's round trip vs the CPO calling the eMSP directly (the difference is the hub's); alone,
 *                beside another CPO's burst (200 open at once at the first eMSP, which answers them in 250 ms), and
 *                in the mixed run
 *   WAL          what the data's server wrote per change accepted in the hub's rounds (PostgreSQL)
 *   delivery lag accept → arrival at an eMSP
 *   GET-all      one eMSP pulls every location page by page
 *   RSS          of the hub's processes, sampled over the run
 *   pauses       of the process taking requests through each authorization phase and the mixed run: event-loop
 *                delay, garbage collection
 *   lost         loaded Locations, sessions and CDRs not delivered, EVSEs whose last state did not arrive, once the
 *                hub's backlog has drained (at most `--settle-minutes`)
 *
 * On PostgreSQL the hub runs as processes of the compiled CLI, as it would be deployed on a
 * shared machine: one takes the partners' requests (`serve --no-delivery`) and
 * `--delivering-processes` (2) deliver at a lower CPU priority, sharing the receivers;
 * `--one-process` runs a single `serve` instead (always so on the embedded database). Every CPO
 * gets a request budget far above what it sends: measured is the accept path, not admission. The
 * bare proxy, each accept round's client (support/accept-loop.ts) and the mixed run's traffic
 * (support/na-load.ts) run in processes of their own; the simulated partners and the proxy's sink
 * share this one.
 *
 *   npm run bench -- na [--evses 250000 --cpos 100 --emsps 50 --minutes 2] [--one-process]
 *                       [--delivering-processes 2] [--hub-dir DIR (another build of the hub, to compare)]
 *                       [--stop-delivering-in-rounds (a diagnostic: the request path and its database alone)]
 *                       [--journal-database-url URL (the hub's journal on that PostgreSQL server instead)]
 *   (DATABASE_URL=postgres://… for PostgreSQL; embedded PGlite otherwise)
 */
import { fork, spawn } from 'node:child_process';
import { once } from 'node:events';
import os from 'node:os';
import { parseArgs } from 'node:util';
import Fastify from 'fastify';
import { success } from '../src/ocpi/envelope.js';
import { OcpiPlatform } from '../src/sim/platform.js';
import { cdr, evse, location, session, token } from '../test/support/fixtures.js';
import { admin } from '../test/support/hub.js';
import { onboard } from '../test/support/network.js';
import { addSpent, CpuLedger, machineShares, POSTGRES_ROLE, spentBetween, type CpuSpent } from './support/cpu-ledger.js';
import { startHubProcess } from './support/hub-process.js';
import type { AcceptPlan, AcceptResult } from './support/accept-loop.js';
import { machineClock, type LoadPlan, type LoadResult } from './support/na-load.js';
import { pausesBetween } from './support/process-pauses.js';
import { addWal, readWal, walBetween, walSettings, type WalReading } from './support/wal-ledger.js';

const { values } = parseArgs({
  options: {
    evses: { type: 'string', default: '250000' },
    'evses-per-location': { type: 'string', default: '10' },
    cpos: { type: 'string', default: '100' },
    emsps: { type: 'string', default: '50' },
    tokens: { type: 'string', default: '100' },
    minutes: { type: 'string', default: '2' },
    changes: { type: 'string', default: '200' },
    authorizations: { type: 'string', default: '40' },
    sessions: { type: 'string', default: '5' },
    concurrency: { type: 'string', default: '32' },
    'accept-seconds': { type: 'string', default: '10' },
    'cpu-prof': { type: 'string' },
    'hub-dir': { type: 'string', default: '.' },
    'one-process': { type: 'boolean', default: false },
    'stop-delivering-in-rounds': { type: 'boolean', default: false },
    'delivering-processes': { type: 'string', default: '2' },
    'journal-database-url': { type: 'string' },
    'settle-minutes': { type: 'string', default: '15' },
    'warm-up-seconds': { type: 'string', default: '10' },
  },
});
const option = (name: keyof typeof values) => Number(values[name]);
const perLocation = option('evses-per-location');
const locationCount = Math.ceil(option('evses') / perLocation);
const cpoCount = option('cpos');
const emspCount = option('emsps');
const runMs = option('minutes') * 60_000;
const concurrency = option('concurrency');

// --- helpers ------------------------------------------------------------------------------------

const percentile = (samples: number[], p: number) => {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};
const ms = (value: number) => (Number.isNaN(value) ? '—' : `${value.toFixed(1)} ms`);
const mb = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MB`;
const sleep = (delay: number) => new Promise((resolve) => setTimeout(resolve, delay));

async function inParallel(count: number, width: number, work: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => { while (next < count) await work(next++); }));
}

/** A PUT is idempotent: on a loaded machine one that timed out is sent again. */
async function retrying(work: () => Promise<void>, attempts = 3): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= attempts) throw error;
    }
  }
}

/** The last OCPI timestamp used: the traffic processes continue from it, each change strictly newer. */
let clock = Date.UTC(2026, 11, 1, 0, 0, 0);

const party = (prefix: string, i: number) => ({ countryCode: 'US', partyId: `${prefix}${i.toString(36).toUpperCase().padStart(2, '0')}` });

/** Roles of the CPU ledger: the hub's processes, and what runs beside them on the machine. */
const HUB_REQUESTS = 'taking requests';
const HUB_DELIVERING = 'delivering';
const CLIENT = 'accept client';
const PARTNERS = 'simulated partners';
const PROXY = 'proxy';

// --- the network ----------------------------------------------------------------------------------

const engine = process.env.DATABASE_URL ? 'postgres' : 'embedded';
const hub = await startHubProcess({ engine, adminToken: 'bench', hubDir: values['hub-dir'], profileDir: values['cpu-prof'], split: !values['one-process'], deliveringProcesses: option('delivering-processes'), journalServerUrl: values['journal-database-url'] });

/**
 * What the simulated partners remember of the hub's requests: the bench counts what arrives in
 * its handlers, and at thousands of deliveries a second a longer history would grow this
 * process's heap, and its garbage collector's pauses, with the run.
 */
const PARTNER_HISTORY = 10;
const cpos = await Promise.all(
  Array.from({ length: cpoCount }, (_, i) =>
    OcpiPlatform.start({ name: `CPO ${i}`, roles: [{ role: 'CPO', ...party('C', i), name: `CPO ${i}` }], history: PARTNER_HISTORY }),
  ),
);
const emsps = await Promise.all(
  Array.from({ length: emspCount }, (_, i) =>
    OcpiPlatform.start({ name: `eMSP ${i}`, roles: [{ role: 'EMSP', ...party('M', i), name: `eMSP ${i}` }], history: PARTNER_HISTORY }),
  ),
);
const partyOf = (platform: OcpiPlatform) => ({ countryCode: platform.options.roles[0].countryCode, partyId: platform.options.roles[0].partyId });
/**
 * The token of the first eMSP that the first CPO's burst of authorizations asks about: the eMSP
 * answers it in BURST_ANSWER_MS, and the timed authorizations never ask about it.
 */
const BURST_TOKEN = `${partyOf(emsps[0]).partyId}TBURST`;
const BURST_ANSWER_MS = 250;
const BURST_IN_FLIGHT = 200;
const onboardStarted = performance.now();
await inParallel(cpos.length + emsps.length, 4, async (i) => {
  const id = await onboard(hub.handle, [...cpos, ...emsps][i]);
  // Measured here is the accept path, not admission: the default budget (100/s, burst 1,000 per
  // partner) would answer most of a fast machine's accept round with 429 at once.
  await admin(hub.handle, 'PUT', `/api/partners/${id}/security`, { rate_limit: { per_second: 100_000, burst: 100_000 }, client_certificate: null });
});
const onboardSeconds = (performance.now() - onboardStarted) / 1000;

// What the eMSPs receive: arrival times of EVSE states (first eMSP), sessions and CDRs (all).
/** When each EVSE state first reached the first eMSP (wall clock), by `uid|last_updated`. */
const arrivedAt = new Map<string, number>();
const lastStateAtEmsp = new Map<string, string>();
const received = { sessions: new Set<string>(), cdrs: new Set<string>() };
/** The Locations each eMSP was sent whole (a PUT of the Location), by eMSP index. */
const locationsAt = emsps.map(() => new Set<string>());
/** Requests the hub made to the eMSPs to deliver something (everything but authorizations). */
let deliveriesReceived = 0;
const tokensOf = new Map<OcpiPlatform, { uid: string; body: ReturnType<typeof token> }[]>();
for (const [index, emsp] of emsps.entries()) {
  emsp.handle('locations', (r) => {
    deliveriesReceived++;
    const [, , , locationId, evseUid] = r.path.split('/');
    if (r.method === 'PUT' && locationId && !evseUid) locationsAt[index].add(locationId);
    if (index !== 0) return undefined;
    // A lagging receiver gets changes coalesced: the latest state may come as a whole Location or EVSE.
    const body = r.body as { last_updated?: string; uid?: string; evses?: { uid: string; last_updated: string }[] };
    const states = body.evses?.map((e) => [e.uid, e.last_updated] as const) ?? [[evseUid ?? body.uid ?? '', body.last_updated ?? ''] as const];
    for (const [uid, lastUpdated] of states) {
      const key = `${uid}|${lastUpdated}`;
      if (!arrivedAt.has(key)) arrivedAt.set(key, machineClock());
      if ((lastStateAtEmsp.get(uid) ?? '') < lastUpdated) lastStateAtEmsp.set(uid, lastUpdated);
    }
    return undefined;
  });
  emsp.handle('sessions', (r) => {
    deliveriesReceived++;
    received.sessions.add(r.path.split('/')[3]);
  });
  emsp.handle('cdrs', (r) => {
    deliveriesReceived++;
    received.cdrs.add((r.body as { id: string }).id);
  });
  emsp.handle('tokens', async (r) => {
    const uid = decodeURIComponent(r.path.split('/')[1] ?? '');
    if (uid === BURST_TOKEN) {
      await sleep(BURST_ANSWER_MS);
      return success({ allowed: 'ALLOWED', token: token(partyOf(emsp), uid) });
    }
    const known = tokensOf.get(emsp)?.find((t) => t.uid === uid);
    return known ? success({ allowed: 'ALLOWED', token: known.body }) : undefined;
  });
}

// --- load -----------------------------------------------------------------------------------------

const locations: { cpo: OcpiPlatform; id: string; evses: string[] }[] = [];
for (let i = 0; i < locationCount; i++) {
  const cpo = cpos[i % cpos.length];
  locations.push({ cpo, id: `LOC-${i}`, evses: Array.from({ length: perLocation }, (_, e) => `E${i}-${e}`) });
}
const loadStarted = performance.now();
await inParallel(locations.length, 16, (i) => retrying(async () => {
  const { cpo, id, evses } = locations[i];
  const owner = partyOf(cpo);
  const reply = await cpo.send({
    method: 'PUT',
    url: `${cpo.hubUrl('locations', undefined, 'RECEIVER')}/${owner.countryCode}/${owner.partyId}/${id}`,
    body: location(owner, id, { evses: evses.map((uid) => evse(uid)) }),
  });
  if (reply.envelope?.status_code !== 1000) throw new Error(`Location ${id} refused: ${JSON.stringify(reply.envelope)}`);
}));
const loadSeconds = (performance.now() - loadStarted) / 1000;
await inParallel(emsps.length * option('tokens'), 16, async (i) => {
  const emsp = emsps[i % emsps.length];
  const owner = partyOf(emsp);
  const uid = `${owner.partyId}T${i}`;
  const body = token(owner, uid);
  tokensOf.set(emsp, [...(tokensOf.get(emsp) ?? []), { uid, body }]);
  await retrying(async () => {
    await emsp.send({ method: 'PUT', url: `${emsp.hubUrl('tokens', undefined, 'RECEIVER')}/US/${owner.partyId}/${uid}?type=RFID`, body });
  });
});

await retrying(async () => {
  const owner = partyOf(emsps[0]);
  const body = token(owner, BURST_TOKEN);
  await emsps[0].send({ method: 'PUT', url: `${emsps[0].hubUrl('tokens', undefined, 'RECEIVER')}/US/${owner.partyId}/${BURST_TOKEN}?type=RFID`, body });
});

/**
 * Traffic at fixed rates, sent from a process of its own (support/na-load.ts), apart from the
 * eMSPs' work in this one; timestamps continue from the bench's clock.
 */
function planOf(rates: LoadPlan['rates'], runMs: number, warmUpMs: number, burst?: LoadPlan['burst']): LoadPlan {
  return {
    burst,
    warmUpMs,
    runMs,
    rates,
    clock,
    cpos: cpos.map((cpo) => ({
      party: partyOf(cpo),
      token: cpo.tokenToHub!,
      locationsUrl: cpo.hubUrl('locations', undefined, 'RECEIVER'),
      tokensUrl: cpo.hubUrl('tokens', undefined, 'SENDER'),
      sessionsUrl: cpo.hubUrl('sessions', undefined, 'RECEIVER'),
      cdrsUrl: cpo.hubUrl('cdrs', undefined, 'RECEIVER'),
    })),
    emsps: emsps.map((emsp) => ({
      party: partyOf(emsp),
      tokenForHub: emsp.tokenForHub!,
      directTokensUrl: `${emsp.url}/2.2.1/sender/tokens`,
      tokens: (tokensOf.get(emsp) ?? []).map((t) => t.uid),
    })),
    locations: locations.map(({ cpo, id, evses }) => ({ cpo: cpos.indexOf(cpo), id, evses })),
  };
}

/** The /metrics text of the hub's process taking requests around a phase (undefined: not read). */
interface PhaseMetrics {
  before?: string;
  after?: string;
}

/** A phase's result, with the /metrics of the hub's process taking requests before and after it. */
async function scraped<T>(phase: () => Promise<T>): Promise<{ result: T; metrics: PhaseMetrics }> {
  const before = await hub.requestsMetrics();
  const result = await phase();
  return { result, metrics: { before, after: await hub.requestsMetrics() } };
}

async function runLoad(plan: LoadPlan): Promise<LoadResult> {
  const loadProcess = fork('bench/support/na-load.ts', { execArgv: ['--import', 'tsx'] });
  loadProcess.send(plan);
  const [result] = (await once(loadProcess, 'message')) as [LoadResult];
  return result;
}

/** Real-time authorization alone: its first taps open the load process's connections. */
const QUIET_WARM_UP_MS = 2_000;
/** The accept path's untimed warm-up, for the hub and the proxy alike. */
const ACCEPT_WARM_UP_MS = 2_000;

// --- real-time authorization alone, the hub otherwise idle ---------------------------------------------

/** How often the hub's backlog is read while waiting for it: reading it is work for the hub too. */
const BACKLOG_POLL_MS = 2_000;

/**
 * Until no receiver has events waiting (by the hub's /metrics), at most `--settle-minutes`;
 * returns the seconds waited. The phases after it are then measured on a hub that is not still
 * delivering the one before, unless that took longer.
 */
async function drained(): Promise<number> {
  const started = performance.now();
  const limit = option('settle-minutes') * 60_000;
  while ((await hub.deliveryBacklog()) !== 0 && performance.now() - started < limit) await sleep(BACKLOG_POLL_MS);
  return (performance.now() - started) / 1000;
}

// The load's deliveries drain first.
const loadDrainSeconds = await drained();
const loadDrained = (await hub.deliveryBacklog()) === 0;

// Taps come from a process of their own, as in the mixed run: a CPO never shares the eMSP's
// process, and a direct call inside one process would skip the scheduling a real one pays.
const { result: quietRta, metrics: quietMetrics } = await scraped(() =>
  runLoad(planOf({ changes: 0, authorizations: option('authorizations'), sessions: 0 }, option('accept-seconds') * 1000, QUIET_WARM_UP_MS)));
// The same beside the first CPO's burst, with the other CPOs asking (so with two CPOs at least).
const { result: burstRta, metrics: burstMetrics } = await scraped(async () => cpoCount > 1
  ? runLoad(planOf({ changes: 0, authorizations: option('authorizations'), sessions: 0 }, option('accept-seconds') * 1000, QUIET_WARM_UP_MS, { cpo: 0, token: BURST_TOKEN, inFlight: BURST_IN_FLIGHT }))
  : undefined);

// --- accept throughput against a bare proxy, same concurrency --------------------------------------

const sink = Fastify();
sink.all('/*', async () => success());
await sink.listen({ port: 0, host: '127.0.0.1' });
const sinkUrl = `http://127.0.0.1:${(sink.server.address() as { port: number }).port}`;
const proxyProcess = spawn(process.execPath, ['--import', 'tsx', 'bench/support/bare-proxy.ts', sinkUrl], { stdio: ['ignore', 'pipe', 'inherit'] });
const [proxyPort] = (await once(proxyProcess.stdout!, 'data')) as [Buffer];
const proxyUrl = `http://127.0.0.1:${String(proxyPort).trim()}`;

const acceptMs = option('accept-seconds') * 500;
const accept = { hub: [] as number[], proxy: [] as number[], hubLatency: [] as number[], proxyLatency: [] as number[], hubFailures: 0, proxyFailures: 0 };
/** How long the hub took, after a round, to deliver what it had accepted (not timed as accepting). */
let acceptDrainSeconds = 0;

/**
 * The closed loop's client, in a process of its own (support/accept-loop.ts), warmed up untimed:
 * the rounds measure warm processes and full connection pools, not start-up.
 */
async function acceptClient(target: AcceptPlan['target']) {
  const child = fork('bench/support/accept-loop.ts', { execArgv: ['--import', 'tsx'] });
  const { cpos: cpoPlans, locations: locationPlans } = planOf({ changes: 0, authorizations: 0, sessions: 0 }, 0, 0);
  child.send({ target, width: concurrency, warmUpMs: ACCEPT_WARM_UP_MS, durationMs: acceptMs, clock, cpos: cpoPlans, locations: locationPlans } satisfies AcceptPlan);
  await once(child, 'message');
  return {
    async round(): Promise<AcceptResult> {
      child.send('go');
      const [result] = (await once(child, 'message')) as [AcceptResult];
      clock = Math.max(clock, result.clock);
      return result;
    },
    stop: () => child.send('stop'),
    pid: child.pid,
  };
}

const hubClient = await acceptClient({ hub: true });
acceptDrainSeconds = await drained();
const proxyClient = await acceptClient({ proxyUrl });
const ledger = new CpuLedger(
  {
    [HUB_REQUESTS]: () => [hub.pids.requests],
    [HUB_DELIVERING]: () => hub.pids.delivering,
    [CLIENT]: () => [hubClient.pid, proxyClient.pid],
    [PARTNERS]: () => [process.pid],
    [PROXY]: () => [proxyProcess.pid],
  },
  engine === 'postgres',
);
/**
 * With --stop-delivering-in-rounds, the delivering processes are stopped (SIGSTOP) through the
 * work and let go on after it: what the request path and its database reach alone. A diagnostic,
 * not the benchmark: deliveries never stop in a deployment.
 */
async function withoutDeliveries<T>(work: () => Promise<T>): Promise<T> {
  if (!values['stop-delivering-in-rounds']) return work();
  const signal = (name: NodeJS.Signals) => hub.pids.delivering.forEach((pid) => pid !== undefined && process.kill(pid, name));
  signal('SIGSTOP');
  try {
    return await work();
  } finally {
    signal('SIGCONT');
  }
}

/**
 * The hub's CPU until it has delivered what a round accepted, and within the round alone: what
 * limits accepting on a shared machine is the second (deliveries give way while partners press).
 */
const acceptCpu = { hub: [] as CpuSpent[], hubWhileAccepting: [] as CpuSpent[], proxy: [] as CpuSpent[] };
/** The data's server's WAL through the hub's rounds (PostgreSQL only). */
const acceptWal: WalReading[] = [];
const dataServerUrl = process.env.DATABASE_URL;
for (let round = 0; round < 2; round++) {
  const walStart = dataServerUrl ? await readWal(dataServerUrl) : undefined;
  const hubStart = ledger.read();
  const hub = await withoutDeliveries(() => hubClient.round());
  const roundEnd = ledger.read();
  const walEnd = dataServerUrl ? await readWal(dataServerUrl) : undefined;
  if (walStart && walEnd) acceptWal.push(walBetween(walStart, walEnd));
  // The proxy's turn comes once the hub has delivered, on a machine as quiet as the hub found it.
  acceptDrainSeconds = Math.max(acceptDrainSeconds, await drained());
  // The hub's CPU is counted until it has delivered what it accepted: that is what an accept costs.
  const hubEnd = ledger.read();
  const bare = await proxyClient.round();
  const proxyEnd = ledger.read();
  if (hubStart && roundEnd && hubEnd && proxyEnd) {
    acceptCpu.hubWhileAccepting.push(spentBetween(hubStart, roundEnd));
    acceptCpu.hub.push(spentBetween(hubStart, hubEnd));
    acceptCpu.proxy.push(spentBetween(hubEnd, proxyEnd));
  }
  accept.hub.push(hub.perSecond);
  accept.proxy.push(bare.perSecond);
  // Not push(...latencies): a long round's samples would overflow the call stack as arguments.
  accept.hubLatency = accept.hubLatency.concat(hub.latencies);
  accept.proxyLatency = accept.proxyLatency.concat(bare.latencies);
  accept.hubFailures += hub.failures;
  accept.proxyFailures += bare.failures;
}
hubClient.stop();
proxyClient.stop();

// --- the mixed run ----------------------------------------------------------------------------------

const plan = planOf(
  { changes: option('changes'), authorizations: option('authorizations'), sessions: option('sessions') },
  runMs,
  option('warm-up-seconds') * 1000,
);
const rss: { minute: number; bytes: number[] }[] = [];
const runStarted = performance.now();
const rssTimer = setInterval(async () => rss.push({ minute: (performance.now() - runStarted) / 60_000, bytes: (await hub.rssMb()).map((mb) => mb * 2 ** 20) }), 5_000);
const mixedCpuStart = ledger.read();
const deliveriesBefore = deliveriesReceived;
const { result: mixed, metrics: mixedMetrics } = await scraped(() => runLoad(plan));
const mixedCpuEnd = ledger.read();
const mixedDeliveries = deliveriesReceived - deliveriesBefore;
clearInterval(rssTimer);
const lastAccepted = new Map(mixed.lastAccepted);
const sent = { sessions: new Set(mixed.sessions), cdrs: new Set(mixed.cdrs) };

// --- delivered? ---------------------------------------------------------------------------------------

const missing = () => ({
  sessions: [...sent.sessions].filter((id) => !received.sessions.has(id)).length,
  cdrs: [...sent.cdrs].filter((id) => !received.cdrs.has(id)).length,
  states: [...lastAccepted].filter(([uid, lastUpdated]) => lastStateAtEmsp.get(uid) !== lastUpdated).length,
  // Only loaded Locations are ever PUT whole, so what an eMSP lacks is what its set is short of.
  locations: locationsAt.reduce((sum, got) => sum + locations.length - got.size, 0),
});
// What the hub has not delivered yet is not lost: wait while its backlog drains (at most
// --settle-minutes), then up to 30 s more for the last requests to land.
const settleStarted = performance.now();
const settleLimit = option('settle-minutes') * 60_000;
let drainedAt: number | undefined;
while (Object.values(missing()).some((n) => n > 0) && performance.now() - settleStarted < settleLimit) {
  if (drainedAt === undefined && (await hub.deliveryBacklog()) === 0) drainedAt = performance.now();
  if (drainedAt !== undefined && performance.now() - drainedAt > 30_000) break;
  await sleep(BACKLOG_POLL_MS);
}
const lost = missing();
const missingCount = lost.sessions + lost.cdrs + lost.states + lost.locations;
// Missing while the hub still had events to deliver (or could not say) is not yet delivered, not lost.
const backlogLeft = missingCount > 0 ? await hub.deliveryBacklog() : 0;
const backlogNote = backlogLeft === undefined ? ", the hub's backlog then unknown (its /metrics failed)" : backlogLeft > 0 ? `, the hub's backlog then ${backlogLeft} events` : '';
const settleSeconds = (performance.now() - settleStarted) / 1000;
const missingSessionTrails = await journalTrails([...sent.sessions].filter((id) => !received.sessions.has(id)).slice(0, 3));
const deliveryLags = mixed.sentAt.flatMap(([key, sentAt]) => (arrivedAt.has(key) ? [arrivedAt.get(key)! - sentAt] : []));

/**
 * What the hub's journal says of missing sessions: whether it sent them on, and what the
 * receiver answered. It tells a delivery never made from one made that the eMSP did not record.
 */
async function journalTrails(sessionIds: string[]): Promise<string[]> {
  const trails: string[] = [];
  for (const id of sessionIds) {
    const reply = await admin(hub.handle, 'GET', `/api/journal?module=sessions&object_id=${encodeURIComponent(id)}&limit=20`);
    const entries = (reply.body?.entries ?? []) as { direction: string; to_party: string | null; http_status: number | null; ocpi_status: number | null; error: string | null }[];
    const hops = entries.reverse().map((e) => `${e.direction}${e.to_party ? ` to ${e.to_party}` : ''} ${e.http_status ?? '-'}/${e.ocpi_status ?? '-'}${e.error ? ` (${e.error})` : ''}`);
    trails.push(`session ${id}: ${reply.status === 200 ? hops.join(', ') || 'not in the journal' : `journal search failed (HTTP ${reply.status})`}`);
  }
  return trails;
}

// --- GET-all ------------------------------------------------------------------------------------------

const puller = emsps[0];
const pullStarted = performance.now();
let pulledLocations = 0;
let pulledEvses = 0;
let pages = 0;
let nextUrl: string | undefined = `${puller.hubUrl('locations', undefined, 'SENDER')}?limit=100`;
while (nextUrl) {
  const page: Awaited<ReturnType<typeof puller.send<{ evses?: unknown[] }[]>>> = await puller.send({ method: 'GET', url: nextUrl });
  pulledLocations += page.envelope?.data?.length ?? 0;
  pulledEvses += (page.envelope?.data ?? []).reduce((sum, l) => sum + (l.evses?.length ?? 0), 0);
  pages++;
  nextUrl = /<([^>]+)>;\s*rel="next"/.exec(page.headers.link ?? '')?.[1];
}
const pullSeconds = (performance.now() - pullStarted) / 1000;

// --- report -------------------------------------------------------------------------------------------

const cpu = os.cpus();
const median = (list: number[]) => percentile(list, 50);
const processCount = rss[0]?.bytes.length ?? 1;
const processNames = processCount === 1 ? ['process'] : ['process taking requests', ...Array.from({ length: processCount - 1 }, (_, i) => (processCount === 2 ? 'delivering process' : `delivering process ${i + 1}`))];
const rows: [string, string, string][] = [
  ['accept, EVSE PATCH (closed loop)', `${median(accept.hub).toFixed(0)}/s, p50 ${ms(percentile(accept.hubLatency, 50))}, p99 ${ms(percentile(accept.hubLatency, 99))}`,
    `bare proxy ${median(accept.proxy).toFixed(0)}/s, p50 ${ms(percentile(accept.proxyLatency, 50))}, p99 ${ms(percentile(accept.proxyLatency, 99))}; ratio ${(median(accept.hub) / median(accept.proxy)).toFixed(2)}×; failed: hub ${accept.hubFailures}, proxy ${accept.proxyFailures}; all delivered ${acceptDrainSeconds.toFixed(0)} s after a round${values['stop-delivering-in-rounds'] ? "; the delivering processes stopped through the hub's rounds (a diagnostic)" : ''}`],
  ...acceptCpuRows(),
  [`EVSE changes at ${plan.rates.changes}/s (mixed run)`, `p50 ${ms(percentile(mixed.changes, 50))}, p99 ${ms(percentile(mixed.changes, 99))}`, `${mixed.changes.length} accepted after a ${option('warm-up-seconds')} s warm-up (timed from then on)`],
  [`RTA at ${plan.rates.authorizations}/s alone, hub-added`, `p50 ${ms(percentile(quietRta.hubRta, 50) - percentile(quietRta.directRta, 50))}, p99 ${ms(percentile(quietRta.hubRta, 99) - percentile(quietRta.directRta, 99))}`,
    `hub RTT p50 ${ms(percentile(quietRta.hubRta, 50))} p99 ${ms(percentile(quietRta.hubRta, 99))}; direct p50 ${ms(percentile(quietRta.directRta, 50))} p99 ${ms(percentile(quietRta.directRta, 99))}; ${quietRta.hubRta.length} taps, ${quietRta.refused} refused`],
  ...(burstRta ? [[`RTA at ${plan.rates.authorizations}/s beside a burst, hub-added`, `p50 ${ms(percentile(burstRta.hubRta, 50) - percentile(burstRta.directRta, 50))}, p99 ${ms(percentile(burstRta.hubRta, 99) - percentile(burstRta.directRta, 99))}`,
    `the other CPOs' taps; the first CPO kept ${BURST_IN_FLIGHT} open at the first eMSP, answered in ${BURST_ANSWER_MS} ms (${burstRta.burstAnswered} answered); hub RTT p50 ${ms(percentile(burstRta.hubRta, 50))} p99 ${ms(percentile(burstRta.hubRta, 99))}; direct p50 ${ms(percentile(burstRta.directRta, 50))} p99 ${ms(percentile(burstRta.directRta, 99))}; ${burstRta.hubRta.length} taps, ${burstRta.refused} refused`] as [string, string, string]] : []),
  [`RTA at ${plan.rates.authorizations}/s in the mixed run, hub-added`, `p50 ${ms(percentile(mixed.hubRta, 50) - percentile(mixed.directRta, 50))}, p99 ${ms(percentile(mixed.hubRta, 99) - percentile(mixed.directRta, 99))}`,
    `hub RTT p50 ${ms(percentile(mixed.hubRta, 50))} p99 ${ms(percentile(mixed.hubRta, 99))}; direct p50 ${ms(percentile(mixed.directRta, 50))} p99 ${ms(percentile(mixed.directRta, 99))}`],
  ['delivery lag to an eMSP', `p50 ${ms(percentile(deliveryLags, 50))}, p99 ${ms(percentile(deliveryLags, 99))}`, `${deliveryLags.length} changes timed`],
  ...mixedCpuRows(),
  ...pauseRows('RTA alone', quietMetrics),
  ...(burstRta ? pauseRows('RTA beside a burst', burstMetrics) : []),
  ...pauseRows('mixed run', mixedMetrics),
  [`GET-all, ${pulledEvses} EVSEs`, `${pullSeconds.toFixed(1)} s, ${pages} pages`, `${(pullSeconds / pages * 1000).toFixed(0)} ms per page of 100 locations`],
  ['load', `${(locationCount * perLocation / loadSeconds).toFixed(0)} EVSEs/s`, `${locationCount} locations in ${loadSeconds.toFixed(0)} s; onboarding ${onboardSeconds.toFixed(0)} s; delivered to every eMSP ${loadDrained ? `${loadDrainSeconds.toFixed(0)} s later` : `not yet ${loadDrainSeconds.toFixed(0)} s later (the next phases ran beside its backlog)`}`],
  ...processNames.map((name, p): [string, string, string] => [
    `RSS of the hub's ${name}`,
    rss.map((r) => mb(r.bytes[p])).filter((_, i, all) => i % Math.max(1, Math.floor(all.length / 6)) === 0).join(' → '),
    `max ${mb(Math.max(...rss.map((r) => r.bytes[p])))}`,
  ]),
  [missingCount > 0 && backlogLeft !== 0 ? 'not delivered yet (the hub still had a backlog)' : 'lost', `${missingCount}`,
    `loaded Locations at the eMSPs ${lost.locations}/${locations.length * emsps.length}, sessions ${lost.sessions}/${sent.sessions.size}, CDRs ${lost.cdrs}/${sent.cdrs.size}, EVSE last states ${lost.states}/${lastAccepted.size}; ${missingCount === 0 ? 'all delivered' : 'missing'} ${settleSeconds.toFixed(0)} s after the run${backlogNote}; request errors ${mixed.errors}, RTA refusals ${mixed.refused}`],
];
/** The hub's roles in a ledger window: its processes, and PostgreSQL when it runs on this machine. */
function hubRolesOf(spent: CpuSpent): string[] {
  return [HUB_REQUESTS, HUB_DELIVERING, ...(spent.byRole.has(POSTGRES_ROLE) ? [POSTGRES_ROLE] : [])];
}

/** CPU ms per accepted change, by role, with the proxy's per forwarded request beside it. */
function acceptCpuRows(): [string, string, string][] {
  const hubSpent = addSpent(acceptCpu.hub);
  const proxySpent = addSpent(acceptCpu.proxy);
  const accepted = accept.hubLatency.length;
  const forwarded = accept.proxyLatency.length;
  if (!hubSpent || !proxySpent || accepted === 0 || forwarded === 0) return [];
  const per = (spent: CpuSpent, role: string, count: number) => (spent.byRole.get(role) ?? 0) / count;
  const hubRoles = hubRolesOf(hubSpent);
  const hubTotal = hubRoles.reduce((sum, role) => sum + per(hubSpent, role, accepted), 0);
  const proxyTotal = per(proxySpent, PROXY, forwarded);
  const list = (spent: CpuSpent, roles: string[], count: number) => roles.map((role) => `${role} ${per(spent, role, count).toFixed(2)}`).join(', ');
  const whileAccepting = addSpent(acceptCpu.hubWhileAccepting)!;
  const whileTotal = hubRoles.reduce((sum, role) => sum + per(whileAccepting, role, accepted), 0);
  const wal = acceptWal.length === 2 ? acceptWal.reduce(addWal) : undefined;
  return [
    ...(wal ? [walRow(wal, accepted)] : []),
    ['CPU per accepted change in the rounds, ms', `${whileTotal.toFixed(2)}: ${list(whileAccepting, hubRoles, accepted)}`,
      `beside the hub ${list(whileAccepting, [CLIENT, PARTNERS], accepted)}; ${machineShares(whileAccepting)}`],
    ['CPU per accepted change, ms', `${hubTotal.toFixed(2)}: ${list(hubSpent, hubRoles, accepted)}`,
      `bare proxy ${proxyTotal.toFixed(2)} a request (hub ${(hubTotal / proxyTotal).toFixed(1)}×), beside it ${CLIENT} ${per(proxySpent, CLIENT, forwarded).toFixed(2)}, sink ${per(proxySpent, PARTNERS, forwarded).toFixed(2)}; ` +
      `beside the hub ${list(hubSpent, [CLIENT, PARTNERS], accepted)}; hub rounds until delivered: ${machineShares(hubSpent)}; proxy rounds: ${machineShares(proxySpent)}`],
  ];
}

/** WAL written by the data's server per accepted change: what each accept's commit waits to flush. */
function walRow(wal: WalReading, accepted: number): [string, string, string] {
  const journalApart = values['journal-database-url'] ? "; the journal's server apart" : '';
  return ['WAL per accepted change in the rounds', `${Math.round(wal.bytes / accepted)} bytes, ${(wal.records / accepted).toFixed(1)} records`,
    `${(wal.fullPageImages / accepted).toFixed(2)} full-page images a change (pages copied whole at their first change after a checkpoint); the whole server${journalApart}`];
}

/** CPU of the mixed run in cores, by role, and what one delivery cost the delivering processes. */
function mixedCpuRows(): [string, string, string][] {
  if (!mixedCpuStart || !mixedCpuEnd) return [];
  const spent = spentBetween(mixedCpuStart, mixedCpuEnd);
  const cores = (role: string) => (spent.byRole.get(role) ?? 0) / spent.wallMs;
  const hubRoles = hubRolesOf(spent);
  const perDelivery = mixedDeliveries > 0 ? `; ${HUB_DELIVERING} ${((spent.byRole.get(HUB_DELIVERING) ?? 0) / mixedDeliveries).toFixed(2)} ms a delivery` : '';
  return [
    ['CPU in the mixed run, cores', `${hubRoles.reduce((sum, role) => sum + cores(role), 0).toFixed(2)}: ${hubRoles.map((role) => `${role} ${cores(role).toFixed(2)}`).join(', ')}`,
      `${PARTNERS} ${cores(PARTNERS).toFixed(2)}; ${(mixedDeliveries / (spent.wallMs / 1000)).toFixed(0)} deliveries/s received${perDelivery}; ${machineShares(spent)}`],
  ];
}

/** What paused the process taking requests through a phase: the tail of quick answers. */
function pauseRows(phase: string, metrics: PhaseMetrics): [string, string, string][] {
  const measure = `pauses of ${processCount === 1 ? "the hub's process" : "the hub's process taking requests"} (${phase})`;
  if (!metrics.before || !metrics.after) return [[measure, 'not read', 'its /metrics could not be read']];
  const pauses = pausesBetween(metrics.before, metrics.after);
  if (Number.isNaN(pauses.eventLoopDelay.p99Seconds)) return [[measure, 'not reported', 'this build has no process metrics']];
  const gc = pauses.gc.map((kind) => `${kind.kind} ${kind.count} (${ms(kind.seconds * 1000)} in all)`).join(', ') || 'none';
  return [[measure, `event-loop delay p99 ${ms(pauses.eventLoopDelay.p99Seconds * 1000)}, max ${ms(pauses.eventLoopDelay.maxSeconds * 1000)}`, `garbage collection: ${gc}`]];
}

console.log(`\nNA×10 on ${cpu.length} × ${cpu[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, load ${os.loadavg()[0].toFixed(1)}, node ${process.version}, ${engine}`);
console.log(`${cpoCount} CPOs, ${emspCount} eMSPs, ${locationCount * perLocation} EVSEs in ${locationCount} locations, ${option('tokens')} tokens per eMSP, ${option('minutes')} min mixed run, concurrency ${concurrency}`);
const postgresSettings = dataServerUrl ? await walSettings(dataServerUrl) : undefined;
if (postgresSettings) console.log(`PostgreSQL: ${postgresSettings}`);
console.log(`the hub: ${hub.layout}${values['hub-dir'] === '.' ? '' : `; built in ${values['hub-dir']}`}${values['journal-database-url'] ? '; the journal on a PostgreSQL server of its own' : ''}\n`);
const width = [0, 1, 2].map((c) => Math.max(...rows.map((r) => r[c].length), ['measure', 'hub', 'baseline / detail'][c].length));
const line = (cells: string[]) => console.log(cells.map((cell, c) => cell.padEnd(width[c])).join(' | '));
line(['measure', 'hub', 'baseline / detail']);
line(width.map((w) => '-'.repeat(w)));
for (const row of rows) line(row);
if (missingSessionTrails.length > 0) console.log(`\nmissing sessions, per the hub's journal:\n${missingSessionTrails.map((trail) => `  ${trail}`).join('\n')}`);

await Promise.all([...cpos, ...emsps].map((p) => p.close()));
proxyProcess.kill();
await sink.close();
await hub.stop();
process.exit(0);
