import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgreement } from '../../src/hub/agreements.js';
import { expireAsyncRequests } from '../../src/hub/async-requests.js';
import { success } from '../../src/ocpi/envelope.js';
import { OcpiPlatform, type ModuleEndpoint } from '../../src/sim/platform.js';
import { LOOPBACK_NETWORKS } from '../../src/net/outbound-guard.js';
import { startSwitchyard } from '../../src/switchyard.js';
import { databaseLabel, deliveriesSettled, eventually, isolatedDatabase } from '../support/hub.js';
import { activeChargingProfile, chargingProfile, location, session, startSession, token } from '../support/fixtures.js';
import { FAST_DELIVERY, onboard, PARTIES, startRoamingNetwork, type RoamingNetwork } from '../support/network.js';

const CP1 = { countryCode: 'US', partyId: 'CP1' };
const MS1 = { countryCode: 'US', partyId: 'MS1' };
const MS2 = { countryCode: 'CA', partyId: 'MS2' };

/** emsp1's usual interfaces, plus the chargingprofiles Sender where profile results and updates arrive. */
const EMSP1_MODULES: ModuleEndpoint[] = [
  { identifier: 'locations', role: 'RECEIVER' },
  { identifier: 'sessions', role: 'RECEIVER' },
  { identifier: 'cdrs', role: 'RECEIVER' },
  { identifier: 'tokens', role: 'SENDER' },
  { identifier: 'commands', role: 'SENDER' },
  { identifier: 'chargingprofiles', role: 'SENDER' },
];

