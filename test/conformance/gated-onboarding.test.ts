import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { success } from '../../src/ocpi/envelope.js';
import { OcpiPlatform } from '../../src/sim/platform.js';
import type { RunningHub } from '../../src/switchyard.js';
import { LOOPBACK_NETWORKS } from '../../src/net/outbound-guard.js';
import { startSwitchyard } from '../../src/switchyard.js';
import { admin, databaseLabel, deliveriesSettled, eventually, isolatedDatabase, startTestHub } from '../support/hub.js';
import { location, session, token } from '../support/fixtures.js';
import { FAST_DELIVERY, onboard, pagedAnswer } from '../support/network.js';

const CPO = { role: 'CPO', countryCode: 'US', partyId: 'CPG', name: 'Open Volt' } as const;
const EMSP = { role: 'EMSP', countryCode: 'US', partyId: 'MSG', name: 'Gated Drive' } as const;
const LENIENT = { role: 'EMSP', countryCode: 'CA', partyId: 'MSL', name: 'Zoneless Roam' } as const;
const STUCK = { role: 'EMSP', countryCode: 'CA', partyId: 'MSS', name: 'Stuck Roam' } as const;
type Party = { role: 'CPO' | 'EMSP'; countryCode: string; partyId: string; name: string };

/** A platform whose Sender interfaces page as OCPI says: it passes the conformance check. */
async function conformingPlatform(party: Party, timestamp?: string): Promise<OcpiPlatform> {
  const platform = await OcpiPlatform.start({ name: party.name, roles: [party] });
  const senders = party.role === 'CPO' ? ['locations', 'tariffs', 'sessions', 'cdrs'] : ['tokens'];
  for (const module of senders) platform.handle(module, pagedAnswer([], timestamp));
  return platform;
}

const checksOf = async (hub: RunningHub, id: string) => (await admin(hub, 'GET', `/api/partners/${id}/checks`)).body as any[];
const partner = async (hub: RunningHub, id: string) => (await admin(hub, 'GET', `/api/partners/${id}`)).body;

