/**
 * Fan-out: CPOs push EVSE status changes at a fixed offered rate through the hub to N eMSPs that
 * answer 1000 at once. For each (database, eMSP count, rate) it reports deliveries/s, delivery
 * lag p50/p99 (from the hub's 1000 to the CPO to the eMSP's receipt), lost and duplicated
 * deliveries, the hub's peak RSS and its CPU time per delivery (accepting the pushes included;
 * PostgreSQL's apart); then, in the same run, a bare baseline: the same number of PUTs sent by
 * this one process with undici straight to the same receivers, with this process's CPU per PUT
 * (sending and receiving both). CPU per delivery moves much less with the machine's neighbours
 * than deliveries per second, so it is the figure to compare two hubs by (`--hub-dir`).
 *
 *   npm run bench -- fanout [--emsps 10,50] [--rates 50,200] [--seconds 5] [--cpos 1]
 *                           [--engines postgres,embedded] [--locations 100] [--cpu-prof DIR]
 *
 * PostgreSQL runs need DATABASE_URL (the hub works in a schema of its own there).
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { Agent, request } from 'undici';
import { authorizationHeader } from '../src/ocpi/auth.js';
import { OcpiPlatform } from '../src/sim/platform.js';
import { evse, location } from '../test/support/fixtures.js';
import { admin } from '../test/support/hub.js';
import { onboard } from '../test/support/network.js';
import { CpuLedger, POSTGRES_ROLE, spentBetween } from './support/cpu-ledger.js';
import { startHubProcess } from './support/hub-process.js';

const { values } = parseArgs({
  options: {
    emsps: { type: 'string', default: '10,50' },
    rates: { type: 'string', default: '50,200' },
    seconds: { type: 'string', default: '5' },
    cpos: { type: 'string', default: '1' },
    engines: { type: 'string', default: process.env.DATABASE_URL ? 'postgres,embedded' : 'embedded' },
    locations: { type: 'string', default: '100' },
    'cpu-prof': { type: 'string' },
    // Another checkout's hub (e.g. the main branch), measured the same way for comparison.
    'hub-dir': { type: 'string', default: '.' },
  },
});
const list = (text: string) => text.split(',').map((item) => item.trim()).filter(Boolean);
const EMSP_COUNTS = list(values.emsps).map(Number);
const RATES = list(values.rates).map(Number);
const SECONDS = Number(values.seconds);
const CPOS = Number(values.cpos);
const LOCATIONS = Number(values.locations);
const ENGINES = list(values.engines) as ('postgres' | 'embedded')[];
const ADMIN_TOKEN = 'fanout-bench';
const BASE_TIME = Date.UTC(2026, 10, 22, 10, 0, 0);
const MAX_IN_FLIGHT = 256;
/** The CPU ledger's role for the hub's processes. */
const HUB = 'hub';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await sleep(20);
  }
  return true;
}

/** Transactions committed in the database so far (each statement outside a transaction is one). */
async function transactionsSoFar(engine: 'postgres' | 'embedded'): Promise<number> {
  if (engine !== 'postgres') return NaN;
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  try {
    // Statistics reach pg_stat_database within a second or so of each transaction's end.
    await sleep(1_500);
    const { rows } = await client.query('SELECT xact_commit + xact_rollback AS n FROM pg_stat_database WHERE datname = current_database()');
    return Number(rows[0].n);
  } finally {
    await client.end();
  }
}

/** Decodes the change number carried in last_updated (ms after BASE_TIME). */
const changeOf = (body: unknown): number => {
  const b = body as { last_updated?: string };
  return b?.last_updated ? Date.parse(b.last_updated) - BASE_TIME : -1;
};

