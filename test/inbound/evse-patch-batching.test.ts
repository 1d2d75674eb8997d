import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EvsePatch } from '../../src/hub/evse-patches.js';
import { databaseLabel, deliveriesSettled } from '../support/hub.js';
import { evse, location } from '../support/fixtures.js';
import { startRoamingNetwork, type RoamingNetwork } from '../support/network.js';

const CP1 = { countryCode: 'US', partyId: 'CP1' };
const SETUP_MS = 180_000;
const EVSES = 8;
const uid = (i: number) => `EVSE-${i}`;
const at = (second: number) => new Date(Date.UTC(2026, 11, 1, 12, 0, second)).toISOString().replace('.000', '');

/** EVSE PATCHes that arrive together are stored and logged together (src/hub/evse-patches.ts). */
describe(`EVSE PATCHes accepted together (${databaseLabel})`, () => {
  let net: RoamingNetwork;
  const locationUrl = () => `${net.cpo1.hubUrl('locations', undefined, 'RECEIVER')}/US/CP1/LOC-GROUP`;

  const patch = (evseUid: string, body: Record<string, unknown>): EvsePatch => ({
    owner: CP1,
    locationId: 'LOC-GROUP',
    evseUid,
    body,
    event: {
      module: 'locations',
      method: 'PATCH',
      owner: CP1,
      objectId: 'LOC-GROUP',
      path: `/US/CP1/LOC-GROUP/${evseUid}`,
      body,
      from: CP1,
      coalescible: true,
      correlationId: randomUUID(),
    },
  });
  const loggedPatches = () =>
    net.hub.hub.db.query<{ tx: string; seq: number; object_id: string; path: string; body: { status?: string; last_updated: string } }>(
      `SELECT tx::text AS tx, seq, object_id, path, body FROM events
       WHERE module = 'locations' AND method = 'PATCH' AND object_id = 'LOC-GROUP' ORDER BY tx, seq`,
    );
  const storedEvses = async () => {
    const reply = await net.cpo1.send<{ last_updated: string; evses: { uid: string; status: string; last_updated: string }[] }>({
      method: 'GET',
      url: locationUrl(),
    });
    return reply.envelope!.data!;
  };

  beforeAll(async () => {
    net = await startRoamingNetwork();
    const evses = Array.from({ length: EVSES }, (_, i) => evse(uid(i), { last_updated: at(0) }));
    const reply = await net.cpo1.send({ method: 'PUT', url: locationUrl(), body: location(CP1, 'LOC-GROUP', { evses, last_updated: at(0) }) });
    expect(reply.envelope?.status_code).toBe(1000);
    await deliveriesSettled(net.hub);
  }, SETUP_MS);
  afterAll(async () => net.close());

  it('stores and logs each EVSE’s patches in the order they came, several in one transaction', async () => {
    const queue = net.hub.hub.evsePatches;
    const sent: EvsePatch[] = [];
    // Four rounds over every EVSE, submitted back to back: round r sets status r at second r.
    for (let round = 1; round <= 4; round++) {
      for (let i = 0; i < EVSES; i++) sent.push(patch(uid(i), { status: ['AVAILABLE', 'CHARGING', 'BLOCKED', 'RESERVED'][round - 1], last_updated: at(round * 10 + i) }));
    }
    const applied = await Promise.all(sent.map((p) => queue.submit(p)));
    expect(applied.every(Boolean)).toBe(true);

    const logged = await loggedPatches();
    expect(logged).toHaveLength(sent.length);
    for (let i = 0; i < EVSES; i++) {
      const ofEvse = logged.filter((row) => row.path.endsWith(`/${uid(i)}`)).map((row) => row.body.last_updated);
      expect(ofEvse).toEqual([1, 2, 3, 4].map((round) => at(round * 10 + i)));
    }
    // Group commit: fewer transactions than patches, and no transaction holds one EVSE twice.
    const transactions = new Map<string, string[]>();
    for (const row of logged) transactions.set(row.tx, [...(transactions.get(row.tx) ?? []), row.path]);
    expect(transactions.size).toBeLessThan(sent.length);
    for (const paths of transactions.values()) expect(new Set(paths).size).toBe(paths.length);

    const stored = await storedEvses();
    expect(stored.evses.map((e) => [e.uid, e.status, e.last_updated])).toEqual(
      Array.from({ length: EVSES }, (_, i) => [uid(i), 'RESERVED', at(40 + i)]),
    );
    // The Location follows its newest EVSE.
    expect(stored.last_updated).toBe(at(40 + EVSES - 1));
  });

  it('refuses a patch of an unknown EVSE without logging it, and stores the others sent with it', async () => {
    const before = (await loggedPatches()).length;
    const queue = net.hub.hub.evsePatches;
    const results = await Promise.all([
      queue.submit(patch(uid(0), { status: 'OUTOFORDER', last_updated: at(50) })),
      queue.submit(patch('NO-SUCH-EVSE', { status: 'CHARGING', last_updated: at(51) })),
      queue.submit(patch(uid(1), { status: 'OUTOFORDER', last_updated: at(52) })),
    ]);
    expect(results).toEqual([true, false, true]);
    // Order is kept per EVSE; patches of different EVSEs may commit in either order (two statements at once).
    const logged = (await loggedPatches()).slice(before);
    expect(logged.map((row) => row.path.split('/').at(-1)).sort()).toEqual([uid(0), uid(1)]);
  });

  it('fails only the patch the database refuses when patches go together', async () => {
    const before = (await loggedPatches()).length;
    const queue = net.hub.hub.evsePatches;
    // PostgreSQL's jsonb cannot hold the NUL character: that patch's statement fails.
    const outcomes = await Promise.allSettled([
      queue.submit(patch(uid(2), { status: 'CHARGING', last_updated: at(60) })),
      queue.submit(patch(uid(3), { status: 'CHARGING', last_updated: at(61), floor_level: 'a\u0000b' })),
      queue.submit(patch(uid(4), { status: 'CHARGING', last_updated: at(62) })),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const logged = (await loggedPatches()).slice(before);
    expect(logged.map((row) => row.path.split('/').at(-1)).sort()).toEqual([uid(2), uid(4)]);
    const stored = await storedEvses();
    expect(stored.evses[3].status).toBe('RESERVED');
  });

  it('answers concurrent PATCHes over HTTP and delivers each EVSE’s last state', async () => {
    net.emsp1.received.length = 0;
    const replies = await Promise.all(
      Array.from({ length: EVSES }, (_, i) =>
        net.cpo1.send({ method: 'PATCH', url: `${locationUrl()}/${uid(i)}`, body: { status: 'AVAILABLE', last_updated: at(100 + i) } }),
      ),
    );
    expect(replies.map((reply) => reply.envelope?.status_code)).toEqual(Array(EVSES).fill(1000));
    await deliveriesSettled(net.hub);
    const delivered = new Map<string, string>();
    for (const request of net.emsp1.receivedFor('locations')) {
      const body = request.body as { uid?: string; last_updated?: string; evses?: { uid: string; last_updated: string }[] };
      const states = body.evses?.map((e) => [e.uid, e.last_updated] as const) ?? [[request.path.split('/').at(-1) ?? '', body.last_updated ?? ''] as const];
      for (const [evseUid, lastUpdated] of states) if ((delivered.get(evseUid) ?? '') < lastUpdated) delivered.set(evseUid, lastUpdated);
    }
    for (let i = 0; i < EVSES; i++) expect(delivered.get(uid(i))).toBe(at(100 + i));
  });
});
