import { Agent } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { success } from '../../src/ocpi/envelope.js';
import type { OcpiReply } from '../../src/ocpi/client.js';
import { PRESSED_AT_REQUESTS_IN_FLIGHT } from '../../src/hub/request-pressure.js';
import type { DeliveryOptions } from '../../src/delivery/worker.js';
import { evse, location, token } from '../support/fixtures.js';
import { databaseLabel, deliveriesSettled, eventually } from '../support/hub.js';
import { FAST_DELIVERY, startRoamingNetwork, type RoamingNetwork } from '../support/network.js';

const CP1 = { countryCode: 'US', partyId: 'CP1' };
const MS1 = { countryCode: 'US', partyId: 'MS1' };
/** Far longer than a round takes, so that what arrives within a few seconds came from an earlier round. */
const GIVE_WAY_MS = 6_000;
/** Time enough for a delivery round on a loaded machine, well inside GIVE_WAY_MS. */
const WATCH_MS = 2_000;

/**
 * Real-time authorizations enough to press the hub, held at the eMSP until the test lets them go
 * (`holding` receives the release), so the pressure lasts exactly as long as the test wants.
 */
async function pressTheHub(net: RoamingNetwork, client: Agent, holding: (release: () => void) => void): Promise<{ replies: Promise<OcpiReply<any>[]> }> {
  const held = new Promise<void>((resolve) => holding(resolve));
  net.emsp1.handle('tokens', async () => {
    await held;
    return success({ allowed: 'ALLOWED', token: token(MS1, 'TOK-1') });
  });
  const asked = () => net.emsp1.receivedFor('tokens').filter((r) => r.method === 'POST').length;
  const before = asked();
  const replies = Promise.all(
    Array.from({ length: PRESSED_AT_REQUESTS_IN_FLIGHT + 8 }, () =>
      net.cpo1.send({
        method: 'POST',
        url: `${net.cpo1.hubUrl('tokens', undefined, 'SENDER')}/TOK-1/authorize?type=RFID`,
        outbound: { allowOutboundUrl: () => undefined, dispatcher: client },
        timeoutMs: 120_000,
      }),
    ),
  );
  await eventually(() => asked() - before === PRESSED_AT_REQUESTS_IN_FLIGHT + 8, 30_000, 'every authorization at the eMSP');
  // The hub averages what is in flight over a moment: a pause's pile-up is not a burst.
  await eventually(() => net.hub.hub.requestPressure.pressedWithin(1), 30_000, 'the hub to count itself pressed');
  return { replies };
}

/** A network with the token TOK-1 and the location LOC-1 (EVSE-A, EVSE-B) delivered. */
async function startNetwork(delivery: Partial<DeliveryOptions>): Promise<RoamingNetwork> {
  const net = await startRoamingNetwork({ authorizationTimeoutMs: 120_000, delivery: { ...FAST_DELIVERY, ...delivery } });
  const tokenPut = await net.emsp1.send({
    method: 'PUT',
    url: `${net.emsp1.hubUrl('tokens', undefined, 'RECEIVER')}/US/MS1/TOK-1?type=RFID`,
    body: token(MS1, 'TOK-1'),
  });
  expect(tokenPut.envelope?.status_code).toBe(1000);
  const put = await net.cpo1.send({ method: 'PUT', url: locationUrl(net), body: location(CP1, 'LOC-1', { evses: [evse('EVSE-A'), evse('EVSE-B')] }) });
  expect(put.envelope?.status_code).toBe(1000);
  await deliveriesSettled(net.hub);
  return net;
}

const locationUrl = (net: RoamingNetwork) => `${net.cpo1.hubUrl('locations', undefined, 'RECEIVER')}/US/CP1/LOC-1`;

async function patch(net: RoamingNetwork, uid: string, status: string): Promise<void> {
  const reply = await net.cpo1.send({ method: 'PATCH', url: `${locationUrl(net)}/${uid}`, body: { status, last_updated: new Date().toISOString() } });
  expect(reply.envelope?.status_code).toBe(1000);
}

/**
 * While partners press the hub with requests (as many in flight at once as a CPO's burst keeps),
 * delivery rounds start at most giveWayMs apart, so that the burst is answered first; once the
 * pressure has passed, what waited is delivered. A share of 1 leaves deliveries free to start at any
 * time, so that only the rounds' pacing is tested here.
 */
