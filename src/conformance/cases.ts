/**
 * The cases of a conformance check, each against one part of the spec (sections as in OCPI 2.2.1;
 * 2.1.1 and 2.3.0 have the same ones). Each returns its cases; none throws on a partner's fault.
 */
import { schemaOf } from '../ocpi/kinds.js';
import { withoutNulls } from '../ocpi/normalise.js';
import { parseOcpiTimestamp } from '../ocpi/time.js';
import type { ObjectKind } from '../ocpi/translate/index.js';
import { compileValidator } from '../ocpi/validation.js';
import type { CheckContext } from './context.js';
import { failureOf, succeeded, type Probe } from './probe.js';
import type { CheckCase } from './report.js';

const pass = (c: Omit<CheckCase, 'outcome'>): CheckCase => ({ ...c, outcome: 'PASS' });
const warn = (c: Omit<CheckCase, 'outcome'>): CheckCase => ({ ...c, outcome: 'WARN' });
const fail = (c: Omit<CheckCase, 'outcome'>): CheckCase => ({ ...c, outcome: 'FAIL' });

/**
 * Versions endpoint, read with the token base64-encoded as 2.2.1 requires; when only the raw token
 * works, the partner still passes with a warning and the quirk that bridges it.
 */
export async function versionsCases(ctx: CheckContext, versionsUrl: string): Promise<{ cases: CheckCase[]; versionUrl?: string }> {
  const section = 'version_information_endpoint: Version information endpoint';
  const encodingSection = 'transport_and_format: Authorization header (token base64-encoded)';
  let versions = await ctx.call('GET', versionsUrl);
  const cases: CheckCase[] = [];
  if (!succeeded(versions) && ctx.version !== '2.1.1') {
    ctx.tokenEncoding = 'raw';
    const raw = await ctx.call('GET', versionsUrl);
    if (succeeded(raw)) {
      cases.push(warn({ id: 'token-encoding', title: 'Token accepted base64-encoded', section: encodingSection, detail: `Refused base64 (${failureOf(versions)}); accepted raw`, exchange: versions.exchange, quirk: { token_encoding: 'raw' } }));
      versions = raw;
    } else {
      ctx.tokenEncoding = 'base64';
    }
  } else if (succeeded(versions)) {
    cases.push(pass({ id: 'token-encoding', title: 'Token accepted base64-encoded', section: encodingSection, detail: ctx.tokenEncoding === 'raw' ? 'Accepted raw (quirk token_encoding: raw)' : 'The hub’s token was accepted', exchange: versions.exchange }));
  }
  if (!succeeded(versions)) {
    cases.push(fail({ id: 'versions', title: 'Versions endpoint reachable and well-formed', section, detail: failureOf(versions), exchange: versions.exchange }));
    return { cases };
  }
  const list = versions.reply!.envelope!.data;
  const entry = Array.isArray(list) ? list.find((v) => v?.version === ctx.version && typeof v?.url === 'string') : undefined;
  if (!entry) {
    const detail = Array.isArray(list) ? `No entry for OCPI ${ctx.version} with a url` : 'data is not a list of versions';
    cases.push(fail({ id: 'versions', title: 'Versions endpoint reachable and well-formed', section, detail, exchange: versions.exchange }));
    return { cases };
  }
  cases.push(pass({ id: 'versions', title: 'Versions endpoint reachable and well-formed', section, detail: `Offers ${(list as { version: string }[]).map((v) => v.version).join(', ')}`, exchange: versions.exchange }));
  return { cases, versionUrl: entry.url };
}

/** Version details: every endpoint with identifier and url (and role from 2.2.1). */
export async function detailsCase(ctx: CheckContext, versionUrl: string): Promise<CheckCase> {
  const base = { id: 'details', title: 'Version details reachable and well-formed', section: 'version_information_endpoint: Version details endpoint' };
  const details = await ctx.call('GET', versionUrl);
  if (!succeeded(details)) return fail({ ...base, detail: failureOf(details), exchange: details.exchange });
  const endpoints = (details.reply!.envelope!.data as { endpoints?: unknown })?.endpoints;
  if (!Array.isArray(endpoints)) return fail({ ...base, detail: '$.endpoints is not a list', exchange: details.exchange });
  const roleNeeded = ctx.version !== '2.1.1';
  const bad = endpoints.findIndex(
    (e) => typeof e?.identifier !== 'string' || typeof e?.url !== 'string' || (roleNeeded && !['SENDER', 'RECEIVER'].includes(e?.role)),
  );
  if (bad >= 0) return fail({ ...base, detail: `$.endpoints[${bad}] lacks identifier, url${roleNeeded ? ' or role' : ''}`, exchange: details.exchange });
  return pass({ ...base, detail: `${endpoints.length} endpoints`, exchange: details.exchange });
}

