import type { Database } from '../store/database.js';
import { readEvents, type Cursor, type LoggedEvent } from '../store/event-log.js';
import { retryDelayMs, type BackoffPolicy } from './backoff.js';
import type { Snapshot } from './directory.js';
import { loadHolds, readCursor, type Hold, type Progress } from './holds.js';
import { REFUSALS_TO_PARK } from './outcome.js';
import type { Receiver } from './receivers.js';
import type { Attempt, Sender } from './sender.js';
import { StatesSent } from './states-sent.js';

export interface LaneOptions extends BackoffPolicy {
  /** Requests in flight at once to one receiver (state objects; sessions and CDRs go one by one). */
  perReceiverConcurrency: number;
}

/** How often a lane holding parked events looks for the operator's retries and drops. */
const PARKED_CHECK_MS = 2_000;

interface Entry {
  event: LoggedEvent;
  hold?: Hold;
}

/** What a batch did, for the worker to record and act on. */
export interface BatchResult {
  progress: Progress;
  delivered: number;
  /** Attempts that failed transiently in a row, across batches. */
  failureStreak: number;
  /**
   * Nothing in the batch was for this receiver and it held nothing back: reading its events again
   * (after a restart, or in another process) would send nothing, so its cursor need not be written at once.
   */
  quiet: boolean;
}

/**
 * One receiver's deliveries, served by one process at a time. Each batch takes the events after
 * the receiver's cursor plus the events held back for it, and then:
 * - state objects (locations, tariffs, tokens) go several at a time, each as one delivery of its
 *   latest state when it changed more than once or failed before;
 * - sessions, CDRs and results go one by one in log order, and a failure holds back only later
 *   events of the same object;
 * - a receiver that is unreachable (no answer, HTTP 5xx, 408, 429) pauses until the failed
 *   event's next attempt, and what the batch did not reach is held, in order, for then.
 * The cursor moves to the end of the batch: every event before it was delivered or is held.
 */
export class ReceiverLane {
  busy = false;
  /** Epoch ms before which the receiver is left alone (backoff, Retry-After). */
  pausedUntil = 0;
  private failureStreak = 0;
  private parkedCheckedAt = 0;
  private readonly heldEvents = new Map<number, LoggedEvent>();
  /** Objects this receiver got whole: the logged changes they contained are not sent again. */
  private readonly statesSent = new StatesSent();

  private constructor(
    readonly party: string,
    public cursor: Cursor,
    private holds: Hold[],
  ) {}

  static async open(db: Database, party: string): Promise<ReceiverLane | undefined> {
    const cursor = await readCursor(db, party);
    if (!cursor) return undefined;
    return new ReceiverLane(party, cursor, await loadHolds(db, party));
  }

  /**
   * Whether held events are due: the first held event of an object, when it is not parked and
   * its time has come (later events of an object wait for the first).
   */
  hasDueHolds(now: number): boolean {
    const seen = new Set<string>();
    for (const hold of this.holds) {
      if (seen.has(hold.objectKey)) continue;
      seen.add(hold.objectKey);
      if (hold.state !== 'PARKED' && hold.nextAttemptAt <= now) return true;
    }
    return false;
  }

  /**
   * Parked events change only by the operator's hand, possibly through another hub process: a
   * lane holding some looks at the database now and then.
   */
  async refreshParked(db: Database, now: number): Promise<void> {
    if (now - this.parkedCheckedAt < PARKED_CHECK_MS || !this.holds.some((hold) => hold.state === 'PARKED')) return;
    this.parkedCheckedAt = now;
    this.holds = await loadHolds(db, this.party);
  }