describe(`deliveries give way to a burst of requests (${databaseLabel})`, { timeout: 120_000 }, () => {
  let net: RoamingNetwork;
  let release: () => void = () => undefined;
  const client = new Agent({ connections: null });

  beforeAll(async () => {
    net = await startNetwork({ giveWayMs: GIVE_WAY_MS, giveWayShare: 1 });
  });
  afterEach(() => release());
  afterAll(async () => {
    release();
    await net?.close();
    await client.close();
  });

  const arrived = (uid: string, status: string) =>
    net.emsp1.receivedFor('locations').some((r) => r.path.endsWith(`/${uid}`) && (r.body as { status?: string }).status === status);

  it('starts rounds a round interval apart when nothing presses the hub', async () => {
    await patch(net, 'EVSE-A', 'AVAILABLE');
    await eventually(() => arrived('EVSE-A', 'AVAILABLE'), 30_000, 'the first change at the eMSP');
    await patch(net, 'EVSE-B', 'AVAILABLE');
    await eventually(() => arrived('EVSE-B', 'AVAILABLE'), GIVE_WAY_MS - WATCH_MS, 'the second change, with no pressure');
  });

  it('holds the next round back while pressed, and delivers once the pressure has passed', async () => {
    const { replies } = await pressTheHub(net, client, (resolve) => (release = resolve));
    // The first change goes in a round that read it; the second can only go in a later round.
    await patch(net, 'EVSE-A', 'CHARGING');
    await eventually(() => arrived('EVSE-A', 'CHARGING'), 30_000, 'the first change at the eMSP');
    await patch(net, 'EVSE-B', 'CHARGING');
    await new Promise((resolve) => setTimeout(resolve, WATCH_MS));
    expect(arrived('EVSE-B', 'CHARGING'), 'a round came before the hub stopped being pressed').toBe(false);

    release();
    expect((await replies).every((reply) => reply.envelope?.data?.allowed === 'ALLOWED')).toBe(true);
    await eventually(() => arrived('EVSE-B', 'CHARGING'), GIVE_WAY_MS + 30_000, 'the second change once the pressure passed');
  });
});

/** Long enough that where in the period a delivery started shows whichever way the machine is loaded. */
const PERIOD_MS = 10_000;
/** Deliveries may start in the first tenth of each period. */
const SHARE = 0.1;
/** Where in the period the pressure begins: far into the shut part, and far from its end. */
const PRESSED_FROM_PHASE_MS = 5_000;

/**
 * While giving way, deliveries start only in the first share of every period of the clock. The
 * pressure here begins half way through a period, so the rounds that follow (a period apart) read
 * changes half way through a period as well: delivered at once, they would arrive then.
 */
describe(`deliveries given way start only in their share of the period (${databaseLabel})`, { timeout: 120_000 }, () => {
  let net: RoamingNetwork;
  let release: () => void = () => undefined;
  const client = new Agent({ connections: null });
  const phase = (at: number) => at % PERIOD_MS;

  beforeAll(async () => {
    net = await startNetwork({ giveWayMs: PERIOD_MS, giveWayShare: SHARE });
  });
  afterAll(async () => {
    release();
    await net?.close();
    await client.close();
  });

  it('holds a change read in the shut part of the period until the next opening', async () => {
    const arrivals: number[] = [];
    net.emsp1.handle('locations', (request) => {
      if (request.method === 'PATCH' && request.path.endsWith('/EVSE-A')) arrivals.push(Date.now());
      return undefined;
    });
    const untilPressing = (PRESSED_FROM_PHASE_MS - phase(Date.now()) + PERIOD_MS) % PERIOD_MS;
    await new Promise((resolve) => setTimeout(resolve, untilPressing));
    const { replies } = await pressTheHub(net, client, (resolve) => (release = resolve));
    const pressedAt = phase(Date.now());

    await patch(net, 'EVSE-A', 'CHARGING');
    await eventually(() => arrivals.length > 0, 2 * PERIOD_MS + 30_000, 'the change at the eMSP');
    // Read by a round at about the phase the pressure began; started at the next opening instead.
    expect(phase(arrivals[0]), `pressed from ${pressedAt} ms into the period`).toBeLessThan(PRESSED_FROM_PHASE_MS - 1_000);

    release();
    expect((await replies).every((reply) => reply.envelope?.data?.allowed === 'ALLOWED')).toBe(true);
  });
});