describe(`gated onboarding (${databaseLabel})`, () => {
  let hub: RunningHub;
  let cpo: OcpiPlatform;
  const others: OcpiPlatform[] = [];
  beforeAll(async () => {
    hub = await startTestHub({ delivery: FAST_DELIVERY });
    cpo = await conformingPlatform(CPO);
    await onboard(hub, cpo);
  });
  afterAll(async () => {
    await Promise.all([cpo, ...others].map((p) => p?.close()));
    await hub?.close();
  });

  const pushLocation = (id: string) =>
    cpo.send({ method: 'PUT', url: `${cpo.hubUrl('locations', undefined, 'RECEIVER')}/US/CPG/${id}`, body: location(CPO, id) });
  const pushToken = (platform: OcpiPlatform, party: Party, uid: string) =>
    platform.send({ method: 'PUT', url: `${platform.hubUrl('tokens', undefined, 'RECEIVER')}/${party.countryCode}/${party.partyId}/${uid}?type=RFID`, body: token(party, uid) });
  const locationsPut = (platform: OcpiPlatform) => platform.receivedFor('locations').filter((r) => r.method !== 'GET').map((r) => r.path);

  it('keeps a failing partner gated: its requests refused, nothing routed to it', async () => {
    // Its tokens Sender answers without pagination headers: the check fails.
    const emsp = await OcpiPlatform.start({ name: EMSP.name, roles: [EMSP] });
    emsp.handle('tokens', () => success([]));
    others.push(emsp);
    const id = await onboard(hub, emsp, true, { gated: true });

    const [report] = await eventually(async () => (await checksOf(hub, id)).length > 0 && checksOf(hub, id), 60_000, 'the check after the handshake');
    expect(report).toMatchObject({ verdict: 'FAIL', reason: 'CREDENTIALS_UPDATED' });
    expect(report.cases.find((c: any) => c.id === 'pagination-tokens')).toMatchObject({ outcome: 'FAIL', detail: 'Missing x-total-count and x-limit' });
    const view = await partner(hub, id);
    expect(view).toMatchObject({ gated: true, routes_active: false, activated_at: null, status: 'PLANNED', last_check: { verdict: 'FAIL' } });
    expect(view.parties.map((p: any) => p.status)).toEqual(['PLANNED']);

    const refused = await pushToken(emsp, EMSP, 'GATED-1');
    expect(refused.envelope).toMatchObject({ status_code: 4000, status_message: expect.stringContaining('Onboarding awaits a passing conformance check') });
    const direct = await cpo.send({
      method: 'PUT',
      url: `${cpo.hubUrl('sessions', undefined, 'RECEIVER')}/US/CPG/S-GATED`,
      routing: { from: CPO, to: EMSP },
      body: session(CPO, EMSP, 'S-GATED'),
    });
    expect(direct.envelope?.status_code).toBe(4003);
    expect((await pushLocation('LOC-WHILE-GATED')).envelope?.status_code).toBe(1000);
    await deliveriesSettled(hub);
    expect(locationsPut(emsp)).toEqual([]);

    // A check run again finds the same fault: still gated.
    const again = await admin(hub, 'POST', `/api/partners/${id}/checks`);
    expect(again.body).toMatchObject({ verdict: 'FAIL', reason: 'OPERATOR' });
    expect((await partner(hub, id)).routes_active).toBe(false);
    expect((await pushToken(emsp, EMSP, 'GATED-2')).envelope?.status_code).toBe(4000);
  });

  it('activates the routes once a check passes, and journals it', async () => {
    const emsp = others[0];
    const id = (await admin(hub, 'GET', '/api/partners')).body.find((p: any) => p.name === EMSP.name).id;
    emsp.handle('tokens', pagedAnswer([]));
    const passed = await admin(hub, 'POST', `/api/partners/${id}/checks`);
    expect(passed.body.verdict, JSON.stringify(passed.body.cases.filter((c: any) => c.outcome !== 'PASS'))).toBe('PASS');

    const view = await partner(hub, id);
    expect(view).toMatchObject({ routes_active: true, status: 'CONNECTED', activated_at: expect.any(String) });
    expect(view.parties.map((p: any) => p.status)).toEqual(['CONNECTED']);
    const journal = await admin(hub, 'GET', '/api/journal?module=platform&party=US*MSG');
    expect(journal.body.entries).toEqual(
      expect.arrayContaining([expect.objectContaining({ method: 'ACTIVATE', notes: { reason: `conformance check ${passed.body.id} passed` } })]),
    );

    expect((await pushToken(emsp, EMSP, 'ACTIVE-1')).envelope?.status_code).toBe(1000);
    expect((await pushLocation('LOC-AFTER')).envelope?.status_code).toBe(1000);
    await eventually(() => locationsPut(emsp).includes('/US/CPG/LOC-AFTER'), 30_000, 'the location delivered to the activated partner');
    expect(locationsPut(emsp)).not.toContain('/US/CPG/LOC-WHILE-GATED');
    // Activated once: the operator has nothing left to activate.
    expect((await admin(hub, 'POST', `/api/partners/${id}/activation`)).status).toBe(409);
  });

  it('offers the quirks that bridge a warning, and applying them activates the partner', async () => {
    const emsp = await conformingPlatform(LENIENT, '2026-11-22T10:00:00');
    others.push(emsp);
    const id = await onboard(hub, emsp, true, { gated: true });
    const [report] = await eventually(async () => (await checksOf(hub, id)).length > 0 && checksOf(hub, id), 60_000, 'the check after the handshake');
    expect(report).toMatchObject({ verdict: 'PASS_WITH_WARNINGS', quirks: { lenient_timestamps: true } });
    expect(report.cases.find((c: any) => c.id === 'timestamps')).toMatchObject({ outcome: 'WARN', quirk: { lenient_timestamps: true } });
    expect((await partner(hub, id)).routes_active).toBe(false);

    const applied = await admin(hub, 'POST', `/api/partners/${id}/checks/${report.id}/quirks`);
    expect(applied.status).toBe(200);
    expect(applied.body.quirks).toEqual({ lenient_timestamps: true });
    expect(applied.body.check).toMatchObject({ verdict: 'PASS', reason: 'QUIRKS_APPLIED', quirks: {} });
    expect(applied.body.check.cases.find((c: any) => c.id === 'timestamps').detail).toContain('read as UTC (quirk lenient_timestamps)');
    expect(await partner(hub, id)).toMatchObject({ routes_active: true, quirks: { lenient_timestamps: true } });
    expect((await admin(hub, 'POST', `/api/partners/${id}/checks/${applied.body.check.id}/quirks`)).status).toBe(409);
    expect((await admin(hub, 'POST', `/api/partners/${id}/checks/999999/quirks`)).status).toBe(404);
  });

  it('lets the operator activate a gated partner by hand', async () => {
    const emsp = await OcpiPlatform.start({ name: STUCK.name, roles: [STUCK] });
    others.push(emsp);
    const id = await onboard(hub, emsp, true, { gated: true });
    await eventually(async () => (await checksOf(hub, id)).length > 0, 60_000, 'the check after the handshake');
    expect((await pushToken(emsp, STUCK, 'STUCK-1')).envelope?.status_code).toBe(4000);

    const activated = await admin(hub, 'POST', `/api/partners/${id}/activation`);
    expect(activated.status).toBe(200);
    expect(activated.body).toMatchObject({ routes_active: true, status: 'CONNECTED' });
    expect((await pushToken(emsp, STUCK, 'STUCK-2')).envelope?.status_code).toBe(1000);
    const journal = await admin(hub, 'GET', '/api/journal?module=platform&party=CA*MSS');
    expect(journal.body.entries).toEqual(expect.arrayContaining([expect.objectContaining({ method: 'ACTIVATE', notes: { reason: 'activated by admin-token' } })]));
  });

  it('refuses to activate an ungated partner, and an unknown one', async () => {
    const id = (await admin(hub, 'GET', '/api/partners')).body.find((p: any) => p.name === CPO.name).id;
    expect(await partner(hub, id)).toMatchObject({ gated: false, routes_active: true });
    expect((await admin(hub, 'POST', `/api/partners/${id}/activation`)).status).toBe(409);
    expect((await admin(hub, 'POST', '/api/partners/00000000-0000-4000-8000-000000000000/activation')).status).toBe(404);
  });
});