  async serve(
    db: Database,
    sender: Sender,
    snapshot: Snapshot,
    events: LoggedEvent[],
    upTo: Cursor | undefined,
    options: LaneOptions,
  ): Promise<BatchResult> {
    const now = Date.now();
    // Holds may have been retried or dropped by the operator since: the database has the last word.
    if (this.holds.length > 0) this.holds = await loadHolds(db, this.party);
    const missing = this.holds.filter((hold) => !this.heldEvents.has(hold.seq)).map((hold) => hold.seq);
    for (const event of await readEvents(db, missing)) this.heldEvents.set(event.seq, event);

    const receiver = snapshot.receivers.get(this.party);
    const held = new Map<number, Hold>();
    const released = new Set<number>();
    const holdsBySeq = new Map(this.holds.map((hold) => [hold.seq, hold]));
    this.statesSent.forgetPassed(this.cursor.tx);
    const entries: Entry[] = [];
    const add = (entry: Entry) => {
      if (this.statesSent.holds(objectKey(entry.event), entry.event.tx)) {
        // The receiver has this change already, inside a whole state sent before.
        if (entry.hold) released.add(entry.event.seq);
        return;
      }
      entries.push(entry);
    };
    for (const hold of this.holds) {
      const event = this.heldEvents.get(hold.seq);
      if (event) add({ event, hold });
      else released.add(hold.seq);
    }
    let forReceiver = 0;
    if (receiver) {
      for (const event of events) {
        if (holdsBySeq.has(event.seq) || !snapshot.isFor(event, receiver)) continue;
        forReceiver++;
        add({ event });
      }
    }
    const { chains, evseChains } = chainsOf(entries, receiver?.quirks.put_instead_of_patch?.includes('locations') ?? false);

    let delivered = 0;
    let pauseUntil = 0;
    const hold = (entry: Entry, change: Partial<Hold>) => {
      const next: Hold = {
        seq: entry.event.seq,
        objectKey: objectKey(entry.event),
        state: 'WAITING',
        attempts: 0,
        nextAttemptAt: now,
        ...entry.hold,
        ...change,
      };
      held.set(next.seq, next);
      released.delete(next.seq);
    };
    const release = (entry: Entry) => {
      if (entry.hold) released.add(entry.event.seq);
      held.delete(entry.event.seq);
    };
    /** Records an attempt's result; true when later events of the object may go on. */
    const settle = (entry: Entry, attempt: Attempt, related: Entry[] = []): boolean => {
      if (attempt.kind === 'delivered' || attempt.kind === 'skipped') {
        for (const e of [entry, ...related]) release(e);
        if (attempt.kind === 'delivered') delivered++;
        if (attempt.kind === 'delivered' && attempt.stateSeen) this.statesSent.remember(objectKey(entry.event), attempt.stateSeen);
        this.failureStreak = 0;
        return true;
      }
      const attempts = (entry.hold?.attempts ?? 0) + 1;
      const backoff = now + retryDelayMs(attempts, options);
      const details = { httpStatus: attempt.httpStatus, ocpiStatus: attempt.ocpiStatus, blame: attempt.blame, error: attempt.error };
      for (const e of related) release(e);
      if (attempt.kind === 'transient') {
        const nextAttemptAt = Math.max(backoff, attempt.notBeforeMs ?? 0);
        hold(entry, { state: 'RETRY', attempts, nextAttemptAt, ...details });
        this.failureStreak++;
        // Without an OCPI answer for this object, the receiver itself is unavailable.
        const answered = attempt.ocpiStatus !== undefined && (attempt.httpStatus ?? 0) < 400;
        if (!answered) pauseUntil = Math.max(pauseUntil, nextAttemptAt);
      } else {
        const park = attempt.final || attempts >= REFUSALS_TO_PARK;
        hold(entry, { state: park ? 'PARKED' : 'RETRY', attempts, nextAttemptAt: park ? now : backoff, ...details });
      }
      return false;
    };
    const isBlocked = (head: Entry) =>
      head.hold !== undefined && (head.hold.state === 'PARKED' || (head.hold.state === 'RETRY' && head.hold.nextAttemptAt > now));

    const stateChains: Entry[][] = [];
    const ordered: Entry[] = [];
    const blockedObjects = new Set<string>();
    for (const [key, chain] of chains) {
      if (!chain[0].event.coalescible) {
        if (isBlocked(chain[0])) blockedObjects.add(key);
        ordered.push(...chain);
        continue;
      }
      const last = chain.at(-1)!;
      if (chain.length === 1 && isBlocked(last)) continue;
      // A newer full state supersedes a parked one; a retry not yet due takes the newer state along.
      if (chain[0].hold?.state === 'RETRY' && isBlocked(chain[0])) {
        for (const e of chain.slice(0, -1)) release(e);
        hold(last, { ...chain[0].hold, seq: last.event.seq, state: 'RETRY' });
        continue;
      }
      stateChains.push(chain);
    }
    ordered.sort((a, b) => a.event.seq - b.event.seq);

    const patchRefused = (event: LoggedEvent) =>
      event.method === 'PATCH' && (receiver?.quirks.put_instead_of_patch ?? []).includes(event.module);
    const unreachable = () => pauseUntil > 0;

    const runOrdered = async () => {
      for (const entry of ordered) {
        const key = objectKey(entry.event);
        if (blockedObjects.has(key) || unreachable() || !receiver) {
          if (!entry.hold) hold(entry, { state: 'WAITING' });
          blockedObjects.add(key);
          continue;
        }
        if (this.statesSent.holds(key, entry.event.tx)) {
          release(entry); // sent just now, inside the object's whole state
          continue;
        }
        const attempt = await sender.deliver(entry.event, receiver, patchRefused(entry.event), { attempt: (entry.hold?.attempts ?? 0) + 1 });
        if (!settle(entry, attempt)) blockedObjects.add(key);
      }
    };
    const runStates = async () => {
      let next = 0;
      const worker = async () => {
        while (next < stateChains.length) {
          const chain = stateChains[next++];
          const last = chain.at(-1)!;
          if (unreachable() || !receiver) {
            for (const e of chain.slice(0, -1)) release(e);
            if (!last.hold) hold(last, { state: 'WAITING' });
            continue;
          }
          const head = chain.find((e) => e.hold) ?? last;
          const evse = evseChains.has(chain) ? mergedPatches(chain) : undefined;
          // After coalescing or a failure the receiver may lack earlier changes: the object goes whole.
          const sendLatest = !evse && (chain.length > 1 || chain.some((e) => e.hold) || patchRefused(last.event));
          const attempt = await sender.deliver(evse ?? last.event, receiver, sendLatest, { coalesced: chain.length });
          // A newer state of a parked object is a new delivery, with attempts of its own.
          const fresh = head.hold?.state === 'PARKED' && head !== last;
          const carried: Entry = { event: last.event, hold: head.hold && { ...head.hold, seq: last.event.seq, attempts: fresh ? 0 : head.hold.attempts } };
          settle(carried, attempt, chain.filter((e) => e !== last));
        }
      };
      await Promise.all(Array.from({ length: Math.max(1, options.perReceiverConcurrency) }, worker));
    };
    await Promise.all([runOrdered(), runStates()]);

    if (pauseUntil > 0) this.pausedUntil = pauseUntil;
    return {
      progress: { party: this.party, cursor: upTo, held: [...held.values()], released: [...released] },
      delivered,
      failureStreak: this.failureStreak,
      // Without holds and events for the receiver there were no entries, so nothing was held or released.
      quiet: forReceiver === 0 && this.holds.length === 0,
    };
  }

