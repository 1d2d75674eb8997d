import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { success } from '../../src/ocpi/envelope.js';
import { schemaOf } from '../../src/ocpi/kinds.js';
import { compileValidator } from '../../src/ocpi/validation.js';
import { OcpiPlatform } from '../../src/sim/platform.js';
import { Simulation } from '../../src/sim/runner.js';
import type { RunningHub } from '../../src/switchyard.js';
import { admin, databaseLabel, startTestHub } from '../support/hub.js';
import { location } from '../support/fixtures.js';
import { onboard, pagedAnswer } from '../support/network.js';

const BROKEN = { role: 'CPO', countryCode: 'US', partyId: 'BRK', name: 'Broken CPO' } as const;

describe(`conformance check of a partner (${databaseLabel})`, () => {
  let hub: RunningHub;
  let sim: Simulation;
  let broken: OcpiPlatform;
  let brokenId: string;
  beforeAll(async () => {
    hub = await startTestHub();
    sim = await Simulation.start({ hubUrl: hub.url, adminToken: hub.adminToken, cpos: 1, emsps: 1, locations: 3, drivers: 4, traffic: false });
    broken = await OcpiPlatform.start({ name: BROKEN.name, roles: [BROKEN] });
    brokenId = await onboard(hub, broken);
    // A CPO whose locations come without pagination headers and without coordinates, and whose tokens Receiver is not OCPI.
    broken.handle('locations', () => success([{ ...location(BROKEN, 'L-1'), coordinates: undefined }]));
    broken.handle('tokens', (_request, reply) => reply.code(500).send('upstream exploded'));
  });
  afterAll(async () => {
    await sim?.stop();
    await broken?.close();
    await hub?.close();
  });

  const check = (id: string) => admin(hub, 'POST', `/api/partners/${id}/checks`);
  const outcomes = (report: { cases: { id: string; outcome: string }[] }) => Object.fromEntries(report.cases.map((c) => [c.id, c.outcome]));

  it('passes well-behaved partners, case by case with spec section, request and response', async () => {
    for (const id of sim.partnerIds.values()) {
      const { status, body } = await check(id);
      expect(status).toBe(201);
      expect(body.cases.filter((c: any) => c.outcome !== 'PASS')).toEqual([]);
      expect(body.verdict).toBe('PASS');
      expect(body.cases.map((c: any) => c.id)).toEqual(expect.arrayContaining(['versions', 'details', 'token-encoding', 'envelope', 'timestamps', 'headers']));
      for (const c of body.cases) expect(c.section).toMatch(/\w+: /);
    }
    const cpoId = sim.partnerIds.get(sim.cpos[0].name)!;
    const { body } = await check(cpoId);
    expect(outcomes(body)).toMatchObject({ 'pagination-locations': 'PASS', 'schema-locations': 'PASS', 'schema-tariffs': 'PASS', 'receiver-tokens': 'PASS' });
    // The eMSP took the probe tariff and deleted it again: nothing of the check stays there.
    const emsp = sim.emsps[0];
    const { body: emspReport } = await check(sim.partnerIds.get(emsp.name)!);
    expect(outcomes(emspReport)).toMatchObject({ 'receiver-tariffs-write': 'PASS' });
    const probes = emsp.platform.receivedFor('tariffs').filter((r) => r.path === '/US/SWY/SWITCHYARD-CONFORMANCE-PROBE');
    expect(probes.map((r) => r.method)).toEqual(expect.arrayContaining(['GET', 'PUT', 'DELETE']));
    expect([...emsp.tariffs.keys()].filter((key) => key.includes('SWITCHYARD-CONFORMANCE-PROBE'))).toEqual([]);
    const pull = body.cases.find((c: any) => c.id === 'pagination-locations');
    expect(pull.exchange.request).toMatchObject({ method: 'GET', url: expect.stringContaining('/sender/locations?offset=0&limit=2') });
    expect(pull.exchange.response).toMatchObject({ http_status: 200, headers: { 'x-total-count': '3' } });
    expect(pull.detail).toBe('2 of 3 on the first page; 1 more on the next page (Link)');
  });

  it('fails a broken partner on the right cases, and keeps every report', async () => {
    const { body } = await check(brokenId);
    expect(body, JSON.stringify(body)).toMatchObject({ verdict: 'FAIL' });
    expect(outcomes(body)).toMatchObject({
      versions: 'PASS',
      'pagination-locations': 'FAIL',
      'schema-locations': 'FAIL',
      'receiver-tokens': 'FAIL',
      envelope: 'FAIL',
    });
    expect(body.cases.find((c: any) => c.id === 'pagination-locations').detail).toBe('Missing x-total-count and x-limit');
    expect(body.cases.find((c: any) => c.id === 'schema-locations').detail).toBe('$[0].coordinates: is required');

    const kept = await admin(hub, 'GET', `/api/partners/${brokenId}/checks`);
    expect(kept.status).toBe(200);
    expect(kept.body.map((r: any) => r.id)).toEqual([body.id]);
    expect(kept.body[0]).toMatchObject({ verdict: 'FAIL', cases: body.cases });
  });

  it('passes with warnings, offering the quirk that bridges them, a partner that writes times without a zone', async () => {
    // Every Sender interface now pages properly, but its envelopes carry zoneless timestamps.
    const page = (data: unknown[]) => pagedAnswer(data, '2026-11-22T10:00:00');
    broken.handle('locations', page([location(BROKEN, 'L-1')]));
    for (const module of ['tariffs', 'sessions', 'cdrs']) broken.handle(module, page([]));
    broken.handle('tokens', () => undefined);
    const { body } = await check(brokenId);
    expect(body.cases.filter((c: any) => c.outcome !== 'PASS').map((c: any) => [c.id, c.outcome])).toEqual([['timestamps', 'WARN']]);
    expect(body.verdict).toBe('PASS_WITH_WARNINGS');
    expect(body.quirks).toEqual({ lenient_timestamps: true });
  });

  it('writes its probe tariff in the version each eMSP speaks, and deletes it again', async () => {
    for (const version of ['2.1.1', '2.3.0'] as const) {
      const party = { role: 'EMSP', countryCode: 'CA', partyId: version === '2.1.1' ? 'V21' : 'V23', name: `eMSP ${version}` } as const;
      const emsp = await OcpiPlatform.start({ name: party.name, roles: [party], version });
      try {
        const id = await onboard(hub, emsp);
        const { body } = await check(id);
        expect(outcomes(body)['receiver-tariffs-write'], JSON.stringify(body.cases)).toBe('PASS');
        const [put] = emsp.receivedFor('tariffs').filter((r) => r.method === 'PUT');
        const valid = compileValidator(schemaOf(version, 'Tariff')!)(put.body);
        expect(valid.ok, JSON.stringify(valid)).toBe(true);
        expect(emsp.receivedFor('tariffs').map((r) => `${r.method} ${r.path}`)).toContain('DELETE /US/SWY/SWITCHYARD-CONFORMANCE-PROBE');
      } finally {
        await emsp.close();
      }
    }
  });

  it('follows the Link of a Sender page, through the outbound guard', async () => {
    const linkTo = (url: string) => (_request: unknown, reply: { headers(values: Record<string, string>): unknown }) => {
      reply.headers({ 'X-Total-Count': '3', 'X-Limit': '1', Link: `<${url}>; rel="next"` });
      return success([]);
    };
    broken.handle('tariffs', linkTo(`${broken.url}/2.2.1/nowhere`));
    // The cloud metadata address: a partner's Link must not make the hub call inside its network.
    broken.handle('cdrs', linkTo('http://169.254.169.254/latest/meta-data'));
    const { body } = await check(brokenId);
    const detail = (id: string) => body.cases.find((c: any) => c.id === id).detail;
    expect(outcomes(body)).toMatchObject({ 'pagination-tariffs': 'FAIL', 'pagination-cdrs': 'FAIL' });
    expect(detail('pagination-tariffs')).toMatch(/^0 of 3 on the first page; the next page \(Link\) answered: GET \S+\/nowhere answered HTTP 404/);
    expect(detail('pagination-cdrs')).toMatch(/^0 of 3 on the first page; the next page \(Link\) answered: .*169\.254\.169\.254/);
  });

  it('refuses unknown and unregistered partners', async () => {
    expect((await check('00000000-0000-4000-8000-000000000000')).status).toBe(404);
    const { body: invited } = await admin(hub, 'POST', '/api/partners', { name: 'Not yet' });
    expect((await check(invited.id)).status).toBe(409);
  });
});
