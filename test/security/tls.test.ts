import { createServer, type Server } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, fetch } from 'undici';
import { callOcpi, type OutboundPolicy } from '../../src/ocpi/client.js';
import { OcpiPlatform } from '../../src/sim/platform.js';
import type { RunningHub } from '../../src/switchyard.js';
import { TestAuthority, type TestCertificate } from '../support/certificates.js';
import { databaseLabel, startTestHub } from '../support/hub.js';

const CPO = { role: 'CPO' as const, countryCode: 'US', partyId: 'CP1', name: 'Volt Street' };

describe(`HTTPS and client certificates (${databaseLabel})`, () => {
  let authority: TestAuthority;
  let strangers: TestAuthority;
  let hubServer: TestCertificate;
  let hubClient: TestCertificate;
  let partnerCert: TestCertificate;
  let strangerCert: TestCertificate;
  let hub: RunningHub;
  let cpo: OcpiPlatform;
  let partnerId: string;

  /** How a client reaches the hub: trusting the test CA, presenting `certificate` if given. */
  const connection = (certificate?: TestCertificate): OutboundPolicy => ({
    allowOutboundUrl: () => undefined,
    dispatcher: new Agent({ connect: { ca: authority.pem.cert, ...(certificate ? { cert: certificate.cert, key: certificate.key } : {}) } }),
  });

  async function adminCall(method: string, path: string, body?: unknown) {
    const response = await fetch(`${hub.url}${path}`, {
      method,
      headers: { Authorization: `Bearer ${hub.adminToken}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      dispatcher: connection().dispatcher,
    });
    return { status: response.status, body: (await response.json()) as any };
  }

  beforeAll(async () => {
    authority = await TestAuthority.create();
    strangers = await TestAuthority.create('Somebody Else CA');
    [hubServer, hubClient, partnerCert, strangerCert] = await Promise.all([
      authority.issue('hub.example'),
      authority.issue('hub-client.example'),
      authority.issue('partner.example'),
      strangers.issue('partner.example'),
    ]);
    hub = await startTestHub({
      tls: { cert: hubServer.cert, key: hubServer.key },
      outboundTls: { cert: hubClient.cert, key: hubClient.key, ca: authority.pem.cert },
    });
    cpo = await OcpiPlatform.start({ name: CPO.name, roles: [CPO], connection: connection(partnerCert) });
    const { body: invitation } = await adminCall('POST', '/api/partners', { name: CPO.name });
    partnerId = invitation.id;
    const registered = await cpo.register(invitation.versions_url, invitation.token_a);
    expect(registered.envelope?.status_code).toBe(1000);
  }, 180_000);
  afterAll(async () => {
    await cpo?.close();
    await hub?.close();
  });

  const versionsWith = (certificate?: TestCertificate) =>
    callOcpi({ method: 'GET', url: `${hub.url}/ocpi/versions`, token: cpo.tokenToHub!, outbound: connection(certificate) });

  it('serves OCPI and the admin API over HTTPS', async () => {
    expect(hub.url).toMatch(/^https:/);
    expect((await versionsWith()).httpStatus).toBe(200);
    expect((await adminCall('GET', `/api/partners/${partnerId}`)).body.status).toBe('CONNECTED');
  });

  it("accepts a pinned partner's token only over a connection presenting its certificate", async () => {
    const pinned = await adminCall('PUT', `/api/partners/${partnerId}/security`, { rate_limit: null, client_certificate: { sha256: partnerCert.sha256 } });
    expect(pinned.status).toBe(200);
    expect((await versionsWith(partnerCert)).httpStatus).toBe(200);
    const without = await versionsWith();
    expect(without.httpStatus).toBe(401);
    expect(without.envelope?.status_message).toMatch(/pinned/);
    expect((await versionsWith(strangerCert)).httpStatus).toBe(401);

    await adminCall('PUT', `/api/partners/${partnerId}/security`, { rate_limit: null, client_certificate: { ca: authority.pem.cert } });
    expect((await versionsWith(partnerCert)).httpStatus).toBe(200);
    expect((await versionsWith(hubClient)).httpStatus).toBe(200);
    expect((await versionsWith(strangerCert)).httpStatus).toBe(401);
    await adminCall('PUT', `/api/partners/${partnerId}/security`, { rate_limit: null, client_certificate: null });
    expect((await versionsWith()).httpStatus).toBe(200);
  });

  it('presents the hub client certificate when it calls a partner', async () => {
    const seen: (string | undefined)[] = [];
    const partner: Server = createServer({ cert: partnerCert.cert, key: partnerCert.key, requestCert: true, rejectUnauthorized: false }, (request, response) => {
      seen.push((request.socket as import('node:tls').TLSSocket).getPeerX509Certificate()?.fingerprint256);
      response.setHeader('Content-Type', 'application/json');
      response.end(JSON.stringify({ status_code: 1000, data: [], timestamp: new Date().toISOString() }));
    });
    await new Promise<void>((resolve) => partner.listen(0, '127.0.0.1', resolve));
    const { port } = partner.address() as { port: number };
    const reply = await callOcpi({ method: 'GET', url: `https://127.0.0.1:${port}/ocpi/versions`, token: 't', outbound: hub.hub.outbound });
    expect(reply.envelope?.status_code).toBe(1000);
    expect(seen).toEqual([hubClient.sha256]);
    await new Promise((resolve) => partner.close(resolve));
  });
});