  /** Takes a batch's recorded progress as the lane's own. */
  committed(progress: Progress): void {
    if (progress.cursor) this.cursor = progress.cursor;
    if (progress.held.length === 0 && progress.released.length === 0) return;
    const bySeq = new Map(this.holds.map((hold) => [hold.seq, hold]));
    for (const seq of progress.released) {
      bySeq.delete(seq);
      this.heldEvents.delete(seq);
    }
    for (const hold of progress.held) bySeq.set(hold.seq, hold);
    this.holds = [...bySeq.values()].sort((a, b) => a.seq - b.seq);
  }

  rememberEvents(events: LoggedEvent[], progress: Progress): void {
    const heldSeqs = new Set(progress.held.map((hold) => hold.seq));
    for (const event of events) if (heldSeqs.has(event.seq)) this.heldEvents.set(event.seq, event);
  }
}

/**
 * Groups a batch's entries by object, each chain in log order. An EVSE's PATCHes form a chain of
 * their own when every entry of its Location is an EVSE PATCH not held before: they go as PATCHes,
 * so that a status change of one EVSE never costs the receiver the whole Location (which may have
 * thousands). Anything else about the Location (a PUT, a connector, a retry) puts all its entries
 * in one chain, delivered in order or as the latest whole state.
 */
function chainsOf(entries: Entry[], patchRefused: boolean): { chains: Map<string, Entry[]>; evseChains: Set<Entry[]> } {
  const whole = new Set<string>();
  for (const entry of entries) {
    const keys = keysOf(entry.event);
    if (patchRefused || entry.hold || keys.evseChain === undefined) whole.add(keys.object);
  }
  const chains = new Map<string, Entry[]>();
  const evseChains = new Set<Entry[]>();
  for (const entry of entries) {
    const keys = keysOf(entry.event);
    const ofEvse = !whole.has(keys.object);
    const chainKey = ofEvse ? keys.evseChain! : keys.object;
    let chain = chains.get(chainKey);
    if (!chain) {
      chains.set(chainKey, (chain = []));
      if (ofEvse) evseChains.add(chain);
    }
    chain.push(entry);
  }
  return { chains, evseChains };
}

