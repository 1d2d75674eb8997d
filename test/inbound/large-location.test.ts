import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseLabel } from '../support/hub.js';
import { connector, evse, location, NOW } from '../support/fixtures.js';
import { startRoamingNetwork, type RoamingNetwork } from '../support/network.js';

const CP1 = { countryCode: 'US', partyId: 'CP1' };
/** Starting the embedded database and four partners takes a while on a loaded machine. */
const SETUP_MS = 180_000;
const EVSES = 2_000;
const uid = (i: number) => `EVSE-${String(i).padStart(5, '0')}`;

describe(`a Location with ${EVSES} EVSEs (${databaseLabel})`, () => {
  let net: RoamingNetwork;
  let locationUrl: string;

  const stored = async () => {
    const reply = await net.cpo1.send<any>({ method: 'GET', url: locationUrl });
    expect(reply.envelope?.status_code).toBe(1000);
    return reply.envelope!.data;
  };

  beforeAll(async () => {
    net = await startRoamingNetwork();
    locationUrl = `${net.cpo1.hubUrl('locations', undefined, 'RECEIVER')}/US/CP1/LOC-BIG`;
    const evses = Array.from({ length: EVSES }, (_, i) => evse(uid(i), { connectors: [connector('1'), connector('2')] }));
    const reply = await net.cpo1.send({ method: 'PUT', url: locationUrl, body: location(CP1, 'LOC-BIG', { evses }) });
    expect(reply.envelope?.status_code).toBe(1000);
  }, SETUP_MS);
  afterAll(async () => net.close());

  it('changes one EVSE on a PATCH, writing that EVSE row alone, and keeps every other EVSE as it was', async () => {
    const before = await stored();
    const reply = await net.cpo1.send({
      method: 'PATCH',
      url: `${locationUrl}/${uid(1234)}`,
      body: { status: 'CHARGING', last_updated: '2026-11-22T11:00:00Z' },
    });
    expect(reply.envelope?.status_code).toBe(1000);

    const after = await stored();
    expect(after.evses).toHaveLength(EVSES);
    expect(after.evses.map((e: { uid: string }) => e.uid)).toEqual(before.evses.map((e: { uid: string }) => e.uid));
    expect(after.evses[1234]).toEqual({ ...before.evses[1234], status: 'CHARGING', last_updated: '2026-11-22T11:00:00Z' });
    expect(after.evses.filter((_: unknown, i: number) => i !== 1234)).toEqual(before.evses.filter((_: unknown, i: number) => i !== 1234));
    // The Location's last_updated follows its newest EVSE (mod_locations: PATCH).
    expect(after.last_updated).toBe('2026-11-22T11:00:00Z');
    // Rows written by the PATCH's transaction: the one EVSE only, not even the Location's own row.
    const [{ written, location }] = await net.hub.hub.db.query<{ written: number; location: number }>(
      `WITH patch AS (SELECT xmin FROM location_evses WHERE location_id = 'LOC-BIG' AND evse_uid = $1)
       SELECT (SELECT count(*)::int FROM location_evses WHERE xmin = (SELECT xmin FROM patch)) AS written,
              (SELECT count(*)::int FROM objects WHERE xmin = (SELECT xmin FROM patch)) AS location`,
      [uid(1234)],
    );
    expect(written).toBe(1);
    expect(location).toBe(0);
  });

  it('changes one connector of one EVSE on a connector PATCH', async () => {
    const reply = await net.cpo1.send({
      method: 'PATCH',
      url: `${locationUrl}/${uid(7)}/2`,
      body: { max_electric_power: 50000, last_updated: '2026-11-22T12:00:00Z' },
    });
    expect(reply.envelope?.status_code).toBe(1000);
    const after = await stored();
    expect(after.evses[7].connectors[1]).toMatchObject({ id: '2', max_electric_power: 50000 });
    expect(after.evses[7].connectors[0]).toEqual(connector('1'));
    expect(after.evses[7].last_updated).toBe('2026-11-22T12:00:00Z');
    expect(after.last_updated).toBe('2026-11-22T12:00:00Z');
    expect(after.evses[8].connectors[1]).toEqual(connector('2'));
  });

  it('adds a new EVSE at the end, and refuses a PATCH of an unknown EVSE without logging anything', async () => {
    const put = await net.cpo1.send({ method: 'PUT', url: `${locationUrl}/EVSE-NEW`, body: evse('EVSE-NEW') });
    expect(put.envelope?.status_code).toBe(1000);
    const [{ events }] = await net.hub.hub.db.query<{ events: number }>('SELECT count(*)::int AS events FROM events');
    const unknown = await net.cpo1.send({ method: 'PATCH', url: `${locationUrl}/NO-SUCH-EVSE`, body: { status: 'CHARGING', last_updated: NOW } });
    expect(unknown.httpStatus).toBe(404);
    expect(unknown.envelope?.status_code).toBe(2003);
    const [{ events: eventsAfter }] = await net.hub.hub.db.query<{ events: number }>('SELECT count(*)::int AS events FROM events');
    expect(eventsAfter).toBe(events);
    const after = await stored();
    expect(after.evses).toHaveLength(EVSES + 1);
    expect(after.evses.at(-1).uid).toBe('EVSE-NEW');
  });

  it('serves a single EVSE and the whole Location to an eMSP from its rows', async () => {
    const sender = net.emsp1.hubUrl('locations', undefined, 'SENDER');
    const one = await net.emsp1.send<any>({ method: 'GET', url: `${sender}/LOC-BIG/${uid(1234)}` });
    expect(one.envelope?.data).toMatchObject({ uid: uid(1234), status: 'CHARGING' });
    const whole = await net.emsp1.send<any>({ method: 'GET', url: `${sender}/LOC-BIG` });
    expect(whole.envelope?.data.evses).toHaveLength(EVSES + 1);
  });
});
