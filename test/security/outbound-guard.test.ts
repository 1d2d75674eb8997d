import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callOcpi, OcpiCallError } from '../../src/ocpi/client.js';
import { OutboundGuard, OutboundRefused } from '../../src/net/outbound-guard.js';
import { OcpiPlatform } from '../../src/sim/platform.js';
import type { RunningHub } from '../../src/switchyard.js';
import { admin, databaseLabel, startTestHub } from '../support/hub.js';

/** A local HTTP server answering every request with an OCPI success envelope. */
async function ocpiServer(): Promise<{ server: Server; port: number; hits: string[] }> {
  const hits: string[] = [];
  const server = createServer((request, response) => {
    hits.push(`${request.method} ${request.url}`);
    response.setHeader('Content-Type', 'application/json');
    response.end(JSON.stringify({ status_code: 1000, data: [], timestamp: new Date().toISOString() }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as { port: number }).port, hits };
}

describe('the outbound guard', () => {
  let local: Awaited<ReturnType<typeof ocpiServer>>;
  beforeAll(async () => {
    local = await ocpiServer();
  });
  afterAll(() => new Promise((resolve) => local.server.close(resolve)));

  it('refuses loopback, private, link-local and metadata addresses unless their network is allowed', () => {
    const guard = new OutboundGuard();
    for (const url of [
      'http://127.0.0.1:5432/',
      'http://[::1]/',
      'http://10.1.2.3/',
      'http://192.168.0.1/',
      'http://169.254.169.254/latest/meta-data/',
      'http://[::ffff:127.0.0.1]/',
      'http://0.0.0.0/',
      'ftp://203.0.113.9/',
      'http://user:pw@93.184.216.34/',
    ]) {
      expect(() => guard.allowOutboundUrl(url), url).toThrow(OutboundRefused);
    }
    expect(() => guard.allowOutboundUrl('https://93.184.216.34/ocpi/versions')).not.toThrow();
    const permissive = new OutboundGuard({ allowedNetworks: ['10.0.0.0/8', '::1/128'] });
    expect(() => permissive.allowOutboundUrl('http://10.1.2.3/')).not.toThrow();
    expect(() => permissive.allowOutboundUrl('http://[::1]:8080/')).not.toThrow();
    expect(() => permissive.allowOutboundUrl('http://192.168.0.1/')).toThrow(OutboundRefused);
  });

  it("refuses the hub's own port even on an allowed network", () => {
    const guard = new OutboundGuard({ allowedNetworks: ['127.0.0.0/8'] });
    guard.addOwnPort(4321);
    expect(() => guard.allowOutboundUrl('http://127.0.0.1:4321/api/partners')).toThrow(/own port/);
    expect(() => guard.allowOutboundUrl('http://127.0.0.1:4322/')).not.toThrow();
  });

  it('checks the addresses a name resolves to when connecting, and connects to the address it checked', async () => {
    // The name resolves to an allowed address: the call goes to exactly that address.
    const allowed = new OutboundGuard({
      allowedNetworks: ['127.0.0.1/32'],
      resolve: async () => [{ address: '127.0.0.1', family: 4 }],
    });
    const reply = await callOcpi({ method: 'GET', url: `http://partner.example:${local.port}/versions`, token: 't', outbound: allowed });
    expect(reply.envelope?.status_code).toBe(1000);
    expect(local.hits).toContain('GET /versions');

    // A name that passes the URL check and resolves to loopback at connect time (DNS rebinding).
    const rebinding = new OutboundGuard({ resolve: async () => [{ address: '93.184.216.34', family: 4 }, { address: '127.0.0.1', family: 4 }] });
    expect(() => rebinding.allowOutboundUrl(`http://rebind.example:${local.port}/`)).not.toThrow();
    const refused = await callOcpi({ method: 'GET', url: `http://rebind.example:${local.port}/x`, token: 't', outbound: rebinding }).catch((e) => e);
    expect(refused).toBeInstanceOf(OcpiCallError);
    expect(refused.kind).toBe('refused');
    expect(refused.message).toMatch(/127\.0\.0\.1 \(loopback\)/);
    expect(local.hits).not.toContain('GET /x');
    await Promise.all([allowed.close(), rebinding.close()]);
  });
});

describe(`a hub that allows no partner network (${databaseLabel})`, () => {
  let hub: RunningHub;
  let partner: OcpiPlatform;
  beforeAll(async () => {
    hub = await startTestHub({ allowPartnerNetworks: [] });
    partner = await OcpiPlatform.start({ name: 'Inside', roles: [{ role: 'CPO', countryCode: 'US', partyId: 'INS', name: 'Inside' }] });
  });
  afterAll(async () => {
    await partner.close();
    await hub.close();
  });

  it('answers a generic 3001 to a versions URL on loopback and journals the detail for the operator only', async () => {
    const { body: invitation } = await admin(hub, 'POST', '/api/partners', { name: 'Inside' });
    const reply = await partner.register(invitation.versions_url, invitation.token_a);
    expect(reply.envelope?.status_code).toBe(3001);
    expect(reply.envelope?.status_message).toBe('Cannot reach your versions URL or use its endpoints');
    const [entry] = await hub.hub.db.query<{ url: string; error: string }>(
      `SELECT url, error FROM journal WHERE direction = 'OUT' AND module = 'versions' AND platform_id = $1`,
      [invitation.id],
    );
    expect(entry.url).toBe(`${partner.url}/versions`);
    expect(entry.error).toMatch(/127\.0\.0\.1 \(loopback\), not a public address/);
    // Token A still works: the partner can try again from a reachable address.
    const again = await partner.register(invitation.versions_url, invitation.token_a);
    expect(again.envelope?.status_code).toBe(3001);
  });
});
