import { callOcpi, OcpiCallError, type OcpiReply } from '../ocpi/client.js';
import { formatParty } from '../ocpi/headers.js';
import type { HubContext } from '../hub/context.js';
import { blameFor, record, type Blame } from '../hub/journal.js';
import { getObject, type StoredModule } from '../hub/objects.js';
import { changePlatformStatus } from '../hub/platform-status.js';
import { agreementFor, broadcastRoles, OWNER_ROLE, findParty } from '../hub/routing.js';
import { retryDelayMs, type BackoffPolicy } from './backoff.js';
import { readAfter, type LoggedEvent } from './log.js';
import { loadReceiver, type Receiver } from './receivers.js';
import { objectPath } from './paths.js';
import { inReceiverVersion, type OutboundRequest } from './versions.js';

export interface DeliveryOptions extends BackoffPolicy {
  /** How often idle workers look for work (a push in this process wakes them at once). */
  pollIntervalMs: number;
  /** Events read per receiver per round; coalescing works within a round. */
  batchSize: number;
  /** Consecutive failed attempts after which the receiver's platform is marked OFFLINE. */
  offlineAfterFailures: number;
  /** Receivers served at once by one process. */
  concurrency: number;
  timeoutMs: number;
}

export const DEFAULT_DELIVERY: DeliveryOptions = {
  baseDelayMs: 1_000,
  maxDelayMs: 5 * 60_000,
  pollIntervalMs: 250,
  batchSize: 500,
  offlineAfterFailures: 3,
  concurrency: 8,
  timeoutMs: 10_000,
};

/**
 * A lease is the time one process may serve a receiver before another may take over; it is
 * renewed with every delivery, which never takes longer than the call timeout.
 */
const LEASE_SECONDS = 30;

/** A receiver answering a server error this many times for one event is taken at its word. */
const MAX_SERVER_ERROR_ATTEMPTS = 5;
/**
 * A callback URL (a command result's response_url) that cannot be reached this many times is
 * given up, journaled, so that one dead URL does not hold up the receiver's other deliveries.
 */
const MAX_CALLBACK_ATTEMPTS = 8;

type Outcome = { kind: 'delivered' } | { kind: 'rejected' } | { kind: 'retry'; error: string; serverError?: boolean };

/**
 * Serves receivers from the delivery log. Each receiver is claimed by one process at a time
 * (FOR UPDATE SKIP LOCKED plus a lease), so any number of hub processes share the work and every
 * receiver still gets its events in order.
 */
export class DeliveryWorker {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private wanted = false;
  private stopped = true;
  /** Receivers being served now: each on its own, so a slow one holds up nobody else. */
  private readonly serving = new Set<Promise<void>>();

