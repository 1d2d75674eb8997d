import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { OcpiPlatform } from '../../src/sim/platform.js';
import { startSwitchyard, type RunningHub } from '../../src/switchyard.js';
import { databaseLabel, deliveriesSettled, eventually, isolatedDatabase } from '../support/hub.js';
import { SessionTally } from '../delivery/tally.js';
import { session } from '../support/fixtures.js';
import { FAST_DELIVERY, onboard, PARTIES } from '../support/network.js';
import { freePort } from '../support/ports.js';

const CP1 = { countryCode: 'US', partyId: 'CP1' };
const MS1 = { countryCode: 'US', partyId: 'MS1' };
const ADMIN_TOKEN = 'crash-test-admin-token';

/** The hub as its own operating-system process, started the way an operator starts it. */
async function hubProcess(database: { databaseUrl?: string; schema?: string; dataDir?: string }): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort();
  const args = ['bin/switchyard.js', 'serve', '--port', String(port), '--host', '127.0.0.1', '--admin-token', ADMIN_TOKEN];
  if (database.databaseUrl) {
    const url = new URL(database.databaseUrl);
    url.searchParams.set('options', `-c search_path=${database.schema}`);
    args.push('--database-url', url.toString());
  } else args.push('--data-dir', database.dataDir!);
  const env: NodeJS.ProcessEnv = { ...process.env, SWITCHYARD_PUBLIC_URL: `http://127.0.0.1:${port}` };
  delete env.DATABASE_URL;
  const child = spawn(process.execPath, args, { env, stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  await eventually(async () => (await fetch(`${url}/health`).catch(() => undefined))?.ok, 120_000, 'hub process to start');
  return { child, url };
}

describe(`a hub process killed mid-delivery (${databaseLabel})`, () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const step of cleanup.reverse()) await step();
    cleanup.length = 0;
  });

  it('delivers, after a kill -9 mid-backlog and a restart, every session message once and in order', async () => {
    const isolated = await isolatedDatabase();
    const dataDir = process.env.DATABASE_URL ? undefined : await mkdtemp(join(tmpdir(), 'switchyard-crash-'));
    cleanup.push(() => (dataDir ? rm(dataDir, { recursive: true, force: true }) : isolated.drop()));
    const cpo = await OcpiPlatform.start({ name: 'CPO', roles: [{ ...PARTIES.cpo1 }] });
    const emsp = await OcpiPlatform.start({ name: 'eMSP', roles: [{ ...PARTIES.emsp1 }] });
    cleanup.push(() => cpo.close(), () => emsp.close());
    const tally = new SessionTally(emsp, () => undefined, 20);

    const database = { databaseUrl: isolated.options.databaseUrl, schema: isolated.options.databaseSchema, dataDir };
    const { child, url } = await hubProcess(database);
    cleanup.push(async () => child.kill('SIGKILL'));
    const handle = { url, adminToken: ADMIN_TOKEN } as RunningHub;
    await onboard(handle, cpo);
    await onboard(handle, emsp);

    // A backlog builds up while the eMSP is away: five sessions, eight messages each, interleaved.
    emsp.available = false;
    const sessions = cpo.hubUrl('sessions', undefined, 'RECEIVER');
    const expected = new Map<string, string[]>();
    for (let step = 0; step < 8; step++) {
      for (const id of ['S-1', 'S-2', 'S-3', 'S-4', 'S-5']) {
        const kwh = step * 2;
        const reply = step === 0
          ? await cpo.send({ method: 'PUT', url: `${sessions}/US/CP1/${id}`, body: session(CP1, MS1, id, { kwh }) })
          : await cpo.send({ method: 'PATCH', url: `${sessions}/US/CP1/${id}`, body: { kwh, last_updated: new Date().toISOString() } });
        expect(reply.envelope?.status_code).toBe(1000);
        expected.set(id, [...(expected.get(id) ?? []), `${step === 0 ? 'PUT' : 'PATCH'} ${kwh}`]);
      }
    }
    // The hub dies while catching up.
    emsp.available = true;
    await eventually(() => tally.accepted >= 8, 60_000, 'the catch-up to start');
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    const deliveredBeforeCrash = tally.accepted;

    const restarted = await startSwitchyard({
      port: 0,
      host: '127.0.0.1',
      adminToken: ADMIN_TOKEN,
      delivery: FAST_DELIVERY,
      databaseUrl: isolated.options.databaseUrl,
      databaseSchema: isolated.options.databaseSchema,
      dataDir,
    });
    cleanup.push(() => restarted.close());
    await eventually(() => tally.accepted >= 40, 60_000, 'deliveries after the crash');
    await deliveriesSettled(restarted);
    expect(deliveredBeforeCrash).toBeLessThan(40);
    // A message resent after the crash carries its first delivery's X-Request-ID and is recognised.
    expect(tally.count(expected)).toEqual({ lost: 0, duplicated: 0, reordered: 0 });
    expect(tally.accepted).toBe(40);
  }, 180_000);
});
