import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeTokens } from '../../src/hub/registry.js';
import { OcpiPlatform } from '../../src/sim/platform.js';
import { eventually, isolatedDatabase } from '../support/hub.js';
import { onboard } from '../support/network.js';
import { startSwitchyard, type RunningHub } from '../../src/switchyard.js';
import { LOOPBACK_NETWORKS } from '../../src/net/outbound-guard.js';

/** Starts second-hub.ts in a process of its own, on `schema`; resolves to its URL. */
async function secondHubProcess(schema: string): Promise<{ url: string; child: ChildProcess }> {
  const script = fileURLToPath(new URL('./second-hub.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    env: { ...process.env, HUB_SCHEMA: schema },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
  return { url: line.trim(), child };
}

describe.runIf(process.env.DATABASE_URL)('the directory of two hub processes on one PostgreSQL', () => {
  let database: Awaited<ReturnType<typeof isolatedDatabase>>;
  let hub: RunningHub;
  let second: { url: string; child: ChildProcess };
  let cpo: OcpiPlatform;
  let partnerId: string;

  beforeAll(async () => {
    database = await isolatedDatabase();
    hub = await startSwitchyard({ port: 0, host: '127.0.0.1', adminToken: 'test-admin-token', allowPartnerNetworks: LOOPBACK_NETWORKS, ...database.options });
    hub.hub.config.publicUrl = hub.url;
    cpo = await OcpiPlatform.start({ name: 'Volt Street', roles: [{ role: 'CPO', countryCode: 'US', partyId: 'CP1', name: 'Volt Street' }] });
    partnerId = await onboard(hub, cpo);
    second = await secondHubProcess(database.options.databaseSchema!);
  });
  afterAll(async () => {
    second?.child.stdin?.end();
    if (second) await once(second.child, 'exit');
    await cpo?.close();
    await hub?.close();
    await database?.drop();
  });

  const versionsAt = (base: string) => cpo.send({ method: 'GET', url: `${base}/ocpi/versions` });

  it('refuses a token revoked through the other process within a second', async () => {
    expect((await versionsAt(second.url)).httpStatus).toBe(200);
    const revoked = Date.now();
    await removeTokens(hub.hub.db, partnerId);
    await eventually(async () => (await versionsAt(second.url)).httpStatus === 401, 5_000, 'the revoked token refused');
    expect(Date.now() - revoked).toBeLessThan(1_000);
    expect((await versionsAt(hub.url)).httpStatus).toBe(401);
  });
});
