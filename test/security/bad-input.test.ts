import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorizationHeader } from '../../src/ocpi/auth.js';
import type { OcpiPlatform } from '../../src/sim/platform.js';
import type { RunningHub } from '../../src/switchyard.js';
import { cdr, connector, evse, location, session, tariff } from '../support/fixtures.js';
import { admin, databaseLabel, deliveriesSettled } from '../support/hub.js';
import { CPO, EMSP, startHubWithPair, type HubWithPair } from './pair.js';


describe(`bad input never reaches a 500 (${databaseLabel})`, () => {
  let hub: RunningHub;
  let cpo: OcpiPlatform;
  let emsp: OcpiPlatform;
  let locationsUrl: string;

  let pair: HubWithPair;

  beforeAll(async () => {
    pair = await startHubWithPair();
    ({ hub, cpo, emsp } = pair);
    locationsUrl = `${cpo.hubUrl('locations', undefined, 'RECEIVER')}/US/CP1`;
  }, 180_000);
  afterAll(async () => pair?.close());

  /** A raw request with the CPO's token: path and body are sent exactly as given, nothing normalized. */
  async function raw(method: string, url: string, body: string) {
    const target = new URL(url);
    const path = url.slice(target.origin.length);
    return new Promise<{ status: number; body: any }>((resolve, reject) => {
      const request = httpRequest(
        { host: target.hostname, port: target.port, method, path, headers: { Authorization: authorizationHeader(cpo.tokenToHub!), 'Content-Type': 'application/json' } },
        (response) => {
          let text = '';
          response.setEncoding('utf8').on('data', (chunk) => (text += chunk));
          response.on('end', () => resolve({ status: response.statusCode!, body: text ? JSON.parse(text) : undefined }));
        },
      );
      request.on('error', reject);
      request.end(body);
    });
  }

  const put = (path: string, body: unknown) => cpo.send({ method: 'PUT', url: `${locationsUrl}/${path}`, body });

  it('refuses dates that do not exist with 2001 at their path', async () => {
    for (const date of ['2026-02-30T10:00:00Z', '0000-01-01T00:00:00Z', '2026-11-22T10:00:60Z']) {
      const reply = await put('LOC-D', location(CPO, 'LOC-D', { last_updated: date }));
      expect(reply.envelope?.status_code, date).toBe(2001);
      expect(reply.envelope?.status_message).toMatch(/^\$\.last_updated: /);
    }
    const onEvse = await put('LOC-D/EVSE-1', evse('EVSE-1', { last_updated: '2025-02-29T00:00:00Z' }));
    expect(onEvse.envelope?.status_message).toMatch(/^\$\.last_updated: must be a real date/);
    const leapDay = await put('LOC-D', location(CPO, 'LOC-D', { last_updated: '2024-02-29T10:00:00Z' }));
    expect(leapDay.envelope?.status_code).toBe(1000);
  });

  it('refuses absurd quantities and empty or dot ids with 2001 at their path', async () => {
    const cases: [unknown, RegExp][] = [
      [location(CPO, 'LOC-Q', { evses: [evse('EVSE-1', { connectors: [connector('1', { max_voltage: -230 })] })] }), /^\$\.evses\[0\]\.connectors\[0\]\.max_voltage: must be at least 0/],
      [location(CPO, 'LOC-Q', { evses: [evse('EVSE-1', { connectors: [connector('1', { max_amperage: -1 })] })] }), /max_amperage: must be at least 0/],
      [location(CPO, 'LOC-Q', { evses: [evse('', {})] }), /^\$\.evses\[0\]\.uid: must be at least 1/],
      [location(CPO, 'LOC-Q', { evses: [evse('..', {})] }), /^\$\.evses\[0\]\.uid: .*not "\." or "\.\."/],
    ];
    for (const [body, message] of cases) {
      const reply = await put('LOC-Q', body);
      expect(reply.envelope?.status_code).toBe(2001);
      expect(reply.envelope?.status_message).toMatch(message);
    }
    const tariffs = `${cpo.hubUrl('tariffs', undefined, 'RECEIVER')}/US/CP1`;
    const negative = await cpo.send({
      method: 'PUT',
      url: `${tariffs}/T-NEG`,
      body: tariff(CPO, 'T-NEG', { elements: [{ price_components: [{ type: 'ENERGY', price: -0.45, vat: 0, step_size: 1 }] }] }),
    });
    expect(negative.envelope?.status_message).toMatch(/^\$\.elements\[0\]\.price_components\[0\]\.price: must be at least 0/);
    const sessions = `${cpo.hubUrl('sessions', undefined, 'RECEIVER')}/US/CP1`;
    for (const kwh of [-1, 1e308]) {
      const reply = await cpo.send({ method: 'PUT', url: `${sessions}/S-1`, body: session(CPO, EMSP, 'S-1', { kwh }) });
      expect(reply.envelope?.status_message).toMatch(/^\$\.kwh: must be at (least 0|most)/);
    }
  });

  it('refuses "." and ".." as URL ids, and NUL in keys or deep nesting, with 2001 naming where', async () => {
    const dots = await raw('PUT', `${locationsUrl}/%2E%2E`, JSON.stringify(location(CPO, '..')));
    expect(dots.body.status_code).toBe(2001);
    expect(dots.body.status_message).toMatch(/^url\.id: /);
    const nul = await raw('PUT', `${locationsUrl}/LOC-N`, JSON.stringify({ ...location(CPO, 'LOC-N'), 'na\u0000me': 'x' }));
    expect(nul.status).toBe(200);
    expect(nul.body.status_code).toBe(2001);
    expect(nul.body.status_message).toMatch(/^\$\["na\\u0000me"\]: has a key with NUL/);
    const deep = await raw('PUT', `${locationsUrl}/LOC-N`, '['.repeat(5000) + ']'.repeat(5000));
    expect(deep.body.status_code).toBe(2001);
    expect(deep.body.status_message).toMatch(/nested deeper than 32 levels/);
    const huge = await raw('PUT', `${locationsUrl}/LOC-N`, `{"name":"${'x'.repeat(11 * 1024 * 1024)}"}`);
    expect(huge.status).toBe(413);
  });

  it('takes the same CDR again as a retry and refuses another CDR under the same id', async () => {
    const url = cpo.hubUrl('cdrs', undefined, 'RECEIVER');
    const first = await cpo.send({ method: 'POST', url, body: cdr(CPO, EMSP, 'CDR-DUP') });
    const again = await cpo.send({ method: 'POST', url, body: cdr(CPO, EMSP, 'CDR-DUP') });
    const changed = await cpo.send({ method: 'POST', url, body: cdr(CPO, EMSP, 'CDR-DUP', { total_energy: 31 }), correlationId: 'changed-cdr' });
    expect([first.envelope?.status_code, again.envelope?.status_code]).toEqual([1000, 1000]);
    expect(changed.envelope?.status_code).toBe(2001);
    expect(changed.envelope?.status_message).toMatch(/^\$\.id: CDR CDR-DUP was already accepted with different content.*credit CDR/);
    await deliveriesSettled(hub);
    expect(emsp.receivedFor('cdrs').filter((r) => (r.body as { id?: string }).id === 'CDR-DUP')).toHaveLength(1);
    const stored = await cpo.send({ method: 'GET', url: `${url}/US/CP1/CDR-DUP` });
    expect((stored.envelope?.data as { total_energy: number }).total_energy).toBe(30);
    // The journal is written in batches: flush what was recorded so far.
    await hub.hub.journalWriter.flush();
    const [entry] = await hub.hub.db.query<{ ocpi_status: number; blame: string }>(
      `SELECT ocpi_status, blame FROM journal WHERE correlation_id = 'changed-cdr' AND direction = 'IN'`,
    );
    expect(entry).toEqual({ ocpi_status: 2001, blame: 'CPO' });
  });

  it('refuses absurd pagination with 2001 on every GET-all', async () => {
    const senderUrl = emsp.hubUrl('tariffs', undefined, 'SENDER');
    for (const offset of ['1e20', '100000000000000000000', '-1']) {
      const reply = await emsp.send({ method: 'GET', url: `${senderUrl}?offset=${offset}` });
      expect(reply.envelope?.status_code, offset).toBe(2001);
      expect(reply.envelope?.status_message).toMatch(/^query\.offset: /);
    }
  });

  it('answers the admin API 400 with a readable message for every malformed body or query', async () => {
    const call = async (method: string, path: string, body?: string | Blob, contentType = 'application/json') => {
      const response = await fetch(`${hub.url}${path}`, {
        method,
        headers: { Authorization: `Bearer ${hub.adminToken}`, ...(body === undefined ? {} : { 'Content-Type': contentType }) },
        body,
      });
      return { status: response.status, body: await response.json() };
    };
    const cases = [
      await call('POST', '/api/partners', '{"name": '),
      await call('POST', '/api/partners', new Blob([Buffer.from(JSON.stringify({ name: 'Sixteen' }), 'utf16le')])),
      await call('POST', '/api/partners', JSON.stringify({ name: 'nul\u0000name' })),
      await call('GET', '/api/journal?object_id=%00'),
      await call('GET', '/api/journal?offset=100000000000000000000'),
      await call('GET', '/api/partners/not-a-uuid'),
      // A body is parsed even on a route that does not exist.
      await call('POST', '/api/agreements/check', JSON.stringify({ x: '\u0000' })),
    ];
    for (const reply of cases) {
      expect(reply.status).toBe(400);
      expect(reply.body.message).toEqual(expect.any(String));
    }
    expect(cases[2].body.message).toMatch(/\$\.name: must not contain NUL/);
    expect((await admin(hub, 'GET', '/api/partners')).status).toBe(200);
  });
});
