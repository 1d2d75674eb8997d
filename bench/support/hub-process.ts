import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import type { RunningHub } from '../../src/switchyard.js';
import { isolatedDatabase } from '../../test/support/hub.js';
import { freePort } from '../../test/support/ports.js';

export type Engine = 'postgres' | 'embedded';

export interface HubProcess {
  /** For the admin helpers of test/support (onboard, admin). */
  handle: RunningHub;
  url: string;
  /** The hub process's resident memory now, in MB. */
  rssMb(): Promise<number>;
  /** Receivers' events not yet delivered, from the hub's /metrics. */
  deliveryBacklog(): Promise<number>;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The hub as its own process (the compiled CLI of `hubDir`), so that its RSS and CPU are its
 * own: on PostgreSQL in a schema of its own (DATABASE_URL), else on an embedded database in a
 * temporary directory. Partners on loopback addresses may be called.
 */
export async function startHubProcess(options: { engine: Engine; adminToken: string; hubDir?: string; profileDir?: string }): Promise<HubProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const args = ['bin/switchyard.js', 'serve', '--port', String(port), '--host', '127.0.0.1', '--admin-token', options.adminToken];
  args.push('--allow-partner-network', '127.0.0.0/8', '--check-interval', '0', '--no-check-after-credentials');
  let cleanup: () => Promise<unknown>;
  if (options.engine === 'postgres') {
    const isolated = await isolatedDatabase();
    const database = new URL(isolated.options.databaseUrl!);
    database.searchParams.set('options', `-c search_path=${isolated.options.databaseSchema}`);
    args.push('--database-url', database.toString());
    cleanup = () => isolated.drop();
  } else {
    const dataDir = await mkdtemp(join(os.tmpdir(), 'switchyard-bench-'));
    args.push('--data-dir', dataDir);
    cleanup = () => rm(dataDir, { recursive: true, force: true });
  }
  const env: NodeJS.ProcessEnv = { ...process.env, SWITCHYARD_PUBLIC_URL: url };
  delete env.DATABASE_URL;
  const nodeArgs = options.profileDir ? ['--cpu-prof', '--cpu-prof-dir', options.profileDir] : [];
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, ...args], { env, stdio: 'ignore', cwd: options.hubDir ?? '.' });
  if (!(await waitForHealth(url))) {
    child.kill('SIGKILL');
    await cleanup();
    throw new Error('the hub did not start');
  }
  return {
    handle: { url, adminToken: options.adminToken } as RunningHub,
    url,
    async rssMb() {
      const status = await readFile(`/proc/${child.pid}/status`, 'utf8').catch(() => '');
      return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
    },
    async deliveryBacklog() {
      const reply = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${options.adminToken}` } });
      const text = await reply.text();
      let depth = 0;
      for (const [, value] of text.matchAll(/^switchyard_delivery_queue_depth\{[^}]*\} (\S+)$/gm)) depth += Number(value);
      return depth;
    },
    async stop() {
      // SIGINT lets the hub end cleanly (and write its CPU profile).
      child.kill('SIGINT');
      await Promise.race([new Promise((resolve) => child.once('exit', resolve)), sleep(15_000)]);
      child.kill('SIGKILL');
      await cleanup();
    },
  };
}

async function waitForHealth(url: string): Promise<boolean> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if ((await fetch(`${url}/health`).catch(() => undefined))?.ok) return true;
    await sleep(200);
  }
  return false;
}
