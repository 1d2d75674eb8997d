import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callOcpi } from '../../src/ocpi/client.js';
import { success } from '../../src/ocpi/envelope.js';
import { getPlatform } from '../../src/hub/registry.js';
import { OcpiPlatform } from '../../src/sim/platform.js';
import type { RunningHub } from '../../src/switchyard.js';
import { admin, databaseLabel, deliveriesSettled, eventually, startTestHub } from '../support/hub.js';
import { cdr, location, session, startSession, tariff, token } from '../support/fixtures.js';
import { FAST_DELIVERY, onboard } from '../support/network.js';

/** Hub A hosts a CPO, hub B an eMSP; A registers at B with role HUB through the credentials handshake. */
const HUB_A = { countryCode: 'US', partyId: 'SWA' };
const HUB_B = { countryCode: 'CA', partyId: 'SWB' };
const CP1 = { countryCode: 'US', partyId: 'CP1' };
const MS2 = { countryCode: 'CA', partyId: 'MS2' };
const UID = '04A1B2C3D4E5F6';

const BIN = fileURLToPath(new URL('../../bin/switchyard.js', import.meta.url));
const run = promisify(execFile);
const cliConnection = (hub: RunningHub) => ['--hub-url', hub.url, '--admin-token', hub.adminToken];

/** A hub of its own (own database) whose forwarded requests may take a loaded machine's time. */
const startHub = (party: typeof HUB_A, name: string) =>
  startTestHub({
    hubParty: `${party.countryCode}*${party.partyId}`,
    hubName: name,
    delivery: FAST_DELIVERY,
    authorizationTimeoutMs: 30_000,
    forwardTimeoutMs: 30_000,
  });

interface JournalRow {
  direction: string;
  from_party: string | null;
  to_party: string | null;
  platform_id: string | null;
  module: string;
  method: string;
  ocpi_status: number | null;
  blame: string | null;
  error: string | null;
}

/** Waits for a journal entry of one exchange that matches `expected` (hops are journaled after their answer). */
async function journaled(hub: RunningHub, correlationId: string, expected: Partial<JournalRow>): Promise<void> {
  const matches = (row: JournalRow) => Object.entries(expected).every(([key, value]) => row[key as keyof JournalRow] === value);
  await eventually(
    async () => {
      await hub.hub.journalWriter.flush();
      const rows = await hub.hub.db.query<JournalRow>(
        `SELECT direction, from_party, to_party, platform_id, module, method, ocpi_status, blame, error
         FROM journal WHERE correlation_id = $1 ORDER BY id`,
        [correlationId],
      );
      return rows.some(matches);
    },
    30_000,
    `a journal entry ${JSON.stringify(expected)}`,
  );
}

/**
 * A versions list that offers only `version` of the hub at `versionsUrl`: a neighbour that speaks
 * that version alone, so that the hubs link on it rather than on their common favourite.
 */
