import { callOcpi, OcpiCallError } from '../ocpi/client.js';
import { envelope, type OcpiEnvelope } from '../ocpi/envelope.js';
import { formatParty, type PartyRef } from '../ocpi/headers.js';
import { OcpiStatus } from '../ocpi/status.js';
import type { HubContext } from './context.js';
import type { Quirks } from './quirks.js';
import { blameFor, record, type Blame } from './journal.js';
import type { RoutedParty } from './routing.js';

export interface ForwardRequest {
  /** The party that asked, and the one that answers. */
  from: { ref: PartyRef; role: string };
  to: RoutedParty;
  module: string;
  /** Which of the receiver's interfaces: its Sender (GETs, authorize) or its Receiver (pushes, commands). */
  interfaceRole: 'SENDER' | 'RECEIVER';
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Appended to the receiver's module URL. */
  path: string;
  body?: unknown;
  correlationId: string;
  objectId?: string;
  timeoutMs: number;
  /** Extra facts for the journal entry. */
  notes?: Record<string, unknown>;
}

export interface ForwardResult {
  /** What to answer the requester: the receiver's own reply, or the hub's 4xxx. */
  httpStatus: number;
  body: OcpiEnvelope;
  headers: Record<string, string>;
  /** True when the receiver answered in time (whatever it said). */
  answered: boolean;
}

/**
 * A synchronous request through the hub: sent to the receiver with a fresh request id and the
 * same correlation id, journaled, and its answer relayed. No answer in time is 4002; a receiver
 * that is not registered is 4003.
 */
export async function forward(hub: HubContext, request: ForwardRequest): Promise<ForwardResult> {
  const [target] = await hub.db.query<{ url: string; outbound_token: string | null; status: string; quirks: Quirks }>(
    `SELECT e.url, p.outbound_token, p.status, p.quirks FROM endpoints e JOIN platforms p ON p.id = e.platform_id
     WHERE e.platform_id = $1 AND e.module = $2 AND e.role = $3`,
    [request.to.platformId, request.module, request.interfaceRole],
  );
  const requesterRole = roleBlame(request.from.role);
  const responderRole = roleBlame(request.to.role);
  const journal = {
    direction: 'OUT' as const,
    correlationId: request.correlationId,
    fromParty: formatParty(request.from.ref),
    toParty: formatParty(request.to.ref),
    platformId: request.to.platformId,
    module: request.module,
    method: request.method,
    objectId: request.objectId,
    requestBody: request.body,
    notes: request.notes,
  };
  if (!target?.outbound_token || request.to.status === 'SUSPENDED' || request.to.status === 'PLANNED') {
    const message = target
      ? `Receiver ${formatParty(request.to.ref)} is not connected`
      : `Receiver ${formatParty(request.to.ref)} offers no ${request.module} ${request.interfaceRole} interface`;
    await record(hub.db, { ...journal, url: '(not sent)', ocpiStatus: OcpiStatus.CONNECTION_PROBLEM, blame: 'HUB', error: message });
    return hubAnswer(OcpiStatus.CONNECTION_PROBLEM, message);
  }
  const url = `${target.url.replace(/\/+$/, '')}${request.path}`;
  try {
    const reply = await callOcpi({
      method: request.method,
      url,
      token: hub.sealer.open(target.outbound_token),
      tokenEncoding: target.quirks?.token_encoding,
      body: request.body,
      routing: { to: request.to.ref, from: request.from.ref },
      correlationId: request.correlationId,
      timeoutMs: request.timeoutMs,
    });
    const ocpiStatus = reply.envelope?.status_code;
    const blame = blameFor({ httpStatus: reply.httpStatus, ocpiStatus }, requesterRole, responderRole);
    await record(hub.db, {
      ...journal,
      url,
      requestId: reply.requestId,
      httpStatus: reply.httpStatus,
      ocpiStatus,
      durationMs: reply.durationMs,
      responseBody: reply.envelope,
      blame,
      error: blame ? (reply.envelope?.status_message ?? `HTTP ${reply.httpStatus}`) : undefined,
    });
    if (!reply.envelope) {
      return hubAnswer(OcpiStatus.HUB_ERROR, `Receiver answered HTTP ${reply.httpStatus} without an OCPI body`);
    }
    const headers: Record<string, string> = {};
    for (const name of ['link', 'x-total-count', 'x-limit', 'location']) {
      if (reply.headers[name]) headers[name] = reply.headers[name];
    }
    return { httpStatus: reply.httpStatus, body: reply.envelope, headers, answered: true };
  } catch (error) {
    const timedOut = error instanceof OcpiCallError && error.kind === 'timeout';
    const message = error instanceof Error ? error.message : String(error);
    const notOcpi = error instanceof OcpiCallError && error.kind === 'not-ocpi';
    await record(hub.db, {
      ...journal,
      url,
      httpStatus: error instanceof OcpiCallError ? error.reply?.httpStatus : undefined,
      blame: notOcpi ? responderRole : 'NETWORK',
      error: message,
    });
    if (timedOut) return hubAnswer(OcpiStatus.TIMEOUT_ON_FORWARDED_REQUEST, `No answer from ${formatParty(request.to.ref)} in time`);
    return hubAnswer(OcpiStatus.CONNECTION_PROBLEM, `Cannot reach ${formatParty(request.to.ref)}: ${message}`);
  }
}

function hubAnswer(status: number, message: string): ForwardResult {
  return { httpStatus: 200, body: envelope(status, undefined, message), headers: {}, answered: false };
}

export function roleBlame(role: string): Blame {
  return role === 'CPO' ? 'CPO' : role === 'EMSP' ? 'EMSP' : 'OTHER';
}
