import fc from 'fast-check';
import type { TSchema } from '@sinclair/typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorizationHeader } from '../../src/ocpi/auth.js';
import { compileValidator } from '../../src/ocpi/validation.js';
import * as v221 from '../../src/ocpi/v2_2_1/index.js';
import type { OcpiPlatform } from '../../src/sim/platform.js';
import type { RunningHub } from '../../src/switchyard.js';
import { cdr, chargingProfile, connector, evse, location, session, startSession, tariff, token } from '../support/fixtures.js';
import { databaseLabel } from '../support/hub.js';
import { CPO, EMSP, startHubWithPair, type HubWithPair } from './pair.js';

/**
 * Properties over every OCPI and admin endpoint: whatever arrives (random JSON, a valid object with
 * one field replaced by something hostile, hostile ids and queries), the hub never answers 5xx or
 * OCPI 3000, every 2001 names where the fault is, and nothing invalid is stored.
 */
const RUNS = 25;

const hostileValue = fc.oneof(
  fc.constantFrom(-1, 1e308, -1e308, 0.1, '', '.', '..', '2026-02-30T10:00:00Z', '0000-01-01T00:00:00Z', '\u0000', 'a\ud800b', null, {}, [], true),
  fc.string({ maxLength: 40 }),
  fc.jsonValue({ maxDepth: 3 }),
);

const hostileSegment = fc.oneof(
  fc.constantFrom('OK-1', '..', '.', '%2E%2E', '%00', '%2F', 'a%20b', 'x'.repeat(60), '%F0%9F%94%8C'),
  fc.string({ minLength: 1, maxLength: 40 }).map(encodeURIComponent),
);

/** Every leaf path of a JSON value, as key lists. */
function leafPaths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [prefix];
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  const paths = entries.flatMap(([key, inner]) => leafPaths(inner, [...prefix, key]));
  return paths.length ? paths : [prefix];
}

function replaced(value: unknown, path: (string | number)[], replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const copy: any = Array.isArray(value) ? [...value] : { ...(value as object) };
  copy[path[0]] = replaced(copy[path[0]], path.slice(1), replacement);
  return copy;
}

/** A valid object with one field (or a new key) made hostile; or any JSON at all. */
const hostileBody = (valid: unknown) =>
  fc.oneof(
    fc.tuple(fc.constantFrom(...leafPaths(valid)), hostileValue).map(([path, value]) => replaced(valid, path, value)),
    fc.tuple(fc.string({ maxLength: 12 }), hostileValue).map(([key, value]) => ({ ...(valid as object), [key]: value })),
    fc.jsonValue({ maxDepth: 4 }),
  );

interface Answer {
  status: number;
  body: any;
}

