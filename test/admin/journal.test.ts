import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callOcpi } from '../../src/ocpi/client.js';
import { admin, databaseLabel, eventually } from '../support/hub.js';
import { location } from '../support/fixtures.js';
import { startRoamingNetwork, type RoamingNetwork } from '../support/network.js';

const CP1 = { countryCode: 'US', partyId: 'CP1' };
const MS1 = { countryCode: 'US', partyId: 'MS1' };

describe(`admin API: journal (${databaseLabel})`, () => {
  let net: RoamingNetwork;
  const call = (method: string, path: string) => admin(net.hub, method, path);
  const journal = async (query: Record<string, string>) => (await call('GET', `/api/journal?${new URLSearchParams(query)}`)).body;
  /** Inbound entries are written once the answer is sent: wait for them. */
  const entriesOf = (correlationId: string, count = 1) =>
    eventually(async () => {
      const found = await journal({ correlation_id: correlationId });
      return found.total >= count && found;
    });

  beforeAll(async () => {
    net = await startRoamingNetwork();
  });
  afterAll(async () => net.close());

  it('lists the inbound entry of a partner call, filtered by correlation id and party', async () => {
    const correlationId = randomUUID();
    const reply = await net.cpo1.send({ method: 'GET', url: net.cpo1.hubUrl('hubclientinfo'), routing: { from: CP1 }, correlationId });
    expect(reply.envelope?.status_code).toBe(1000);

    const found = await entriesOf(correlationId);
    expect(found.total).toBe(1);
    expect(found.entries[0]).toMatchObject({
      direction: 'IN',
      correlation_id: correlationId,
      request_id: reply.requestId,
      from_party: 'US*CP1',
      to_party: 'US*SWY',
      module: 'hubclientinfo',
      method: 'GET',
      url: '/ocpi/2.2.1/hubclientinfo',
      http_status: 200,
      ocpi_status: 1000,
      blame: null,
      error: null,
    });
    expect(Date.parse(found.entries[0].at)).not.toBeNaN();
    expect(found.entries[0].duration_ms).toBeGreaterThanOrEqual(0);

    const byParty = await journal({ party: 'US-CP1', module: 'hubclientinfo' });
    expect(byParty.entries.map((e: any) => e.correlation_id)).toContain(correlationId);
    const otherParty = await journal({ party: 'US*MS1', module: 'hubclientinfo' });
    expect(otherParty.entries.map((e: any) => e.correlation_id)).not.toContain(correlationId);
    expect((await journal({ correlation_id: correlationId, failed: 'true' })).total).toBe(0);
  });

  it('lists newest first, pages by cursor, follows a tail and validates its query', async () => {
    const all = await journal({ limit: '1000' });
    expect(all.total).toBeGreaterThan(3);
    const ids = all.entries.map((e: any) => e.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));

    const first = await journal({ limit: '2' });
    expect(first.total).toBe(all.total);
    expect(first.entries.map((e: any) => e.id)).toEqual(ids.slice(0, 2));
    const second = await journal({ limit: '2', before: String(first.next_cursor) });
    expect(second.entries.map((e: any) => e.id)).toEqual(ids.slice(2, 4));
    expect((await journal({ limit: '1000' })).next_cursor).toBeNull();
    expect((await journal({ to: '2000-01-01T00:00:00Z' })).total).toBe(0);

    const { body: start } = await call('GET', '/api/journal/tail');
    expect(start).toEqual({ entries: [], cursor: ids[0] });
    const correlationId = randomUUID();
    await net.cpo1.send({ method: 'GET', url: net.cpo1.hubUrl('hubclientinfo'), routing: { from: CP1 }, correlationId });
    const tail = await eventually(async () => {
      const { body } = await call('GET', `/api/journal/tail?after=${start.cursor}&party=US*CP1`);
      return body.entries.some((e: any) => e.correlation_id === correlationId) && body;
    });
    expect(tail.entries.every((e: any) => e.id > start.cursor && [e.from_party, e.to_party].includes('US*CP1'))).toBe(true);
    expect(tail.cursor).toBe(tail.entries.at(-1).id);

    expect((await call('GET', '/api/journal?limit=1001')).status).toBe(400);
    expect((await call('GET', '/api/journal?party=nobody')).status).toBe(400);
    expect((await call('GET', '/api/journal?from=yesterday')).status).toBe(400);
  });

  it('tells the story of a rejected push and blames the CPO that sent it', async () => {
    const correlationId = randomUUID();
    const reply = await net.cpo1.send({
      method: 'PUT',
      url: `${net.cpo1.hubUrl('locations', undefined, 'RECEIVER')}/US/CP1/LOC-BAD`,
      body: { ...location(CP1, 'LOC-BAD'), coordinates: undefined },
      routing: { from: CP1 },
      correlationId,
    });
    expect(reply.envelope?.status_code).toBe(2001);
    await entriesOf(correlationId);

    const failed = await journal({ failed: 'true', party: 'US*CP1' });
    expect(failed.entries.find((e: any) => e.correlation_id === correlationId)).toMatchObject({
      blame: 'CPO',
      ocpi_status: 2001,
      object_id: 'LOC-BAD',
      error: expect.stringContaining('coordinates'),
    });

    const { status, body: story } = await call('GET', `/api/journal/story/${correlationId}`);
    expect(status).toBe(200);
    expect(story.hops).toEqual([
      expect.objectContaining({ direction: 'IN', from: 'US*CP1', to: 'US*SWY', method: 'PUT', http_status: 200, ocpi_status: 2001, blame: 'CPO' }),
    ]);
    expect(story.verdict).toMatchObject({ failed: true, blame: 'CPO' });
    expect(story.verdict.reason).toContain('coordinates');
  });

  it('tells the story of an invalid credentials POST', async () => {
    const { body: invitation } = await admin(net.hub, 'POST', '/api/partners', { name: 'Latecomer' });
    const correlationId = randomUUID();
    const reply = await callOcpi({
      method: 'POST',
      url: `${net.hub.url}/ocpi/2.2.1/credentials`,
      token: invitation.token_a,
      body: { url: 'not a versions url' },
      correlationId,
    });
    expect(reply.envelope?.status_code).toBe(2001);
    await entriesOf(correlationId);

    const { body: story } = await call('GET', `/api/journal/story/${correlationId}`);
    expect(story.hops).toEqual([expect.objectContaining({ direction: 'IN', from: 'Latecomer', method: 'POST', ocpi_status: 2001 })]);
    // Credentials belong to no CPO or eMSP module: the calling platform is at fault.
    expect(story.verdict).toMatchObject({ failed: true, blame: 'OTHER' });
    expect(story.verdict.reason).toContain('calling platform');
  });

  it('blames the CPO, not the hub, when a request forwarded to the CPO fails', async () => {
    net.cpo1.available = false;
    const correlationId = randomUUID();
    try {
      const reply = await net.emsp1.send({
        method: 'GET',
        url: `${net.emsp1.hubUrl('locations', undefined, 'SENDER')}/LOC-1`,
        routing: { from: MS1, to: CP1 },
        correlationId,
      });
      expect(reply.envelope?.status_code).toBeGreaterThanOrEqual(4000);
    } finally {
      net.cpo1.available = true;
    }
    await entriesOf(correlationId, 2);

    const { body: story } = await call('GET', `/api/journal/story/${correlationId}`);
    // The eMSP's request came first; the hub's call to the CPO, inside it, is what failed.
    expect(story.hops.map((h: any) => `${h.direction} ${h.from} → ${h.to} ${h.blame}`)).toEqual([
      'IN US*MS1 → US*CP1 HUB',
      'OUT US*MS1 → US*CP1 CPO',
    ]);
    expect(story.hops[1]).toMatchObject({ method: 'GET', http_status: 503 });
    expect(story.verdict).toMatchObject({ failed: true, blame: 'CPO' });
  });

  it('tells the story of an exchange that succeeded, and 404 for an unknown one', async () => {
    const correlationId = randomUUID();
    await net.emsp1.send({ method: 'GET', url: net.emsp1.hubUrl('hubclientinfo'), correlationId });
    await entriesOf(correlationId);
    const { body: story } = await call('GET', `/api/journal/story/${correlationId}`);
    expect(story.verdict).toMatchObject({ failed: false, blame: null, reason: 'Every hop succeeded.', action: 'Nothing to do.' });
    expect((await call('GET', `/api/journal/story/${randomUUID()}`)).status).toBe(404);
  });
});
