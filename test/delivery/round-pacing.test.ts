import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evse, location } from '../support/fixtures.js';
import { databaseLabel, deliveriesSettled, eventually } from '../support/hub.js';
import { countCursorWrites } from './cursor-writes.js';
import { FAST_DELIVERY, startRoamingNetwork, type RoamingNetwork } from '../support/network.js';

const CP1 = { countryCode: 'US', partyId: 'CP1' };
const EVSES = 20;
const ROUND_INTERVAL_MS = 400;

/**
 * Under a stream of pushes, delivery rounds start at least roundIntervalMs apart, so that a round
 * carries what came meanwhile instead of a read of the log and a cursor write for each push; and
 * every change still reaches the eMSP, once.
 */
describe(`delivery rounds under a stream of pushes (${databaseLabel})`, { timeout: 120_000 }, () => {
  let net: RoamingNetwork;

  beforeAll(async () => {
    net = await startRoamingNetwork({ delivery: { ...FAST_DELIVERY, roundIntervalMs: ROUND_INTERVAL_MS } });
    // Each write of a cursor, counted by the database itself: a batch that sent something writes its cursor once.
    await countCursorWrites(net.hub.hub.db);
  });
  afterAll(() => net?.close());

  it('delivers a stream of changes in batches a round interval apart, each change once', async () => {
    const { cpo1, emsp1, hub } = net;
    const url = `${cpo1.hubUrl('locations', undefined, 'RECEIVER')}/US/CP1/LOC-1`;
    const uids = Array.from({ length: EVSES }, (_, i) => `EVSE-${i + 1}`);
    const put = await cpo1.send({ method: 'PUT', url, body: location(CP1, 'LOC-1', { evses: uids.map((uid) => evse(uid)) }) });
    expect(put.envelope?.status_code).toBe(1000);
    await deliveriesSettled(hub);
    await hub.hub.db.query('DELETE FROM cursor_writes');
    emsp1.received.length = 0;

    const started = Date.now();
    for (const [i, uid] of uids.entries()) {
      const body = { status: 'CHARGING', last_updated: new Date(Date.UTC(2026, 10, 1, 0, i + 1)).toISOString() };
      const reply = await cpo1.send({ method: 'PATCH', url: `${url}/${uid}`, body });
      expect(reply.envelope?.status_code).toBe(1000);
    }
    await eventually(() => emsp1.receivedFor('locations').length === EVSES, 30_000, 'every change at the eMSP');
    await deliveriesSettled(hub, 30_000);
    const elapsedMs = Date.now() - started;

    // Each change once (changes of different EVSEs may go side by side, in any order).
    const delivered = emsp1.receivedFor('locations').map((r) => `${r.method} ${r.path.split('/').at(-1)} ${(r.body as { status?: string }).status}`);
    expect(delivered.sort()).toEqual(uids.map((uid) => `PATCH ${uid} CHARGING`).sort());
    // One batch per round at most, and rounds at least ROUND_INTERVAL_MS apart (the first may come at once).
    const [{ writes }] = await hub.hub.db.query<{ writes: number }>(
      `SELECT count(*)::int AS writes FROM cursor_writes w JOIN parties p ON p.id = w.party
       WHERE p.country_code = 'US' AND p.party_id = 'MS1'`,
    );
    expect(writes, `cursor writes in ${elapsedMs} ms`).toBeLessThanOrEqual(Math.floor(elapsedMs / ROUND_INTERVAL_MS) + 1);
    expect(writes).toBeGreaterThanOrEqual(1);
  });
});
