import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startSwitchyard } from '../../src/switchyard.js';
import { databaseLabel, isolatedDatabase } from '../support/hub.js';

// Two starts of a hub on a fresh database: minutes on a loaded 2-core machine.
const TWO_STARTS_MS = 300_000;

describe(`the generated admin token (${databaseLabel})`, () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const step of cleanup.reverse()) await step();
  });

  it('is kept with the data: a restart on the same database accepts the same token', async () => {
    const isolated = await isolatedDatabase();
    const dataDir = process.env.DATABASE_URL ? undefined : await mkdtemp(join(tmpdir(), 'switchyard-token-'));
    cleanup.push(() => (dataDir ? rm(dataDir, { recursive: true, force: true }) : isolated.drop()));
    const start = () => startSwitchyard({ port: 0, host: '127.0.0.1', ...isolated.options, dataDir });

    const first = await start();
    const token = first.adminToken;
    await first.close();
    const second = await start();
    cleanup.push(() => second.close());

    expect(second.adminToken).toBe(token);
    const partners = await fetch(`${second.url}/api/partners`, { headers: { Authorization: `Bearer ${token}` } });
    expect(partners.status).toBe(200);
  }, TWO_STARTS_MS);

  it('gives way to a configured token', async () => {
    const isolated = await isolatedDatabase();
    cleanup.push(() => isolated.drop());
    const hub = await startSwitchyard({ port: 0, host: '127.0.0.1', ...isolated.options, adminToken: 'configured-token' });
    cleanup.push(() => hub.close());
    expect(hub.adminToken).toBe('configured-token');
    const refused = await fetch(`${hub.url}/api/partners`, { headers: { Authorization: 'Bearer other' } });
    expect(refused.status).toBe(401);
  });
});