interface Receipt {
  emsp: number;
  evse: number;
  change: number;
  at: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function runEngine(engine: 'postgres' | 'embedded', emspCount: number): Promise<void> {
  const hub = await startHubProcess({ engine, adminToken: ADMIN_TOKEN, hubDir: values['hub-dir'], profileDir: values['cpu-prof'] });
  const cpos: OcpiPlatform[] = [];
  const emsps: OcpiPlatform[] = [];
  try {
    for (let i = 0; i < CPOS; i++) {
      const cpo = await OcpiPlatform.start({ name: `CPO ${i}`, roles: [{ role: 'CPO', countryCode: 'US', partyId: `C${String(i).padStart(2, '0')}`, name: `CPO ${i}` }] });
      cpos.push(cpo);
      const id = await onboard(hub.handle, cpo);
      // The default partner budget (100/s, burst 1000) would refuse the higher offered rates: measured here is delivery.
      await admin(hub.handle, 'PUT', `/api/partners/${id}/security`, { rate_limit: { per_second: 10_000, burst: 10_000 }, client_certificate: null });
    }
    const ledger = new CpuLedger({ [HUB]: () => [hub.pids.requests, ...hub.pids.delivering] }, engine === 'postgres');
    let receipts: Receipt[] = [];
    /** The highest change each eMSP has of each location. */
    let highest = new Map<string, number>();
    for (let i = 0; i < emspCount; i++) {
      // The receipts are counted in the handler: the platform need not remember the requests.
      const emsp = await OcpiPlatform.start({ name: `eMSP ${i}`, roles: [{ role: 'EMSP', countryCode: 'US', partyId: `E${String(i).padStart(2, '0')}`, name: `eMSP ${i}` }], history: 10 });
      emsps.push(emsp);
      await onboard(hub.handle, emsp);
      emsp.handle('locations', (req) => {
        const evseIndex = Number(/LOC-(\d+)/.exec(req.path)?.[1] ?? -1);
        const receipt = { emsp: i, evse: evseIndex, change: changeOf(req.body), at: performance.now() };
        receipts.push(receipt);
        const key = `${i}/${evseIndex}`;
        highest.set(key, Math.max(highest.get(key) ?? -1, receipt.change));
        return undefined;
      });
    }
    // Every location exists at every eMSP before the measurement.
    const owner = (l: number) => cpos[l % CPOS];
    const ref = (l: number) => ({ countryCode: 'US', partyId: `C${String(l % CPOS).padStart(2, '0')}` });
    for (let l = 0; l < LOCATIONS; l++) {
      const body = location(ref(l), `LOC-${l}`, { evses: [evse('EVSE-1')], last_updated: new Date(BASE_TIME).toISOString() });
      await owner(l).send({ method: 'PUT', url: `${owner(l).hubUrl('locations', undefined, 'RECEIVER')}/US/${ref(l).partyId}/LOC-${l}`, body });
    }
    if (!(await until(() => receipts.length >= LOCATIONS * emspCount, 300_000))) throw new Error('the locations did not reach every eMSP');

    let change = 0;
    for (const rate of RATES) {
      receipts = [];
      highest = new Map();
      const acceptedAt = new Map<number, number>();
      const latestOf = new Map<number, number>();
      let peakRss = 0;
      const rssTimer = setInterval(async () => (peakRss = Math.max(peakRss, (await hub.rssMb()).reduce((a, b) => a + b, 0))), 250);
      const total = Math.round(rate * SECONDS);
      const transactionsBefore = await transactionsSoFar(engine);
      const cpuBefore = ledger.read();
      const started = performance.now();
      const inFlight = new Set<Promise<unknown>>();
      let refused = 0;
      const firstChange = change + 1;
      for (let sent = 0; sent < total; ) {
        const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * rate));
        // A CPO keeps a bounded number of pushes open; a slower hub lowers the rate actually sent.
        while (sent < due && inFlight.size < MAX_IN_FLIGHT) {
          const n = ++change;
          const l = n % LOCATIONS;
          const url = `${owner(l).hubUrl('locations', undefined, 'RECEIVER')}/US/${ref(l).partyId}/LOC-${l}/EVSE-1`;
          const body = { status: n % 2 ? 'CHARGING' : 'AVAILABLE', last_updated: new Date(BASE_TIME + n).toISOString() };
          const job = owner(l)
            .send({ method: 'PATCH', url, body })
            .then((reply) => {
              if (reply.envelope?.status_code !== 1000) return refused++;
              acceptedAt.set(n, performance.now());
              latestOf.set(l, Math.max(latestOf.get(l) ?? 0, n));
            })
            .catch(() => refused++)
            .finally(() => inFlight.delete(job));
          inFlight.add(job);
          sent++;
        }
        await sleep(5);
      }
      const offeredSeconds = (performance.now() - started) / 1000;
      await Promise.all([...inFlight]);
      const ofThisRate = () => receipts.filter((r) => r.change >= firstChange);
      // Drained: every eMSP has the last change of every location (or 60 s passed).
      const lastSeen = () => highest;
      const drained = await until(() => {
        const seen = lastSeen();
        for (const [l, n] of latestOf) for (let e = 0; e < emspCount; e++) if ((seen.get(`${e}/${l}`) ?? -1) < n) return false;
        return true;
      }, 60_000);
      const cpuAfter = ledger.read();
      clearInterval(rssTimer);
      const transactions = (await transactionsSoFar(engine)) - transactionsBefore;
      receipts = ofThisRate();
      const seen = lastSeen();
      let lost = 0;
      for (const [l, n] of latestOf) for (let e = 0; e < emspCount; e++) if ((seen.get(`${e}/${l}`) ?? -1) < n) lost++;
      // A duplicate: an eMSP gets the same change twice. (Changes of one location sent at once by
      // the CPO may be accepted in either order; that order is the CPO's, so it is not counted.)
      const distinct = new Set(receipts.map((r) => `${r.emsp}/${r.evse}/${r.change}`));
      const duplicated = receipts.length - distinct.size;
      const lags = receipts
        .filter((r) => acceptedAt.has(r.change))
        .map((r) => Math.max(0, r.at - acceptedAt.get(r.change)!))
        .sort((a, b) => a - b);
      const lastReceipt = receipts.reduce((max, r) => Math.max(max, r.at), started);
      const hubSeconds = (lastReceipt - started) / 1000;
      const delivered = receipts.length;
      const hubRate = delivered / hubSeconds;

      // Baseline: the same number of PUTs, straight from this process to the same receivers.
      const baseline = await bareBaseline(emsps, delivered);
      const spent = cpuBefore && cpuAfter ? spentBetween(cpuBefore, cpuAfter) : undefined;
      const perDelivery = (role: string) => ((spent?.byRole.get(role) ?? NaN) / delivered).toFixed(3);
      const cpu = spent
        ? `hub CPU ${perDelivery(HUB)} ms a delivery${engine === 'postgres' ? `, PostgreSQL ${perDelivery(POSTGRES_ROLE)} ms` : ' (its database included)'}`
        : 'CPU not read (no /proc)';
      console.log(
        [
          engine.padEnd(8),
          `${String(emspCount).padStart(3)} eMSPs`,
          `${String(rate).padStart(4)} changes/s offered (${(total / offeredSeconds).toFixed(0)} sent/s, ${acceptedAt.size} accepted, ${refused} refused)`,
          `${delivered} deliveries in ${hubSeconds.toFixed(1)} s = ${hubRate.toFixed(0)}/s`,
          `lag p50 ${percentile(lags, 50).toFixed(0)} ms p99 ${percentile(lags, 99).toFixed(0)} ms`,
          `lost ${lost} duplicated ${duplicated}${drained ? '' : ' (not drained in 60 s)'}`,
          `hub RSS ${peakRss.toFixed(0)} MB`,
          engine === 'postgres' ? `${(transactions / delivered).toFixed(3)} database transactions per delivery (accepts included)` : 'transactions not counted',
          cpu,
          `bare baseline ${baseline.perSecond.toFixed(0)}/s (${baseline.cpuMsEach.toFixed(3)} ms CPU a PUT), ratio ${(hubRate / baseline.perSecond).toFixed(2)}`,
        ].join(' | '),
      );
    }
  } finally {
    await Promise.all([...cpos, ...emsps].map((p) => p.close()));
    await hub.stop();
  }
}

