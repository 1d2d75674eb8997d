import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admin, databaseLabel } from '../support/hub.js';
import { startRoamingNetwork, type RoamingNetwork } from '../support/network.js';

describe(`admin API: agreements and parties (${databaseLabel})`, () => {
  let net: RoamingNetwork;
  const call = (method: string, path: string, body?: unknown) => admin(net.hub, method, path, body);
  const check = async (cpo: string, emsp: string, module = 'locations') =>
    (await call('GET', `/api/agreements/check?${new URLSearchParams({ cpo, emsp, module })}`)).body;

  beforeAll(async () => {
    net = await startRoamingNetwork();
  });
  afterAll(async () => net.close());

  it('creates, lists, shows, changes and deletes an agreement', async () => {
    const created = await call('POST', '/api/agreements', {
      cpo: 'US*CP1',
      emsp: 'ca-ms2',
      modules: ['locations', 'tariffs'],
      valid_from: '2025-01-01T00:00:00Z',
      note: 'pilot',
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      cpo: 'US*CP1',
      emsp: 'CA*MS2',
      modules: ['locations', 'tariffs'],
      valid_from: '2025-01-01T00:00:00.000Z',
      valid_until: null,
      status: 'ACTIVE',
      note: 'pilot',
    });
    const { id } = created.body;

    expect((await call('GET', '/api/agreements')).body).toEqual([created.body]);
    expect((await call('GET', `/api/agreements/${id}`)).body).toEqual(created.body);
    expect((await call('GET', '/api/agreements?party=CA-MS2')).body).toEqual([created.body]);
    expect((await call('GET', '/api/agreements?party=US*MS1')).body).toEqual([]);

    const patched = await call('PATCH', `/api/agreements/${id}`, { modules: null, valid_until: '2030-01-01T00:00:00Z', note: null });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ modules: null, valid_from: '2025-01-01T00:00:00.000Z', valid_until: '2030-01-01T00:00:00.000Z', note: null });

    expect((await call('DELETE', `/api/agreements/${id}`)).status).toBe(204);
    expect((await call('GET', `/api/agreements/${id}`)).status).toBe(404);
    expect((await call('DELETE', `/api/agreements/${id}`)).status).toBe(404);
    expect((await call('PATCH', `/api/agreements/${id}`, { status: 'SUSPENDED' })).status).toBe(404);
  });

  it('answers 409 for a second agreement of the same pair', async () => {
    const first = await call('POST', '/api/agreements', { cpo: 'CA*CP2', emsp: 'US*MS1' });
    expect(first.status).toBe(201);
    const second = await call('POST', '/api/agreements', { cpo: 'CA-CP2', emsp: 'US*MS1', status: 'SUSPENDED' });
    expect(second.status).toBe(409);
    expect(second.body.message).toContain('CA*CP2 and US*MS1 already have an agreement');
    await call('DELETE', `/api/agreements/${first.body.id}`);
  });

  it('answers 400 for bad party text, unknown modules, bad timestamps and empty windows', async () => {
    const badParty = await call('POST', '/api/agreements', { cpo: 'Volt Street', emsp: 'US*MS1' });
    expect(badParty.status).toBe(400);
    expect(badParty.body.message).toContain('CC*PID');
    const cases = [
      { cpo: 'US*CP1', emsp: 'US*MS1', modules: ['credentials'] },
      { cpo: 'US*CP1', emsp: 'US*MS1', valid_from: 'tomorrow' },
      { cpo: 'US*CP1', emsp: 'US*MS1', valid_from: '2026-02-01T00:00:00Z', valid_until: '2026-01-01T00:00:00Z' },
      { cpo: 'US*CP1', emsp: 'US*MS1', status: 'PAUSED' },
      { emsp: 'US*MS1' },
    ];
    for (const body of cases) expect((await call('POST', '/api/agreements', body)).status, JSON.stringify(body)).toBe(400);
    expect((await call('GET', '/api/agreements?party=nobody')).status).toBe(400);
    expect((await call('GET', '/api/agreements/check?cpo=US*CP1&emsp=US*MS1&module=versions')).status).toBe(400);
    expect((await call('GET', '/api/agreements')).body).toEqual([]);
  });

  it('explains routes: bilateral modules, suspension, and the standard agreement', async () => {
    expect(await check('US*CP1', 'US*MS1')).toEqual({ allowed: true, basis: 'STANDARD' });

    const { body: agreement } = await call('POST', '/api/agreements', { cpo: 'US*CP1', emsp: 'US*MS1', modules: ['tariffs'] });
    expect(await check('US*CP1', 'US*MS1', 'tariffs')).toEqual({ allowed: true, basis: 'BILATERAL' });
    expect(await check('US*CP1', 'US*MS1', 'locations')).toEqual({ allowed: false, basis: 'MODULE_NOT_AGREED' });

    await call('PATCH', `/api/agreements/${agreement.id}`, { status: 'SUSPENDED' });
    expect(await check('US*CP1', 'US*MS1', 'tariffs')).toEqual({ allowed: false, basis: 'BILATERAL_SUSPENDED' });

    // Outside its window the agreement no longer decides: the standard agreement does.
    await call('PATCH', `/api/agreements/${agreement.id}`, { valid_until: '2020-01-01T00:00:00Z' });
    expect(await check('US*CP1', 'US*MS1', 'tariffs')).toEqual({ allowed: true, basis: 'STANDARD' });
    await call('DELETE', `/api/agreements/${agreement.id}`);
  });

  it('lists parties and lets one leave and rejoin the standard agreement', async () => {
    const { body: parties } = await call('GET', '/api/parties');
    expect(parties.map((p: any) => `${p.country_code}*${p.party_id} ${p.role} ${p.partner_name}`)).toEqual([
      'CA*CP2 CPO Maple Charge',
      'CA*MS2 EMSP Northern Roam',
      'US*CP1 CPO Volt Street',
      'US*MS1 EMSP DriveOn',
    ]);
    expect(parties[3]).toEqual({
      role: 'EMSP',
      country_code: 'US',
      party_id: 'MS1',
      status: 'CONNECTED',
      partner_id: net.partnerIds.get('DriveOn'),
      partner_name: 'DriveOn',
      behind_hub: null,
      standard_agreement: true,
      authorization_fallback: 'TOKEN_WHITELIST',
    });

    const left = await call('PATCH', '/api/parties/US%2AMS1', { standard_agreement: false });
    expect(left.status).toBe(200);
    expect(left.body).toMatchObject([{ party_id: 'MS1', standard_agreement: false }]);
    expect(await check('US*CP1', 'US*MS1')).toEqual({ allowed: false, basis: 'NO_AGREEMENT' });
    expect(await check('CA*CP2', 'US*MS1')).toEqual({ allowed: false, basis: 'NO_AGREEMENT' });
    expect(await check('US*CP1', 'CA*MS2')).toEqual({ allowed: true, basis: 'STANDARD' });

    const rejoined = await call('PATCH', '/api/parties/US-MS1', { standard_agreement: true });
    expect(rejoined.body).toMatchObject([{ standard_agreement: true }]);
    expect(await check('US*CP1', 'US*MS1')).toEqual({ allowed: true, basis: 'STANDARD' });
  });

  it("sets a party's authorization fallback; 404 for an unknown party, 400 for bad input", async () => {
    const changed = await call('PATCH', '/api/parties/CA*MS2', { authorization_fallback: 'DENY' });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject([{ party_id: 'MS2', authorization_fallback: 'DENY', standard_agreement: true }]);
    const { body: parties } = await call('GET', '/api/parties');
    expect(parties.find((p: any) => p.party_id === 'MS2').authorization_fallback).toBe('DENY');

    expect((await call('PATCH', '/api/parties/ZZ*ZZZ', { standard_agreement: false })).status).toBe(404);
    expect((await call('PATCH', '/api/parties/not-a-party', { standard_agreement: false })).body.message).toContain('CC*PID');
    expect((await call('PATCH', '/api/parties/CA*MS2', { authorization_fallback: 'MAYBE' })).status).toBe(400);
  });

  it('documents the endpoints in the OpenAPI description', async () => {
    const doc = await (await fetch(`${net.hub.url}/api/docs/json`)).json();
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/agreements', '/api/agreements/{id}', '/api/agreements/check', '/api/parties', '/api/parties/{party}']),
    );
    expect(doc.paths['/api/agreements'].post.tags).toEqual(['agreements']);
  });

  it('requires the admin token', async () => {
    const response = await fetch(`${net.hub.url}/api/agreements`);
    expect(response.status).toBe(401);
  });
});