/** Interfaces each role needs (the hub refuses a registration without them) and those it should have. */
const ROLE_INTERFACES: Record<string, { required: [string, 'SENDER' | 'RECEIVER'][]; expected: [string, 'SENDER' | 'RECEIVER'][] }> = {
  CPO: {
    required: [['locations', 'SENDER']],
    expected: [['tariffs', 'SENDER'], ['sessions', 'SENDER'], ['cdrs', 'SENDER'], ['tokens', 'RECEIVER'], ['commands', 'RECEIVER']],
  },
  EMSP: {
    required: [['tokens', 'SENDER']],
    expected: [['locations', 'RECEIVER'], ['tariffs', 'RECEIVER'], ['sessions', 'RECEIVER'], ['cdrs', 'RECEIVER'], ['commands', 'SENDER']],
  },
};

export function endpointCases(ctx: CheckContext): CheckCase[] {
  const section = 'credentials: Required endpoints per role';
  return ctx.roles.flatMap((role) => {
    const needs = ROLE_INTERFACES[role];
    if (!needs) return [];
    const missing = (list: [string, 'SENDER' | 'RECEIVER'][]) => list.filter(([module, side]) => !ctx.endpoint(module, side)).map(([m, s]) => `${m} ${s}`);
    const required = missing(needs.required);
    const expected = missing(needs.expected);
    const base = { id: `endpoints-${role.toLowerCase()}`, title: `Endpoints a ${role} needs`, section };
    if (required.length) return [fail({ ...base, detail: `Missing: ${required.join(', ')}` })];
    if (expected.length) return [warn({ ...base, detail: `Roaming will be limited without: ${expected.join(', ')}` })];
    return [pass({ ...base, detail: 'All present' })];
  });
}

/** Modules whose Sender interface serves a paginated list, with the query each needs. */
const PAGINATED: Record<string, string> = {
  locations: '',
  tariffs: '',
  tokens: '',
  sessions: '&date_from=2000-01-01T00:00:00Z',
  cdrs: '',
};

/** The pulls a CPO's objects are validated from: the hub stores them for every eMSP. */
const VALIDATED_PULLS: Record<string, ObjectKind> = { locations: 'Location', tariffs: 'Tariff' };

/** Each Sender interface: a first page with X-Total-Count, X-Limit and Link; a CPO's objects checked against the schema. */
export async function senderCases(ctx: CheckContext): Promise<CheckCase[]> {
  const cases: CheckCase[] = [];
  for (const [module, query] of Object.entries(PAGINATED)) {
    const endpoint = ctx.endpoint(module, 'SENDER');
    if (!endpoint) continue;
    const page = await ctx.call('GET', `${endpoint.url}?offset=0&limit=2${query}`);
    const next = nextPageUrl(page);
    cases.push(paginationCase(module, page, next === undefined ? undefined : await ctx.call('GET', next)));
    const kind = VALIDATED_PULLS[module];
    const pulled = succeeded(page) && Array.isArray(page.reply!.envelope!.data);
    if (kind && ctx.roles.includes('CPO') && pulled) cases.push(schemaCase(ctx, module, kind, page));
  }
  return cases;
}

/** The URL of the next page, from the `Link` header's rel="next" (transport_and_format: Pagination). */
function nextPageUrl(page: Probe): string | undefined {
  return /<([^>]+)>\s*;\s*rel="?next"?/.exec(page.reply?.headers.link ?? '')?.[1];
}

