import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { request } from 'undici';
import type { HubContext } from '../hub/context.js';
import { agreementBetween } from '../hub/agreements.js';
import { formatParty, type PartyRef } from '../ocpi/headers.js';
import type { Queryable } from '../store/database.js';
import type { PncClient } from './access.js';
import { PncError } from './errors.js';

/**
 * Webhooks (OPCP webhooks.v1): clients register endpoints for the events the hub produces; each
 * event is queued for every entitled endpoint in the transaction that caused it, then POSTed with
 * an HMAC-SHA256 signature. Server errors and network failures are retried (OPCP "Error
 * handling": three retries an hour apart); other answers end the delivery.
 */

/** The events this hub produces. */
export const PRODUCED_EVENTS = ['oem.contract.created', 'oem.contract.updated', 'oem.contract.deleted', 'root.cert.added'] as const;
export type PncEventType = (typeof PRODUCED_EVENTS)[number];

/** Retries after the first attempt. */
export const MAX_RETRIES = 3;
export const DEFAULT_RETRY_MS = 60 * 60_000;
const DELIVERY_TIMEOUT_MS = 10_000;
const LEASE_SECONDS = 60;

export interface PncEvent {
  eventId: string;
  eventType: PncEventType;
  timestamp: string;
  xsdMsgDefNamespace: string;
  payload: Record<string, unknown>;
}

/** Who may receive an event: every client, or the contract owner's MOs and the CPOs that roam with it. */
export type EventAudience = { kind: 'ALL' } | { kind: 'CONTRACT'; owner: PartyRef; provider: string };

interface WebhookRow {
  id: string;
  client_id: string;
  url: string;
  description: string | null;
  enabled_events: string[];
  status: 'enabled' | 'disabled';
  metadata: Record<string, unknown>;
  secret: string;
  created_at: Date;
}

export interface EndpointInput {
  url?: unknown;
  enabledEvents?: unknown;
  description?: unknown;
  status?: unknown;
  metadata?: unknown;
}

function checkedEndpoint(input: EndpointInput, existing?: WebhookRow) {
  const url = input.url ?? existing?.url;
  if (typeof url !== 'string' || !/^https?:\/\/\S+$/.test(url)) throw PncError.invalid('url: an http(s) URL is required');
  const events = input.enabledEvents ?? existing?.enabled_events;
  if (!Array.isArray(events) || events.length === 0) throw PncError.invalid('enabledEvents: a non-empty list of events is required');
  const unknown = events.find((event) => !PRODUCED_EVENTS.includes(event as PncEventType));
  if (unknown !== undefined) throw PncError.invalid(`enabledEvents: the hub produces no event ${String(unknown)}; it produces ${PRODUCED_EVENTS.join(', ')}`);
  const status = input.status ?? existing?.status ?? 'enabled';
  if (status !== 'enabled' && status !== 'disabled') throw PncError.invalid('status: enabled or disabled');
  const metadata = input.metadata ?? existing?.metadata ?? {};
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) throw PncError.invalid('metadata: an object is required');
  const description = input.description ?? existing?.description ?? null;
  if (description !== null && typeof description !== 'string') throw PncError.invalid('description: a string is required');
  return { url, events: events as string[], status, metadata, description };
}

export async function createEndpoint(hub: HubContext, client: PncClient, input: EndpointInput) {
  const endpoint = checkedEndpoint(input);
  const secret = randomBytes(24).toString('base64url');
  const [row] = await hub.db.query<WebhookRow>(
    `INSERT INTO pnc_webhooks (id, client_id, url, description, enabled_events, status, metadata, secret)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *`,
    [randomUUID(), client.clientId, endpoint.url, endpoint.description, endpoint.events, endpoint.status, JSON.stringify(endpoint.metadata), hub.sealer.seal(secret)],
  );
  return endpointView(hub, row, client);
}

export async function listEndpoints(hub: HubContext, client: PncClient) {
  const rows = await hub.db.query<WebhookRow>('SELECT * FROM pnc_webhooks WHERE client_id = $1 ORDER BY created_at, id', [client.clientId]);
  return rows.map((row) => endpointView(hub, row, client));
}

async function ownEndpoint(db: Queryable, client: PncClient, id: string): Promise<WebhookRow> {
  const rows = /^[0-9a-f-]{36}$/i.test(id)
    ? await db.query<WebhookRow>('SELECT * FROM pnc_webhooks WHERE id = $1 AND client_id = $2', [id, client.clientId])
    : [];
  if (!rows[0]) throw PncError.notFound(`No webhook endpoint ${id}`);
  return rows[0];
}

export async function getEndpoint(hub: HubContext, client: PncClient, id: string) {
  return endpointView(hub, await ownEndpoint(hub.db, client, id), client);
}

export async function updateEndpoint(hub: HubContext, client: PncClient, id: string, input: EndpointInput) {
  const existing = await ownEndpoint(hub.db, client, id);
  if (input.url === undefined) throw PncError.invalid('url: an http(s) URL is required');
  const endpoint = checkedEndpoint(input, existing);
  const [row] = await hub.db.query<WebhookRow>(
    `UPDATE pnc_webhooks SET url = $2, description = $3, enabled_events = $4, status = $5, metadata = $6 WHERE id = $1 RETURNING *`,
    [id, endpoint.url, endpoint.description, endpoint.events, endpoint.status, JSON.stringify(endpoint.metadata)],
  );
  return endpointView(hub, row, client);
}

export async function deleteEndpoint(hub: HubContext, client: PncClient, id: string): Promise<void> {
  await ownEndpoint(hub.db, client, id);
  await hub.db.query('DELETE FROM pnc_webhooks WHERE id = $1', [id]);
}

