import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admin, databaseLabel, eventually } from '../support/hub.js';
import { location, session } from '../support/fixtures.js';
import { PARTIES, startRoamingNetwork, type RoamingNetwork } from '../support/network.js';

const CP1 = { countryCode: 'US', partyId: 'CP1' };
const MS1 = { countryCode: 'US', partyId: 'MS1' };

describe(`partner quirk profiles (${databaseLabel})`, () => {
  let net: RoamingNetwork;
  beforeAll(async () => {
    net = await startRoamingNetwork();
  });
  afterAll(async () => net.close());

  const setQuirks = (name: string, quirks: Record<string, unknown>) =>
    admin(net.hub, 'PATCH', `/api/partners/${net.partnerIds.get(name)}`, { quirks });

  it('rejects an unknown quirk value', async () => {
    const { status } = await setQuirks(PARTIES.emsp1.name, { put_instead_of_patch: ['cdrs'] });
    expect(status).toBe(400);
  });

  it('sends raw tokens and whole sessions to a partner that wants them, at runtime', async () => {
    const { status, body } = await setQuirks(PARTIES.emsp1.name, { token_encoding: 'raw', put_instead_of_patch: ['sessions'] });
    expect(status).toBe(200);
    expect(body.quirks).toEqual({ token_encoding: 'raw', put_instead_of_patch: ['sessions'] });

    const sessions = net.cpo1.hubUrl('sessions', undefined, 'RECEIVER');
    await net.cpo1.send({ method: 'PUT', url: `${sessions}/US/CP1/S-Q`, body: session(CP1, MS1, 'S-Q') });
    await net.cpo1.send({ method: 'PATCH', url: `${sessions}/US/CP1/S-Q`, body: { kwh: 7, last_updated: '2026-11-22T10:07:00Z' } });
    const received = await eventually(() => {
      const all = net.emsp1.receivedFor('sessions').filter((r) => r.path === '/US/CP1/S-Q');
      return all.length === 2 && all;
    });
    expect(received.map((r) => r.method)).toEqual(['PUT', 'PUT']);
    expect((received[1].body as any).kwh).toBe(7);
    expect(received[1].headers.authorization).toBe(`Token ${net.emsp1.tokenForHub}`);
  });

  it('caps the page size and reads lenient timestamps for the partners that need it', async () => {
    await setQuirks(PARTIES.emsp2.name, { page_size: 1 });
    await setQuirks(PARTIES.cpo2.name, { lenient_timestamps: true });
    const locations = net.cpo2.hubUrl('locations', undefined, 'RECEIVER');
    const CP2 = { countryCode: 'CA', partyId: 'CP2' };
    for (const id of ['L-A', 'L-B']) {
      const reply = await net.cpo2.send({
        method: 'PUT',
        url: `${locations}/CA/CP2/${id}`,
        body: location(CP2, id, { last_updated: '2026-11-22 09:00:00' }),
      });
      expect(reply.envelope?.status_code).toBe(1000);
    }
    const strict = await net.cpo1.send({
      method: 'PUT',
      url: `${net.cpo1.hubUrl('locations', undefined, 'RECEIVER')}/US/CP1/L-C`,
      body: location(CP1, 'L-C', { last_updated: '2026-11-22 09:00:00' }),
    });
    expect(strict.envelope?.status_code).toBe(2001);

    const page = await net.emsp2.send({ method: 'GET', url: `${net.emsp2.hubUrl('locations', undefined, 'SENDER')}?limit=50` });
    expect(page.headers['x-limit']).toBe('1');
    expect(page.envelope?.data).toHaveLength(1);
    expect((page.envelope?.data as any[])[0].last_updated).toBe('2026-11-22T09:00:00Z');
  });
});
