import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cdr } from '../support/fixtures.js';
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
    for (const [username, partner] of [['volt', 'Volt Street'], ['drive', 'DriveOn']]) {
      const account = { username, password: PASSWORD, role: 'partner', partner_id: net.partnerIds.get(partner) };
      expect((await admin(net.hub, 'POST', '/api/accounts', account)).status).toBe(201);
    }
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
    // The tap's authorization decision is stored after the answer.
    await eventually(async () => (await admin(net.hub, 'GET', '/api/search?q=ZZ0SECRET')).body.matches.length > 0, 30_000, 'the tap searchable');

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

  it('shows a partner its own CDRs, disputes and statements, and lets it act only for its side', async () => {
    // Volt Street is US*CP1, DriveOn US*MS1; Maple Charge (CA*CP2) and Northern Roam (CA*MS2) are the others.
    const [CP1, CP2] = [{ countryCode: 'US', partyId: 'CP1' }, { countryCode: 'CA', partyId: 'CP2' }];
    const [MS1, MS2] = [{ countryCode: 'US', partyId: 'MS1' }, { countryCode: 'CA', partyId: 'MS2' }];
    const pushes = [
      [net.cpo1, CP1, MS1, 'CDR-VOLT-1', 'USD'],
      [net.cpo2, CP2, MS2, 'CDR-MAPLE-1', 'CAD'],
      [net.cpo2, CP2, MS1, 'CDR-MAPLE-2', 'USD'],
    ] as const;
    for (const [platform, cpo, emsp, id, currency] of pushes) {
      const body = cdr(cpo, emsp, id, { session_id: `S-${id}`, currency });
      const reply = await platform.send({ method: 'POST', url: platform.hubUrl('cdrs', undefined, 'RECEIVER'), body });
      expect(reply.envelope?.status_code).toBe(1000);
      const path = `/api/cdrs/${cpo.countryCode}/${cpo.partyId}/${id}`;
      await eventually(async () => (await admin(net.hub, 'GET', path)).body?.audited_at, 30_000, `${id} audited`);
    }
    const fee = { cpo: 'US*CP1', emsp: 'US*MS1', currency: 'USD', payer: 'BOTH', flat: '5.00' };
    expect((await admin(net.hub, 'POST', '/api/settlement/fees', fee)).status).toBe(201);
    const run = await admin(net.hub, 'POST', '/api/settlement/runs', { period: '2026-11' });
    await eventually(async () => (await admin(net.hub, 'GET', `/api/settlement/runs/${run.body.id}`)).body.status === 'DONE', 30_000, 'the run done');

    const volt = new ConsoleUser(net.hub.url);
    await volt.login('volt', PASSWORD);
    const drive = new ConsoleUser(net.hub.url);
    await drive.login('drive', PASSWORD);
    const cdrIds = async (user: ConsoleUser, query = '') => {
      const { status, body } = await user.call('GET', `/api/cdrs?limit=1000${query}`);
      expect(status).toBe(200);
      return body.items.map((item: any) => item.id).sort();
    };

    // Lists: only the CDRs the partner's parties are on, as CPO or as eMSP, whatever the filters ask.
    expect(await cdrIds(volt)).toEqual(['CDR-VOLT-1']);
    expect(await cdrIds(drive)).toEqual(['CDR-MAPLE-2', 'CDR-VOLT-1']);
    expect(await cdrIds(volt, '&party=CA*CP2')).toEqual([]);
    expect(await cdrIds(drive, '&cdr_id=maple')).toEqual(['CDR-MAPLE-2']);
    expect(await cdrIds(drive, '&currency=CAD')).toEqual([]);
    expect((await admin(net.hub, 'GET', '/api/cdrs?cdr_id=maple&currency=cad')).body.items.map((item: any) => item.id)).toEqual(['CDR-MAPLE-1']);
    expect(JSON.stringify((await volt.call('GET', '/api/cdrs?status=FLAGGED,DISPUTED,ACCEPTED')).body)).not.toMatch(/CA\*CP2|CA\*MS2|MAPLE/);

    // Details: another partner's CDR is not found, for reading and for acting alike.
    expect((await volt.call('GET', '/api/cdrs/CA/CP2/CDR-MAPLE-1')).status).toBe(404);
    expect((await drive.call('GET', '/api/cdrs/CA/CP2/CDR-MAPLE-1')).status).toBe(404);
    const seen = await drive.call('GET', '/api/cdrs/CA/CP2/CDR-MAPLE-2');
    expect(seen).toMatchObject({ status: 200, body: { id: 'CDR-MAPLE-2', emsp: 'US*MS1', audit: expect.any(Object) } });
    expect((await drive.call('POST', '/api/cdrs/CA/CP2/CDR-MAPLE-1/dispute', { reason: 'PRICE' })).status).toBe(404);
    expect((await volt.call('POST', '/api/cdrs/CA/CP2/CDR-MAPLE-2/write-off', {})).status).toBe(404);

    // Each side takes the actions the dispute workflow gives it: the eMSP approves or disputes, the CPO writes off.
    expect((await volt.call('GET', '/api/cdrs/US/CP1/CDR-VOLT-1')).body.actions).toEqual(['write-off']);
    expect((await drive.call('GET', '/api/cdrs/US/CP1/CDR-VOLT-1')).body.actions).toEqual(['approve', 'dispute']);
    const byCpo = await volt.call('POST', '/api/cdrs/US/CP1/CDR-VOLT-1/dispute', { reason: 'PRICE' });
    expect(byCpo).toMatchObject({ status: 403, body: { message: 'Only its eMSP may dispute this CDR' } });
    expect((await drive.call('POST', '/api/cdrs/US/CP1/CDR-VOLT-1/dispute', { reason: 'PRICE' }, { csrf: false })).status).toBe(403);
    const impersonating = await drive.call('POST', '/api/cdrs/US/CP1/CDR-VOLT-1/dispute', { reason: 'PRICE', actor: 'operator:ada' });
    expect(impersonating).toMatchObject({ status: 400, body: { message: expect.stringContaining('own name') } });
    const disputed = await drive.call('POST', '/api/cdrs/US/CP1/CDR-VOLT-1/dispute', { reason: 'PRICE', comment: '0.45/kWh posted' });
    expect(disputed).toMatchObject({ status: 200, body: { status: 'DISPUTED', actions: ['approve'] } });
    const inbox = (await volt.call('GET', '/api/cdrs?status=FLAGGED,DISPUTED')).body.items;
    expect(inbox.map((item: any) => [item.id, item.status, item.actions])).toEqual([['CDR-VOLT-1', 'DISPUTED', ['write-off']]]);
    expect((await volt.call('POST', '/api/cdrs/US/CP1/CDR-VOLT-1/write-off', { comment: 'we agree' })).body.status).toBe('WRITTEN_OFF');
    const history = (await admin(net.hub, 'GET', '/api/cdrs/US/CP1/CDR-VOLT-1')).body.history.slice(-2);
    expect(history).toMatchObject([
      { actor: 'drive for US*MS1', action: 'DISPUTE', reason: 'PRICE', comment: '0.45/kWh posted', to_status: 'DISPUTED' },
      { actor: 'volt for US*CP1', action: 'WRITE_OFF', comment: 'we agree', to_status: 'WRITTEN_OFF' },
    ]);
    const trail = (await admin(net.hub, 'GET', '/api/audit')).body;
    expect(trail.find((entry: any) => entry.actor === 'drive' && entry.http_status === 200)).toMatchObject({ path: '/api/cdrs/US/CP1/CDR-VOLT-1/dispute' });

    // Statements: only those the partner is on, with only the hub fees its own parties pay.
    const everyStatement = (await admin(net.hub, 'GET', '/api/statements?period=2026-11')).body;
    const statementOf = (cpo: string, emsp: string) => everyStatement.find((s: any) => s.cpo === cpo && s.emsp === emsp);
    expect(statementOf('US*CP1', 'US*MS1').totals.hub_fees.map((f: any) => f.party).sort()).toEqual(['US*CP1', 'US*MS1']);
    const voltStatements = (await volt.call('GET', '/api/statements?period=2026-11')).body;
    expect(voltStatements.map((s: any) => s.id)).toEqual([statementOf('US*CP1', 'US*MS1').id]);
    expect(voltStatements[0].totals.hub_fees.map((f: any) => f.party)).toEqual(['US*CP1']);
    expect(JSON.stringify(voltStatements)).not.toMatch(/CA\*CP2|CA\*MS2/);
    const driveStatements = (await drive.call('GET', '/api/statements')).body.map((s: any) => s.id).sort();
    expect(driveStatements).toEqual([statementOf('US*CP1', 'US*MS1').id, statementOf('CA*CP2', 'US*MS1').id].sort());
    const other = statementOf('CA*CP2', 'CA*MS2').id;
    for (const file of [other, `${other}.csv`, `${other}.pdf`]) {
      expect((await volt.call('GET', `/api/statements/${file}`)).status, file).toBe(404);
      expect((await drive.call('GET', `/api/statements/${file}`)).status, file).toBe(404);
    }
    const own = await volt.call('GET', `/api/statements/${statementOf('US*CP1', 'US*MS1').id}`);
    expect(own.status).toBe(200);
    expect(own.body.totals.hub_fees.map((f: any) => f.party)).toEqual(['US*CP1']);
    expect(own.body.lines.map((line: any) => line.cdr_id)).toEqual(['CDR-VOLT-1']);
    expect((await volt.call('POST', `/api/statements/${statementOf('US*CP1', 'US*MS1').id}/payments`, { amount: '1.00', paid_on: '2026-12-01' })).status).toBe(403);
    expect((await volt.call('GET', '/api/cdrs/missing')).status).toBe(403);
  });

  it('keeps the admin bearer token for automation', async () => {
    expect((await admin(net.hub, 'GET', '/api/accounts')).body.map((a: any) => a.username)).toEqual(['ada', 'rita', 'volt', 'drive']);
    const wrong = await fetch(`${net.hub.url}/api/partners`, { headers: { Authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
  });
});