/** A merged chain, by its first event: the receivers of a round that read the same events merge the same chains. */
const mergesByFirstEvent = new WeakMap<LoggedEvent, { events: LoggedEvent[]; merged: LoggedEvent }>();

/**
 * One EVSE's PATCHes (a chain of chainsOf's evseChains) as one event: merged in order. The hub
 * applies an EVSE PATCH as a shallow merge, so the merged PATCH leaves the receiver where the
 * PATCHes one by one would. Every receiver with the same chain gets the same merged event, so its
 * body is serialised once (sender.ts).
 */
function mergedPatches(chain: Entry[]): LoggedEvent {
  const last = chain.at(-1)!.event;
  if (chain.length === 1) return last;
  const first = chain[0].event;
  const known = mergesByFirstEvent.get(first);
  if (known && known.events.length === chain.length && known.events.every((event, i) => event === chain[i].event)) return known.merged;
  const events = chain.map((entry) => entry.event);
  const body = Object.assign({}, ...events.map((event) => event.body));
  // The merged body exists only in the canonical version: the sender's own (original) is not it.
  const merged = { ...last, body, original: undefined };
  mergesByFirstEvent.set(first, { events, merged });
  return merged;
}

/** An event's keys: its object, and the EVSE chain it belongs to when it PATCHes one EVSE. */
interface EventKeys {
  object: string;
  evseChain: string | undefined;
}

/**
 * The lanes of one round share each logged event, so they share its keys too, made once: a
 * receiver catching up remembers one key per object it was sent whole, and fifty receivers need
 * not hold fifty copies of each, nor build them fifty times.
 */
const keysOfEvents = new WeakMap<LoggedEvent, EventKeys>();

function keysOf(event: LoggedEvent): EventKeys {
  let keys = keysOfEvents.get(event);
  if (keys === undefined) {
    const object = `${event.module}|${event.owner.countryCode}*${event.owner.partyId}|${event.objectId}`;
    const evse = evseOfPatch(event);
    keys = { object, evseChain: evse === undefined ? undefined : `${object}|${evse}` };
    keysOfEvents.set(event, keys);
  }
  return keys;
}

export function objectKey(event: LoggedEvent): string {
  return keysOf(event).object;
}

/** The EVSE a Location event PATCHes (its path is /country/party/location/evse), if that is what it does. */
function evseOfPatch(event: LoggedEvent): string | undefined {
  if (event.module !== 'locations' || event.method !== 'PATCH' || event.absoluteUrl) return undefined;
  const segments = event.path.split('?')[0].split('/').filter(Boolean);
  return segments.length === 4 ? decodeURIComponent(segments[3]).toUpperCase() : undefined;
}
