import { createHash } from 'node:crypto';
import { callOcpi, OcpiCallError, type OcpiReply } from '../ocpi/client.js';
import { formatParty } from '../ocpi/headers.js';
import type { HubContext } from '../hub/context.js';
import { blameFor, type Blame, type JournalEntry } from '../hub/journal.js';
import type { JournalWriter } from '../hub/journal-writer.js';
import { getObjectWithSnapshot, type StoredModule } from '../hub/objects.js';
import { OWNER_ROLE } from '../hub/routing.js';
import type { LoggedEvent } from '../store/event-log.js';
import { classifyReply, type Outcome } from './outcome.js';
import { objectPath } from './paths.js';
import type { Receiver } from './receivers.js';
import { SeenTransactions } from './seen-transactions.js';
import { inReceiverVersion, type OutboundRequest } from './versions.js';

/**
 * What an attempt did, with the answer's details for the record of a held event; `stateSeen` when
 * it sent the object's stored state: the transactions whose changes that state contains.
 */
export type Attempt = (Outcome | { kind: 'skipped' }) & { httpStatus?: number; ocpiStatus?: number; blame?: Blame; stateSeen?: SeenTransactions };

/** An object's stored state as one request, with the transactions it contains. */
interface LatestState {
  request: OutboundRequest;
  seen: SeenTransactions;
}

/** Modules the hub does not store: their events carry their whole state. */
const UNSTORED = new Set(['hubclientinfo']);

/**
 * Delivered bodies as JSON, by identity: a change goes to the receivers of one version as one body
 * object (the logged event's, or its state read once for the round), never changed once built, so
 * it is serialised once rather than once per receiver.
 */
const jsonOfBodies = new WeakMap<object, string>();

function jsonOf(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return body === undefined ? undefined : JSON.stringify(body);
  let json = jsonOfBodies.get(body);
  if (json === undefined) {
    json = JSON.stringify(body);
    jsonOfBodies.set(body, json);
  }
  return json;
}

/**
 * Sends one event (or an object's latest state) to one receiver in its OCPI version, and journals
 * the exchange through the buffered writer.
 */
export class Sender {
  /**
   * Latest states being read, by object and event: every receiver at the same place in the log
   * wants the same one, and the database is asked once.
   */
  private readonly latestReads = new Map<string, Promise<LatestState | undefined>>();

  constructor(
    private readonly hub: HubContext,
    private readonly journal: JournalWriter,
    private readonly timeoutMs: number,
    /** Resolves when a delivery may start (deliveries give way to requests: worker.ts). */
    private readonly turnToDeliver: () => Promise<void> = async () => undefined,
  ) {}

  /**
   * `sendLatest`: the object's stored state as one PUT (or DELETE) instead of the event's own
   * request — after coalescing, after a failure, or for partners that take no PATCH.
   */
  async deliver(event: LoggedEvent, receiver: Receiver, sendLatest: boolean, notes: Record<string, unknown>): Promise<Attempt> {
    await this.journal.room();
    await this.turnToDeliver();
    if (sendLatest && !UNSTORED.has(event.module)) {
      const latest = await this.latestState(event);
      if (!latest) return { kind: 'skipped' };
      return { ...(await this.send(event, receiver, latest.request, false, notes)), stateSeen: latest.seen };
    }
    const attempt = await this.send(event, receiver, { method: event.method, path: event.path, body: event.body }, true, notes);
    // A PATCH the receiver cannot apply (it lacks the object): send the whole object instead.
    if (attempt.kind === 'refused' && event.method === 'PATCH' && event.coalescible) {
      const latest = await this.latestState(event);
      if (latest) return { ...(await this.send(event, receiver, latest.request, false, { ...notes, recoveredPatch: true })), stateSeen: latest.seen };
    }
    return attempt;
  }

  /** The stored object as one PUT (or DELETE when it is gone), at the object's own URL. */
  private latestState(event: LoggedEvent): Promise<LatestState | undefined> {
    const key = `${event.module}|${event.owner.countryCode}*${event.owner.partyId}|${event.objectId}@${event.seq}`;
    let read = this.latestReads.get(key);
    if (!read) {
      read = this.readLatestState(event);
      this.latestReads.set(key, read);
      // Kept while the receivers of this round ask for it; a later event makes a new key anyway.
      const forget = () => setTimeout(() => this.latestReads.delete(key), 1_000).unref();
      read.then(forget, () => this.latestReads.delete(key));
    }
    return read;
  }

  private async readLatestState(event: LoggedEvent): Promise<LatestState | undefined> {
    const read = await getObjectWithSnapshot(this.hub.db, event.module as StoredModule, event.owner, event.objectId);
    if (!read) return undefined;
    const { object, snapshot } = read;
    const path = objectPath(event.module, event.owner, object.data);
    const request: OutboundRequest = object.deleted ? { method: 'DELETE', path } : { method: 'PUT', path, body: object.data };
    return { request, seen: SeenTransactions.parse(snapshot) };
  }

