/**
 * Hub versus direct: the same CPO pushes the same EVSE status updates to an eMSP, once straight
 * to the eMSP and once through the hub (stored, logged, delivered by the worker), and we compare
 * the time until the eMSP has them all.
 *
 *   npm run bench -- routing [--updates 500 --concurrency 8]
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { OcpiPlatform } from '../src/sim/platform.js';
import { LOOPBACK_NETWORKS } from '../src/net/outbound-guard.js';
import { startSwitchyard } from '../src/switchyard.js';
import { location } from '../test/support/fixtures.js';
import { isolatedDatabase } from '../test/support/hub.js';
import { FAST_DELIVERY, onboard } from '../test/support/network.js';

const { values } = parseArgs({
  options: { updates: { type: 'string', default: '400' }, concurrency: { type: 'string', default: '8' } },
});
const updates = Number(values.updates);
const concurrency = Number(values.concurrency);
const CP1 = { countryCode: 'US', partyId: 'CP1' };

async function inParallel(count: number, work: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await work(next++);
    }),
  );
}

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 2));
}

const statusUpdate = (i: number) => ({
  status: i % 2 ? 'CHARGING' : 'AVAILABLE',
  last_updated: new Date(Date.UTC(2026, 10, 22, 10, 0, 0, i)).toISOString(),
});

// DATABASE_URL selects a PostgreSQL server (the bench works in a schema of its own there).
const database = await isolatedDatabase();
// The benchmark's partners run on loopback, which the hub calls only when allowed.
const hub = await startSwitchyard({ port: 0, host: '127.0.0.1', adminToken: 'bench', allowPartnerNetworks: LOOPBACK_NETWORKS, delivery: FAST_DELIVERY, ...database.options });
hub.hub.config.publicUrl = hub.url;
const cpo = await OcpiPlatform.start({ name: 'CPO', roles: [{ role: 'CPO', ...CP1, name: 'CPO' }] });
// It remembers every update it is sent: the last one's arrival and their count are read from them.
const emsp = await OcpiPlatform.start({ name: 'eMSP', roles: [{ role: 'EMSP', countryCode: 'US', partyId: 'MS1', name: 'eMSP' }], history: updates + 1 });
await onboard(hub, cpo);
await onboard(hub, emsp);

// Direct: the CPO calls the eMSP's receiver interface itself.
const emspLocations = `${emsp.url}/2.2.1/receiver/locations`;
await cpo.send({ method: 'PUT', url: `${emspLocations}/US/CP1/LOC-1`, body: location(CP1), token: emsp.tokenForHub });
let started = performance.now();
await inParallel(updates, (i) =>
  cpo.send({ method: 'PATCH', url: `${emspLocations}/US/CP1/LOC-1/EVSE-1`, body: statusUpdate(i), token: emsp.tokenForHub }),
);
const directMs = performance.now() - started;

// Through the hub: accepted, stored and logged, then delivered (coalescing may merge updates).
emsp.received.length = 0;
const hubLocations = cpo.hubUrl('locations', undefined, 'RECEIVER');
await cpo.send({ method: 'PUT', url: `${hubLocations}/US/CP1/LOC-1`, body: location(CP1) });
started = performance.now();
await inParallel(updates, (i) => cpo.send({ method: 'PATCH', url: `${hubLocations}/US/CP1/LOC-1/EVSE-1`, body: statusUpdate(i) }));
const acceptedMs = performance.now() - started;
const lastUpdate = statusUpdate(updates - 1).last_updated;
await until(() =>
  emsp.received.some((r) => {
    const body = r.body as { last_updated?: string; evses?: { last_updated?: string }[] };
    return body.last_updated === lastUpdate || body.evses?.[0]?.last_updated === lastUpdate;
  }),
);
const deliveredMs = performance.now() - started;

const cpus = os.cpus();
console.log(`machine: ${cpus.length} × ${cpus[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}, ${hub.hub.db.engine}`);
console.log(`${updates} EVSE status PATCHes, ${concurrency} at a time`);
console.log(`direct to the eMSP:               ${directMs.toFixed(0)} ms (${(updates / (directMs / 1000)).toFixed(0)}/s)`);
console.log(`accepted by the hub:              ${acceptedMs.toFixed(0)} ms (${(updates / (acceptedMs / 1000)).toFixed(0)}/s)`);
console.log(`through the hub, latest delivered: ${deliveredMs.toFixed(0)} ms, ${emsp.received.length - 1} deliveries`);
console.log(`ratio hub/direct (accept):   ${(acceptedMs / directMs).toFixed(2)}`);
console.log(`ratio hub/direct (delivery): ${(deliveredMs / directMs).toFixed(2)}`);

await Promise.all([cpo.close(), emsp.close()]);
await hub.close();
await database.drop();
