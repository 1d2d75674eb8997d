import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OcpiPlatform } from '../../src/sim/platform.js';
import type { RunningHub } from '../../src/switchyard.js';
import { deliveryBacklog } from '../../src/hub/support/deliveries.js';
import { NEW_EVENT_COLUMNS } from '../../src/store/event-log.js';
import { location, session, token } from '../support/fixtures.js';
import { admin, databaseLabel, eventually, startTestHub } from '../support/hub.js';
import { FAST_DELIVERY, onboard, PARTIES } from '../support/network.js';
import { SessionTally } from './tally.js';

const CP1 = { countryCode: 'US', partyId: 'CP1' };
const MS1 = { countryCode: 'US', partyId: 'MS1' };
const MS2 = { countryCode: 'CA', partyId: 'MS2' };
const envelope = (status_code: number, status_message: string) => ({ status_code, status_message, timestamp: new Date().toISOString() });

describe(`delivery under receiver faults (${databaseLabel})`, { timeout: 60_000 }, () => {
  let hub: RunningHub;
  let cpo: OcpiPlatform;
  let emsp1: OcpiPlatform;
  let emsp2: OcpiPlatform;

  beforeAll(async () => {
    // A long call timeout: a silent receiver's calls stay open for the whole isolation test.
    hub = await startTestHub({ delivery: { ...FAST_DELIVERY, timeoutMs: 60_000 } });
    cpo = await OcpiPlatform.start({ name: 'CPO', roles: [{ ...PARTIES.cpo1 }] });
    emsp1 = await OcpiPlatform.start({ name: 'eMSP 1', roles: [{ ...PARTIES.emsp1 }] });
    emsp2 = await OcpiPlatform.start({ name: 'eMSP 2', roles: [{ ...PARTIES.emsp2 }] });
    for (const platform of [cpo, emsp1, emsp2]) await onboard(hub, platform);
  }, 180_000);
  afterAll(async () => {
    await Promise.all([cpo, emsp1, emsp2].map((p) => p?.close()));
    await hub?.close();
  });

  /** Pushes session messages in the given order; returns what each session's receiver must get, in order. */
  async function pushSessions(steps: [id: string, kwh: number][], emsp = MS1): Promise<Map<string, string[]>> {
    const url = cpo.hubUrl('sessions', undefined, 'RECEIVER');
    const expected = new Map<string, string[]>();
    for (const [id, kwh] of steps) {
      const first = !expected.has(id);
      const reply = first
        ? await cpo.send({ method: 'PUT', url: `${url}/US/CP1/${id}`, body: session(CP1, emsp, id, { kwh }) })
        : await cpo.send({ method: 'PATCH', url: `${url}/US/CP1/${id}`, body: { kwh, last_updated: new Date().toISOString() } });
      expect(reply.envelope?.status_code).toBe(1000);
      expected.set(id, [...(expected.get(id) ?? []), `${first ? 'PUT' : 'PATCH'} ${kwh}`]);
    }
    return expected;
  }

  const interleaved = (ids: string[], messages: number): [string, number][] =>
    Array.from({ length: messages }, (_, step) => ids.map((id) => [id, step * 3] as [string, number])).flat();

  it('retries a receiver answering HTTP 503 with OCPI 3000 until it is back: nothing lost, doubled or reordered', async () => {
    let outage = true;
    let refused = 0;
    const tally = new SessionTally(emsp1, () => {
      if (!outage) return undefined;
      refused++;
      return { http: 503, body: envelope(3000, 'Overloaded, try later') };
    });
    const expected = await pushSessions(interleaved(['OUT-1', 'OUT-2', 'OUT-3'], 5));
    // Well past the old limit of five failures per receiver.
    await eventually(() => refused >= 8, 30_000, 'repeated refusals');
    outage = false;
    await eventually(() => tally.accepted >= 15, 30_000, 'every message after the outage');
    expect(tally.count(expected)).toEqual({ lost: 0, duplicated: 0, reordered: 0 });
    expect(tally.redeliveries).toBe(0);
  });

  it('waits as long as an HTTP 429 Retry-After says, then delivers in order', async () => {
    const asked: number[] = [];
    const tally = new SessionTally(emsp1, (request) => {
      asked.push(Date.now());
      if (asked.length === 1) return { http: 429, headers: { 'retry-after': '2' }, body: envelope(3000, 'Slow down') };
      return undefined;
    });
    const expected = await pushSessions([['RATE-1', 0], ['RATE-1', 3], ['RATE-1', 6]]);
    await eventually(() => tally.accepted >= 3, 30_000, 'deliveries after Retry-After');
    // The retries of this test's policy are at most 400 ms apart: only Retry-After explains a 2 s wait.
    expect(asked[1] - asked[0]).toBeGreaterThanOrEqual(1_900);
    expect(tally.count(expected)).toEqual({ lost: 0, duplicated: 0, reordered: 0 });
  });

  it("reads a receiver's backlog in its outage: what waits, since when, why; and zero once it is delivered", async () => {
    const backlogOf = async (party: string) => (await deliveryBacklog(hub.hub.db)).find((receiver) => receiver.party === party)!;
    let outage = true;
    emsp1.handle('locations', (_request, reply) => (outage ? reply.code(503).send('down for maintenance') : undefined));
    try {
      const url = cpo.hubUrl('locations', undefined, 'RECEIVER');
      for (let i = 0; i < 5; i++) {
        const reply = await cpo.send({ method: 'PUT', url: `${url}/US/CP1/BACKLOG-${i}`, body: location(CP1, `BACKLOG-${i}`) });
        expect(reply.envelope?.status_code).toBe(1000);
      }
      const waiting = await eventually(async () => {
        const backlog = await backlogOf('US*MS1');
        return backlog.failures > 0 && backlog;
      }, 30_000, 'a failed delivery to the eMSP in its outage');
      expect(waiting.depth).toBeGreaterThanOrEqual(5);
      expect(waiting.lagSeconds).toBeGreaterThan(0);
      expect(waiting.lastError).toMatch(/503/);
      // The other eMSP was not held up: nothing waits for it.
      // (Read in one go: the eMSP's status change in its outage is itself news for the other one.)
      await eventually(async () => {
        const other = await backlogOf('CA*MS2');
        return other.depth === 0 && other.lagSeconds === 0;
      }, 30_000, 'the other eMSP caught up');

      outage = false;
      const caughtUp = await eventually(async () => {
        const backlog = await backlogOf('US*MS1');
        return backlog.depth === 0 && backlog;
      }, 30_000, 'the eMSP caught up after its outage');
      expect(caughtUp).toMatchObject({ lagSeconds: 0, failures: 0, nextAttemptAt: null });

      // A push whose transaction began before the latest delivered one commits last: its event has
      // the highest sequence number yet stands behind every cursor, which follows commit order.
      // Caught-up receivers still read zero. (Other events, such as the client info of the eMSP's
      // return, may still come: the late event is logged again until it is the last one read.)
      const logLateEvent = async () =>
        (
          await hub.hub.db.query<{ seq: number }>(
            `INSERT INTO events (tx, ${NEW_EVENT_COLUMNS})
             SELECT (SELECT min(tx) FROM events), ${NEW_EVENT_COLUMNS} FROM events ORDER BY seq DESC LIMIT 1
             RETURNING seq::int`,
          )
        )[0].seq;
      let late = await logLateEvent();
      await eventually(async () => {
        const backlogs = [await backlogOf('US*MS1'), await backlogOf('CA*MS2')];
        const [{ last }] = await hub.hub.db.query<{ last: number }>('SELECT max(seq)::int AS last FROM events');
        if (last !== late) {
          late = await logLateEvent();
          return false;
        }
        return backlogs.every((backlog) => backlog.depth === 0 && backlog.lagSeconds === 0);
      }, 30_000, 'caught-up receivers to read zero behind a late event');
    } finally {
      emsp1.handle('locations', () => undefined);
    }
  });

  it('parks one object refused with a plain HTTP 404 page while the others flow; the operator retries it', async () => {
    let broken = true;
    const tally = new SessionTally(emsp1, (request) =>
      broken && request.path.endsWith('/PAGE-BAD')
        ? { http: 404, headers: { 'content-type': 'text/html' }, body: '<html><body>Not Found</body></html>' }
        : undefined,
    );
    const expected = await pushSessions([['PAGE-BAD', 0], ['PAGE-OK1', 0], ['PAGE-BAD', 5], ['PAGE-OK2', 0], ['PAGE-OK1', 4]]);
    await eventually(() => tally.arrivedFor('PAGE-OK1').length === 2 && tally.arrivedFor('PAGE-OK2').length === 1, 30_000, 'the others');
    const parked = await eventually(async () => {
      const { body } = await admin(hub, 'GET', '/api/deliveries/parked?receiver=US*MS1');
      return body.find((p: any) => p.object_id === 'PAGE-BAD');
    }, 30_000, 'the parked delivery');
    expect(parked).toMatchObject({ module: 'sessions', method: 'PUT', http_status: 404, attempts: 3, waiting: 1, receiver: 'US*MS1' });
    expect(tally.arrivedFor('PAGE-BAD')).toEqual([]);

    broken = false;
    expect((await admin(hub, 'POST', `/api/deliveries/parked/${parked.receiver_id}/${parked.event}/retry`)).status).toBe(204);
    await eventually(() => tally.arrivedFor('PAGE-BAD').length === 2, 30_000, 'the retried object');
    expect(tally.count(expected)).toEqual({ lost: 0, duplicated: 0, reordered: 0 });
    const { body: after } = await admin(hub, 'GET', '/api/deliveries/parked');
    expect(after.filter((p: any) => p.object_id === 'PAGE-BAD')).toEqual([]);
    expect((await admin(hub, 'DELETE', `/api/deliveries/parked/${parked.receiver_id}/${parked.event}`)).status).toBe(404);
  });

  it('parks a state object refused with OCPI 2001 until a newer state of it supersedes the parked one', async () => {
    const tokens = emsp1.hubUrl('tokens', undefined, 'RECEIVER');
    cpo.handle('tokens', (request) => ((request.body as any)?.valid === false ? envelope(2001, 'We refuse invalid tokens') : undefined));
    const uid = 'PARKED-TOKEN';
    await emsp1.send({ method: 'PUT', url: `${tokens}/US/MS1/${uid}?type=RFID`, body: token(MS1, uid, { valid: false }) });
    const parked = await eventually(async () => {
      const { body } = await admin(hub, 'GET', '/api/deliveries/parked');
      return body.find((p: any) => p.module === 'tokens');
    }, 30_000, 'the parked token');
    expect(parked).toMatchObject({ ocpi_status: 2001, attempts: 1, blame: 'EMSP', receiver: 'US*CP1' });

    await emsp1.send({ method: 'PUT', url: `${tokens}/US/MS1/${uid}?type=RFID`, body: token(MS1, uid, { valid: true }) });
    await eventually(() => cpo.receivedFor('tokens').some((r) => (r.body as any).valid === true), 30_000, 'the newer token');
    await eventually(async () => (await admin(hub, 'GET', '/api/deliveries/parked')).body.every((p: any) => p.module !== 'tokens'), 10_000, 'unparked');
  });

  it('tells the operator when its own rounds fail, and delivers again once they can run', async () => {
    const warnings: string[] = [];
    const log = hub.hub.log;
    hub.hub.log = { info: () => undefined, warn: (_details, message) => void warnings.push(message) };
    try {
      // The log out of reach: every round fails at its first read.
      await hub.hub.db.query('ALTER TABLE events RENAME TO events_away');
      try {
        await eventually(() => warnings.some((w) => /^Delivery round failed: .*events/.test(w)), 30_000, 'the failure logged');
      } finally {
        await hub.hub.db.query('ALTER TABLE events_away RENAME TO events');
      }
      // Once a minute at most for the same failure, however many rounds it failed.
      expect(warnings.filter((w) => w.startsWith('Delivery round failed')).length).toBe(1);
      const tally = new SessionTally(emsp1);
      const expected = await pushSessions([['BACK-1', 0], ['BACK-1', 3]]);
      await eventually(() => tally.accepted >= 2, 30_000, 'deliveries after the failure');
      expect(tally.count(expected)).toEqual({ lost: 0, duplicated: 0, reordered: 0 });
    } finally {
      hub.hub.log = log;
    }
  });

  it("gives a silent receiver only its own capacity: a healthy receiver's sessions all arrive meanwhile", async () => {
    const silent = new SessionTally(emsp1, () => 'silent');
    const healthy = new SessionTally(emsp2);
    try {
      const toSilent = await pushSessions(interleaved(['MUTE-1', 'MUTE-2'], 3));
      const toHealthy = await pushSessions(interleaved(['LIVE-1', 'LIVE-2', 'LIVE-3'], 6), MS2);
      await eventually(() => healthy.accepted >= 18, 30_000, 'the healthy receiver');
      expect(healthy.count(toHealthy)).toEqual({ lost: 0, duplicated: 0, reordered: 0 });
      // Everything reached the healthy receiver while the silent one still holds its first calls open.
      expect(silent.accepted).toBe(0);
      expect(toSilent.size).toBe(2);
    } finally {
      silent.releaseSilent();
    }
  });
});
