import { randomUUID } from 'node:crypto';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { HubContext } from '../../hub/context.js';
import { redact, type Blame } from '../../hub/journal.js';
import { formatParty } from '../../ocpi/headers.js';
import { OcpiError } from '../../ocpi/status.js';
import { issueToken, type TokenRequest } from '../../pnc/access.js';
import { PncError } from '../../pnc/errors.js';
import { answerDatabaseUnavailable } from '../database-unavailable.js';
import { ccpRoutes } from './ccp-routes.js';
import { issuerOf, stateOf } from './context.js';
import { rcpRoutes } from './rcp-routes.js';
import { webhookRoutes } from './webhook-routes.js';

/** Credentials in OPCP bodies, never journaled. */
const SECRET_FIELDS = new Set(['client_secret', 'access_token', 'secret']);

/**
 * The Open Plug&Charge Protocol interfaces under /opcp: the OAuth2 token endpoint, the root and
 * contract certificate pools and webhooks. Errors take OPCP's shape (`errorMessages`, `traceId`);
 * every call is journaled (module `pnc`) like OCPI traffic.
 */
export async function pncPlugin(app: FastifyInstance, options: { hub: HubContext; adminToken: string }): Promise<void> {
  const { hub, adminToken } = options;

  app.addHook('onRequest', async (request, reply) => {
    reply.header('X-Trace-ID', traceIdOf(request));
  });
  app.addHook('onSend', async (request, _reply, payload) => {
    stateOf(request).responsePayload = payload;
    return payload;
  });
  app.addHook('onResponse', async (request, reply) => journal(hub, request, reply));

  app.setErrorHandler((error: FastifyError | PncError | OcpiError, request, reply) => {
    if (error instanceof PncError) return reply.code(error.httpStatus).send({ errorMessages: error.messages, traceId: traceIdOf(request) });
    // The server's body parser speaks OCPI: an unparseable body is a client error here too.
    if (error instanceof OcpiError) return reply.code(400).send({ errorMessages: [error.message], traceId: traceIdOf(request) });
    const unavailable = answerDatabaseUnavailable(error, request, reply);
    if (unavailable) return reply.send({ errorMessages: [unavailable], traceId: traceIdOf(request) });
    const status = error.statusCode && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) request.log.error(error);
    const message = status === 500 ? 'The hub failed to handle the request' : error.message;
    return reply.code(status).send({ errorMessages: [message], traceId: traceIdOf(request) });
  });

  app.post<{ Body: TokenRequest }>('/oauth/token', async (request) => issueToken(hub.db, issuerOf(hub), request.body ?? {}));
  await rcpRoutes(app, hub, adminToken);
  await ccpRoutes(app, hub);
  await webhookRoutes(app, hub);
}

const traceIds = new WeakMap<FastifyRequest, string>();

function traceIdOf(request: FastifyRequest): string {
  let id = traceIds.get(request);
  if (!id) traceIds.set(request, (id = randomUUID()));
  return id;
}

function withoutSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSecrets);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, SECRET_FIELDS.has(key) ? '[redacted]' : withoutSecrets(inner)]));
}

function parsed(payload: unknown): unknown {
  if (typeof payload !== 'string' || payload === '') return undefined;
  try {
    return JSON.parse(payload);
  } catch {
    return undefined;
  }
}

async function journal(hub: HubContext, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const state = stateOf(request);
  const params = request.params as { emaid?: string; pcid?: string; id?: string } | undefined;
  const requester: Blame = state.client?.role === 'MO' ? 'EMSP' : state.client?.role === 'CPO' ? 'CPO' : 'OTHER';
  const blame = reply.statusCode < 400 ? undefined : reply.statusCode >= 500 ? 'HUB' : requester;
  const response = parsed(state.responsePayload) as { errorMessages?: string[] } | undefined;
  await hub.journalWriter.write({
    direction: 'IN',
    correlationId: traceIdOf(request),
    fromParty: state.client ? formatParty(state.client.party.ref) : undefined,
    toParty: formatParty(hub.config.party),
    platformId: state.client?.party.platformId,
    module: 'pnc',
    method: request.method,
    url: request.url,
    objectId: params?.emaid ?? params?.pcid ?? params?.id,
    httpStatus: reply.statusCode,
    durationMs: reply.elapsedTime,
    blame,
    error: blame ? response?.errorMessages?.join('; ') : undefined,
    requestBody: redact(withoutSecrets(request.body)),
    responseBody: withoutSecrets(response),
  });
}
