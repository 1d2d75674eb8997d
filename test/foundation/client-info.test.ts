import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { probeSilentPlatforms } from '../../src/hub/liveness.js';
import { OcpiPlatform } from '../../src/sim/platform.js';
import type { RunningHub } from '../../src/switchyard.js';
import { admin, databaseLabel, eventually, startTestHub } from '../support/hub.js';

describe(`hub client info (${databaseLabel})`, () => {
  let hub: RunningHub;
  let cpo: OcpiPlatform;
  let emsp: OcpiPlatform;

  beforeEach(async () => {
    // A probe after 0 ms of silence: every registered platform is probed when the test asks.
    hub = await startTestHub({ probeAfterMs: 0 });
    cpo = await OcpiPlatform.start({ name: 'CPO', roles: [{ role: 'CPO', countryCode: 'US', partyId: 'CPA', name: 'CPO A' }] });
    emsp = await OcpiPlatform.start({ name: 'eMSP', roles: [{ role: 'EMSP', countryCode: 'CA', partyId: 'EMB', name: 'eMSP B' }] });
  });
  afterEach(async () => {
    await Promise.all([cpo.close(), emsp.close()]);
    await hub.close();
  });

  async function onboard(platform: OcpiPlatform) {
    const { body } = await admin(hub, 'POST', '/api/partners', { name: platform.options.name });
    const reply = await platform.register(body.versions_url, body.token_a);
    expect(reply.envelope?.status_code).toBe(1000);
    return body.id as string;
  }

  it('pushes a ClientInfo to every other connected platform when a party changes status', async () => {
    await onboard(cpo);
    await onboard(emsp);
    const pushed = await eventually(() => cpo.clientInfo.get('CA/EMB'), 5_000, 'ClientInfo push');
    expect(pushed).toMatchObject({ country_code: 'CA', party_id: 'EMB', role: 'EMSP', status: 'CONNECTED' });
    expect((pushed as any).last_updated).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    // Nobody is told about its own parties.
    expect(emsp.clientInfo.has('CA/EMB')).toBe(false);
    const push = cpo.calls.find((c) => c.method === 'PUT' && c.url.endsWith('/hubclientinfo/CA/EMB'));
    // Configuration modules carry no routing headers.
    expect(push?.headers['ocpi-to-party-id']).toBeUndefined();

    await emsp.unregister();
    await eventually(() => (cpo.clientInfo.get('CA/EMB') as any)?.status === 'SUSPENDED', 5_000, 'SUSPENDED push');
  });

  it('serves every party through its paginated Sender interface', async () => {
    await onboard(cpo);
    await onboard(emsp);
    const third = await OcpiPlatform.start({
      name: 'Third',
      roles: [
        { role: 'CPO', countryCode: 'US', partyId: 'CPC', name: 'CPO C' },
        { role: 'CPO', countryCode: 'US', partyId: 'CPD', name: 'CPO D (white label)' },
      ],
    });
    try {
      await onboard(third);
      const first = await emsp.send({ method: 'GET', url: `${emsp.hubUrl('hubclientinfo')}?limit=2` });
      expect(first.headers['x-total-count']).toBe('3');
      expect(first.headers['x-limit']).toBe('100');
      expect((first.envelope?.data as any[]).map((c) => c.party_id)).toEqual(['CPA', 'CPC']);
      const next = /<([^>]+)>; rel="next"/.exec(first.headers.link)?.[1];
      expect(next).toContain('offset=2');
      const second = await emsp.send({ method: 'GET', url: next! });
      expect((second.envelope?.data as any[]).map((c) => c.party_id)).toEqual(['CPD']);
      expect(second.headers.link).toBeUndefined();

      const bad = await emsp.send({ method: 'GET', url: `${emsp.hubUrl('hubclientinfo')}?date_from=yesterday` });
      expect(bad.envelope?.status_code).toBe(2001);
    } finally {
      await third.close();
    }
  });

  it('marks a silent platform OFFLINE when the still-alive probe fails, CONNECTED when it answers', async () => {
    const cpoId = await onboard(cpo);
    await onboard(emsp);
    cpo.available = false;
    await probeSilentPlatforms(hub.hub);
    const { body: offline } = await admin(hub, 'GET', `/api/partners/${cpoId}`);
    expect(offline.status).toBe('OFFLINE');
    expect(offline.parties[0].status).toBe('OFFLINE');
    await eventually(() => (emsp.clientInfo.get('US/CPA') as any)?.status === 'OFFLINE', 5_000, 'OFFLINE push');

    cpo.available = true;
    await probeSilentPlatforms(hub.hub);
    const { body: back } = await admin(hub, 'GET', `/api/partners/${cpoId}`);
    expect(back.status).toBe('CONNECTED');
    await eventually(() => (emsp.clientInfo.get('US/CPA') as any)?.status === 'CONNECTED', 5_000, 'CONNECTED push');
  });
});

describe(`admin API and health (${databaseLabel})`, () => {
  let hub: RunningHub;
  beforeEach(async () => {
    hub = await startTestHub();
  });
  afterEach(async () => hub.close());

  it('requires the admin bearer token', async () => {
    const response = await fetch(`${hub.url}/api/partners`);
    expect(response.status).toBe(401);
    const wrong = await fetch(`${hub.url}/api/partners`, { headers: { Authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
  });

  it('answers /health while the database answers', async () => {
    const response = await fetch(`${hub.url}/health`);
    expect(response.status).toBe(200);
  });

  it('documents the admin API as OpenAPI', async () => {
    const response = await fetch(`${hub.url}/api/docs/json`);
    expect(response.status).toBe(200);
    const spec = await response.json();
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining(['/api/partners', '/api/partners/{id}', '/api/partners/{id}/connect']),
    );
  });

  it('rejects an invitation without a name', async () => {
    const { status } = await admin(hub, 'POST', '/api/partners', {});
    expect(status).toBe(400);
  });

  it('removes a partner', async () => {
    const { body } = await admin(hub, 'POST', '/api/partners', { name: 'Gone' });
    expect((await admin(hub, 'DELETE', `/api/partners/${body.id}`)).status).toBe(204);
    expect((await admin(hub, 'GET', `/api/partners/${body.id}`)).status).toBe(404);
  });
});
