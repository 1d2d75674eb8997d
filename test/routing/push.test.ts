import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgreement } from '../../src/hub/agreements.js';
import type { OcpiPlatform } from '../../src/sim/platform.js';
import { databaseLabel, deliveriesSettled, eventually } from '../support/hub.js';
import { cdr, evse, location, session, tariff, token } from '../support/fixtures.js';
import { startRoamingNetwork, type RoamingNetwork } from '../support/network.js';

const CP1 = { countryCode: 'US', partyId: 'CP1' };
const CP2 = { countryCode: 'CA', partyId: 'CP2' };
const MS1 = { countryCode: 'US', partyId: 'MS1' };
const MS2 = { countryCode: 'CA', partyId: 'MS2' };
const TO_HUB = { to: { countryCode: 'US', partyId: 'SWY' } };

describe(`routing pushes through the hub (${databaseLabel})`, () => {
  let net: RoamingNetwork;
  const receiverUrl = (platform: OcpiPlatform, module: string) => platform.hubUrl(module, undefined, 'RECEIVER');
  const senderUrl = (platform: OcpiPlatform, module: string) => platform.hubUrl(module, undefined, 'SENDER');

  beforeAll(async () => {
    net = await startRoamingNetwork();
    // CP1 and MS2 do not roam: a suspended bilateral agreement overrides the standard one.
    await createAgreement(net.hub.hub.db, { cpo: CP1, emsp: MS2, status: 'SUSPENDED' });
  });
  afterAll(async () => net.close());

  it('broadcasts a location to exactly the eMSPs that have an agreement with the CPO', async () => {
    const reply = await net.cpo1.send({
      method: 'PUT',
      url: `${receiverUrl(net.cpo1, 'locations')}/US/CP1/LOC-1`,
      body: location(CP1),
      routing: { ...TO_HUB, from: CP1 },
    });
    expect(reply.envelope?.status_code).toBe(1000);
    expect(reply.httpStatus).toBe(201);

    const delivered = await eventually(() => net.emsp1.receivedFor('locations').find((r) => r.path === '/US/CP1/LOC-1'));
    expect(delivered.method).toBe('PUT');
    expect(delivered.headers['ocpi-from-party-id']).toBe('SWY');
    expect(delivered.headers['ocpi-to-party-id']).toBe('MS1');
    expect(delivered.headers['x-correlation-id']).toBe(reply.correlationId);
    expect(delivered.body).toEqual(location(CP1));

    // An EVSE status change follows the same audience.
    await net.cpo1.send({
      method: 'PATCH',
      url: `${receiverUrl(net.cpo1, 'locations')}/US/CP1/LOC-1/EVSE-1`,
      body: { status: 'CHARGING', last_updated: '2026-11-22T10:05:00Z' },
    });
    const patch = await eventually(() => net.emsp1.receivedFor('locations').find((r) => r.method === 'PATCH'));
    expect(patch.path).toBe('/US/CP1/LOC-1/EVSE-1');
    expect(patch.body).toEqual({ status: 'CHARGING', last_updated: '2026-11-22T10:05:00Z' });

    // The hub's copy holds the change, with the parents' last_updated moved as the spec asks.
    const copy = await net.cpo1.send({ method: 'GET', url: `${receiverUrl(net.cpo1, 'locations')}/US/CP1/LOC-1` });
    expect((copy.envelope?.data as any).evses[0].status).toBe('CHARGING');
    expect((copy.envelope?.data as any).last_updated).toBe('2026-11-22T10:05:00Z');

    await deliveriesSettled(net.hub);
    expect(net.emsp2.receivedFor('locations')).toEqual([]);
    expect(net.cpo2.receivedFor('locations')).toEqual([]);
  });

  it('sends a direct push to the named party only, FROM the requester', async () => {
    const reply = await net.cpo2.send({
      method: 'PUT',
      url: `${receiverUrl(net.cpo2, 'tariffs')}/CA/CP2/T-DIRECT`,
      body: tariff(CP2, 'T-DIRECT', { currency: 'CAD' }),
      routing: { to: MS2, from: CP2 },
    });
    expect(reply.envelope?.status_code).toBe(1000);
    const delivered = await eventually(() => net.emsp2.receivedFor('tariffs').find((r) => r.path === '/CA/CP2/T-DIRECT'));
    expect(delivered.headers['ocpi-from-party-id']).toBe('CP2');
    expect(delivered.headers['ocpi-to-party-id']).toBe('MS2');
    expect(net.emsp1.receivedFor('tariffs').find((r) => r.path === '/CA/CP2/T-DIRECT')).toBeUndefined();
  });

  it('answers 4001 for an unknown receiver and a hub error when no agreement allows the route', async () => {
    const unknown = await net.cpo1.send({
      method: 'PUT',
      url: `${receiverUrl(net.cpo1, 'tariffs')}/US/CP1/T-X`,
      body: tariff(CP1, 'T-X'),
      routing: { to: { countryCode: 'DE', partyId: 'XXX' }, from: CP1 },
    });
    expect(unknown.envelope?.status_code).toBe(4001);
    const denied = await net.cpo1.send({
      method: 'PUT',
      url: `${receiverUrl(net.cpo1, 'tariffs')}/US/CP1/T-X`,
      body: tariff(CP1, 'T-X'),
      routing: { to: MS2, from: CP1 },
    });
    expect(denied.envelope?.status_code).toBe(4000);
    expect(denied.envelope?.status_message).toContain('BILATERAL_SUSPENDED');
  });

  it('rejects invalid objects with 2001 naming the JSON path, and stores nothing', async () => {
    const bad = location(CP1, 'LOC-BAD', { evses: [evse('E-1', { status: 'SLEEPING' })] });
    const reply = await net.cpo1.send({ method: 'PUT', url: `${receiverUrl(net.cpo1, 'locations')}/US/CP1/LOC-BAD`, body: bad });
    expect(reply.envelope?.status_code).toBe(2001);
    expect(reply.envelope?.status_message).toContain('$.evses[0].status');
    const mismatch = await net.cpo1.send({ method: 'PUT', url: `${receiverUrl(net.cpo1, 'locations')}/US/CP1/LOC-OTHER`, body: location(CP1, 'LOC-2') });
    expect(mismatch.envelope?.status_code).toBe(2001);
    expect(mismatch.envelope?.status_message).toContain('$.id');
    const notMine = await net.cpo1.send({ method: 'PUT', url: `${receiverUrl(net.cpo1, 'locations')}/CA/CP2/LOC-9`, body: location(CP2, 'LOC-9') });
    expect(notMine.envelope?.status_code).toBe(2001);
    const copy = await net.cpo1.send({ method: 'GET', url: `${receiverUrl(net.cpo1, 'locations')}/US/CP1/LOC-BAD` });
    expect(copy.httpStatus).toBe(404);
    const patchMissing = await net.cpo1.send({
      method: 'PATCH',
      url: `${receiverUrl(net.cpo1, 'locations')}/US/CP1/NOPE/EVSE-1`,
      body: { status: 'AVAILABLE', last_updated: '2026-11-22T10:05:00Z' },
    });
    expect(patchMissing.envelope?.status_code).toBe(2003);
  });

  it('routes sessions and CDRs to the eMSP of the driver (open routing) and never to anybody else', async () => {
    const sessionsUrl = receiverUrl(net.cpo2, 'sessions');
    await net.cpo2.send({ method: 'PUT', url: `${sessionsUrl}/CA/CP2/S-42`, body: session(CP2, MS2, 'S-42') });
    for (let i = 1; i <= 3; i++) {
      await net.cpo2.send({
        method: 'PATCH',
        url: `${sessionsUrl}/CA/CP2/S-42`,
        body: {
          kwh: i * 5,
          charging_periods: [{ start_date_time: `2026-11-22T10:0${i}:00Z`, dimensions: [{ type: 'ENERGY', volume: 5 }] }],
          last_updated: `2026-11-22T10:0${i}:00Z`,
        },
      });
    }
    const received = await eventually(() => {
      const all = net.emsp2.receivedFor('sessions').filter((r) => r.path === '/CA/CP2/S-42');
      return all.length === 4 && all;
    });
    expect(received.map((r) => (r.body as any).kwh)).toEqual([0, 5, 10, 15]);
    expect(net.emsp1.receivedFor('sessions')).toEqual([]);
    const copy = await net.cpo2.send({ method: 'GET', url: `${sessionsUrl}/CA/CP2/S-42` });
    expect((copy.envelope?.data as any).charging_periods).toHaveLength(3);

    const cdrReply = await net.cpo2.send({ method: 'POST', url: receiverUrl(net.cpo2, 'cdrs'), body: cdr(CP2, MS2, 'CDR-42') });
    expect(cdrReply.envelope?.status_code).toBe(1000);
    const cdrUrl = cdrReply.headers.location;
    expect(cdrUrl).toContain('/ocpi/2.2.1/receiver/cdrs/CA/CP2/CDR-42');
    const fetched = await net.cpo2.send({ method: 'GET', url: cdrUrl });
    expect((fetched.envelope?.data as any).id).toBe('CDR-42');
    const delivered = await eventually(() => net.emsp2.receivedFor('cdrs').find((r) => (r.body as any)?.id === 'CDR-42'));
    expect(delivered.method).toBe('POST');
  });

  it('broadcasts tokens from an eMSP to the CPOs it roams with', async () => {
    await net.emsp1.send({
      method: 'PUT',
      url: `${receiverUrl(net.emsp1, 'tokens')}/US/MS1/TOK-1?type=RFID`,
      body: token(MS1, 'TOK-1'),
    });
    const atCpo1 = await eventually(() => net.cpo1.receivedFor('tokens').find((r) => r.path === '/US/MS1/TOK-1'));
    expect(atCpo1.query.type).toBe('RFID');
    await eventually(() => net.cpo2.receivedFor('tokens').find((r) => r.path === '/US/MS1/TOK-1'));
  });

  it('serves GET-all as the merged, paginated objects of the CPOs the requester roams with', async () => {
    await net.cpo2.send({ method: 'PUT', url: `${receiverUrl(net.cpo2, 'locations')}/CA/CP2/LOC-T`, body: location(CP2, 'LOC-T', { city: 'Toronto' }) });
    const first = await net.emsp1.send({ method: 'GET', url: `${senderUrl(net.emsp1, 'locations')}?limit=1` });
    expect(first.headers['x-total-count']).toBe('2');
    // Oldest change first: LOC-1 changed at 10:05 (its EVSE), LOC-T at 10:00.
    expect((first.envelope?.data as any[]).map((l) => l.id)).toEqual(['LOC-T']);
    const next = /<([^>]+)>; rel="next"/.exec(first.headers.link)?.[1];
    const second = await net.emsp1.send({ method: 'GET', url: next! });
    expect((second.envelope?.data as any[]).map((l) => `${l.party_id}/${l.id}`)).toEqual(['CP1/LOC-1']);

    // MS2 has no agreement with CP1: it sees CP2's location only.
    const ms2 = await net.emsp2.send({ method: 'GET', url: senderUrl(net.emsp2, 'locations') });
    expect((ms2.envelope?.data as any[]).map((l) => l.id)).toEqual(['LOC-T']);
    const single = await net.emsp2.send({ method: 'GET', url: `${senderUrl(net.emsp2, 'locations')}/LOC-1` });
    expect(single.httpStatus).toBe(404);
    const evseOnly = await net.emsp1.send({ method: 'GET', url: `${senderUrl(net.emsp1, 'locations')}/LOC-1/EVSE-1` });
    expect((evseOnly.envelope?.data as any).uid).toBe('EVSE-1');

    // Sessions: only those of the requester's own drivers.
    const sessions = await net.emsp2.send({ method: 'GET', url: senderUrl(net.emsp2, 'sessions') });
    expect((sessions.envelope?.data as any[]).map((s) => s.id)).toEqual(['S-42']);
    const none = await net.emsp1.send({ method: 'GET', url: senderUrl(net.emsp1, 'sessions') });
    expect(none.envelope?.data).toEqual([]);
  });

  it('forwards a single-object GET to the CPO the TO headers name and relays its answer', async () => {
    net.cpo1.handle('locations', (request) =>
      request.interfaceRole === 'SENDER' ? { status_code: 2003, status_message: 'Unknown location', timestamp: '2026-11-22T10:00:00Z' } : undefined,
    );
    const reply = await net.emsp1.send({
      method: 'GET',
      url: `${senderUrl(net.emsp1, 'locations')}/LOC-ZZ`,
      routing: { to: CP1, from: MS1 },
    });
    expect(reply.envelope?.status_code).toBe(2003);
    const call = net.cpo1.receivedFor('locations').find((r) => r.interfaceRole === 'SENDER');
    expect(call?.path).toBe('/LOC-ZZ');
    expect(call?.headers['ocpi-from-party-id']).toBe('MS1');
    expect(call?.headers['x-correlation-id']).toBe(reply.correlationId);
    expect(call?.headers['x-request-id']).not.toBe(reply.requestId);
  });

  it('tells the whole exchange in the journal, by correlation id', async () => {
    const reply = await net.cpo1.send({
      method: 'PUT',
      url: `${receiverUrl(net.cpo1, 'tariffs')}/US/CP1/T-J`,
      body: tariff(CP1, 'T-J'),
    });
    await eventually(() => net.emsp1.receivedFor('tariffs').find((r) => r.path === '/US/CP1/T-J'));
    const rows = await eventually(async () => {
      const found = await net.hub.hub.db.query<any>('SELECT * FROM journal WHERE correlation_id = $1 ORDER BY id', [reply.correlationId]);
      return found.length >= 2 && found;
    });
    expect(rows[0]).toMatchObject({ direction: 'IN', method: 'PUT', module: 'tariffs', ocpi_status: 1000, blame: null });
    expect(rows.find((r: any) => r.direction === 'OUT')).toMatchObject({ to_party: 'US*MS1', ocpi_status: 1000, object_id: 'T-J' });
  });
});