  constructor(
    private readonly hub: HubContext,
    private readonly options: DeliveryOptions,
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /**
   * An embedded database belongs to one process: leases found at start were left by a previous
   * run that ended without releasing them, and need not be waited out.
   */
  async releaseStaleLeases(): Promise<void> {
    if (this.hub.db.engine === 'pglite') await this.hub.db.query('UPDATE receiver_cursors SET lease_until = NULL');
  }

  /** Asks for a round soon (after a push was accepted). */
  kick(): void {
    if (this.stopped) return;
    if (this.running) this.wanted = true;
    else this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    await Promise.all([...this.serving]);
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.running = this.round()
        .catch(() => undefined)
        .finally(() => {
          this.running = undefined;
          if (this.stopped) return;
          const again = this.wanted;
          this.wanted = false;
          this.schedule(again ? 0 : this.options.pollIntervalMs);
        });
    }, delayMs);
    this.timer.unref();
  }

  /** One round: claim receivers with pending events, as many as there are free places, and start serving them. */
  async round(): Promise<void> {
    const places = this.options.concurrency - this.serving.size;
    if (places <= 0) return;
    const claimed = await this.hub.db.query<{ party: string; last_tx: string; last_seq: number; failures: number }>(
      `UPDATE receiver_cursors c SET lease_until = now() + make_interval(secs => ${LEASE_SECONDS})
       WHERE c.party IN (
         SELECT party FROM receiver_cursors w
         WHERE w.next_attempt_at <= now() AND (w.lease_until IS NULL OR w.lease_until < now())
           AND EXISTS (SELECT 1 FROM events e WHERE (e.tx, e.seq) > (w.last_tx, w.last_seq)
                         AND e.tx < pg_snapshot_xmin(pg_current_snapshot()))
         ORDER BY w.next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED)
       RETURNING c.party, c.last_tx::text AS last_tx, c.last_seq, c.failures`,
      [places],
    );
    for (const cursor of claimed) {
      const job: Promise<void> = this.serve(cursor)
        .catch(() => undefined)
        .finally(() => {
          this.serving.delete(job);
          this.kick();
        });
      this.serving.add(job);
    }
    if (claimed.length === places) this.wanted = true;
  }

  private async serve(cursor: { party: string; last_tx: string; last_seq: number; failures: number }): Promise<void> {
    const receiver = await loadReceiver(this.hub.db, this.hub.sealer, cursor.party);
    const events = await readAfter(this.hub.db, { tx: cursor.last_tx, seq: cursor.last_seq }, this.options.batchSize);
    const relevant: LoggedEvent[] = [];
    if (receiver) {
      for (const event of events) if (await this.isFor(event, receiver)) relevant.push(event);
    }
    // Several changes of one state object in this round: only its latest state is sent.
    const lastOfObject = new Map<string, number>();
    const countOfObject = new Map<string, number>();
    for (const event of relevant.filter((e) => e.coalescible)) {
      const key = objectKey(event);
      lastOfObject.set(key, event.seq);
      countOfObject.set(key, (countOfObject.get(key) ?? 0) + 1);
    }

    // The cursor moves only past delivered events: events coalesced into a later one that then
    // fails are read again, so the receiver still gets the object's whole latest state.
    for (const event of events) {
      if (!receiver || !relevant.includes(event)) continue;
      const key = objectKey(event);
      const count = countOfObject.get(key) ?? 0;
      if (event.coalescible && count > 1 && lastOfObject.get(key) !== event.seq) continue;
      // After a failure the receiver may lack earlier changes: state objects then go whole, as
      // they do to partners that take no PATCH.
      const patchRefused = event.method === 'PATCH' && (receiver.quirks.put_instead_of_patch ?? []).includes(event.module);
      const sendLatest = (event.coalescible || patchRefused) && (count > 1 || cursor.failures > 0 || patchRefused);
      const outcome = await this.deliver(event, receiver, sendLatest, count);
      const attempts = cursor.failures + 1;
      const givingUp =
        outcome.kind === 'retry' &&
        ((outcome.serverError && attempts >= MAX_SERVER_ERROR_ATTEMPTS) || (event.absoluteUrl && attempts >= MAX_CALLBACK_ATTEMPTS));
      if (outcome.kind === 'retry' && !givingUp) return this.failed(cursor, receiver, outcome.error);
      await this.advance(cursor.party, event);
    }
    const last = events.at(-1);
    if (last) await this.advance(cursor.party, last);
    await this.hub.db.query('UPDATE receiver_cursors SET lease_until = NULL, failures = 0, last_error = NULL WHERE party = $1', [
      cursor.party,
    ]);
    if (receiver && receiver.platformStatus === 'OFFLINE' && relevant.length > 0) {
      await changePlatformStatus(this.hub, receiver.platformId, 'CONNECTED', 'deliveries succeed again');
    }
  }

  private async advance(party: string, position: { tx: string; seq: number }): Promise<void> {
    await this.hub.db.query(
      `UPDATE receiver_cursors SET last_tx = $2::xid8, last_seq = $3, lease_until = now() + make_interval(secs => ${LEASE_SECONDS})
       WHERE party = $1`,
      [
        party,
        position.tx,
        position.seq,
      ],
    );
  }

  private async failed(cursor: { party: string; failures: number }, receiver: Receiver, error: string): Promise<void> {
    const failures = cursor.failures + 1;
    await this.hub.db.query(
      `UPDATE receiver_cursors SET failures = $2, last_error = $3, lease_until = NULL,
         next_attempt_at = now() + make_interval(secs => $4::double precision / 1000)
       WHERE party = $1`,
      [cursor.party, failures, error, retryDelayMs(failures, this.options)],
    );
    if (failures >= this.options.offlineAfterFailures && receiver.platformStatus === 'CONNECTED') {
      await changePlatformStatus(this.hub, receiver.platformId, 'OFFLINE', `${failures} deliveries failed in a row: ${error}`);
    }
  }

  /** Whether an event goes to this receiver: its target, or a member of the broadcast audience. */
  private async isFor(event: LoggedEvent, receiver: Receiver): Promise<boolean> {
    if (event.targetParty) return event.targetParty === receiver.id;
    if (!receiver.endpoints.has(event.module)) return false;
    const ownerRole = OWNER_ROLE[event.module];
    if (!broadcastRoles(ownerRole).includes(receiver.role)) return false;
    const owner = await findParty(this.hub.db, event.owner, [ownerRole]);
    if (owner && owner.platformId === receiver.platformId) return false;
    const decision = await agreementFor(this.hub.db, { ref: event.owner, role: ownerRole }, receiver, event.module);
    return decision.allowed;
  }

  private async deliver(event: LoggedEvent, receiver: Receiver, sendLatest: boolean, coalesced: number): Promise<Outcome> {
    let request: OutboundRequest = {
      method: event.method,
      path: event.path,
      body: event.body,
    };
    if (sendLatest) {
      const latest = await this.latestState(event);
      if (!latest) return { kind: 'delivered' };
      request = latest;
    }
    const outcome = await this.send(event, receiver, request, !sendLatest, { coalesced });
    // A PATCH the receiver cannot apply (it lacks the object): send the whole object instead.
    if (outcome.kind === 'rejected' && event.method === 'PATCH' && event.coalescible) {
      const latest = await this.latestState(event);
      if (latest) return this.send(event, receiver, latest, false, { recoveredPatch: true });
    }
    return outcome;
  }

  /** The stored object as one PUT (or DELETE when it is gone), at the object's own URL. */
  private async latestState(event: LoggedEvent): Promise<OutboundRequest | undefined> {
    const stored = await getObject(this.hub.db, event.module as StoredModule, event.owner, event.objectId);
    if (!stored) return undefined;
    const path = objectPath(event.module, event.owner, stored.data);
    return stored.deleted ? { method: 'DELETE', path } : { method: 'PUT', path, body: stored.data };
  }

  /** Sends one request to the receiver in its version; `asSent` when it is the event's own body. */
  private async send(
    event: LoggedEvent,
    receiver: Receiver,
    canonical: OutboundRequest,
    asSent: boolean,
    notes: Record<string, unknown>,
  ): Promise<Outcome> {
    const prepared = await inReceiverVersion(this.hub.db, event, receiver, canonical, asSent);
    const request = 'request' in prepared ? prepared.request : canonical;
    if ('request' in prepared && prepared.losses.length > 0) notes = { ...notes, losses: prepared.losses };
    const base = receiver.endpoints.get(event.module);
    const url = event.absoluteUrl ? request.path : base ? `${base}${request.path}` : undefined;
    const requesterRole = OWNER_ROLE[event.module] as Blame;
    const responderRole = (receiver.role === 'CPO' ? 'CPO' : 'EMSP') as Blame;
    const from = event.targetParty ? event.from : this.hub.config.party;
    const journal = {
      direction: 'OUT' as const,
      correlationId: event.correlationId,
      fromParty: formatParty(from),
      toParty: formatParty(receiver.ref),
      platformId: receiver.platformId,
      module: event.module,
      method: request.method,
      url: url ?? `(no ${event.module} endpoint)`,
      objectId: event.objectId,
      requestBody: request.body,
      notes: { event: event.seq, ...notes },
    };
    if (!url || 'unsupported' in prepared) {
      const error = 'unsupported' in prepared ? prepared.unsupported : `The receiver offers no ${event.module} endpoint`;
      await record(this.hub.db, { ...journal, blame: 'unsupported' in prepared ? 'HUB' : responderRole, error });
      return { kind: 'rejected' };
    }
    let reply: OcpiReply;
    try {
      reply = await callOcpi({
        method: request.method,
        url,
        token: receiver.token,
        tokenEncoding: receiver.quirks.token_encoding,
        body: request.body,
        // 2.1.1 has no routing headers: its connection is the party.
        routing: receiver.ocpiVersion === '2.1.1' ? {} : { to: receiver.ref, from },
        correlationId: event.correlationId,
        timeoutMs: this.options.timeoutMs,
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const reply = error instanceof OcpiCallError ? error.reply : undefined;
      const network = !(error instanceof OcpiCallError) || error.kind !== 'not-ocpi';
      await record(this.hub.db, {
        ...journal,
        httpStatus: reply?.httpStatus,
        durationMs: reply?.durationMs,
        requestId: reply?.requestId,
        blame: network ? 'NETWORK' : responderRole,
        error: message,
      });
      return { kind: 'retry', error: message };
    }
    const ocpiStatus = reply.envelope?.status_code;
    const blame = blameFor({ httpStatus: reply.httpStatus, ocpiStatus }, requesterRole, responderRole);
    await record(this.hub.db, {
      ...journal,
      requestId: reply.requestId,
      httpStatus: reply.httpStatus,
      ocpiStatus,
      durationMs: reply.durationMs,
      responseBody: reply.envelope,
      blame,
      error: blame ? reply.envelope?.status_message ?? `HTTP ${reply.httpStatus}` : undefined,
    });
    if (!blame) return { kind: 'delivered' };
    // The receiver could not take it now (server error, unknown token): try again later.
    if (reply.httpStatus >= 500 || reply.httpStatus === 401 || (ocpiStatus !== undefined && ocpiStatus >= 3000 && ocpiStatus < 4000)) {
      const error = `HTTP ${reply.httpStatus} OCPI ${ocpiStatus ?? '-'} ${reply.envelope?.status_message ?? ''}`.trim();
      // Only an OCPI 3xxx answer means the receiver looked at this event; an HTTP error means it is unavailable.
      return { kind: 'retry', error, serverError: ocpiStatus !== undefined && ocpiStatus >= 3000 };
    }
    return { kind: 'rejected' };
  }
}

function objectKey(event: LoggedEvent): string {
  return `${event.module}|${event.owner.countryCode}*${event.owner.partyId}|${event.objectId}`;
}
