import { callOcpi, OcpiCallError } from '../ocpi/client.js';
import { envelope, type OcpiEnvelope } from '../ocpi/envelope.js';
import { formatParty, type PartyRef } from '../ocpi/headers.js';
import { OcpiStatus } from '../ocpi/status.js';
import { answerInSpecForm, type CheckedAnswer } from './answers.js';
import type { HubContext } from './context.js';
import type { ObjectKind } from '../ocpi/translate/index.js';
import type { TokenType } from '../ocpi/v2_2_1/index.js';
import { CANONICAL_VERSION, translateObject } from './translation.js';
import { blameFor, type Blame, type JournalEntry } from './journal.js';
import { emaidOrUndefined } from '../pnc/emaid.js';
import type { RoutedParty } from './routing.js';
import { isTransit, transitRefusal } from './peering/rules.js';

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
  /** The kind of the (canonical) body, to send it in the receiver's version. */
  bodyKind?: ObjectKind;
  /** The kind of the answer's data, to hand it back canonical whatever the receiver's version. */
  answerKind?: ObjectKind;
  /** The owner that objects of an older version are attributed to when translated. */
  owner?: PartyRef;
  /** For a 2.1.1 AuthorizationInfo, which carries no token: the token asked about. */
  authorizeRequest?: { tokenUid: string; tokenType?: TokenType };
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
  // From memory: a forwarded request (real-time authorization above all) waits for no database.
  const registry = await hub.directory.current();
  const target = registry.target(request.to.platformId, request.module, request.interfaceRole);
  const sender = registry.findParty(request.from.ref, [request.from.role]);
  const requesterRole = roleBlame(request.from.role);
  const responderRole = roleBlame(request.to.role);
  const journal: Omit<JournalEntry, 'url'> = {
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
  if (sender && isTransit(sender.platformId, request.to.platformId, registry.hubs)) {
    const refusal = transitRefusal(request.to.ref);
    const blame = blameFor({ ocpiStatus: refusal.statusCode }, requesterRole, responderRole);
    hub.journalWriter.record({ ...journal, url: '(not sent)', ocpiStatus: refusal.statusCode, blame, error: refusal.message });
    return hubAnswer(refusal.statusCode, refusal.message);
  }
  if (!target?.platform.sealedOutboundToken || request.to.status === 'SUSPENDED' || request.to.status === 'PLANNED') {
    const message = target
      ? `Receiver ${formatParty(request.to.ref)} is not connected`
      : `Receiver ${formatParty(request.to.ref)} offers no ${request.module} ${request.interfaceRole} interface`;
    hub.journalWriter.record({ ...journal, url: '(not sent)', ocpiStatus: OcpiStatus.CONNECTION_PROBLEM, blame: 'HUB', error: message });
    return hubAnswer(OcpiStatus.CONNECTION_PROBLEM, message);
  }
  const version = target.ocpiVersion ?? CANONICAL_VERSION;
  // 2.1.1 knows no routing headers and no token type in URLs.
  const legacy = version === '2.1.1';
  const url = `${target.url.replace(/\/+$/, '')}${legacy ? request.path.replace(/\?type=[^&]*$/, '') : withEmaidType(request, version)}`;
  const owner = request.owner ?? request.to.ref;
  const outbound = request.bodyKind
    ? await translateObject(hub.db, request.bodyKind, CANONICAL_VERSION, version, request.body, { owner })
    : { value: request.body, losses: [] };
  if (outbound.losses.length > 0) journal.notes = { ...journal.notes, losses: outbound.losses };
  journal.requestBody = outbound.value;
  try {
    const reply = await callOcpi({
      method: request.method,
      url,
      token: hub.sealer.open(target.platform.sealedOutboundToken),
      tokenEncoding: target.platform.quirks.token_encoding,
      body: outbound.value,
      routing: legacy ? {} : { to: request.to.ref, from: request.from.ref },
      correlationId: request.correlationId,
      timeoutMs: request.timeoutMs,
      outbound: hub.outbound,
    });
    const ocpiStatus = reply.envelope?.status_code;
    const answer: CheckedAnswer | undefined =
      request.answerKind && ocpiStatus === OcpiStatus.SUCCESS && reply.envelope?.data !== undefined
        ? answerInSpecForm(reply.envelope.data, request.answerKind, version, target.platform.quirks)
        : undefined;
    const invalid = answer?.invalid && `Invalid answer from ${formatParty(request.to.ref)}: ${answer.invalid.path}: ${answer.invalid.message}`;
    const blame = invalid ? responderRole : blameFor({ httpStatus: reply.httpStatus, ocpiStatus }, requesterRole, responderRole);
    hub.journalWriter.record({
      ...journal,
      notes: answer?.rewrites.length ? { ...journal.notes, rewritten: answer.rewrites } : journal.notes,
      url,
      requestId: reply.requestId,
      httpStatus: reply.httpStatus,
      ocpiStatus,
      durationMs: reply.durationMs,
      responseBody: reply.envelope,
      blame,
      error: invalid ?? (blame ? (reply.envelope?.status_message ?? `HTTP ${reply.httpStatus}`) : undefined),
    });
    if (!reply.envelope) {
      return hubAnswer(OcpiStatus.HUB_ERROR, `Receiver answered HTTP ${reply.httpStatus} without an OCPI body`);
    }
    if (invalid) return hubAnswer(OcpiStatus.HUB_ERROR, invalid);
    if (answer) reply.envelope.data = answer.value;
    const headers: Record<string, string> = {};
    for (const name of ['link', 'x-total-count', 'x-limit', 'location']) {
      if (reply.headers[name]) headers[name] = reply.headers[name];
    }
    if (request.answerKind && reply.envelope.data !== undefined && version !== CANONICAL_VERSION) {
      const canonical = await translateObject(hub.db, request.answerKind, version, CANONICAL_VERSION, reply.envelope.data, {
        owner,
        authorizeRequest: request.authorizeRequest,
      });
      reply.envelope.data = canonical.value;
    }
    return { httpStatus: reply.httpStatus, body: reply.envelope, headers, answered: true };
  } catch (error) {
    const timedOut = error instanceof OcpiCallError && error.kind === 'timeout';
    const message = error instanceof Error ? error.message : String(error);
    const notOcpi = error instanceof OcpiCallError && error.kind === 'not-ocpi';
    hub.journalWriter.record({
      ...journal,
      url,
      httpStatus: error instanceof OcpiCallError ? error.reply?.httpStatus : undefined,
      // A party that answers too late is at fault itself: it was reachable, only slow.
      blame: notOcpi || timedOut ? responderRole : 'NETWORK',
      error: message,
      notes: timedOut ? { ...journal.notes, timeout: true } : journal.notes,
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

/**
 * 2.3.0 has TokenType EMAID, which the canonical 2.2.1 carries as OTHER: an OTHER token that is an
 * EMAID with a valid check digit goes to a 2.3.0 eMSP as EMAID again.
 */
function withEmaidType(request: ForwardRequest, version: string): string {
  const token = request.authorizeRequest;
  if (version !== '2.3.0' || token?.tokenType !== 'OTHER' || !emaidOrUndefined(token.tokenUid)?.checkDigit) return request.path;
  return request.path.replace(/\?type=OTHER$/, '?type=EMAID');
}