describe(`commands and charging profiles through the hub (${databaseLabel})`, () => {
  let net: RoamingNetwork;
  const receiverUrl = (platform: OcpiPlatform, module: string) => platform.hubUrl(module, undefined, 'RECEIVER');
  const senderUrl = (platform: OcpiPlatform, module: string) => platform.hubUrl(module, undefined, 'SENDER');
  /** A response_url on the platform's own Sender interface of the module. */
  const ownUrl = (platform: OcpiPlatform, module: string, path: string) => `${platform.url}/2.2.1/sender/${module}${path}`;
  const hubCallbacks = (module: string) => `${net.hub.hub.config.publicUrl}/ocpi/2.2.1/sender/${module}/`;

  const sendCommand = (platform: OcpiPlatform, command: string, body: unknown, from = MS1) =>
    platform.send<any>({ method: 'POST', url: `${receiverUrl(platform, 'commands')}/${command}`, body, routing: { from } });
  const atCpo = (module: string, method: string, path: string) =>
    net.cpo1.receivedFor(module).filter((r) => r.method === method && r.path === path).at(-1)!;
  const atEmsp = (module: string, path: string) =>
    eventually(() => net.emsp1.receivedFor(module).find((r) => r.path === path), 10_000, `${module} ${path} at emsp1`);

  beforeAll(async () => {
    net = await startRoamingNetwork({ commandGraceMs: 200 }, { emsp1: { modules: EMSP1_MODULES } });
    // CP1 and MS2 do not roam: a suspended bilateral agreement overrides the standard one.
    await createAgreement(net.hub.hub.db, { cpo: CP1, emsp: MS2, status: 'SUSPENDED' });
    for (const [module, path, body] of [
      ['locations', '/US/CP1/LOC1', location(CP1, 'LOC1')],
      ['sessions', '/US/CP1/SESSION-1', session(CP1, MS1, 'SESSION-1', { location_id: 'LOC1' })],
      ['sessions', '/US/CP1/SESSION-2', session(CP1, MS1, 'SESSION-2', { location_id: 'LOC1' })],
    ] as const) {
      const reply = await net.cpo1.send({ method: 'PUT', url: `${receiverUrl(net.cpo1, module)}${path}`, body });
      expect(reply.httpStatus).toBe(201);
    }
  });
  afterAll(async () => net?.close());

  it('relays START_SESSION to the CPO of the location with the hub callback, and the result back to the eMSP', async () => {
    net.cpo1.handle('commands', () => success({ result: 'ACCEPTED', timeout: 30 }));
    const body = startSession(MS1, ownUrl(net.emsp1, 'commands', '/START_SESSION/app-1'), { location_id: 'LOC1' });
    const reply = await sendCommand(net.emsp1, 'START_SESSION', body);
    expect(reply.envelope?.status_code).toBe(1000);
    expect(reply.envelope?.data).toEqual({ result: 'ACCEPTED', timeout: 30 });

    const forwarded = atCpo('commands', 'POST', '/START_SESSION');
    expect(forwarded.headers['ocpi-from-party-id']).toBe('MS1');
    expect(forwarded.headers['ocpi-to-party-id']).toBe('CP1');
    expect(forwarded.headers['x-correlation-id']).toBe(reply.correlationId);
    const callback = (forwarded.body as { response_url: string }).response_url;
    expect(callback.startsWith(`${hubCallbacks('commands')}START_SESSION/`)).toBe(true);
    expect(forwarded.body).toEqual({ ...body, response_url: callback });

    // Only the CPO the command went to may post its result, and only a valid one.
    const intruder = await net.cpo2.send({ method: 'POST', url: callback, body: { result: 'ACCEPTED' } });
    expect(intruder.httpStatus).toBe(404);
    expect(intruder.envelope?.status_code).toBe(2001);
    const invalid = await net.cpo1.send({ method: 'POST', url: callback, body: { result: 'DONE' } });
    expect(invalid.envelope?.status_code).toBe(2001);
    expect(invalid.envelope?.status_message).toContain('$.result');

    const posted = await net.cpo1.send({ method: 'POST', url: callback, body: { result: 'ACCEPTED' }, routing: { to: MS1, from: CP1 } });
    expect(posted.envelope?.status_code).toBe(1000);
    const relayed = await atEmsp('commands', '/START_SESSION/app-1');
    expect(relayed.method).toBe('POST');
    expect(relayed.body).toEqual({ result: 'ACCEPTED' });
    expect(relayed.headers['ocpi-from-party-id']).toBe('CP1');
    expect(relayed.headers['ocpi-to-party-id']).toBe('MS1');
    expect(relayed.headers['x-correlation-id']).toBe(reply.correlationId);
  });

  it('routes STOP_SESSION by the stored session, and answers UNKNOWN_SESSION for a session nobody has', async () => {
    net.cpo1.handle('commands', () => success({ result: 'ACCEPTED', timeout: 30 }));
    const responseUrl = ownUrl(net.emsp1, 'commands', '/STOP_SESSION/app-2');
    const reply = await sendCommand(net.emsp1, 'STOP_SESSION', { response_url: responseUrl, session_id: 'session-1' });
    expect(reply.envelope?.data).toEqual({ result: 'ACCEPTED', timeout: 30 });
    expect(atCpo('commands', 'POST', '/STOP_SESSION').body).toMatchObject({ session_id: 'session-1' });

    const unknown = await sendCommand(net.emsp1, 'STOP_SESSION', { response_url: responseUrl, session_id: 'NO-SUCH' });
    expect(unknown.envelope?.status_code).toBe(1000);
    expect(unknown.envelope?.data).toMatchObject({ result: 'UNKNOWN_SESSION', timeout: 0 });
  });

  it('routes CANCEL_RESERVATION to the CPO that took the RESERVE_NOW', async () => {
    net.cpo1.handle('commands', () => success({ result: 'ACCEPTED', timeout: 30 }));
    const reserve = {
      response_url: ownUrl(net.emsp1, 'commands', '/RESERVE_NOW/app-3'),
      token: token(MS1),
      expiry_date: '2026-11-22T11:00:00Z',
      reservation_id: 'R-1',
      location_id: 'LOC1',
    };
    expect((await sendCommand(net.emsp1, 'RESERVE_NOW', reserve)).envelope?.data).toMatchObject({ result: 'ACCEPTED' });
    const cancel = { response_url: ownUrl(net.emsp1, 'commands', '/CANCEL_RESERVATION/app-3'), reservation_id: 'r-1' };
    expect((await sendCommand(net.emsp1, 'CANCEL_RESERVATION', cancel)).envelope?.data).toMatchObject({ result: 'ACCEPTED' });
    expect(atCpo('commands', 'POST', '/CANCEL_RESERVATION').body).toMatchObject({ reservation_id: 'r-1' });

    // Reservation ids belong to the eMSP that made them.
    const foreign = await sendCommand(net.emsp2, 'CANCEL_RESERVATION', { ...cancel, response_url: ownUrl(net.emsp2, 'commands', '/x') }, MS2);
    expect(foreign.envelope?.data).toMatchObject({ result: 'REJECTED', timeout: 0 });
  });

  it('answers REJECTED itself, without calling the CPO, when no agreement allows the command', async () => {
    net.cpo1.handle('commands', () => success({ result: 'ACCEPTED', timeout: 30 }));
    const before = net.cpo1.receivedFor('commands').length;
    const body = startSession(MS2, ownUrl(net.emsp2, 'commands', '/START_SESSION/app-4'), { location_id: 'LOC1' });
    const reply = await sendCommand(net.emsp2, 'START_SESSION', body, MS2);
    expect(reply.envelope?.status_code).toBe(1000);
    expect(reply.envelope?.data).toMatchObject({ result: 'REJECTED', timeout: 0 });
    expect(reply.envelope?.data.message[0].text).toContain('BILATERAL_SUSPENDED');
    expect(net.cpo1.receivedFor('commands')).toHaveLength(before);
  });

  it('sends the eMSP a TIMEOUT result when the CPO never posts one, and keeps a late result to itself', async () => {
    net.cpo1.handle('commands', () => success({ result: 'ACCEPTED', timeout: 1 }));
    const path = '/UNLOCK_CONNECTOR/app-5';
    const body = { response_url: ownUrl(net.emsp1, 'commands', path), location_id: 'LOC1', evse_uid: 'EVSE-1', connector_id: '1' };
    const reply = await sendCommand(net.emsp1, 'UNLOCK_CONNECTOR', body);
    expect(reply.envelope?.data).toEqual({ result: 'ACCEPTED', timeout: 1 });

    const timeout = await atEmsp('commands', path);
    expect(timeout.body).toMatchObject({ result: 'TIMEOUT' });
    expect((timeout.body as any).message[0].text).toContain('US*CP1');
    expect(timeout.headers['ocpi-from-party-id']).toBe('SWY');

    const callback = (atCpo('commands', 'POST', '/UNLOCK_CONNECTOR').body as { response_url: string }).response_url;
    const late = await net.cpo1.send({ method: 'POST', url: callback, body: { result: 'ACCEPTED' } });
    expect(late.envelope?.status_code).toBe(1000);
    expect(late.envelope?.status_message).toContain('not relayed');
    await deliveriesSettled(net.hub);
    expect(net.emsp1.receivedFor('commands').filter((r) => r.path === path)).toHaveLength(1);
  });

  it('refuses commands it cannot route or understand', async () => {
    const responseUrl = ownUrl(net.emsp1, 'commands', '/START_SESSION/app-6');
    const unknownLocation = await sendCommand(net.emsp1, 'START_SESSION', startSession(MS1, responseUrl, { location_id: 'NOWHERE' }));
    expect(unknownLocation.envelope?.status_code).toBe(2003);

    const unknownReceiver = await net.emsp1.send({
      method: 'POST',
      url: `${receiverUrl(net.emsp1, 'commands')}/START_SESSION`,
      body: startSession(MS1, responseUrl, { location_id: 'LOC1' }),
      routing: { from: MS1, to: { countryCode: 'DE', partyId: 'XXX' } },
    });
    expect(unknownReceiver.envelope?.status_code).toBe(4001);

    const { location_id: _, ...withoutLocation } = startSession(MS1, responseUrl);
    const invalid = await sendCommand(net.emsp1, 'START_SESSION', withoutLocation);
    expect(invalid.envelope?.status_code).toBe(2001);
    expect(invalid.envelope?.status_message).toContain('location_id');

    const badUrl = await sendCommand(net.emsp1, 'START_SESSION', startSession(MS1, 'mailto:ops@example.com', { location_id: 'LOC1' }));
    expect(badUrl.envelope?.status_code).toBe(2001);
    expect(badUrl.envelope?.status_message).toContain('$.response_url');

    // The hub calls back with the eMSP's credentials: only the eMSP's own hosts will do.
    const calls = net.cpo1.receivedFor('commands').length;
    const elsewhere = await sendCommand(net.emsp1, 'START_SESSION', startSession(MS1, 'http://169.254.169.254/latest/meta-data', { location_id: 'LOC1' }));
    expect(elsewhere.envelope?.status_code).toBe(2001);
    expect(elsewhere.envelope?.status_message).toContain('$.response_url');
    expect(net.cpo1.receivedFor('commands')).toHaveLength(calls);

    const unknownCommand = await sendCommand(net.emsp1, 'SELF_DESTRUCT', { response_url: responseUrl });
    expect(unknownCommand.envelope?.status_code).toBe(2001);
  });

  it('relays charging profiles and their results, and routes ActiveChargingProfile updates to the setter', async () => {
    net.cpo1.handle('chargingprofiles', () => success({ result: 'ACCEPTED', timeout: 30 }));
    const profilesUrl = receiverUrl(net.emsp1, 'chargingprofiles');
    const set = { charging_profile: chargingProfile(), response_url: ownUrl(net.emsp1, 'chargingprofiles', '/results/set-1') };
    const reply = await net.emsp1.send<any>({ method: 'PUT', url: `${profilesUrl}/SESSION-1`, body: set });
    expect(reply.envelope?.status_code).toBe(1000);
    expect(reply.envelope?.data).toEqual({ result: 'ACCEPTED', timeout: 30 });

    const forwarded = atCpo('chargingprofiles', 'PUT', '/SESSION-1');
    const callback = (forwarded.body as { response_url: string }).response_url;
    expect(callback.startsWith(`${hubCallbacks('chargingprofiles')}results/`)).toBe(true);
    expect(forwarded.body).toEqual({ ...set, response_url: callback });
    await net.cpo1.send({ method: 'POST', url: callback, body: { result: 'ACCEPTED' } });
    expect((await atEmsp('chargingprofiles', '/results/set-1')).body).toEqual({ result: 'ACCEPTED' });

    // GET ActiveChargingProfile carries its response_url in the query.
    const getResponseUrl = ownUrl(net.emsp1, 'chargingprofiles', '/results/get-1');
    const query = new URLSearchParams({ duration: '900', response_url: getResponseUrl });
    const get = await net.emsp1.send<any>({ method: 'GET', url: `${profilesUrl}/SESSION-1?${query}` });
    expect(get.envelope?.data).toEqual({ result: 'ACCEPTED', timeout: 30 });
    const asked = atCpo('chargingprofiles', 'GET', '/SESSION-1');
    expect(asked.query.duration).toBe('900');
    expect(asked.query.response_url.startsWith(`${hubCallbacks('chargingprofiles')}results/`)).toBe(true);
    const active = { result: 'ACCEPTED', profile: activeChargingProfile() };
    await net.cpo1.send({ method: 'POST', url: asked.query.response_url, body: active });
    expect((await atEmsp('chargingprofiles', '/results/get-1')).body).toEqual(active);

    // The CPO's update goes to the party that set the profile, FROM the CPO.
    const update = activeChargingProfile({ start_date_time: '2026-11-22T10:30:00Z' });
    const pushed = await net.cpo1.send({ method: 'PUT', url: `${senderUrl(net.cpo1, 'chargingprofiles')}/SESSION-1`, body: update });
    expect(pushed.envelope?.status_code).toBe(1000);
    const delivered = await atEmsp('chargingprofiles', '/SESSION-1');
    expect(delivered.method).toBe('PUT');
    expect(delivered.body).toEqual(update);
    expect(delivered.headers['ocpi-from-party-id']).toBe('CP1');

    // No profile was set on SESSION-2: its update goes to the eMSP of the session's driver.
    await net.cpo1.send({ method: 'PUT', url: `${senderUrl(net.cpo1, 'chargingprofiles')}/SESSION-2`, body: update });
    expect((await atEmsp('chargingprofiles', '/SESSION-2')).body).toEqual(update);
  });
});

