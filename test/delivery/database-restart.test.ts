import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { OcpiPlatform } from '../../src/sim/platform.js';
import { startSwitchyard, type RunningHub } from '../../src/switchyard.js';
import { session } from '../support/fixtures.js';
import { eventually } from '../support/hub.js';
import { FAST_DELIVERY, onboard, PARTIES } from '../support/network.js';
import { SessionTally } from './tally.js';
import { freePort } from '../support/ports.js';
import { LOOPBACK_NETWORKS } from '../../src/net/outbound-guard.js';

const CP1 = { countryCode: 'US', partyId: 'CP1' };
const MS1 = { countryCode: 'US', partyId: 'MS1' };

/** The PostgreSQL server binaries of this machine, newest version first. */
function serverBinaries(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
  return versions.map((v) => `${root}/${v}/bin`).find((bin) => existsSync(`${bin}/initdb`) && existsSync(`${bin}/pg_ctl`));
}

function postgresUser(): { uid: number; gid: number } | undefined {
  try {
    return { uid: Number(execFileSync('id', ['-u', 'postgres']).toString()), gid: Number(execFileSync('id', ['-g', 'postgres']).toString()) };
  } catch {
    return undefined;
  }
}

const bin = serverBinaries();
const owner = postgresUser();
const why = !bin
  ? 'no PostgreSQL server binaries under /usr/lib/postgresql'
  : !owner
    ? 'no postgres operating-system user'
    : process.getuid?.() !== 0
      ? 'not root, so the cluster cannot run as the postgres user'
      : undefined;

/** A PostgreSQL cluster of the test's own, in /tmp, run as the postgres user on a free port. */
class PrivateCluster {
  private constructor(
    readonly dir: string,
    readonly port: number,
  ) {}

  static async create(): Promise<PrivateCluster> {
    const dir = mkdtempSync('/tmp/switchyard-pg-');
    chownSync(dir, owner!.uid, owner!.gid);
    const cluster = new PrivateCluster(dir, await freePort());
    cluster.run(`${bin}/initdb -D ${dir}/data -A trust -U postgres --no-sync`);
    cluster.start();
    return cluster;
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  start(): void {
    this.run(`${bin}/pg_ctl -D ${this.dir}/data -l ${this.dir}/log -w -o "-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off" start`);
  }

  stop(): void {
    this.run(`${bin}/pg_ctl -D ${this.dir}/data -m fast -w stop`);
  }

  remove(): void {
    try {
      this.run(`${bin}/pg_ctl -D ${this.dir}/data -m immediate -w stop`);
    } catch {
      // Already stopped.
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  private run(command: string): void {
    execFileSync('runuser', ['-u', 'postgres', '--', 'sh', '-c', command], { stdio: 'ignore', timeout: 120_000 });
  }
}

const health = async (hub: RunningHub) => (await fetch(`${hub.url}/health`).catch(() => undefined))?.status;
const metrics = async (hub: RunningHub) => {
  const response = await fetch(`${hub.url}/metrics`, { headers: { authorization: `Bearer ${hub.adminToken}` } });
  return { status: response.status, text: await response.text() };
};

describe('delivery across a PostgreSQL restart under load (a private cluster)', () => {
  const cleanup: (() => Promise<unknown> | void)[] = [];
  afterAll(async () => {
    for (const step of cleanup.reverse()) await step();
  });

  // Run in the PostgreSQL pass of the suite only: the embedded pass has nothing to restart.
  const title = 'keeps running, answers 3000 with HTTP 503, /health 503 and switchyard_database_up 0 meanwhile, and loses, doubles or reorders nothing';
  it.runIf(process.env.DATABASE_URL && !why)(why ? `${title} (skipped: ${why})` : title, async () => {
    const cluster = await PrivateCluster.create();
    cleanup.push(() => cluster.remove());
    const hub = await startSwitchyard({ port: 0, host: '127.0.0.1', adminToken: 'pg-restart', databaseUrl: cluster.url, allowPartnerNetworks: LOOPBACK_NETWORKS, delivery: FAST_DELIVERY });
    hub.hub.config.publicUrl = hub.url;
    cleanup.push(() => hub.close());
    const cpo = await OcpiPlatform.start({ name: 'CPO', roles: [{ ...PARTIES.cpo1 }] });
    const emsp = await OcpiPlatform.start({ name: 'eMSP', roles: [{ ...PARTIES.emsp1 }] });
    cleanup.push(() => cpo.close(), () => emsp.close());
    await onboard(hub, cpo);
    await onboard(hub, emsp);
    const tally = new SessionTally(emsp);

    // The CPO pushes without pause; only what the hub answered 1000 must arrive.
    const url = cpo.hubUrl('sessions', undefined, 'RECEIVER');
    const expected = new Map<string, string[]>();
    const answers = new Map<number, number>();
    const whileAway: { httpStatus: number; retryAfter?: string }[] = [];
    let pushing = true;
    let accepted = 0;
    const producer = (async () => {
      for (let step = 0; pushing; step++) {
        const id = `DB-${step % 3}`;
        const first = !expected.has(id);
        const kwh = step;
        const reply = await cpo
          .send(
            first
              ? { method: 'PUT', url: `${url}/US/CP1/${id}`, body: session(CP1, MS1, id, { kwh }) }
              : { method: 'PATCH', url: `${url}/US/CP1/${id}`, body: { kwh, last_updated: new Date().toISOString() } },
          )
          .catch(() => undefined);
        const status = reply?.envelope?.status_code ?? 0;
        answers.set(status, (answers.get(status) ?? 0) + 1);
        if (reply && status === 3000) whileAway.push({ httpStatus: reply.httpStatus, retryAfter: reply.headers['retry-after'] });
        if (status === 1000) {
          accepted++;
          expected.set(id, [...(expected.get(id) ?? []), `${first ? 'PUT' : 'PATCH'} ${kwh}`]);
        } else await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();

    await eventually(() => accepted >= 15, 60_000, 'pushes before the restart');
    cluster.stop();
    await eventually(async () => (await health(hub)) === 503, 30_000, '/health 503 while the database is away');
    await eventually(() => (answers.get(3000) ?? 0) > 0, 30_000, 'OCPI 3000 while the database is away');
    // Not a fault of the request: 503 with Retry-After, so that partners repeat it.
    expect(whileAway[0]).toEqual({ httpStatus: 503, retryAfter: '5' });
    const admin = await fetch(`${hub.url}/api/partners`, { headers: { authorization: 'Bearer pg-restart' } });
    expect([admin.status, admin.headers.get('retry-after'), ((await admin.json()) as { error: string }).error]).toEqual([503, '5', 'unavailable']);
    // The process is up and says so: its scrape answers, with the database down and no delivery gauges.
    const scrape = await metrics(hub);
    expect([scrape.status, scrape.text.match(/^switchyard_database_up (\d)$/m)?.[1], scrape.text.includes('switchyard_delivery_queue_depth{')]).toEqual([200, '0', false]);
    const acceptedBefore = accepted;
    cluster.start();
    await eventually(async () => (await health(hub)) === 200, 60_000, '/health 200 once it is back');
    expect((await metrics(hub)).text).toMatch(/^switchyard_database_up 1$/m);
    await eventually(() => accepted >= acceptedBefore + 15, 60_000, 'pushes after the restart');
    pushing = false;
    await producer;

    await eventually(() => tally.accepted >= accepted, 60_000, 'every accepted message delivered');
    expect(tally.count(expected)).toEqual({ lost: 0, duplicated: 0, reordered: 0 });
    expect(tally.accepted).toBe(accepted);
  }, 180_000);
});