describe(`conformance checks the hub runs by itself (${databaseLabel})`, () => {
  const closing: { close(): Promise<void> }[] = [];
  afterAll(async () => {
    for (const item of closing.reverse()) await item.close();
  });

  it('checks a partner again after each credentials update, with its new token', async () => {
    const hub = await startTestHub({ conformance: { afterCredentials: true } });
    closing.push(hub);
    const platform = await conformingPlatform(CPO);
    closing.push(platform);
    const id = await onboard(hub, platform);
    const [first] = await eventually(async () => (await checksOf(hub, id)).length === 1 && checksOf(hub, id), 60_000, 'the check after registration');
    expect(first).toMatchObject({ verdict: 'PASS', reason: 'CREDENTIALS_UPDATED' });

    expect((await platform.updateCredentials()).envelope?.status_code).toBe(1000);
    const checks = await eventually(async () => (await checksOf(hub, id)).length === 2 && checksOf(hub, id), 60_000, 'the check after the update');
    expect(checks[0]).toMatchObject({ verdict: 'PASS', reason: 'CREDENTIALS_UPDATED' });
    // The hub's token changed with the update: the new check was accepted with the new one.
    expect(checks[0].cases.find((c: any) => c.id === 'token-encoding').outcome).toBe('PASS');
  });

  it('checks every partner on a schedule, one run at a time per partner across hub processes', async () => {
    const database = await isolatedDatabase();
    closing.push({ close: database.drop });
    const startHub = async () => {
      const running = await startSwitchyard({
        port: 0,
        host: '127.0.0.1',
        adminToken: 'test-admin-token',
        allowPartnerNetworks: LOOPBACK_NETWORKS,
        conformance: { intervalMs: 300, pollIntervalMs: 100 },
        ...database.options,
      });
      running.hub.config.publicUrl = running.url;
      closing.push(running);
      return running;
    };
    const hub = await startHub();
    // On PostgreSQL a second hub process on the same database competes for the same checks.
    if (process.env.DATABASE_URL) await startHub();
    const platform = await conformingPlatform(CPO);
    closing.push(platform);
    const id = await onboard(hub, platform);
    const checks = await eventually(async () => (await checksOf(hub, id)).length >= 4 && checksOf(hub, id), 60_000, 'scheduled checks');
    expect(new Set(checks.map((c: any) => c.reason))).toEqual(new Set(['SCHEDULE']));
    const runs = [...checks].sort((a: any, b: any) => a.started_at.localeCompare(b.started_at));
    for (const [i, run] of runs.entries()) {
      if (i > 0) expect(run.started_at >= runs[i - 1].finished_at, `${runs[i - 1].id} and ${run.id} overlap`).toBe(true);
    }
  });
});
