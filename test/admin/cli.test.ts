import { execFile, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admin, databaseLabel, eventually } from '../support/hub.js';
import { OcpiPlatform } from '../../src/sim/platform.js';
import { onboard, pagedAnswer, startRoamingNetwork, type RoamingNetwork } from '../support/network.js';

const BIN = fileURLToPath(new URL('../../bin/switchyard.js', import.meta.url));
const run = promisify(execFile);

describe(`switchyard CLI against a running hub (${databaseLabel})`, () => {
  let net: RoamingNetwork;
  /** Runs the CLI as a child process; `connect: false` leaves the hub URL and token to the environment. */
  const cli = async (args: string[], { connect = true } = {}) => {
    const { SWITCHYARD_HUB_URL: _url, SWITCHYARD_ADMIN_TOKEN: _token, ...env } = process.env;
    const connection = ['--hub-url', net.hub.url, '--admin-token', net.hub.adminToken];
    return run('node', [BIN, ...args, ...(connect ? connection : [])], {
      env: connect ? env : { ...env, SWITCHYARD_HUB_URL: net.hub.url, SWITCHYARD_ADMIN_TOKEN: net.hub.adminToken },
    });
  };
  const json = async (args: string[]) => JSON.parse((await cli([...args, '--json'])).stdout);

  beforeAll(async () => {
    net = await startRoamingNetwork();
  });
  afterAll(async () => net.close());

  it('invites a partner', async () => {
    const invited = await json(['partner', 'invite', '--name', 'X']);
    expect(invited).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      token_a: expect.any(String),
      versions_url: `${net.hub.url}/ocpi/versions`,
      expires_at: expect.any(String),
    });
  });

  it('creates, lists, suspends and deletes agreements', async () => {
    const created = await json(['agreement', 'create', '--cpo', 'US*CP1', '--emsp', 'US*MS1', '--modules', 'locations,tariffs']);
    expect(created).toMatchObject({ cpo: 'US*CP1', emsp: 'US*MS1', modules: ['locations', 'tariffs'], status: 'ACTIVE' });

    const listed = await cli(['agreement', 'list'], { connect: false });
    expect(listed.stdout.trim()).toBe(`${created.id}  US*CP1 → US*MS1  ACTIVE  locations,tariffs  always`);

    const suspended = await cli(['agreement', 'suspend', created.id]);
    expect(suspended.stdout).toContain('SUSPENDED');
    expect(await json(['agreement', 'check', '--cpo', 'US*CP1', '--emsp', 'US*MS1', '--module', 'locations'])).toEqual({
      allowed: false,
      basis: 'BILATERAL_SUSPENDED',
    });

    const again = await cli(['agreement', 'create', '--cpo', 'US*CP1', '--emsp', 'US*MS1']).catch((error) => error);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('HTTP 409');

    expect((await cli(['agreement', 'delete', created.id])).stdout).toContain(`Agreement ${created.id} deleted.`);
    expect(await json(['agreement', 'list'])).toEqual([]);
  });

  it('lists parties and changes their standard agreement and fallback', async () => {
    const parties = await cli(['party', 'list']);
    expect(parties.stdout).toContain('US*MS1  EMSP  CONNECTED  DriveOn  in standard agreement  fallback TOKEN_WHITELIST');

    const left = await cli(['party', 'standard', '--leave', 'US*MS1']);
    expect(left.stdout).toContain('US*MS1  EMSP  CONNECTED  DriveOn  not in standard agreement');
    const fallback = await json(['party', 'fallback', 'US*MS1', 'DENY']);
    expect(fallback).toMatchObject([{ party_id: 'MS1', standard_agreement: false, authorization_fallback: 'DENY' }]);

    const unknown = await cli(['party', 'standard', '--join', 'ZZ*ZZZ']).catch((error) => error);
    expect(unknown.stderr).toContain('No such party');
  });

  it('prints one journal line per hop', async () => {
    const reply = await net.cpo1.send({ method: 'GET', url: net.cpo1.hubUrl('hubclientinfo') });
    await eventually(async () => (await admin(net.hub, 'GET', `/api/journal?correlation_id=${reply.correlationId}`)).body.total === 1);

    const { stdout } = await cli(['journal', '--correlation-id', reply.correlationId]);
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\S+Z {2}IN {3}US\*CP1 → US\*SWY {2}GET \/ocpi\/2\.2\.1\/hubclientinfo {2}200\/1000 {2}\d+ms {2}/);
    expect(lines[0]).toContain(reply.correlationId);
  });

  it('follows the journal: prints the hops that happen after it started', async () => {
    const child = spawn('node', [BIN, 'journal', '--follow', '--party', 'US*CP1', '--hub-url', net.hub.url, '--admin-token', net.hub.adminToken]);
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    try {
      // The follower starts from the newest entry it saw: call until one call shows up.
      const sent: string[] = [];
      await eventually(
        async () => {
          sent.push((await net.cpo1.send({ method: 'GET', url: net.cpo1.hubUrl('hubclientinfo') })).correlationId);
          await new Promise((resolve) => setTimeout(resolve, 500));
          return sent.some((id) => output.includes(id));
        },
        30_000,
        'a followed hop',
      );
      expect(output).toMatch(/IN {3}US\*CP1 → US\*SWY {2}GET \/ocpi\/2\.2\.1\/hubclientinfo/);
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('onboards a gated partner: the check fails, the operator activates it; offered quirks apply in one command', async () => {
    const gated = await OcpiPlatform.start({ name: 'Gated CLI', roles: [{ role: 'EMSP', countryCode: 'US', partyId: 'GCL', name: 'Gated CLI' }] });
    const zoneless = await OcpiPlatform.start({ name: 'Zoneless CLI', roles: [{ role: 'EMSP', countryCode: 'US', partyId: 'ZCL', name: 'Zoneless CLI' }] });
    try {
      const invited = await json(['partner', 'invite', '--name', 'Gated CLI', '--gated']);
      expect((await gated.register(invited.versions_url, invited.token_a)).envelope?.status_code).toBe(1000);
      // Its tokens Sender answers no list: the check after the handshake fails, and it stays gated.
      await eventually(async () => (await admin(net.hub, 'GET', `/api/partners/${invited.id}`)).body.last_check, 60_000, 'the check after the handshake');
      const failed = await cli(['partner', 'check', invited.id]).then(
        () => undefined,
        (error: { code: number; stdout: string }) => error,
      );
      expect(failed?.code).toBe(1);
      expect(failed?.stdout).toMatch(/FAIL {2}tokens Sender: paginated GET-all: data is not a list {2}\[transport_and_format: Pagination\]/);
      expect(failed?.stdout).toContain('Verdict: FAIL');
      expect((await cli(['partner', 'list'])).stdout).toMatch(/Gated CLI .*check FAIL {2}\[gated: routes wait for a passing check\]/);
      expect((await cli(['partner', 'activate', invited.id])).stdout).toMatch(/^Routes of Gated CLI active since \d{4}-/);
      expect((await admin(net.hub, 'GET', `/api/partners/${invited.id}`)).body).toMatchObject({ routes_active: true, status: 'CONNECTED' });

      zoneless.handle('tokens', pagedAnswer([], '2026-11-22T10:00:00'));
      const id = await onboard(net.hub, zoneless);
      const warned = await cli(['partner', 'check', id]);
      expect(warned.stdout).toContain(`Quirks that would bridge the warnings: {"lenient_timestamps":true} (apply them with: switchyard partner apply-quirks ${id} --check `);
      const applied = await json(['partner', 'apply-quirks', id]);
      expect(applied).toMatchObject({ quirks: { lenient_timestamps: true }, check: { verdict: 'PASS', reason: 'QUIRKS_APPLIED' } });
    } finally {
      await Promise.all([gated.close(), zoneless.close()]);
    }
  });
});
