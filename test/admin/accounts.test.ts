import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admin, databaseLabel, eventually } from '../support/hub.js';
import { startRoamingNetwork, type RoamingNetwork } from '../support/network.js';

/** A console user: keeps its session cookie and CSRF token like a browser page would. */
class ConsoleUser {
  private cookie = '';
  csrf = '';
  constructor(private readonly baseUrl: string) {}

  async login(username: string, password: string) {
    const response = await fetch(`${this.baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    const setCookie = response.headers.get('set-cookie') ?? '';
    if (response.ok) {
      this.cookie = setCookie.split(';')[0];
      this.csrf = (await response.json()).csrf_token;
    }
    return { status: response.status, setCookie };
  }

  async call(method: string, path: string, body?: unknown, { csrf = true } = {}) {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        Cookie: this.cookie,
        ...(csrf && method !== 'GET' ? { 'X-CSRF-Token': this.csrf } : {}),
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  }
}

describe(`console accounts, roles and the partner portal (${databaseLabel})`, () => {
  let net: RoamingNetwork;
  const PASSWORD = 'correct horse battery';

  beforeAll(async () => {
    net = await startRoamingNetwork();
    for (const [username, role] of [['ada', 'admin'], ['rita', 'read-only']]) {
      expect((await admin(net.hub, 'POST', '/api/accounts', { username, password: PASSWORD, role })).status).toBe(201);
    }
    const partnerId = net.partnerIds.get('Volt Street');
    expect((await admin(net.hub, 'POST', '/api/accounts', { username: 'volt', password: PASSWORD, role: 'partner', partner_id: partnerId })).status).toBe(201);
  });
  afterAll(async () => net.close());

  it('stores passwords as scrypt hashes and refuses bad accounts clearly', async () => {
    const rows = await net.hub.hub.db.query<{ password_hash: string }>('SELECT password_hash FROM accounts');
    expect(rows.every((row) => row.password_hash.startsWith('scrypt$') && !row.password_hash.includes(PASSWORD))).toBe(true);
    expect((await admin(net.hub, 'POST', '/api/accounts', { username: 'ada', password: PASSWORD, role: 'admin' })).status).toBe(409);
    const partnerless = await admin(net.hub, 'POST', '/api/accounts', { username: 'p', password: PASSWORD, role: 'partner' });
    expect(partnerless).toMatchObject({ status: 400, body: { message: expect.stringContaining('partner_id') } });
    expect((await admin(net.hub, 'POST', '/api/accounts', { username: 'short', password: 'x', role: 'admin' })).status).toBe(400);
  });

  it('logs in with an HttpOnly cookie, asks for the CSRF token on changes and audits them', async () => {
    const user = new ConsoleUser(net.hub.url);
    expect((await user.login('ada', 'wrong password')).status).toBe(401);
    const { status, setCookie } = await user.login('ada', PASSWORD);
    expect(status).toBe(200);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);
    expect((await user.call('GET', '/api/auth/me')).body).toMatchObject({ username: 'ada', role: 'admin', parties: null });

    const agreement = { cpo: 'US*CP1', emsp: 'CA*MS2' };
    expect((await user.call('POST', '/api/agreements', agreement, { csrf: false })).status).toBe(403);
    const created = await user.call('POST', '/api/agreements', agreement);
    expect(created.status).toBe(201);

    const trail = (await admin(net.hub, 'GET', '/api/audit')).body;
    expect(trail[0]).toMatchObject({ actor: 'ada', role: 'admin', method: 'POST', path: '/api/agreements', http_status: 201, body: agreement });
    // Account creation by the token is audited too, without the password.
    expect(trail.find((entry: any) => entry.path === '/api/accounts')).toMatchObject({ actor: 'admin-token', body: { password: '[redacted]' } });

    expect((await user.call('POST', '/api/auth/logout')).status).toBe(204);
    expect((await user.call('GET', '/api/auth/me')).status).toBe(401);
  });

  it('lets a read-only operator read everything and change nothing', async () => {
    const user = new ConsoleUser(net.hub.url);
    await user.login('rita', PASSWORD);
    expect((await user.call('GET', '/api/partners')).status).toBe(200);
    const refused = await user.call('POST', '/api/agreements', { cpo: 'CA*CP2', emsp: 'CA*MS2' });
    expect(refused).toMatchObject({ status: 403, body: { message: expect.stringContaining('read-only') } });
  });

  it('shows a partner its own traffic and nothing of another partner', async () => {
    // Traffic of both CPOs, so that there is something of the other to leak.
    const own = await net.cpo1.send({ method: 'GET', url: net.cpo1.hubUrl('hubclientinfo') });
    const other = await net.cpo2.send({ method: 'GET', url: net.cpo2.hubUrl('hubclientinfo') });
    const otherTap = await net.cpo2.send({ method: 'POST', url: `${net.cpo2.hubUrl('tokens', undefined, 'SENDER')}/ZZ0SECRET/authorize?type=RFID` });
    await eventually(async () => (await admin(net.hub, 'GET', `/api/journal?correlation_id=${other.correlationId}`)).body.total > 0);
    await eventually(async () => (await admin(net.hub, 'GET', `/api/journal?correlation_id=${own.correlationId}`)).body.total > 0);

    const volt = new ConsoleUser(net.hub.url);
    await volt.login('volt', PASSWORD);
    expect((await volt.call('GET', '/api/auth/me')).body).toMatchObject({ role: 'partner', parties: ['US*CP1'] });

    const journal = (await volt.call('GET', '/api/journal?limit=1000')).body;
    expect(journal.entries.length).toBeGreaterThan(0);
    expect(journal.entries.every((e: any) => e.from_party === 'US*CP1' || e.to_party === 'US*CP1')).toBe(true);
    expect(journal.entries.map((e: any) => e.correlation_id)).toContain(own.correlationId);
    expect(JSON.stringify(journal)).not.toContain('CA*CP2');
    expect((await volt.call('GET', `/api/journal?correlation_id=${other.correlationId}`)).body.total).toBe(0);
    expect((await volt.call('GET', `/api/journal/story/${other.correlationId}`)).status).toBe(404);
    expect((await volt.call('GET', '/api/search?q=ZZ0SECRET')).body.matches).toEqual([]);
    expect((await volt.call('GET', `/api/search?q=${other.correlationId}`)).body.matches).toEqual([]);
    expect((await admin(net.hub, 'GET', '/api/search?q=ZZ0SECRET')).body.matches).toHaveLength(1);
    expect(otherTap.httpStatus).toBe(404);
    const tail = (await volt.call('GET', '/api/journal/tail?after=0')).body;
    expect(tail.entries.every((e: any) => e.from_party === 'US*CP1' || e.to_party === 'US*CP1')).toBe(true);

    for (const path of ['/api/partners', '/api/agreements', '/api/parties', '/api/accounts', '/api/audit']) {
      expect((await volt.call('GET', path)).status, path).toBe(403);
    }
    expect((await volt.call('POST', '/api/agreements', { cpo: 'US*CP1', emsp: 'US*MS1' })).status).toBe(403);
  });

  it('keeps the admin bearer token for automation', async () => {
    expect((await admin(net.hub, 'GET', '/api/accounts')).body.map((a: any) => a.username)).toEqual(['ada', 'rita', 'volt']);
    const wrong = await fetch(`${net.hub.url}/api/partners`, { headers: { Authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
  });
});