describe(`hostile input, property-based (${databaseLabel})`, () => {
  let hub: RunningHub;
  let cpo: OcpiPlatform;
  let emsp: OcpiPlatform;
  const unnamed2001: string[] = [];

  let pair: HubWithPair;

  beforeAll(async () => {
    pair = await startHubWithPair();
    ({ hub, cpo, emsp } = pair);
  }, 180_000);
  afterAll(async () => pair?.close());

  async function send(method: string, url: string, body: unknown, headers: Record<string, string>): Promise<Answer> {
    const response = await fetch(url, {
      method,
      headers: { ...headers, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = text;
    }
    return { status: response.status, body: parsed };
  }

  function expectOcpiAnswer(answer: Answer, what: string): void {
    expect(answer.status, what).toBeLessThan(500);
    expect(answer.body?.status_code, what).not.toBe(3000);
    // A refusal of the caller itself (a role it does not play) concerns no part of the request.
    const aboutCaller = /^your platform hosts no /.test(answer.body?.status_message ?? '');
    if (answer.body?.status_code === 2001 && !aboutCaller && !/^(\$|url\.|query\.)/.test(answer.body.status_message)) {
      unnamed2001.push(`${what}: ${answer.body.status_message}`);
    }
  }

  const ocpiRoutes = () => {
    const receiver = (platform: OcpiPlatform, module: string) => platform.hubUrl(module, undefined, 'RECEIVER');
    const sender = (platform: OcpiPlatform, module: string) => platform.hubUrl(module, undefined, 'SENDER');
    return [
      { who: cpo, method: 'PUT', url: (id: string) => `${receiver(cpo, 'locations')}/US/CP1/${id}`, valid: location(CPO, 'OK-1') },
      { who: cpo, method: 'PATCH', url: (id: string) => `${receiver(cpo, 'locations')}/US/CP1/${id}`, valid: { name: 'x', last_updated: '2026-11-22T10:00:00Z' } },
      { who: cpo, method: 'PUT', url: (id: string) => `${receiver(cpo, 'locations')}/US/CP1/OK-1/${id}`, valid: evse('OK-1') },
      { who: cpo, method: 'PUT', url: (id: string) => `${receiver(cpo, 'locations')}/US/CP1/OK-1/EVSE-1/${id}`, valid: connector('OK-1') },
      { who: cpo, method: 'PUT', url: (id: string) => `${receiver(cpo, 'tariffs')}/US/CP1/${id}`, valid: tariff(CPO, 'OK-1') },
      { who: cpo, method: 'PUT', url: (id: string) => `${receiver(cpo, 'sessions')}/US/CP1/${id}`, valid: session(CPO, EMSP, 'OK-1') },
      { who: cpo, method: 'PATCH', url: (id: string) => `${receiver(cpo, 'sessions')}/US/CP1/${id}`, valid: { kwh: 3, last_updated: '2026-11-22T10:00:00Z' } },
      { who: cpo, method: 'POST', url: () => receiver(cpo, 'cdrs'), valid: cdr(CPO, EMSP, 'CDR-P') },
      { who: cpo, method: 'POST', url: (id: string) => `${sender(cpo, 'tokens')}/${id}/authorize`, valid: { location_id: 'OK-1' } },
      { who: emsp, method: 'PUT', url: (id: string) => `${receiver(emsp, 'tokens')}/US/MS1/${id}`, valid: token(EMSP, 'OK-1') },
      { who: emsp, method: 'PATCH', url: (id: string) => `${receiver(emsp, 'tokens')}/US/MS1/${id}`, valid: { valid: false, last_updated: '2026-11-22T10:00:00Z' } },
      { who: emsp, method: 'POST', url: () => `${receiver(emsp, 'commands')}/START_SESSION`, valid: startSession(EMSP, `${emsp.url}/commands/cb`) },
      { who: emsp, method: 'PUT', url: (id: string) => `${receiver(emsp, 'chargingprofiles')}/${id}`, valid: { charging_profile: chargingProfile(), response_url: `${emsp.url}/cp/cb` } },
    ];
  };

  it('never fails on hostile bodies and ids at any OCPI endpoint', async () => {
    const routes = ocpiRoutes();
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: routes.length - 1 }).chain((index) =>
          fc.tuple(fc.constant(index), hostileSegment, hostileBody(routes[index].valid)),
        ),
        async ([index, id, body]) => {
          const route = routes[index];
          const url = route.url(id);
          const answer = await send(route.method, url, body, { Authorization: authorizationHeader(route.who.tokenToHub!) });
          expectOcpiAnswer(answer, `${route.method} ${url}`);
        },
      ),
      { numRuns: RUNS * 4 },
    );
  });

  it('never fails on hostile queries to any GET-all', async () => {
    const query = fc.dictionary(
      fc.constantFrom('offset', 'limit', 'date_from', 'date_to', 'type'),
      fc.oneof(fc.constantFrom('1e20', '-1', '99999999999999999999', '2026-02-30T00:00:00Z', '%00', ''), fc.string({ maxLength: 20 }).map(encodeURIComponent)),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('locations', 'tariffs', 'sessions', 'cdrs'), query, async (module, params) => {
        const search = Object.entries(params).map(([k, v]) => `${k}=${v}`).join('&');
        const url = `${emsp.hubUrl(module, undefined, 'SENDER')}?${search}`;
        expectOcpiAnswer(await send('GET', url, undefined, { Authorization: authorizationHeader(emsp.tokenToHub!) }), `GET ${url}`);
      }),
      { numRuns: RUNS },
    );
  });

  it('answers every admin endpoint 2xx or 4xx with a readable message', async () => {
    const partnerId = (await send('GET', `${hub.url}/api/partners`, undefined, { Authorization: `Bearer ${hub.adminToken}` })).body[0].id;
    const routes: { method: string; path: (segment: string) => string; valid: unknown }[] = [
      { method: 'POST', path: () => '/api/partners', valid: { name: 'P', role: 'CPO', expires_in: 3600 } },
      { method: 'PATCH', path: () => `/api/partners/${partnerId}`, valid: { quirks: { page_size: 10 } } },
      { method: 'PUT', path: () => `/api/partners/${partnerId}/security`, valid: { rate_limit: { per_second: 1000, burst: 1000 }, client_certificate: null } },
      { method: 'GET', path: (s) => `/api/partners/${s}`, valid: undefined },
      { method: 'POST', path: () => '/api/agreements', valid: { cpo: 'US*CP1', emsp: 'US*MS1', status: 'ACTIVE' } },
      { method: 'POST', path: () => '/api/agreements/check', valid: { cpo: 'US*CP1', emsp: 'US*MS1', module: 'sessions' } },
      { method: 'GET', path: (s) => `/api/parties/${s}`, valid: undefined },
      { method: 'GET', path: (s) => `/api/journal?object_id=${s}&offset=${s}`, valid: undefined },
      { method: 'GET', path: (s) => `/api/journal/story/${s}`, valid: undefined },
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: routes.length - 1 }).chain((index) =>
          fc.tuple(fc.constant(index), hostileSegment, routes[index].valid === undefined ? fc.constant(undefined) : hostileBody(routes[index].valid)),
        ),
        async ([index, segment, body]) => {
          const route = routes[index];
          const answer = await send(route.method, `${hub.url}${route.path(segment)}`, body, { Authorization: `Bearer ${hub.adminToken}` });
          expect(answer.status, `${route.method} ${route.path(segment)}`).toBeLessThan(500);
          if (answer.status >= 400) expect(answer.body?.message, JSON.stringify(answer.body)).toEqual(expect.any(String));
        },
      ),
      { numRuns: RUNS * 2 },
    );
  });

  it('named the fault of every 2001, and stored nothing invalid', async () => {
    expect(unnamed2001).toEqual([]);
    const schemas: Record<string, TSchema> = {
      locations: v221.LocationSchema,
      tariffs: v221.TariffSchema,
      sessions: v221.SessionSchema,
      cdrs: v221.CdrSchema,
      tokens: v221.TokenSchema,
    };
    const rows = await hub.hub.db.query<{ module: string; object_id: string; data: unknown }>('SELECT module, object_id, data FROM objects');
    const invalid = rows
      .map((row) => ({ row, result: compileValidator(schemas[row.module])(row.data) }))
      .filter(({ result }) => !result.ok)
      .map(({ row, result }) => `${row.module} ${row.object_id}: ${JSON.stringify(result)}`);
    expect(invalid).toEqual([]);
  });
});