  /** Sends one request to the receiver in its version; `asSent` when it is the event's own body. */
  private async send(
    event: LoggedEvent,
    receiver: Receiver,
    canonical: OutboundRequest,
    asSent: boolean,
    notes: Record<string, unknown>,
  ): Promise<Attempt> {
    const prepared = await inReceiverVersion(this.hub.db, event, receiver, canonical, asSent);
    const request = 'request' in prepared ? prepared.request : canonical;
    if ('request' in prepared && prepared.losses.length > 0) notes = { ...notes, losses: prepared.losses };
    const base = receiver.endpoints.get(event.module);
    const url = event.absoluteUrl ? request.path : base ? `${base}${request.path}` : undefined;
    const requesterRole = (OWNER_ROLE[event.module] ?? 'OTHER') as Blame;
    const responderRole = (receiver.role === 'CPO' ? 'CPO' : 'EMSP') as Blame;
    const configuration = UNSTORED.has(event.module);
    // A broadcast comes FROM the hub, except through a neighbouring hub, which routes by the original sender.
    const from = event.targetParty || configuration || receiver.viaNeighbour ? event.from : this.hub.config.party;
    const requestId = deliveryRequestId(receiver.id, event.seq);
    const fromParty = formatParty(from);
    const toParty = formatParty(receiver.ref);
    const entryNotes = { event: event.seq, ...notes };
    // Every field named in one literal: a base entry spread into each outcome made a slow copy per delivery.
    const entry = (outcome: HopOutcome): JournalEntry => ({
      direction: 'OUT',
      correlationId: event.correlationId,
      requestId,
      fromParty,
      toParty,
      platformId: receiver.platformId,
      module: event.module,
      method: request.method,
      url: url ?? `(no ${event.module} endpoint)`,
      objectId: event.objectId,
      httpStatus: outcome.httpStatus,
      ocpiStatus: outcome.ocpiStatus,
      durationMs: outcome.durationMs,
      blame: outcome.blame,
      error: outcome.error,
      requestBody: request.body,
      responseBody: outcome.responseBody,
      notes: entryNotes,
    });
    if (!url || 'unsupported' in prepared) {
      const error = 'unsupported' in prepared ? prepared.unsupported : `The receiver offers no ${event.module} endpoint`;
      this.journal.record(entry({ blame: 'unsupported' in prepared ? 'HUB' : responderRole, error }));
      return { kind: 'skipped' };
    }
    let reply: OcpiReply;
    try {
      reply = await callOcpi({
        method: request.method,
        url,
        token: receiver.token,
        tokenEncoding: receiver.quirks.token_encoding,
        json: jsonOf(request.body),
        // 2.1.1 has no routing headers (its connection is the party), nor do configuration modules.
        routing: receiver.ocpiVersion === '2.1.1' || configuration ? {} : { to: receiver.ref, from },
        correlationId: event.correlationId,
        requestId,
        timeoutMs: this.timeoutMs,
        outbound: this.hub.outbound,
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const answer = error instanceof OcpiCallError ? error.reply : undefined;
      const network = !(error instanceof OcpiCallError) || error.kind !== 'not-ocpi';
      const blame = network ? 'NETWORK' : responderRole;
      this.journal.record(entry({ httpStatus: answer?.httpStatus, durationMs: answer?.durationMs, blame, error: message }));
      // An answer that is not OCPI is judged by its HTTP status (a plain 404 page is a refusal).
      const outcome = answer ? classifyReply(answer) : { kind: 'transient' as const, error: message };
      return { ...outcome, error: message, httpStatus: answer?.httpStatus, blame } as Attempt;
    }
    const ocpiStatus = reply.envelope?.status_code;
    const blame = blameFor({ httpStatus: reply.httpStatus, ocpiStatus }, requesterRole, responderRole);
    this.journal.record(
      entry({
        httpStatus: reply.httpStatus,
        ocpiStatus,
        durationMs: reply.durationMs,
        responseBody: reply.envelope,
        blame,
        error: blame ? reply.envelope?.status_message ?? `HTTP ${reply.httpStatus}` : undefined,
      }),
    );
    if (!blame) return { kind: 'delivered', httpStatus: reply.httpStatus, ocpiStatus };
    // 401: the receiver does not know the hub's token now (credentials being renewed), which is no verdict on this event.
    const outcome = reply.httpStatus === 401 ? { kind: 'transient' as const, error: 'HTTP 401' } : classifyReply(reply);
    return { ...outcome, httpStatus: reply.httpStatus, ocpiStatus, blame };
  }
}

/** What an attempt's journal entry says of its outcome. */
type HopOutcome = Pick<JournalEntry, 'httpStatus' | 'ocpiStatus' | 'durationMs' | 'responseBody' | 'blame' | 'error'>;

/**
 * The X-Request-ID of an event's delivery to a receiver: every attempt of the same delivery (a
 * retry, or a resend after a crash) carries the same id, so that a receiver can recognise a
 * message it already has. A UUID (version 8): the first 80 bits come from a hash of the receiver,
 * the last 48 are the event's number mixed with the hash's own, so ids of one receiver never repeat
 * and hashing is done once per receiver rather than once per delivery.
 */
export function deliveryRequestId(receiver: string, seq: number): string {
  let prefix = receiverPrefixes.get(receiver);
  if (prefix === undefined) {
    const hex = createHash('sha256').update(receiver).digest('hex');
    const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
    prefix = {
      text: `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-`,
      mixHigh: parseInt(hex.slice(20, 24), 16),
      mixLow: parseInt(hex.slice(24, 32), 16),
    };
    if (receiverPrefixes.size >= 10_000) receiverPrefixes.clear();
    receiverPrefixes.set(receiver, prefix);
  }
  // The event's number XOR the hash's last 48 bits, in two parts: JavaScript's XOR takes 32 bits.
  const number = seq % 2 ** 48;
  const high = Math.floor(number / 2 ** 32) ^ prefix.mixHigh;
  const low = ((number % 2 ** 32) ^ prefix.mixLow) >>> 0;
  return `${prefix.text}${high.toString(16).padStart(4, '0')}${low.toString(16).padStart(8, '0')}`;
}

const receiverPrefixes = new Map<string, { text: string; mixHigh: number; mixLow: number }>();