async function offeringOnly(versionsUrl: string, token: string, version: string): Promise<Server> {
  const offered = await callOcpi<{ version: string; url: string }[]>({ method: 'GET', url: versionsUrl, token });
  const url = offered.envelope?.data?.find((entry) => entry.version === version)?.url;
  const server = createServer((_request, response) => {
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ status_code: 1000, data: [{ version, url }], timestamp: new Date().toISOString() }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

/** The hubs' link: on their favourite version (2.2.1), and on 2.3.0 as with a neighbour that speaks only that. */
describe.each(['2.2.1', '2.3.0'])(`two Switchyard hubs peered as neighbours on OCPI %s (${databaseLabel})`, (linkVersion) => {
  let hubA: RunningHub;
  let hubB: RunningHub;
  let cpo: OcpiPlatform;
  let emsp: OcpiPlatform;
  /** Hub B as a partner of hub A, and hub A as a partner of hub B. */
  let hubBAtA: string;
  let hubAAtB: string;
  let cpoAtA: string;
  let onlyOneVersion: Server | undefined;

  beforeAll(async () => {
    [hubA, hubB] = await Promise.all([startHub(HUB_A, 'Switchyard A'), startHub(HUB_B, 'Switchyard B')]);
    [cpo, emsp] = await Promise.all([
      OcpiPlatform.start({ name: 'Volt Street', roles: [{ role: 'CPO', ...CP1, name: 'Volt Street' }] }),
      OcpiPlatform.start({ name: 'Northern Roam', roles: [{ role: 'EMSP', ...MS2, name: 'Northern Roam' }] }),
    ]);
    cpoAtA = await onboard(hubA, cpo);
    await onboard(hubB, emsp);

    // B's operator invites hub A; A's operator starts the credentials handshake with B's token A.
    const invitation = await admin(hubB, 'POST', '/api/partners', { name: 'Switchyard A' });
    hubAAtB = invitation.body.id;
    hubBAtA = (await admin(hubA, 'POST', '/api/partners', { name: 'Switchyard B' })).body.id;
    let versionsUrl = invitation.body.versions_url;
    if (linkVersion !== '2.2.1') {
      onlyOneVersion = await offeringOnly(versionsUrl, invitation.body.token_a, linkVersion);
      versionsUrl = `http://127.0.0.1:${(onlyOneVersion.address() as AddressInfo).port}/versions`;
    }
    const connected = await admin(hubA, 'POST', `/api/partners/${hubBAtA}/connect`, { versions_url: versionsUrl, token: invitation.body.token_a });
    expect(connected.status, JSON.stringify(connected.body)).toBe(200);
    // Both ends speak the link's version to each other.
    expect((await admin(hubA, 'GET', `/api/partners/${hubBAtA}`)).body.ocpi_version).toBe(linkVersion);
    expect((await admin(hubB, 'GET', `/api/partners/${hubAAtB}`)).body.ocpi_version).toBe(linkVersion);
  });

  afterAll(async () => {
    await Promise.all([cpo?.close(), emsp?.close()]);
    await Promise.all([hubA?.close(), hubB?.close()]);
    onlyOneVersion?.close();
  });

  const parties = async (hub: RunningHub, partner: string) =>
    (await admin(hub, 'GET', `/api/partners/${partner}`)).body.parties.map((p: any) => ({
      party: `${p.country_code}*${p.party_id}`,
      role: p.role,
      status: p.status,
      behind_hub: p.behind_hub,
    }));

  it('peers through the credentials handshake, and each hub learns the parties behind the other', async () => {
    // A read B's hubclientinfo when it connected.
    expect(await parties(hubA, hubBAtA)).toEqual([
      { party: 'CA*MS2', role: 'EMSP', status: 'CONNECTED', behind_hub: 'CLIENT_INFO' },
      { party: 'CA*SWB', role: 'HUB', status: 'CONNECTED', behind_hub: null },
    ]);
    // B was told by A's hubclientinfo pushes.
    await eventually(async () => (await parties(hubB, hubAAtB)).length === 2, 30_000, 'B to learn the CPO behind A');
    expect(await parties(hubB, hubAAtB)).toEqual([
      { party: 'US*CP1', role: 'CPO', status: 'CONNECTED', behind_hub: 'CLIENT_INFO' },
      { party: 'US*SWA', role: 'HUB', status: 'CONNECTED', behind_hub: null },
    ]);
    // Each hub's own partners hear of the parties behind the neighbour, as of any party.
    await eventually(() => emsp.clientInfo.get('US/CP1'), 30_000, "the eMSP to hear of the CPO behind A");
    expect(emsp.clientInfo.get('US/CP1')).toMatchObject({ role: 'CPO', status: 'CONNECTED' });
    await eventually(() => cpo.clientInfo.get('CA/MS2'), 30_000, "the CPO to hear of the eMSP behind B");

    // Neither hub echoed the other's parties back: nothing was refused and parked.
    await Promise.all([deliveriesSettled(hubA, 30_000), deliveriesSettled(hubB, 30_000)]);
    for (const hub of [hubA, hubB]) expect((await admin(hub, 'GET', '/api/deliveries/parked')).body).toEqual([]);

    // The party behind B takes part in A's agreements like any party.
    const check = await admin(hubA, 'GET', '/api/agreements/check?cpo=US*CP1&emsp=CA*MS2&module=locations');
    expect(check.body).toMatchObject({ allowed: true, basis: 'STANDARD' });
    const listed = (await admin(hubA, 'GET', '/api/parties')).body.find((p: any) => p.party_id === 'MS2');
    expect(listed).toMatchObject({ role: 'EMSP', partner_name: 'Switchyard B', behind_hub: 'CLIENT_INFO' });
  });

  it('delivers a location the CPO on A broadcasts to the eMSP on B, routed by the original sender', async () => {
    const reply = await cpo.send({
      method: 'PUT',
      url: `${cpo.hubUrl('locations', undefined, 'RECEIVER')}/US/CP1/LOC-1`,
      body: location(CP1),
      routing: { to: HUB_A, from: CP1 },
    });
    expect(reply.envelope?.status_code).toBe(1000);

    const delivered = await eventually(() => emsp.receivedFor('locations').find((r) => r.path === '/US/CP1/LOC-1'), 30_000);
    expect(delivered.body).toEqual(location(CP1));
    expect(delivered.headers['ocpi-from-country-code']).toBe('US');
    expect(delivered.headers['ocpi-from-party-id']).toBe('CP1');
    expect(delivered.headers['ocpi-to-party-id']).toBe('MS2');
    expect(delivered.headers['x-correlation-id']).toBe(reply.correlationId);

    // Every hop is journaled: A → B, B's intake of it, B → the eMSP.
    const hop = { from_party: 'US*CP1', to_party: 'CA*MS2', module: 'locations', ocpi_status: 1000, blame: null };
    await journaled(hubA, reply.correlationId, { ...hop, direction: 'OUT', platform_id: hubBAtA });
    await journaled(hubB, reply.correlationId, { ...hop, direction: 'IN', platform_id: hubAAtB });
    await journaled(hubB, reply.correlationId, { ...hop, direction: 'OUT' });
  });

  it('delivers a token the eMSP on B pushes to the CPO on A', async () => {
    const reply = await emsp.send({
      method: 'PUT',
      url: `${emsp.hubUrl('tokens', undefined, 'RECEIVER')}/CA/MS2/${UID}?type=RFID`,
      body: token(MS2, UID),
      routing: { from: MS2 },
    });
    expect(reply.envelope?.status_code).toBe(1000);

    const delivered = await eventually(() => cpo.receivedFor('tokens').find((r) => r.path === `/CA/MS2/${UID}`), 30_000);
    expect(delivered.body).toEqual(token(MS2, UID));
    expect(delivered.headers['ocpi-from-party-id']).toBe('MS2');
    expect(delivered.headers['ocpi-to-party-id']).toBe('CP1');
  });

  it('has a real-time authorization of the CPO on A answered by the eMSP on B', async () => {
    emsp.handle('tokens', (request) =>
      request.path === `/${UID}/authorize`
        ? success({ allowed: 'ALLOWED', token: token(MS2, UID), authorization_reference: 'MS2-REF-1' })
        : undefined,
    );
    const reply = await cpo.send<any>({
      method: 'POST',
      url: `${cpo.hubUrl('tokens', undefined, 'SENDER')}/${UID}/authorize?type=RFID`,
      routing: { from: CP1 },
    });
    expect(reply.envelope?.status_code).toBe(1000);
    expect(reply.envelope?.data).toMatchObject({ allowed: 'ALLOWED', authorization_reference: 'MS2-REF-1' });

    const asked = emsp.receivedFor('tokens').find((r) => r.method === 'POST' && r.path === `/${UID}/authorize`);
    expect(asked?.headers['ocpi-from-party-id']).toBe('CP1');
    expect(asked?.headers['ocpi-to-party-id']).toBe('MS2');
    // Both hubs decided by the eMSP's answer, not by a fallback (decisions are written after the answer).
    for (const hub of [hubA, hubB]) {
      const decision = await eventually(async () => {
        const [row] = await hub.hub.db.query<{ rule: string; emsp: string }>(
          'SELECT rule, emsp FROM authorizations WHERE correlation_id = $1',
          [reply.correlationId],
        );
        return row;
      }, 30_000);
      expect(decision).toEqual({ rule: 'EMSP_ANSWERED', emsp: 'CA*MS2' });
    }
  });

  it('delivers a session and a CDR of the CPO on A to the eMSP on B by their cdr_token', async () => {
    const sessions = await cpo.send({
      method: 'PUT',
      url: `${cpo.hubUrl('sessions', undefined, 'RECEIVER')}/US/CP1/SESSION-1`,
      body: session(CP1, MS2),
      routing: { from: CP1 },
    });
    expect(sessions.envelope?.status_code).toBe(1000);
    const cdrs = await cpo.send({ method: 'POST', url: cpo.hubUrl('cdrs', undefined, 'RECEIVER'), body: cdr(CP1, MS2), routing: { from: CP1 } });
    expect(cdrs.envelope?.status_code).toBe(1000);

    const deliveredSession = await eventually(() => emsp.receivedFor('sessions').find((r) => r.path === '/US/CP1/SESSION-1'), 30_000);
    expect(deliveredSession.body).toEqual(session(CP1, MS2));
    expect(deliveredSession.headers['ocpi-from-party-id']).toBe('CP1');
    const deliveredCdr = await eventually(() => emsp.receivedFor('cdrs').find((r) => r.method === 'POST'), 30_000);
    expect(deliveredCdr.body).toEqual(cdr(CP1, MS2));
    expect(deliveredCdr.headers['ocpi-to-party-id']).toBe('MS2');
  });

  it('relays a remote start of the eMSP on B to the CPO on A, and the CPO\'s result back', async () => {
    cpo.handle('commands', () => success({ result: 'ACCEPTED', timeout: 30 }));
    const body = startSession(MS2, `${emsp.url}/2.2.1/sender/commands/START_SESSION/app-1`);
    const reply = await emsp.send<any>({
      method: 'POST',
      url: `${emsp.hubUrl('commands', undefined, 'RECEIVER')}/START_SESSION`,
      body,
      routing: { from: MS2 },
    });
    expect(reply.envelope?.status_code).toBe(1000);
    expect(reply.envelope?.data).toEqual({ result: 'ACCEPTED', timeout: 30 });

    // B found the CPO from the location A sent it; each hub put its own callback in.
    const forwarded = cpo.receivedFor('commands').find((r) => r.method === 'POST' && r.path === '/START_SESSION')!;
    expect(forwarded.headers['ocpi-from-party-id']).toBe('MS2');
    expect(forwarded.headers['ocpi-to-party-id']).toBe('CP1');
    const callback = (forwarded.body as { response_url: string }).response_url;
    expect(callback.startsWith(`${hubA.url}/ocpi/2.2.1/sender/commands/START_SESSION/`)).toBe(true);

    const posted = await cpo.send({ method: 'POST', url: callback, body: { result: 'ACCEPTED' }, routing: { to: MS2, from: CP1 } });
    expect(posted.envelope?.status_code).toBe(1000);
    const relayed = await eventually(() => emsp.receivedFor('commands').find((r) => r.path === '/START_SESSION/app-1'), 30_000);
    expect(relayed.body).toEqual({ result: 'ACCEPTED' });
    expect(relayed.headers['ocpi-from-party-id']).toBe('CP1');
    expect(relayed.headers['x-correlation-id']).toBe(reply.correlationId);
  });

  it('refuses a message from the neighbour that claims to come from a party not behind it', async () => {
    const neighbour = (await getPlatform(hubB.hub.db, hubAAtB))!;
    const asHubB = (from?: { countryCode: string; partyId: string }, id = 'LOC-SPOOF') =>
      callOcpi<unknown>({
        method: 'PUT',
        url: `${hubA.url}/ocpi/2.2.1/receiver/locations/US/CP1/${id}`,
        token: hubB.hub.sealer.open(neighbour.sealedOutboundToken!),
        body: location(CP1, id),
        routing: { to: HUB_A, from },
      });

    // Hub A's own CPO, named by hub B.
    const spoofed = await asHubB(CP1);
    expect(spoofed.envelope?.status_code).toBe(2001);
    expect(spoofed.envelope?.status_message).toBe(
      'US*CP1 is a party of this hub, not one behind yours: a message from your hub cannot come from it',
    );
    const unknown = await asHubB({ countryCode: 'CA', partyId: 'ZZZ' });
    expect(unknown.envelope?.status_code).toBe(2001);
    expect(unknown.envelope?.status_message).toMatch(/CA\*ZZZ is not known behind your hub/);
    const anonymous = await asHubB(undefined);
    expect(anonymous.envelope?.status_code).toBe(2001);
    expect(anonymous.envelope?.status_message).toMatch(/must name the sending party in OCPI-from/);

    const [{ stored }] = await hubA.hub.db.query<{ stored: number }>(
      "SELECT count(*)::int AS stored FROM objects WHERE module = 'locations' AND object_id = 'LOC-SPOOF'",
    );
    expect(stored).toBe(0);
    await journaled(hubA, spoofed.correlationId, { direction: 'IN', from_party: 'US*CP1', platform_id: hubBAtA, ocpi_status: 2001, blame: 'CPO' });
  });

  it('lets the operator declare a party behind a neighbour, and only behind a neighbour', async () => {
    const declared = await admin(hubA, 'POST', `/api/partners/${hubBAtA}/parties`, {
      role: 'CPO',
      country_code: 'ca',
      party_id: 'cp9',
      name: 'Prairie Plugs',
    });
    expect(declared.status).toBe(200);
    expect(declared.body.parties).toContainEqual(
      expect.objectContaining({ role: 'CPO', country_code: 'CA', party_id: 'CP9', status: 'CONNECTED', behind_hub: 'OPERATOR' }),
    );
    // A's own partners hear of it like of any party.
    await eventually(() => cpo.clientInfo.get('CA/CP9'), 30_000, 'the CPO on A to hear of the declared party');

    const notAHub = await admin(hubA, 'POST', `/api/partners/${cpoAtA}/parties`, { role: 'EMSP', country_code: 'US', party_id: 'MS7' });
    expect(notAHub).toMatchObject({ status: 409, body: { message: expect.stringMatching(/did not register with role HUB/) } });
    const taken = await admin(hubA, 'POST', `/api/partners/${hubBAtA}/parties`, { role: 'CPO', country_code: 'US', party_id: 'CP1' });
    expect(taken).toMatchObject({ status: 409, body: { message: expect.stringMatching(/US\*CP1 \(CPO\) is already registered by another platform/) } });
    // The same from the command line.
    const { stdout } = await run('node', [BIN, 'partner', 'declare', hubBAtA, '--party', 'CA*CP8', '--role', 'CPO', ...cliConnection(hubA)]);
    expect(stdout).toContain('CA*CP8 CPO (CONNECTED, behind Switchyard B: OPERATOR)');
    const listed = await run('node', [BIN, 'partner', 'list', ...cliConnection(hubA)]);
    expect(listed.stdout).toContain('CA*MS2 EMSP (CONNECTED, behind Switchyard B: CLIENT_INFO)');

    // Nothing is routed through a hub behind a hub.
    const bad = await admin(hubA, 'POST', `/api/partners/${hubBAtA}/parties`, { role: 'HUB', country_code: 'US', party_id: 'HB1' });
    expect(bad).toMatchObject({ status: 400, body: { message: expect.stringMatching(/body\.role must be one of "CPO"/) } });
  });

  it('stops routing to the party behind the neighbour when a bilateral agreement suspends the pair', async () => {
    const created = await admin(hubA, 'POST', '/api/agreements', { cpo: 'US*CP1', emsp: 'CA*MS2', status: 'SUSPENDED' });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const refused = await cpo.send({
      method: 'PUT',
      url: `${cpo.hubUrl('tariffs', undefined, 'RECEIVER')}/US/CP1/T-1`,
      body: tariff(CP1, 'T-1'),
      routing: { to: MS2, from: CP1 },
    });
    expect(refused.envelope?.status_code).toBe(4000);
    expect(refused.envelope?.status_message).toMatch(/No roaming agreement between US\*CP1 and CA\*MS2 for tariffs \(BILATERAL_SUSPENDED\)/);
  });
});