/** OPCP's EndpointResponse; the secret is shown to its owner so that it can check signatures. */
function endpointView(hub: HubContext, row: WebhookRow, client: PncClient) {
  return {
    id: row.id,
    apiVersion: 'v1',
    created: Math.floor(new Date(row.created_at).getTime() / 1000),
    description: row.description ?? undefined,
    enabledEvents: row.enabled_events,
    metadata: row.metadata,
    status: row.status,
    url: row.url,
    secret: hub.sealer.open(row.secret),
    providerIds: client.providerIds,
    userRole: client.role,
    userName: formatParty(client.party.ref),
  };
}

/** Queues an event for every enabled endpoint that subscribed to it and may see it. */
export async function enqueueEvent(
  tx: Queryable,
  type: PncEventType,
  namespace: string,
  payload: Record<string, unknown>,
  audience: EventAudience,
): Promise<void> {
  const event: PncEvent = { eventId: randomUUID(), eventType: type, timestamp: new Date().toISOString(), xsdMsgDefNamespace: namespace, payload };
  const subscribers = await tx.query<{ id: string; role: string; provider_ids: string[]; country_code: string; party_id: string }>(
    `SELECT w.id, c.role, c.provider_ids, p.country_code, p.party_id
     FROM pnc_webhooks w JOIN pnc_clients c ON c.client_id = w.client_id JOIN parties p ON p.id = c.party
     WHERE w.status = 'enabled' AND $1 = ANY(w.enabled_events)`,
    [type],
  );
  for (const subscriber of subscribers) {
    if (!(await entitled(tx, subscriber, audience))) continue;
    await tx.query('INSERT INTO pnc_webhook_deliveries (webhook_id, event) VALUES ($1, $2)', [subscriber.id, JSON.stringify(event)]);
  }
}

async function entitled(
  db: Queryable,
  subscriber: { role: string; provider_ids: string[]; country_code: string; party_id: string },
  audience: EventAudience,
): Promise<boolean> {
  if (audience.kind === 'ALL') return true;
  if (subscriber.role === 'MO') return subscriber.provider_ids.includes(audience.provider);
  const cpo = { countryCode: subscriber.country_code, partyId: subscriber.party_id };
  return (await agreementBetween(db, cpo, audience.owner, 'tokens')).allowed;
}

export function signature(body: string, secret: string): string {
  return createHmac('sha256', secret).update(body, 'utf8').digest('hex');
}

interface DueDelivery {
  id: string;
  attempts: number;
  event: PncEvent;
  url: string;
  secret: string;
}

/** Sends every due delivery once. Rows are leased, so concurrent runs never send one twice. */
export async function deliverDueWebhooks(hub: HubContext): Promise<void> {
  const due = await hub.db.query<DueDelivery>(
    `UPDATE pnc_webhook_deliveries d SET lease_until = now() + make_interval(secs => $1)
     FROM pnc_webhooks w
     WHERE d.webhook_id = w.id AND d.id IN (
       SELECT id FROM pnc_webhook_deliveries WHERE status = 'PENDING' AND next_attempt_at <= now()
         AND (lease_until IS NULL OR lease_until < now()) ORDER BY id LIMIT 50 FOR UPDATE SKIP LOCKED)
     RETURNING d.id, d.attempts, d.event, w.url, w.secret`,
    [LEASE_SECONDS],
  );
  for (const delivery of due) await deliver(hub, delivery);
}

async function deliver(hub: HubContext, delivery: DueDelivery): Promise<void> {
  const body = JSON.stringify(delivery.event);
  const digest = signature(body, hub.sealer.open(delivery.secret));
  const started = Date.now();
  let httpStatus: number | undefined;
  let error: string | undefined;
  try {
    // A subscriber's URL is partner-supplied: it passes the outbound guard like every other.
    hub.outbound.allowOutboundUrl(delivery.url);
    const response = await request(delivery.url, {
      method: 'POST',
      dispatcher: hub.outbound.dispatcher,
      body,
      headers: { 'content-type': 'application/json', 'payload-signature': digest, 'x-hubject-signature': `sha256=${digest}` },
      headersTimeout: DELIVERY_TIMEOUT_MS,
      bodyTimeout: DELIVERY_TIMEOUT_MS,
    });
    httpStatus = response.statusCode;
    await response.body.dump();
  } catch (failure) {
    error = (failure as Error).message;
  }
  const attempts = delivery.attempts + 1;
  const delivered = httpStatus !== undefined && httpStatus >= 200 && httpStatus < 300;
  const retryable = !delivered && (httpStatus === undefined || httpStatus >= 500) && attempts <= MAX_RETRIES;
  const status = delivered ? 'DELIVERED' : retryable ? 'PENDING' : 'FAILED';
  const lastError = delivered ? null : (error ?? `HTTP ${httpStatus}`);
  const retryMs = hub.config.webhookRetryMs ?? DEFAULT_RETRY_MS;
  await hub.db.query(
    `UPDATE pnc_webhook_deliveries SET status = $2, attempts = $3, last_error = $4, lease_until = NULL,
       next_attempt_at = now() + make_interval(secs => $5) WHERE id = $1`,
    [delivery.id, status, attempts, lastError, retryMs / 1000],
  );
  await hub.journalWriter.write({
    direction: 'OUT',
    fromParty: formatParty(hub.config.party),
    module: 'pnc',
    method: 'POST',
    url: delivery.url,
    objectId: String(delivery.event.payload.emaid ?? delivery.event.payload.rootCertificateId ?? ''),
    httpStatus,
    durationMs: Date.now() - started,
    blame: delivered ? undefined : httpStatus === undefined ? 'NETWORK' : 'OTHER',
    error: lastError ?? undefined,
    requestBody: delivery.event,
    notes: { webhook: delivery.event.eventType, attempt: attempts, outcome: status },
  });
}
