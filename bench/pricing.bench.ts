/**
 * Clearing: how fast the engine prices a CDR, and what the audit costs the CDR push path.
 *
 *   npm run bench -- pricing [--cdrs 20000 --pushes 300 --concurrency 8]
 *
 * 1. CDRs priced per second on one core: a 3-element tariff with time, weekday, energy and power
 *    restrictions, a CDR of 10 charging periods; the baseline is a 1-element tariff and a 1-period
 *    CDR, priced in the same run.
 * 2. CDR pushes through the hub, the CPO waiting for each 1000 answer: with the audit worker
 *    running (it audits after each commit) and with it stopped (the record is still written in the
 *    push's transaction), in the same run.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { priceSession } from '../src/clearing/pricing/engine.js';
import { fromCanonicalTariff, sessionOfCdr } from '../src/clearing/pricing/input.js';
import type { Cdr, Tariff } from '../src/ocpi/v2_2_1/index.js';
import { OcpiPlatform } from '../src/sim/platform.js';
import { startSwitchyard } from '../src/switchyard.js';
import { cdr, location, tariff } from '../test/support/fixtures.js';
import { isolatedDatabase } from '../test/support/hub.js';
import { FAST_DELIVERY, onboard } from '../test/support/network.js';
import { LOOPBACK_NETWORKS } from '../src/net/outbound-guard.js';

const { values } = parseArgs({
  options: {
    cdrs: { type: 'string', default: '20000' },
    pushes: { type: 'string', default: '300' },
    concurrency: { type: 'string', default: '8' },
  },
});
const CP1 = { countryCode: 'US', partyId: 'CP1' };
const MS1 = { countryCode: 'US', partyId: 'MS1' };

const threeElements = tariff(CP1, 'TOU', {
  elements: [
    {
      price_components: [{ type: 'ENERGY', price: 0.58, step_size: 1 }, { type: 'PARKING_TIME', price: 24, step_size: 60 }],
      restrictions: { start_time: '16:00', end_time: '21:00', day_of_week: ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY'] },
    },
    { price_components: [{ type: 'ENERGY', price: 0.42, step_size: 1 }], restrictions: { min_kwh: 5, max_power: 350 } },
    { price_components: [{ type: 'FLAT', price: 1, step_size: 1 }, { type: 'ENERGY', price: 0.48, step_size: 100 }, { type: 'PARKING_TIME', price: 18, step_size: 60 }] },
  ],
}) as Tariff;
const oneElement = tariff(CP1, 'FLAT-RATE') as Tariff;

function tenPeriods(): Cdr {
  const start = Date.parse('2026-11-23T23:30:00Z');
  const periods = Array.from({ length: 10 }, (_, i) => ({
    start_date_time: new Date(start + i * 6 * 60_000).toISOString(),
    dimensions: i < 8
      ? [{ type: 'ENERGY' as const, volume: 1.25 }, { type: 'TIME' as const, volume: 0.1 }, { type: 'MAX_POWER' as const, volume: 120 }]
      : [{ type: 'PARKING_TIME' as const, volume: 0.1 }],
  }));
  return cdr(CP1, MS1, 'TEN', { start_date_time: periods[0].start_date_time, end_date_time: new Date(start + 60 * 60_000).toISOString(), charging_periods: periods, total_energy: 10, total_time: 1 }) as Cdr;
}

/** CDRs per second of CPU time (user + system): what one core does, whatever else runs on the machine. */
function pricedPerSecond(t: Tariff, c: Cdr, count: number): number {
  const pricing = fromCanonicalTariff(t);
  // Each CDR is read into a session as the audit does; warm up first so the JIT has settled.
  const price = () => priceSession(pricing, sessionOfCdr(c, { timeZone: 'America/Los_Angeles' }));
  for (let i = 0; i < Math.min(count, 2000); i++) price();
  const started = process.cpuUsage();
  for (let i = 0; i < count; i++) price();
  const used = process.cpuUsage(started);
  return count / ((used.user + used.system) / 1e6);
}

const count = Number(values.cdrs);
const baseline = pricedPerSecond(oneElement, cdr(CP1, MS1) as Cdr, count);
const complex = pricedPerSecond(threeElements, tenPeriods(), count);

