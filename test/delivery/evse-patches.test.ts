import { afterEach, describe, expect, it } from 'vitest';
import type { ReceivedRequest } from '../../src/sim/platform.js';
import { evse, location } from '../support/fixtures.js';
import { databaseLabel, deliveriesSettled, eventually } from '../support/hub.js';
import { startRoamingNetwork, type RoamingNetwork } from '../support/network.js';

const CP1 = { countryCode: 'US', partyId: 'CP1' };
const at = (minute: number) => `2026-11-22T10:${String(minute).padStart(2, '0')}:00Z`;

/**
 * Changes that wait together for a receiver (here: behind a delivery it has not answered yet) go
 * in one batch. EVSE PATCHes of a Location stay PATCHes; anything else about it sends it whole.
 */
describe(`EVSE PATCHes waiting together (${databaseLabel})`, { timeout: 60_000 }, () => {
  let net: RoamingNetwork | undefined;
  afterEach(async () => {
    await net?.close();
    net = undefined;
  });

  /** Holds the eMSP's answer to the Location's first PUT until `release`, so that what follows waits. */
  async function withFirstPutHeld(changes: (send: (path: string, body: object) => Promise<void>) => Promise<void>) {
    net = await startRoamingNetwork();
    const { cpo1, emsp1, hub } = net;
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let held = false;
    emsp1.handle('locations', async (request) => {
      if (request.method === 'PUT' && !held) {
        held = true;
        await released;
      }
      return undefined;
    });
    const locations = cpo1.hubUrl('locations', undefined, 'RECEIVER');
    const send = async (path: string, body: object, method = 'PATCH') => {
      const reply = await cpo1.send({ method: method as 'PATCH', url: `${locations}/US/CP1/LOC-1${path}`, body });
      expect(reply.envelope?.status_code).toBe(1000);
    };
    await send('', location(CP1, 'LOC-1', { evses: [evse('EVSE-1'), evse('EVSE-2'), evse('EVSE-3')] }), 'PUT');
    await eventually(() => held, 5_000, 'the first PUT to reach the eMSP');
    const [{ before }] = await hub.hub.db.query<{ before: number }>('SELECT max(seq)::int AS before FROM events');
    let sent = 0;
    await changes(async (path, body) => {
      await send(path, body);
      sent++;
    });
    // The delivery reads only what every earlier transaction has settled (store/event-log.ts); a
    // transaction elsewhere on the server may hold that back for a moment. Once the changes are
    // readable, the lane's next batch has them all.
    await eventually(async () => {
      const [{ readable }] = await hub.hub.db.query<{ readable: number }>(
        'SELECT count(*)::int AS readable FROM events WHERE seq > $1 AND tx < pg_snapshot_xmin(pg_current_snapshot())',
        [before],
      );
      return readable === sent;
    }, 10_000, 'the changes to be readable by the delivery');
    release();
    await deliveriesSettled(hub);
    const [first, ...rest] = emsp1.receivedFor('locations');
    expect(first.method).toBe('PUT');
    return rest;
  }

  const describeRequest = (request: ReceivedRequest) => `${request.method} ${request.path}`;

  it('sends each EVSE its own PATCH, several PATCHes of one EVSE merged in order, never the whole Location', async () => {
    const rest = await withFirstPutHeld(async (send) => {
      await send('/EVSE-1', { status: 'CHARGING', last_updated: at(1) });
      await send('/EVSE-2', { status: 'BLOCKED', last_updated: at(2) });
      await send('/EVSE-1', { floor_level: '2', last_updated: at(3) });
      await send('/EVSE-1', { status: 'AVAILABLE', last_updated: at(4) });
    });

    expect(rest.map(describeRequest).sort()).toEqual(['PATCH /US/CP1/LOC-1/EVSE-1', 'PATCH /US/CP1/LOC-1/EVSE-2']);
    const evse1 = rest.find((request) => request.path.endsWith('/EVSE-1'))!;
    expect(evse1.body).toEqual({ status: 'AVAILABLE', floor_level: '2', last_updated: at(4) });
    expect(rest.find((request) => request.path.endsWith('/EVSE-2'))!.body).toEqual({ status: 'BLOCKED', last_updated: at(2) });

  });

  it('sends the Location whole, once, when a change other than an EVSE PATCH waits with them', async () => {
    const rest = await withFirstPutHeld(async (send) => {
      await send('/EVSE-1', { status: 'CHARGING', last_updated: at(1) });
      await send('', { name: 'Pike Place Garage, level 2', last_updated: at(2) });
      await send('/EVSE-2', { status: 'BLOCKED', last_updated: at(3) });
    });

    expect(rest.map(describeRequest)).toEqual(['PUT /US/CP1/LOC-1']);
    const whole = rest[0].body as { name: string; evses: { uid: string; status: string }[] };
    expect(whole.name).toBe('Pike Place Garage, level 2');
    expect(whole.evses.map((e) => `${e.uid} ${e.status}`)).toEqual(['EVSE-1 CHARGING', 'EVSE-2 BLOCKED', 'EVSE-3 AVAILABLE']);
  });
});
