import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliveryBacklog } from '../../src/hub/support/deliveries.js';
import { evse, location } from '../support/fixtures.js';
import { databaseLabel, deliveriesSettled, eventually } from '../support/hub.js';
import { FAST_DELIVERY, startRoamingNetwork, type RoamingNetwork } from '../support/network.js';

const CP1 = { countryCode: 'US', partyId: 'CP1' };
const PATCHES = 30;
const QUIET_CURSOR_WRITE_MS = 1_000;

/**
 * Every round moves each receiver's cursor past the events it read. A receiver that was sent
 * something has its cursor written at once (a restart must not send it again); one that was sent
 * nothing (a CPO, while Locations go to eMSPs) has it written at most once a quietCursorWriteMs.
 */
describe(`cursors of receivers sent nothing (${databaseLabel})`, { timeout: 120_000 }, () => {
  let net: RoamingNetwork;

  beforeAll(async () => {
    net = await startRoamingNetwork({ delivery: { ...FAST_DELIVERY, quietCursorWriteMs: QUIET_CURSOR_WRITE_MS } });
    // Each write of a cursor, counted by the database itself.
    await net.hub.hub.db.execScript(`
      CREATE TABLE cursor_writes (party uuid NOT NULL);
      CREATE FUNCTION count_cursor_write() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN INSERT INTO cursor_writes (party) VALUES (NEW.party); RETURN NEW; END $$;
      CREATE TRIGGER count_cursor_writes AFTER UPDATE ON receiver_cursors FOR EACH ROW EXECUTE FUNCTION count_cursor_write();`);
  });
  afterAll(() => net?.close());

  const writesByParty = async () =>
    new Map(
      (
        await net.hub.hub.db.query<{ party: string; writes: number }>(
          `SELECT p.country_code || '*' || p.party_id AS party, count(w.party)::int AS writes
           FROM receiver_cursors c JOIN parties p ON p.id = c.party LEFT JOIN cursor_writes w ON w.party = c.party
           GROUP BY 1`,
        )
      ).map((row) => [row.party, row.writes]),
    );

  it('writes an eMSP’s cursor with each delivery, a CPO’s once a second; every cursor reaches the end, and a CPO behind shows no backlog', async () => {
    const { cpo1, emsp1, hub } = net;
    const url = `${cpo1.hubUrl('locations', undefined, 'RECEIVER')}/US/CP1/LOC-1`;
    const put = await cpo1.send({ method: 'PUT', url, body: location(CP1, 'LOC-1', { evses: [evse('EVSE-1')] }) });
    expect(put.envelope?.status_code).toBe(1000);
    await deliveriesSettled(hub);
    await hub.hub.db.query('DELETE FROM cursor_writes');
    const cursorOfCp2 = async () =>
      (
        await hub.hub.db.query<{ last_tx: string; last_seq: number }>(
          `SELECT c.last_tx::text, c.last_seq FROM receiver_cursors c JOIN parties p ON p.id = c.party
           WHERE p.country_code = 'CA' AND p.party_id = 'CP2'`,
        )
      )[0];
    const before = await cursorOfCp2();

    const started = Date.now();
    for (let i = 1; i <= PATCHES; i++) {
      const status = i % 2 ? 'CHARGING' : 'AVAILABLE';
      const reply = await cpo1.send({ method: 'PATCH', url: `${url}/EVSE-1`, body: { status, last_updated: new Date(Date.UTC(2026, 10, 1, 0, i)).toISOString() } });
      expect(reply.envelope?.status_code).toBe(1000);
      // Each change is delivered before the next is sent: a round, a batch and a cursor move of its own.
      await eventually(() => emsp1.receivedFor('locations').length === 1 + i, 30_000, `change ${i} at the eMSP`);
    }
    const elapsedMs = Date.now() - started;
    await deliveriesSettled(hub, 30_000);

    const writes = await writesByParty();
    // The eMSP: one write per delivered change at least.
    expect(writes.get('US*MS1')).toBeGreaterThanOrEqual(PATCHES);
    // The CPOs read every change and were sent none: a write per quietCursorWriteMs at most, and the last at the end.
    const quietBound = Math.ceil(elapsedMs / QUIET_CURSOR_WRITE_MS) + 2;
    for (const cpo of ['US*CP1', 'CA*CP2']) {
      expect(writes.get(cpo), `${cpo} in ${elapsedMs} ms`).toBeLessThanOrEqual(quietBound);
      expect(writes.get(cpo), cpo).toBeGreaterThanOrEqual(1);
    }
    // None of the changes went to a CPO.
    expect([...net.cpo1.receivedFor('locations'), ...net.cpo2.receivedFor('locations')]).toEqual([]);

    // A CPO's cursor behind the changes (as between two writes): its backlog is still empty, since none is for a CPO.
    expect(await cursorOfCp2()).not.toEqual(before);
    await hub.hub.db.query(
      `UPDATE receiver_cursors SET last_tx = $1::xid8, last_seq = $2
       WHERE party = (SELECT id FROM parties WHERE country_code = 'CA' AND party_id = 'CP2')`,
      [before.last_tx, before.last_seq],
    );
    const backlog = (await deliveryBacklog(hub.hub.db)).find((receiver) => receiver.party === 'CA*CP2');
    expect(backlog).toMatchObject({ depth: 0, lagSeconds: 0 });
  });
});
