import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { callOcpi } from '../../src/ocpi/client.js';
import { OcpiPlatform, type PlatformRole } from '../../src/sim/platform.js';
import type { RunningHub } from '../../src/switchyard.js';
import { admin, databaseLabel, startTestHub } from '../support/hub.js';

const CPO_AND_EMSP: PlatformRole[] = [
  { role: 'CPO', countryCode: 'US', partyId: 'ABC', name: 'ABC Charging' },
  { role: 'EMSP', countryCode: 'US', partyId: 'ABM', name: 'ABC Mobility' },
];

describe(`credentials handshake (${databaseLabel})`, () => {
  let hub: RunningHub;
  let partner: OcpiPlatform;

  beforeEach(async () => {
    hub = await startTestHub();
    partner = await OcpiPlatform.start({ name: 'ABC', roles: CPO_AND_EMSP });
  });
  afterEach(async () => {
    await partner.close();
    await hub.close();
  });

  async function invite(name = 'ABC') {
    const { status, body } = await admin(hub, 'POST', '/api/partners', { name });
    expect(status).toBe(201);
    return body as { id: string; token_a: string; versions_url: string };
  }

  it('registers a partner that starts the handshake, calling it back with its token B', async () => {
    const invitation = await invite();
    expect(invitation.versions_url).toBe(`${hub.url}/ocpi/versions`);

    const reply = await partner.register(invitation.versions_url, invitation.token_a);
    expect(reply.envelope?.status_code).toBe(1000);
    const hubCredentials = reply.envelope?.data as any;
    expect(hubCredentials.url).toBe(invitation.versions_url);
    expect(hubCredentials.roles).toEqual([
      { role: 'HUB', country_code: 'US', party_id: 'SWY', business_details: { name: 'Switchyard' } },
    ]);
    expect(hubCredentials.token).not.toBe(invitation.token_a);

    // The hub read our versions and details with token B, keeping our correlation id.
    const callbacks = partner.calls.filter((c) => c.url.startsWith('/ocpi/versions') || c.url === '/ocpi/2.2.1');
    expect(callbacks.map((c) => c.url)).toEqual(['/ocpi/versions', '/ocpi/2.2.1']);
    for (const callback of callbacks) {
      expect(callback.headers.authorization).toBe(`Token ${Buffer.from(partner.tokenForHub!).toString('base64')}`);
      expect(callback.headers['x-correlation-id']).toBe(reply.correlationId);
      expect(callback.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      expect(callback.headers['x-request-id']).not.toBe(reply.requestId);
    }

    const { body: partners } = await admin(hub, 'GET', '/api/partners');
    expect(partners).toHaveLength(1);
    expect(partners[0]).toMatchObject({ id: invitation.id, status: 'CONNECTED', ocpi_version: '2.2.1' });
    expect(partners[0].parties.map((p: any) => `${p.role} ${p.country_code}*${p.party_id} ${p.status}`)).toEqual([
      'CPO US*ABC CONNECTED',
      'EMSP US*ABM CONNECTED',
    ]);
    expect(partners[0].endpoints).toContainEqual({
      module: 'locations',
      role: 'SENDER',
      url: `${partner.url}/2.2.1/sender/locations`,
    });
  });

  it('kills token A once token C is issued, and answers a second POST with 405', async () => {
    const invitation = await invite();
    await partner.register(invitation.versions_url, invitation.token_a);

    const withTokenA = await partner.send({ method: 'GET', url: partner.hubUrl('hubclientinfo'), token: invitation.token_a });
    expect(withTokenA.httpStatus).toBe(401);
    const again = await partner.send({ method: 'POST', url: partner.hubUrl('credentials'), body: { token: 'x', url: partner.versionsUrl, roles: [] } });
    expect(again.httpStatus).toBe(405);
    const withTokenC = await partner.send({ method: 'GET', url: partner.hubUrl('credentials') });
    expect(withTokenC.envelope).toMatchObject({ status_code: 1000, data: { token: partner.tokenToHub } });
  });

  it('answers PUT and DELETE with token A with 405, and token A outside credentials with 401', async () => {
    const invitation = await invite();
    const base = `${hub.url}/ocpi/2.2.1`;
    const put = await callOcpi({ method: 'PUT', url: `${base}/credentials`, token: invitation.token_a, body: {} });
    expect(put.httpStatus).toBe(405);
    const del = await callOcpi({ method: 'DELETE', url: `${base}/credentials`, token: invitation.token_a });
    expect(del.httpStatus).toBe(405);
    const info = await callOcpi({ method: 'GET', url: `${base}/hubclientinfo`, token: invitation.token_a });
    expect(info.httpStatus).toBe(401);
    const versions = await callOcpi({ method: 'GET', url: `${hub.url}/ocpi/versions`, token: invitation.token_a });
    expect(versions.envelope?.data).toEqual(
      ['2.1.1', '2.2.1', '2.3.0'].map((version) => ({ version, url: `${hub.url}/ocpi/${version}` })),
    );
  });

  it('rejects missing and unknown tokens with 401', async () => {
    const response = await fetch(`${hub.url}/ocpi/versions`);
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ status_code: 2000 });
    const unknown = await callOcpi({ method: 'GET', url: `${hub.url}/ocpi/versions`, token: 'not-a-token' });
    expect(unknown.httpStatus).toBe(401);
  });

  it('accepts the token raw as well as base64', async () => {
    const invitation = await invite();
    const raw = await callOcpi({ method: 'GET', url: invitation.versions_url, token: invitation.token_a, tokenEncoding: 'raw' });
    expect(raw.envelope?.status_code).toBe(1000);
  });

  it('answers unparseable JSON with HTTP 400 and a schema violation with 2001 naming the path', async () => {
    const invitation = await invite();
    const url = `${hub.url}/ocpi/2.2.1/credentials`;
    const broken = await fetch(url, {
      method: 'POST',
      headers: { Authorization: `Token ${Buffer.from(invitation.token_a).toString('base64')}`, 'Content-Type': 'application/json' },
      body: '{"token": ',
    });
    expect(broken.status).toBe(400);
    expect(await broken.json()).toMatchObject({ status_code: 2000 });

    const invalid = await callOcpi({
      method: 'POST',
      url,
      token: invitation.token_a,
      body: { token: 'abc', url: partner.versionsUrl, roles: [{ role: 'CPO', country_code: 'USA', party_id: 'ABC', business_details: { name: 'x' } }] },
    });
    expect(invalid.httpStatus).toBe(200);
    expect(invalid.envelope?.status_code).toBe(2001);
    expect(invalid.envelope?.status_message).toContain('$.roles[0].country_code');
    // Nothing changed: the partner is still only invited.
    const { body } = await admin(hub, 'GET', `/api/partners/${invitation.id}`);
    expect(body.status).toBe('PLANNED');
  });

  it('answers 3001 when the call-back to the partner fails, and keeps token A valid', async () => {
    const invitation = await invite();
    partner.available = false;
    const reply = await partner.register(invitation.versions_url, invitation.token_a).catch(() => undefined);
    // Discovery of the hub works (the hub is up); the hub's call-back to us fails.
    expect(reply?.envelope?.status_code).toBe(3001);
    partner.available = true;
    const retry = await partner.register(invitation.versions_url, invitation.token_a);
    expect(retry.envelope?.status_code).toBe(1000);
  });

  it('answers 3003 when a role lacks the endpoints the hub needs', async () => {
    const bare = await OcpiPlatform.start({ name: 'Bare CPO', roles: [CPO_AND_EMSP[0]], modules: [] });
    try {
      const invitation = await invite('Bare');
      const reply = await bare.register(invitation.versions_url, invitation.token_a);
      expect(reply.envelope?.status_code).toBe(3003);
      expect(reply.envelope?.status_message).toContain('locations');
    } finally {
      await bare.close();
    }
  });

  it('rotates the token on PUT and keeps the old state when the update fails', async () => {
    const invitation = await invite();
    await partner.register(invitation.versions_url, invitation.token_a);
    const firstToken = partner.tokenToHub!;

    const rotated = await partner.updateCredentials();
    expect(rotated.envelope?.status_code).toBe(1000);
    expect(partner.tokenToHub).not.toBe(firstToken);
    const old = await partner.send({ method: 'GET', url: partner.hubUrl('hubclientinfo'), token: firstToken });
    expect(old.httpStatus).toBe(401);

    // An update whose call-back fails changes nothing: the current token keeps working.
    const current = partner.tokenToHub!;
    partner.available = false;
    const tokenForHubBefore = partner.tokenForHub;
    const failed = await callOcpi({
      method: 'PUT',
      url: partner.hubUrl('credentials'),
      token: current,
      body: { token: 'new-token-b', url: partner.versionsUrl, roles: [{ role: 'CPO', country_code: 'US', party_id: 'ABC', business_details: { name: 'ABC' } }] },
    });
    partner.available = true;
    expect(failed.envelope?.status_code).toBe(3001);
    const still = await partner.send({ method: 'GET', url: partner.hubUrl('hubclientinfo'), token: current });
    expect(still.envelope?.status_code).toBe(1000);
    // The hub still calls us with the token B it had.
    expect(partner.tokenForHub).toBe(tokenForHubBefore);
    const { body } = await admin(hub, 'GET', `/api/partners/${invitation.id}`);
    expect(body.parties).toHaveLength(2);
  });

  it('unregisters on DELETE: the token dies and the parties end SUSPENDED', async () => {
    const invitation = await invite();
    await partner.register(invitation.versions_url, invitation.token_a);
    const reply = await partner.unregister();
    expect(reply.envelope?.status_code).toBe(1000);
    const after = await partner.send({ method: 'GET', url: partner.hubUrl('credentials') });
    expect(after.httpStatus).toBe(401);
    const { body } = await admin(hub, 'GET', `/api/partners/${invitation.id}`);
    expect(body.status).toBe('SUSPENDED');
    expect(body.parties.map((p: any) => p.status)).toEqual(['SUSPENDED', 'SUSPENDED']);
  });

  it('starts the handshake itself when given the partner versions URL and token A', async () => {
    const invitation = await invite();
    const tokenA = partner.issueRegistrationToken();
    const { status, body } = await admin(hub, 'POST', `/api/partners/${invitation.id}/connect`, {
      versions_url: partner.versionsUrl,
      token: tokenA,
    });
    expect(status).toBe(200);
    expect(body).toMatchObject({ status: 'CONNECTED', ocpi_version: '2.2.1' });
    expect(body.parties).toHaveLength(2);

    // Both directions now work with the exchanged tokens.
    const info = await partner.send({ method: 'GET', url: partner.hubUrl('hubclientinfo') });
    expect(info.envelope?.status_code).toBe(1000);
    const credentialsPost = partner.calls.find((c) => c.method === 'POST' && c.url.endsWith('/credentials'));
    expect(credentialsPost?.headers.authorization).toBe(`Token ${Buffer.from(tokenA).toString('base64')}`);
    expect(credentialsPost?.headers['x-correlation-id']).toBeTruthy();

    const twice = await admin(hub, 'POST', `/api/partners/${invitation.id}/connect`, { versions_url: partner.versionsUrl, token: tokenA });
    expect(twice.status).toBe(409);
  });

  it('reports a failed hub-initiated handshake and leaves the partner PLANNED', async () => {
    const invitation = await invite();
    const { status, body } = await admin(hub, 'POST', `/api/partners/${invitation.id}/connect`, {
      versions_url: partner.versionsUrl,
      token: 'wrong-token-a',
    });
    expect(status).toBe(502);
    expect(body.message).toContain('401');
    const { body: after } = await admin(hub, 'GET', `/api/partners/${invitation.id}`);
    expect(after.status).toBe('PLANNED');
  });
});