describe('command timeouts with two hub processes on one PostgreSQL', () => {
  it.runIf(process.env.DATABASE_URL)('sends each overdue command exactly one TIMEOUT', async () => {
    const database = await isolatedDatabase();
    const hubOn = async () => {
      const running = await startSwitchyard({ port: 0, host: '127.0.0.1', allowPartnerNetworks: LOOPBACK_NETWORKS, commandGraceMs: 0, delivery: FAST_DELIVERY, ...database.options });
      running.hub.config.publicUrl = running.url;
      return running;
    };
    const [hubA, hubB] = [await hubOn(), await hubOn()];
    const cpo = await OcpiPlatform.start({ name: 'CPO', roles: [{ ...PARTIES.cpo1 }] });
    const emsp = await OcpiPlatform.start({ name: 'eMSP', roles: [{ ...PARTIES.emsp1 }] });
    try {
      await onboard(hubA, cpo);
      await onboard(hubA, emsp);
      await cpo.send({ method: 'PUT', url: `${cpo.hubUrl('locations', undefined, 'RECEIVER')}/US/CP1/LOC1`, body: location(CP1, 'LOC1') });
      cpo.handle('commands', () => success({ result: 'ACCEPTED', timeout: 0 }));
      const paths = Array.from({ length: 20 }, (_, i) => `/START_SESSION/app-${i}`);
      for (const path of paths) {
        const body = startSession(MS1, `${emsp.url}/2.2.1/sender/commands${path}`, { location_id: 'LOC1' });
        await emsp.send({ method: 'POST', url: `${emsp.hubUrl('commands', undefined, 'RECEIVER')}/START_SESSION`, body });
      }
      // Both processes sweep at once, besides their own timers.
      await Promise.all([hubA, hubB, hubA, hubB].map((running) => expireAsyncRequests(running.hub)));
      await eventually(() => paths.every((path) => emsp.receivedFor('commands').some((r) => r.path === path)), 10_000, 'every TIMEOUT');
      await deliveriesSettled(hubA);
      expect(emsp.receivedFor('commands').map((r) => r.path).sort()).toEqual([...paths].sort());
    } finally {
      await Promise.all([cpo.close(), emsp.close()]);
      await Promise.all([hubA.close(), hubB.close()]);
      await database.drop();
    }
  });
});
