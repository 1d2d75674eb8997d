import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeSilentPlatforms } from '../../src/hub/liveness.js';
import { admin, databaseLabel, eventually } from '../support/hub.js';
import { session } from '../support/fixtures.js';
import { startRoamingNetwork, type RoamingNetwork } from '../support/network.js';

const CP1 = { countryCode: 'US', partyId: 'CP1' };
const MS1 = { countryCode: 'US', partyId: 'MS1' };

describe(`operations: metrics, partner status, admin validation (${databaseLabel})`, () => {
  let net: RoamingNetwork;
  const call = (method: string, path: string, body?: unknown) => admin(net.hub, method, path, body);
  const lines: { details: any; message: string }[] = [];

  beforeAll(async () => {
    // A probe after 0 ms of silence: every registered platform is probed when the test asks.
    net = await startRoamingNetwork({ probeAfterMs: 0 });
    net.hub.hub.log = { info: (details, message) => lines.push({ details, message }), warn: (details, message) => lines.push({ details, message }) };
  }, 120_000);
  afterAll(async () => net.close());

  it('serves Prometheus metrics per partner and module, to a token only', async () => {
    await net.cpo1.send({ method: 'GET', url: net.cpo1.hubUrl('hubclientinfo') });
    await net.cpo1.send({ method: 'POST', url: `${net.cpo1.hubUrl('tokens', undefined, 'SENDER')}/ZZ0METRIC/authorize?type=RFID` });
    expect((await fetch(`${net.hub.url}/metrics`)).status).toBe(401);
    const text = await eventually(async () => {
      const response = await fetch(`${net.hub.url}/metrics`, { headers: { Authorization: `Bearer ${net.hub.adminToken}` } });
      const body = await response.text();
      return response.status === 200 && body.includes('partner="US*CP1",module="hubclientinfo"') && body;
    });
    expect(text).toMatch(/switchyard_ocpi_requests_total\{partner="US\*CP1",module="hubclientinfo",direction="IN"\} \d+/);
    expect(text).toMatch(/switchyard_ocpi_request_duration_seconds_bucket\{le="[\d.]+",partner="US\*CP1"/);
    expect(text).toMatch(/switchyard_authorizations_total\{cpo="US\*CP1",emsp="unknown",allowed="NONE",rule="UNKNOWN_TOKEN"\} \d+/);
    expect(text).toMatch(/switchyard_ocpi_errors_total\{partner="US\*CP1",module="tokens",blame="EMSP"\} \d+/);
    expect(text).toMatch(/switchyard_delivery_queue_depth\{partner="US\*MS1"\} \d+/);
    expect(text).toMatch(/switchyard_delivery_lag_seconds\{partner="US\*MS1"\} [\d.]+/);
  });

  it("serves the process's own metrics: memory, garbage collection pauses by kind, event-loop delay", async () => {
    // Short-lived garbage enough for the young generation to be collected at least once.
    expect(Array.from({ length: 300_000 }, (_, i) => ({ i })).length).toBe(300_000);
    const response = await fetch(`${net.hub.url}/metrics`, { headers: { Authorization: `Bearer ${net.hub.adminToken}` } });
    const text = await response.text();
    const minorPauses = Number(/^nodejs_gc_duration_seconds_count\{kind="minor"\} (\d+)$/m.exec(text)?.[1]);
    expect(minorPauses).toBeGreaterThan(0);
    // Fine buckets: a pause of a few milliseconds is told apart from one of ten.
    expect(text).toMatch(/^nodejs_gc_duration_seconds_bucket\{le="0.002",kind="minor"\} \d+$/m);
    expect(text).toMatch(/^nodejs_eventloop_lag_p99_seconds [\d.e-]+$/m);
    expect(Number(/^process_resident_memory_bytes (\d+)$/m.exec(text)?.[1])).toBeGreaterThan(10 * 2 ** 20);
  });

  it('logs and journals a partner going OFFLINE and CONNECTED again', async () => {
    net.emsp2.available = false;
    const statusEntries = async (status: string) =>
      (await call('GET', '/api/journal?party=CA*MS2&module=platform')).body.entries.filter((e: any) => e.notes?.status === status);
    try {
      await probeSilentPlatforms(net.hub.hub);
      const [offline] = await statusEntries('OFFLINE');
      expect(offline).toMatchObject({ to_party: 'CA*MS2', method: 'STATUS', blame: null, notes: { previous: 'CONNECTED' } });
      expect(offline.error).toMatch(/still-alive/);
      expect(lines.find((line) => line.details.status === 'OFFLINE')).toMatchObject({
        message: expect.stringContaining('Northern Roam is OFFLINE'),
        details: { partner: 'Northern Roam', parties: ['CA*MS2'] },
      });
    } finally {
      net.emsp2.available = true;
    }
    await probeSilentPlatforms(net.hub.hub);
    expect(await statusEntries('CONNECTED')).toHaveLength(1);
    expect(lines.some((line) => line.details.status === 'CONNECTED' && line.details.previous === 'OFFLINE')).toBe(true);
  });

  it('refuses agreements between unknown parties or swapped roles, clearly', async () => {
    const unknown = await call('POST', '/api/agreements', { cpo: 'US*CP1', emsp: 'ZZ*NOP' });
    expect(unknown).toMatchObject({ status: 400, body: { message: 'emsp: no party ZZ*NOP on the hub' } });
    const swapped = await call('POST', '/api/agreements', { cpo: 'US*MS1', emsp: 'US*CP1' });
    expect(swapped.status).toBe(400);
    expect(swapped.body.message).toContain('The roles are swapped');
    expect(swapped.body.message).toContain('use cpo=US*CP1, emsp=US*MS1');
    const twoCpos = await call('POST', '/api/agreements', { cpo: 'US*CP1', emsp: 'CA*CP2' });
    expect(twoCpos.body.message).toBe('emsp: CA*CP2 is a CPO only, not an eMSP');
    expect((await call('GET', '/api/agreements')).body).toEqual([]);
  });

  it('warns with the sessions in progress before and when suspending a pair', async () => {
    const put = (id: string, status: string) =>
      net.cpo1.send({ method: 'PUT', url: `${net.cpo1.hubUrl('sessions', undefined, 'RECEIVER')}/US/CP1/${id}`, body: session(CP1, MS1, id, { status }) });
    for (const [id, status] of [['OPS-1', 'ACTIVE'], ['OPS-2', 'PENDING'], ['OPS-3', 'COMPLETED']]) {
      expect((await put(id, status)).envelope?.status_code).toBe(1000);
    }
    expect((await call('GET', '/api/agreements/impact?cpo=US*CP1&emsp=US*MS1')).body).toMatchObject({ sessions_in_progress: 2 });
    const { body: agreement } = await call('POST', '/api/agreements', { cpo: 'US*CP1', emsp: 'US*MS1' });
    const suspended = await call('PATCH', `/api/agreements/${agreement.id}`, { status: 'SUSPENDED' });
    expect(suspended.body).toMatchObject({ status: 'SUSPENDED', sessions_in_progress: 2, warning: expect.stringContaining('2 sessions in progress') });
    const again = await call('PATCH', `/api/agreements/${agreement.id}`, { note: 'still suspended' });
    expect(again.body.warning).toBeUndefined();
  });

  it('refuses a misspelled quirk and explains admin errors in words', async () => {
    const id = net.partnerIds.get('Volt Street');
    const misspelled = await call('PATCH', `/api/partners/${id}`, { quirks: { page_sise: 50 } });
    expect(misspelled.status).toBe(400);
    expect(misspelled.body.message).toBe(
      'Unknown quirk "page_sise"; the known quirks are token_encoding, put_instead_of_patch, page_size, lenient_timestamps, strict_nulls',
    );
    const badValue = await call('PATCH', `/api/partners/${id}`, { quirks: { token_encoding: 'RAW' } });
    expect(badValue.body.message).toBe('body.quirks.token_encoding must be one of "base64", "raw"');
    const badStatus = await call('POST', '/api/agreements', { cpo: 'US*CP1', emsp: 'CA*MS2', status: 'PAUSED' });
    expect(badStatus.body.message).toBe('body.status must be one of "ACTIVE", "SUSPENDED"');
    expect((await call('GET', '/api/quirks')).body.map((q: any) => q.name)).toEqual(['token_encoding', 'put_instead_of_patch', 'page_size', 'lenient_timestamps', 'strict_nulls']);
  });
});
