import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OcpiReply } from '../../src/ocpi/client.js';
import { databaseLabel } from '../support/hub.js';
import { location } from '../support/fixtures.js';
import { startRoamingNetwork, type RoamingNetwork } from '../support/network.js';

const CP1 = { countryCode: 'US', partyId: 'CP1' };
/** Starting the embedded database and four partners takes a while on a loaded machine. */
const SETUP_MS = 180_000;
const CP2 = { countryCode: 'CA', partyId: 'CP2' };
const PER_CPO = 12;
const id = (i: number) => `LOC-${String(i).padStart(3, '0')}`;

describe(`GET-all through the hub, page by page (${databaseLabel})`, () => {
  let net: RoamingNetwork;
  let sender: string;

  const put = (cpo: 'cpo1' | 'cpo2', owner: typeof CP1, i: number, lastUpdated: string) =>
    net[cpo].send({
      method: 'PUT',
      url: `${net[cpo].hubUrl('locations', undefined, 'RECEIVER')}/${owner.countryCode}/${owner.partyId}/${id(i)}`,
      body: location(owner, id(i), { last_updated: lastUpdated }),
    });

  beforeAll(async () => {
    net = await startRoamingNetwork();
    sender = net.emsp1.hubUrl('locations', undefined, 'SENDER');
    for (let i = 0; i < PER_CPO; i++) {
      await put('cpo1', CP1, i, `2026-11-22T10:00:${String(i).padStart(2, '0')}Z`);
      await put('cpo2', CP2, i, `2026-11-22T09:00:${String(i).padStart(2, '0')}Z`);
    }
  }, SETUP_MS);
  afterAll(async () => net.close());

  it('returns every location exactly once while locations change between pages, with one total throughout', async () => {
    const seen: string[] = [];
    const totals = new Set<string>();
    let url: string | undefined = `${sender}?limit=5`;
    let pages = 0;
    while (url) {
      const reply: OcpiReply<{ country_code: string; id: string }[]> = await net.emsp1.send({ method: 'GET', url });
      expect(reply.envelope?.status_code).toBe(1000);
      seen.push(...reply.envelope!.data!.map((l) => `${l.country_code}/${l.id}`));
      totals.add(reply.headers['x-total-count']);
      // Between pages, both an already seen and a not yet seen location change (newer last_updated).
      await put('cpo1', CP1, pages % PER_CPO, `2026-11-23T10:00:0${pages % 10}Z`);
      await put('cpo2', CP2, (PER_CPO - 1 - pages) % PER_CPO, `2026-11-23T10:00:0${pages % 10}Z`);
      url = /<([^>]+)>;\s*rel="next"/.exec(reply.headers.link ?? '')?.[1];
      pages++;
    }
    expect(pages).toBe(Math.ceil((2 * PER_CPO) / 5));
    expect(seen).toHaveLength(2 * PER_CPO);
    expect(new Set(seen).size).toBe(2 * PER_CPO);
    expect([...totals]).toEqual([String(2 * PER_CPO)]);
  });

  it('still skips `offset` objects when a client counts pages itself, as OCPI defines', async () => {
    const all = await net.emsp1.send<{ id: string; country_code: string }[]>({ method: 'GET', url: `${sender}?limit=100` });
    const page = await net.emsp1.send<{ id: string; country_code: string }[]>({ method: 'GET', url: `${sender}?offset=7&limit=4` });
    expect(page.envelope?.data).toEqual(all.envelope?.data?.slice(7, 11));
    expect(page.headers['x-total-count']).toBe(String(2 * PER_CPO));
    expect(page.headers.link).toMatch(/offset=11/);
  });

  it('filters a delta pull by date_from and refuses a continuation it did not give', async () => {
    const delta = await net.emsp1.send<{ last_updated: string }[]>({
      method: 'GET',
      url: `${sender}?date_from=${encodeURIComponent('2026-11-23T00:00:00Z')}`,
    });
    expect(delta.envelope?.data?.length).toBeGreaterThan(0);
    expect(delta.envelope?.data?.every((l) => l.last_updated >= '2026-11-23')).toBe(true);
    const forged = await net.emsp1.send({ method: 'GET', url: `${sender}?after=not-a-cursor` });
    expect(forged.envelope?.status_code).toBe(2001);
  });

  it('counts an EVSE change as a change of its Location: delta pulls find it, and its last_updated follows', async () => {
    const locations = net.cpo2.hubUrl('locations', undefined, 'RECEIVER');
    const put = await net.cpo2.send({
      method: 'PUT',
      url: `${locations}/CA/CP2/LOC-EVSE-CHANGED`,
      body: location(CP2, 'LOC-EVSE-CHANGED', { last_updated: '2026-11-20T00:00:00Z' }),
    });
    expect(put.envelope?.status_code).toBe(1000);
    const patch = await net.cpo2.send({
      method: 'PATCH',
      url: `${locations}/CA/CP2/LOC-EVSE-CHANGED/EVSE-1`,
      body: { status: 'CHARGING', last_updated: '2026-11-25T00:00:00Z' },
    });
    expect(patch.envelope?.status_code).toBe(1000);

    // Every other Location here last changed on the 23rd at the latest.
    const since = await net.emsp1.send<{ id: string; last_updated: string; evses: { status: string }[] }[]>({
      method: 'GET',
      url: `${sender}?date_from=${encodeURIComponent('2026-11-24T00:00:00Z')}`,
    });
    expect(since.envelope?.data?.map((l) => [l.id, l.last_updated, l.evses[0].status])).toEqual([
      ['LOC-EVSE-CHANGED', '2026-11-25T00:00:00Z', 'CHARGING'],
    ]);
    expect(since.headers['x-total-count']).toBe('1');
    const before = await net.emsp1.send<{ id: string }[]>({
      method: 'GET',
      url: `${sender}?limit=100&date_to=${encodeURIComponent('2026-11-25T00:00:00Z')}`,
    });
    expect(before.envelope?.data?.length).toBe(2 * PER_CPO);
    expect(before.envelope?.data?.some((l) => l.id === 'LOC-EVSE-CHANGED')).toBe(false);
  });
});