/**
 * `count` PUTs of a location from one process to the receivers, round robin, 64 in flight: the
 * rate, and this process's CPU per PUT (the receivers run in it too).
 */
async function bareBaseline(emsps: OcpiPlatform[], count: number): Promise<{ perSecond: number; cpuMsEach: number }> {
  const agent = new Agent({ keepAliveTimeout: 30_000, connections: 32 });
  const body = JSON.stringify(location({ countryCode: 'US', partyId: 'C00' }, 'LOC-BASE'));
  let next = 0;
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (next < count) {
        const emsp = emsps[next++ % emsps.length];
        const response = await request(`${emsp.url}/2.2.1/receiver/locations/US/C00/LOC-BASE`, {
          method: 'PUT',
          headers: { Authorization: authorizationHeader(emsp.tokenForHub!), 'Content-Type': 'application/json' },
          body,
          dispatcher: agent,
        });
        await response.body.dump();
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  await agent.close();
  return { perSecond: count / seconds, cpuMsEach: (cpu.user + cpu.system) / 1000 / count };
}

const cpus = os.cpus();
console.log(
  `machine: ${cpus.length} × ${cpus[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}, load ${os.loadavg()[0].toFixed(1)}`,
);
console.log(`${CPOS} CPO(s), ${LOCATIONS} locations, ${SECONDS} s per rate, hub from ${values['hub-dir']}`);
for (const engine of ENGINES) {
  for (const emspCount of EMSP_COUNTS) await runEngine(engine, emspCount);
}