// The push path.
const pushes = Number(values.pushes);
const concurrency = Number(values.concurrency);
const database = await isolatedDatabase();
const hub = await startSwitchyard({ port: 0, host: '127.0.0.1', adminToken: 'bench', allowPartnerNetworks: LOOPBACK_NETWORKS, delivery: FAST_DELIVERY, audit: { pollIntervalMs: 50 }, ...database.options });
hub.hub.config.publicUrl = hub.url;
const cpo = await OcpiPlatform.start({ name: 'CPO', roles: [{ role: 'CPO', ...CP1, name: 'CPO' }] });
const emsp = await OcpiPlatform.start({ name: 'eMSP', roles: [{ role: 'EMSP', ...MS1, name: 'eMSP' }] });
await onboard(hub, cpo);
await onboard(hub, emsp);
const receiver = (module: string) => cpo.hubUrl(module, undefined, 'RECEIVER');
await cpo.send({ method: 'PUT', url: `${receiver('locations')}/US/CP1/LOC-1`, body: location(CP1) });
await cpo.send({ method: 'PUT', url: `${receiver('tariffs')}/US/CP1/TARIFF-DC`, body: tariff(CP1) });

/** A CDR of its own session, an hour after the previous one: 30 kWh at 0.45, as the tariff says. */
let sessions = 0;
function separateCdr(id: string) {
  const start = Date.parse('2026-11-22T10:00:00Z') + sessions++ * 3_600_000;
  const at = (minutes: number) => new Date(start + minutes * 60_000).toISOString();
  return cdr(CP1, MS1, id, {
    session_id: `S-${id}`,
    start_date_time: at(0),
    end_date_time: at(45),
    charging_periods: [{ start_date_time: at(0), dimensions: [{ type: 'ENERGY', volume: 30 }] }],
  });
}

async function pushCdrs(prefix: string): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < pushes) {
        const i = next++;
        const reply = await cpo.send({ method: 'POST', url: receiver('cdrs'), body: separateCdr(`${prefix}-${i}`) });
        if (reply.envelope?.status_code !== 1000) throw new Error(`CDR ${prefix}-${i} refused: ${JSON.stringify(reply.envelope)}`);
      }
    }),
  );
  return performance.now() - started;
}

const audited = async () =>
  (await hub.hub.db.query<{ n: number }>('SELECT count(*)::int AS n FROM clearing_cdrs WHERE audited_at IS NOT NULL'))[0].n;

async function allAudited(): Promise<number> {
  const pushedAt = performance.now();
  while ((await audited()) < (await recorded())) await new Promise((resolve) => setTimeout(resolve, 20));
  return performance.now() - pushedAt;
}
const recorded = async () => (await hub.hub.db.query<{ n: number }>('SELECT count(*)::int AS n FROM clearing_cdrs'))[0].n;

// Warm up (JIT, caches), then the same pushes with the worker stopped and running.
await pushCdrs('W');
await allAudited();
await hub.hub.clearing.stop();
const withoutAuditMs = await pushCdrs('B');
hub.hub.clearing.start();
await allAudited();
const withAuditMs = await pushCdrs('A');
const auditLagMs = await allAudited();

const cpus = os.cpus();
console.log(`machine: ${cpus.length} × ${cpus[0]?.model ?? 'cpu'}, load ${os.loadavg()[0].toFixed(1)}, node ${process.version}, ${hub.hub.db.engine}`);
console.log(`pricing, CDRs per CPU-second on one core, ${count} CDRs each:`);
console.log(`  baseline (1 element, 1 period):                    ${baseline.toFixed(0)} CDRs/s`);
console.log(`  3 elements with restrictions, 10 periods:          ${complex.toFixed(0)} CDRs/s (${(complex / baseline).toFixed(2)} × baseline)`);
console.log(`CDR pushes through the hub, ${pushes} CDRs, ${concurrency} at a time (each waits for its 1000):`);
console.log(`  audit worker stopped (record written, not audited): ${withoutAuditMs.toFixed(0)} ms (${(pushes / (withoutAuditMs / 1000)).toFixed(0)}/s)`);
console.log(`  audit worker running:                              ${withAuditMs.toFixed(0)} ms (${(pushes / (withAuditMs / 1000)).toFixed(0)}/s, ${(withAuditMs / withoutAuditMs).toFixed(2)} × stopped)`);
console.log(`  last CDR audited ${auditLagMs.toFixed(0)} ms after the last 1000 answer`);

await Promise.all([cpo.close(), emsp.close()]);
await hub.close();
await database.drop();
