import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import type { RunningHub } from '../../src/switchyard.js';
import { isolatedDatabase, schemaOn } from '../../test/support/hub.js';
import { freePort } from '../../test/support/ports.js';

export type Engine = 'postgres' | 'embedded';

export interface HubProcess {
  /** For the admin helpers of test/support (onboard, admin). */
  handle: RunningHub;
  url: string;
  /** How the hub runs, for the report. */
  layout: string;
  /** The resident memory of each of the hub's processes now, in MB. */
  rssMb(): Promise<number[]>;
  /** The process ids: the one taking requests (the only one unless split), and those delivering. */
  pids: { requests: number | undefined; delivering: (number | undefined)[] };
  /**
   * Receivers' events not yet delivered, from the delivering process's /metrics; undefined when
   * the hub could not say (a scrape that failed under load is no empty backlog).
   */
  deliveryBacklog(): Promise<number | undefined>;
  /** The /metrics text of the process taking requests, or undefined when it could not be read. */
  requestsMetrics(): Promise<string | undefined>;
  stop(): Promise<void>;
}

export interface HubProcessOptions {
  engine: Engine;
  adminToken: string;
  /** The checkout whose compiled CLI runs (default: this one). */
  hubDir?: string;
  /** Write each process's CPU profile here. */
  profileDir?: string;
  /**
   * PostgreSQL only: one process takes the partners' requests (`--no-delivery`) and a second one,
   * at a lower CPU priority, delivers; the way to keep accepting fast on a machine the delivery
   * would otherwise fill.
   */
  split?: boolean;
  /** With `split`: how many delivering processes share the receivers (default 1). */
  deliveringProcesses?: number;
  /** PostgreSQL only: the journal on this server instead, in a schema of the same name (`--journal-database-url`). */
  journalServerUrl?: string;
}

/** The CPU niceness of the delivering process when the hub is split. */
const DELIVERY_NICENESS = 10;
/**
 * Each hub process's V8 heap limit, as a deployment sets it (README, Running the hub): left
 * unbounded, V8 lets garbage pile up to several times the live heap before collecting it.
 */
const HEAP_LIMIT_MB = 512;
/**
 * The young generation's semi-space, as a deployment sets it (README, Running the hub): twice
 * V8's default of 16 MB, so that a delivering process's short-lived requests, answers and journal
 * entries die young more often and scavenges run half as often (fan-out lag at 50 eMSPs: -15 %).
 */
const SEMI_SPACE_MB = 32;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The hub as a process of its own (the compiled CLI of `hubDir`), so that its RSS and CPU are its
 * own: on PostgreSQL in a schema of its own (DATABASE_URL), else on an embedded database in a
 * temporary directory. Partners on loopback addresses may be called.
 */
export async function startHubProcess(options: HubProcessOptions): Promise<HubProcess> {
  const split = options.split === true && options.engine === 'postgres';
  let database: string[];
  let cleanup: () => Promise<unknown>;
  if (options.engine === 'postgres') {
    const isolated = await isolatedDatabase();
    database = ['--database-url', isolated.url!];
    cleanup = () => isolated.drop();
    if (options.journalServerUrl) {
      const journal = await schemaOn(options.journalServerUrl, isolated.options.databaseSchema!);
      database.push('--journal-database-url', journal.url);
      cleanup = () => Promise.all([isolated.drop(), journal.drop()]);
    }
  } else {
    const dataDir = await mkdtemp(join(os.tmpdir(), 'switchyard-bench-'));
    database = ['--data-dir', dataDir];
    cleanup = () => rm(dataDir, { recursive: true, force: true });
  }
  const children: ChildProcess[] = [];
  const stop = async () => {
    // SIGINT lets the hub end cleanly (and write its CPU profile).
    await Promise.all(
      children.map(async (child) => {
        child.kill('SIGINT');
        await Promise.race([new Promise((resolve) => child.once('exit', resolve)), sleep(15_000)]);
        child.kill('SIGKILL');
      }),
    );
    await cleanup();
  };
  try {
    const inbound = await startOne(options, database, split ? ['--no-delivery'] : [], 0);
    children.push(inbound.child);
    const deliveringCount = split ? Math.max(1, options.deliveringProcesses ?? 1) : 0;
    let delivering = inbound;
    for (let i = 0; i < deliveringCount; i++) {
      delivering = await startOne(options, database, [], DELIVERY_NICENESS);
      children.push(delivering.child);
    }
    const metricsOf = async (url: string) => {
      const reply = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${options.adminToken}` } }).catch(() => undefined);
      return reply?.ok ? reply.text() : undefined;
    };
    return {
      handle: { url: inbound.url, adminToken: options.adminToken } as RunningHub,
      url: inbound.url,
      layout: `${split ? `one process takes requests, ${deliveringCount === 1 ? 'one delivers' : `${deliveringCount} deliver`} (nice ${DELIVERY_NICENESS})` : 'one process'}; V8 heap limit ${HEAP_LIMIT_MB} MB, semi-space ${SEMI_SPACE_MB} MB each`,
      rssMb: () => Promise.all(children.map(rssMbOf)),
      pids: { requests: inbound.child.pid, delivering: children.slice(1).map((child) => child.pid) },
      async deliveryBacklog() {
        const text = await metricsOf(delivering.url);
        if (text === undefined) return undefined;
        let depth = 0;
        for (const [, value] of text.matchAll(/^switchyard_delivery_queue_depth\{[^}]*\} (\S+)$/gm)) depth += Number(value);
        return depth;
      },
      requestsMetrics: () => metricsOf(inbound.url),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function startOne(options: HubProcessOptions, database: string[], extra: string[], niceness: number): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const args = ['bin/switchyard.js', 'serve', '--port', String(port), '--host', '127.0.0.1', '--admin-token', options.adminToken];
  args.push('--allow-partner-network', '127.0.0.0/8', '--check-interval', '0', '--no-check-after-credentials', ...database, ...extra);
  const env: NodeJS.ProcessEnv = { ...process.env, SWITCHYARD_PUBLIC_URL: url };
  delete env.DATABASE_URL;
  const nodeArgs = [`--max-old-space-size=${HEAP_LIMIT_MB}`, `--max-semi-space-size=${SEMI_SPACE_MB}`, ...(options.profileDir ? ['--cpu-prof', '--cpu-prof-dir', options.profileDir] : [])];
  const child = spawn(process.execPath, [...nodeArgs, ...args], { env, stdio: 'ignore', cwd: options.hubDir ?? '.' });
  if (niceness !== 0 && child.pid !== undefined) os.setPriority(child.pid, niceness);
  if (!(await waitForHealth(url))) {
    child.kill('SIGKILL');
    throw new Error('the hub did not start');
  }
  return { child, url };
}

async function rssMbOf(child: ChildProcess): Promise<number> {
  const status = await readFile(`/proc/${child.pid}/status`, 'utf8').catch(() => '');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

async function waitForHealth(url: string): Promise<boolean> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if ((await fetch(`${url}/health`).catch(() => undefined))?.ok) return true;
    await sleep(200);
  }
  return false;
}