/** The first page with its headers, and the next page its `Link` leads to (when there is one). */
function paginationCase(module: string, page: Probe, nextPage?: Probe): CheckCase {
  const base = { id: `pagination-${module}`, title: `${module} Sender: paginated GET-all`, section: 'transport_and_format: Pagination', exchange: page.exchange };
  if (!succeeded(page)) return fail({ ...base, detail: failureOf(page) });
  const data = page.reply!.envelope!.data;
  if (!Array.isArray(data)) return fail({ ...base, detail: 'data is not a list' });
  const headers = page.reply!.headers;
  const missing = ['x-total-count', 'x-limit'].filter((name) => headers[name] === undefined);
  if (missing.length) return fail({ ...base, detail: `Missing ${missing.join(' and ')}` });
  const total = Number(headers['x-total-count']);
  if (total > data.length && !nextPage) {
    return fail({ ...base, detail: `X-Total-Count ${total} > ${data.length} items, but no Link to the next page` });
  }
  const first = `${data.length} of ${total} on the first page`;
  if (!nextPage) return pass({ ...base, detail: first });
  if (!succeeded(nextPage) || !Array.isArray(nextPage.reply!.envelope!.data)) {
    const why = succeeded(nextPage) ? 'data is not a list' : failureOf(nextPage);
    return fail({ ...base, detail: `${first}; the next page (Link) answered: ${why}`, exchange: nextPage.exchange });
  }
  return pass({ ...base, detail: `${first}; ${(nextPage.reply!.envelope!.data as unknown[]).length} more on the next page (Link)` });
}

function schemaCase(ctx: CheckContext, module: string, kind: ObjectKind, page: Probe): CheckCase {
  const base = { id: `schema-${module}`, title: `${module} pulled valid against the ${ctx.version} schema`, section: `${module}: Object description`, exchange: page.exchange };
  const schema = schemaOf(ctx.version, kind);
  const items = page.reply!.envelope!.data as unknown[];
  if (!schema) return pass({ ...base, detail: 'No schema to check against' });
  for (const [index, item] of items.entries()) {
    // Nulls read as absent, as the hub reads them (unless the partner's profile is strict).
    const checked = compileValidator(schema)(ctx.quirks.strict_nulls ? item : withoutNulls(item));
    if (!checked.ok) return fail({ ...base, detail: `$[${index}]${checked.path.slice(1)}: ${checked.message}` });
  }
  return pass({ ...base, detail: `${items.length} objects valid` });
}

/** Receiver interfaces that answer a GET on one object: probed with an id no partner uses (nothing is written). */
const PROBED_RECEIVERS = ['locations', 'tariffs', 'sessions', 'tokens'];
export const PROBE_OBJECT_ID = 'SWITCHYARD-CONFORMANCE-PROBE';

/** Where the hub's probe object lives at a Receiver interface: under the hub's own party. */
function probeUrl(ctx: CheckContext, interfaceUrl: string): string {
  return `${interfaceUrl.replace(/\/+$/, '')}/${ctx.hubParty.countryCode}/${ctx.hubParty.partyId}/${PROBE_OBJECT_ID}`;
}

export async function receiverCases(ctx: CheckContext): Promise<CheckCase[]> {
  const cases: CheckCase[] = [];
  for (const module of PROBED_RECEIVERS) {
    const endpoint = ctx.endpoint(module, 'RECEIVER');
    if (!endpoint) continue;
    const type = module === 'tokens' && ctx.version !== '2.1.1' ? '?type=RFID' : '';
    const url = `${probeUrl(ctx, endpoint.url)}${type}`;
    const answer = await ctx.call('GET', url);
    const base = { id: `receiver-${module}`, title: `${module} Receiver answers`, section: `${module}: Receiver interface (GET)`, exchange: answer.exchange };
    // Any OCPI answer will do: the probe object does not exist, so 2xxx (or HTTP 404) is the expected reply.
    cases.push(answer.reply?.envelope ? pass({ ...base, detail: `OCPI ${answer.reply.envelope.status_code} for an unknown object` }) : fail({ ...base, detail: failureOf(answer) }));
  }
  return cases;
}

/**
 * The Receiver interface that lets the hub delete what it wrote: a tariff of the hub's own party,
 * free and referenced by no location, PUT and then DELETEd again. A partner that refuses the probe
 * object (some take tariffs of known CPOs only) warns; one that keeps it, unable to delete it, fails.
 */
