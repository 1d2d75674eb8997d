import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { HubContext } from '../../hub/context.js';
import { authenticate, requireRole, type PncClient, type PncRole } from '../../pnc/access.js';
import { PncError } from '../../pnc/errors.js';
import { deliverDueWebhooks } from '../../pnc/webhooks.js';

/** What one OPCP request carries through its hooks: its client, once known, and its answer for the journal. */
export interface PncRequestState {
  client?: PncClient;
  responsePayload?: unknown;
}

const states = new WeakMap<FastifyRequest, PncRequestState>();

export function stateOf(request: FastifyRequest): PncRequestState {
  let state = states.get(request);
  if (!state) states.set(request, (state = {}));
  return state;
}

/** The issuer and audience of the hub's access tokens: its public URL. */
export const issuerOf = (hub: HubContext) => hub.config.publicUrl;

/** The authenticated client of a request, optionally of one role. */
export async function clientOf(hub: HubContext, request: FastifyRequest, role?: PncRole): Promise<PncClient> {
  const state = stateOf(request);
  state.client ??= await authenticate(hub.db, issuerOf(hub), request.headers.authorization);
  if (role) requireRole(state.client, role);
  return state.client;
}

/** The root pool's writes are for the operator (OPCP "Admin"): the admin API's bearer token. */
export function requireOperator(adminToken: string, request: FastifyRequest): void {
  const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
  const digest = (text: string) => createHash('sha256').update(text).digest();
  if (!match || !timingSafeEqual(digest(match[1]), digest(adminToken))) {
    throw new PncError(401, ['Only the hub operator (admin bearer token) changes the root certificate pool']);
  }
}

/** Webhook deliveries go out right after the change that queued them; the hub's timer retries. */
export function deliverSoon(hub: HubContext): void {
  deliverDueWebhooks(hub).catch(() => undefined);
}
