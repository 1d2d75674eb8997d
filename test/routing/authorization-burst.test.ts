import { Agent } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { success } from '../../src/ocpi/envelope.js';
import type { OcpiReply } from '../../src/ocpi/client.js';
import type { OcpiPlatform } from '../../src/sim/platform.js';
import { databaseLabel, eventually } from '../support/hub.js';
import { token } from '../support/fixtures.js';
import { startRoamingNetwork, type RoamingNetwork } from '../support/network.js';

const MS1 = { countryCode: 'US', partyId: 'MS1' };
const MS2 = { countryCode: 'CA', partyId: 'MS2' };
/** More than the hub lets one CPO have open at one eMSP. */
const BURST = 80;
/** What the hub lets one CPO have open at one eMSP by default. */
const PER_CPO = 32;

/**
 * A burst of real-time authorizations from one CPO must not slow another CPO's, whether the other
 * asks another eMSP or the same one. The eMSP here holds the burst until the test lets it go, with
 * a budget far longer than the test: whatever the machine's speed, the other CPO's answer can only
 * come from the eMSP while the burst is still held if nothing queues it behind the burst.
 */
describe(`a burst of authorizations from one CPO (${databaseLabel})`, () => {
  let net: RoamingNetwork;
  let release: () => void = () => undefined;

  beforeAll(async () => {
    net = await startRoamingNetwork({ authorizationTimeoutMs: 120_000 });
    for (const uid of ['TOK-BURST', 'TOK-OTHER']) await pushToken(net.emsp1, MS1, uid);
    await pushToken(net.emsp2, MS2, 'TOK-ELSEWHERE');
  });
  afterAll(async () => {
    release();
    await net.close();
    await Promise.all([...clients.values()].map((client) => client.close()));
  });
  afterEach(() => release());

  async function pushToken(emsp: OcpiPlatform, owner: typeof MS1, uid: string) {
    const reply = await emsp.send({
      method: 'PUT',
      url: `${emsp.hubUrl('tokens', undefined, 'RECEIVER')}/${owner.countryCode}/${owner.partyId}/${uid}?type=RFID`,
      body: token(owner, uid),
    });
    expect(reply.envelope?.status_code).toBe(1000);
  }

  /**
   * Each CPO calls through a client of its own, with no limit on connections and a timeout longer
   * than the test: the simulated partners otherwise share one connection pool to the hub, and the
   * other CPO's request would queue behind the burst on the CPOs' side.
   */
  const clients = new Map<OcpiPlatform, Agent>();
  const authorizeAt = (cpo: OcpiPlatform, uid: string): Promise<OcpiReply<any>> => {
    if (!clients.has(cpo)) clients.set(cpo, new Agent({ connections: null }));
    return cpo.send({
      method: 'POST',
      url: `${cpo.hubUrl('tokens', undefined, 'SENDER')}/${uid}/authorize?type=RFID`,
      outbound: { allowOutboundUrl: () => undefined, dispatcher: clients.get(cpo)! },
      timeoutMs: 120_000,
    });
  };

  const askedFor = (emsp: OcpiPlatform, uid: string) =>
    emsp.receivedFor('tokens').filter((r) => r.method === 'POST' && r.path === `/${uid}/authorize`).length;

  /** MS1 holds every authorization of TOK-BURST until `release()`, and answers others at once. */
  function holdTheBurst(): void {
    const held = new Promise<void>((resolve) => (release = resolve));
    net.emsp1.handle('tokens', async (request) => {
      const uid = request.path.split('/')[1];
      if (uid === 'TOK-BURST') await held;
      return success({ allowed: 'ALLOWED', token: token(MS1, uid), authorization_reference: `MS1-${uid}` });
    });
    net.emsp2.handle('tokens', (request) => success({ allowed: 'ALLOWED', token: token(MS2, request.path.split('/')[1]) }));
  }

  /** CPO 1's burst, each reply marked when it comes. */
  function burst(): { replies: Promise<OcpiReply<any>[]>; answered: () => number } {
    let answered = 0;
    const replies = Promise.all(
      Array.from({ length: BURST }, () =>
        authorizeAt(net.cpo1, 'TOK-BURST').then((reply) => {
          answered++;
          return reply;
        }),
      ),
    );
    return { replies, answered: () => answered };
  }

  it('answers another CPO through another eMSP while the first eMSP holds the burst', async () => {
    holdTheBurst();
    const first = burst();
    await eventually(() => askedFor(net.emsp1, 'TOK-BURST') >= PER_CPO, 30_000, 'the burst to reach MS1');

    const other = await authorizeAt(net.cpo2, 'TOK-ELSEWHERE');

    expect(other.envelope?.data).toMatchObject({ allowed: 'ALLOWED' });
    expect(first.answered()).toBe(0);
    release();
    const replies = await first.replies;
    expect(replies.map((reply) => reply.envelope?.data?.authorization_reference)).toEqual(Array(BURST).fill('MS1-TOK-BURST'));
  });

  it('answers another CPO through the same eMSP while it holds the burst, and lets the burst through in turn', async () => {
    const before = askedFor(net.emsp1, 'TOK-BURST');
    holdTheBurst();
    const first = burst();
    await eventually(() => askedFor(net.emsp1, 'TOK-BURST') - before >= PER_CPO, 30_000, 'the burst to reach MS1');

    const other = await authorizeAt(net.cpo2, 'TOK-OTHER');

    // The eMSP's own answer, not a fallback: it was asked while it held the burst.
    expect(other.envelope?.data).toMatchObject({ allowed: 'ALLOWED', authorization_reference: 'MS1-TOK-OTHER' });
    expect(first.answered()).toBe(0);
    // The rest of the burst waits in the hub, not at the eMSP.
    expect(askedFor(net.emsp1, 'TOK-BURST') - before).toBe(PER_CPO);
    release();
    const replies = await first.replies;
    expect(replies.map((reply) => reply.envelope?.data?.authorization_reference)).toEqual(Array(BURST).fill('MS1-TOK-BURST'));
    expect(askedFor(net.emsp1, 'TOK-BURST') - before).toBe(BURST);
  });
});