export async function writeProbeCase(ctx: CheckContext): Promise<CheckCase[]> {
  const endpoint = ctx.endpoint('tariffs', 'RECEIVER');
  if (!endpoint) return [];
  const url = probeUrl(ctx, endpoint.url);
  const tariff = {
    country_code: ctx.hubParty.countryCode,
    party_id: ctx.hubParty.partyId,
    id: PROBE_OBJECT_ID,
    currency: 'USD',
    elements: [{ price_components: [{ type: 'FLAT', price: 0, step_size: 1 }] }],
    last_updated: new Date().toISOString(),
  };
  const base = { id: 'receiver-tariffs-write', title: 'tariffs Receiver takes a probe tariff and deletes it again', section: 'tariffs: Receiver interface (PUT, DELETE)' };
  const put = await ctx.call('PUT', url, await ctx.render('Tariff', tariff));
  if (!succeeded(put)) return [warn({ ...base, detail: `Refused the probe tariff: ${failureOf(put)}`, exchange: put.exchange })];
  const deleted = await ctx.call('DELETE', url);
  if (!succeeded(deleted)) return [fail({ ...base, detail: `Took the probe tariff ${PROBE_OBJECT_ID} but did not delete it: ${failureOf(deleted)}`, exchange: deleted.exchange })];
  return [pass({ ...base, detail: `PUT and DELETE of tariff ${PROBE_OBJECT_ID} answered 1000`, exchange: deleted.exchange })];
}

/** Across every answer: the envelope's fields and a timestamp in RFC 3339 UTC. */
export function envelopeCases(ctx: CheckContext): CheckCase[] {
  const section = 'transport_and_format: Response format';
  // An answer that is not OCPI comes back as an error with the HTTP response kept in the exchange.
  const notOcpi = ctx.probes.find((p) => p.exchange.response && !p.reply?.envelope);
  const answers = ctx.probes.filter((p) => p.reply?.envelope);
  if (notOcpi) return [fail({ id: 'envelope', title: 'Every answer in the OCPI envelope', section, detail: failureOf(notOcpi), exchange: notOcpi.exchange })];
  const cases = [pass({ id: 'envelope', title: 'Every answer in the OCPI envelope', section, detail: `${answers.length} answers` })];
  const timestampSection = 'types: DateTime (RFC 3339, UTC)';
  const timestamps = answers.map((p) => ({ probe: p, value: p.reply!.envelope!.timestamp as unknown }));
  const invalid = timestamps.find((t) => typeof t.value !== 'string' || !parseOcpiTimestamp(t.value));
  const zoneless = timestamps.find((t) => typeof t.value === 'string' && !/(Z|[+-]\d{2}:\d{2})$/i.test(t.value));
  const id = 'timestamps';
  const title = 'Timestamps in RFC 3339';
  if (invalid && !zoneless) cases.push(fail({ id, title, section: timestampSection, detail: `timestamp ${JSON.stringify(invalid.value)}`, exchange: invalid.probe.exchange }));
  else if (zoneless && ctx.quirks.lenient_timestamps) {
    // Bridged already: the hub reads such times as UTC for this partner.
    cases.push(pass({ id, title, section: timestampSection, detail: `timestamp ${JSON.stringify(zoneless.value)} has no zone; read as UTC (quirk lenient_timestamps)`, exchange: zoneless.probe.exchange }));
  } else if (zoneless) {
    cases.push(warn({ id, title, section: timestampSection, detail: `timestamp ${JSON.stringify(zoneless.value)} has no zone`, exchange: zoneless.probe.exchange, quirk: { lenient_timestamps: true } }));
  } else cases.push(pass({ id, title, section: timestampSection, detail: 'All with a zone' }));
  return cases;
}

/** 2.2.1 answers carry the request's X-Request-ID and X-Correlation-ID back. */
export function headerCases(ctx: CheckContext): CheckCase[] {
  if (ctx.version === '2.1.1') return [];
  const base = { id: 'headers', title: 'X-Request-ID and X-Correlation-ID answered', section: 'transport_and_format: Request/response headers' };
  const lacking = ctx.probes.find((p) => p.reply && (!p.reply.headers['x-request-id'] || !p.reply.headers['x-correlation-id']));
  if (lacking) return [warn({ ...base, detail: `No tracing headers on ${lacking.exchange.request.method} ${lacking.exchange.request.url}`, exchange: lacking.exchange })];
  return [pass({ ...base, detail: 'On every answer' })];
}
