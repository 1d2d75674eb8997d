import { setTimeout as delay } from 'node:timers/promises';
import type { HubContext } from '../hub/context.js';
import { formatParty } from '../ocpi/headers.js';
import type { JournalWriter } from '../hub/journal-writer.js';
import { changePlatformStatus } from '../hub/platform-status.js';
import { compareXids, readableHorizon, readAfter, type Cursor, type LoggedEvent } from '../store/event-log.js';
import type { BackoffPolicy } from './backoff.js';
import { ReceiverDirectory, type Snapshot } from './directory.js';
import { DutyCycle } from './duty-cycle.js';
import { moveCursors, saveProgress, type Progress } from './holds.js';
import { ReceiverLane } from './lane.js';
import { ownershipFor, type Ownership } from './ownership.js';
import { Pace } from './pace.js';
import { Sender } from './sender.js';
import { DeliveryWake } from './wake.js';

export interface DeliveryOptions extends BackoffPolicy {
  /** How often idle receivers are looked at (a push in this process wakes them at once). */
  pollIntervalMs: number;
  /** Events read per receiver per batch; coalescing works within a batch. */
  batchSize: number;
  /** Consecutive failed attempts after which the receiver's platform is marked OFFLINE. */
  offlineAfterFailures: number;
  /** Requests in flight at once to one receiver (state objects). */
  perReceiverConcurrency: number;
  timeoutMs: number;
  /**
   * How often the cursors of receivers sent nothing are written. Every round moves each idle lane
   * past the events of others; writing each such move at once made cursor updates outnumber the
   * events themselves several times over, growing with receivers × rounds.
   */
  quietCursorWriteMs: number;
  /**
   * The least time between the starts of two rounds. Under a stream of pushes each finished batch
   * would start the next round at once, and every round reads the log and writes cursors for the
   * handful of events that came meanwhile; paced, a round carries what a whole interval brought.
   * A push after a quiet spell waits at most the rest of the interval.
   */
  roundIntervalMs: number;
  /**
   * The least time between the starts of two rounds while partners press the hub's processes
   * with requests (hub/request-pressure.ts), and for as long again after (0: never give way).
   * Where delivering and request-taking processes share cores, a burst of pushes (a CPO sending
   * its whole network) is then answered first; the receivers get it after, each changed object's
   * latest state once rather than every change. Where delivering processes have cores of their
   * own, giving way gains nothing: set 0.
   */
  giveWayMs: number;
  /**
   * Events read per receiver per round while giving way. Rounds come once per giveWayMs then, and
   * a receiver's reading must still keep pace with the log when the pressure lasts (5,000 events a
   * second); what it is sent is what those events changed, each object once.
   */
  giveWayBatchSize: number;
  /**
   * While giving way, deliveries start only in the first `giveWayShare` of every giveWayMs (1: at
   * any time). Pacing rounds is not enough where one change goes to many receivers: a round's
   * deliveries then outlast the second and the delivering processes never pause. Bounding their
   * time bounds the database work and the receivers' answers they cause too; deliveries never stop.
   * Pressure that lasts narrows the share further, down to a quarter of it (duty-cycle.ts).
   */
  giveWayShare: number;
}

/** How often the same failure of a delivery round or batch is logged again. */
const FAILURE_LOG_MS = 60_000;

export const DEFAULT_DELIVERY: DeliveryOptions = {
  baseDelayMs: 1_000,
  maxDelayMs: 5 * 60_000,
  pollIntervalMs: 250,
  batchSize: 500,
  offlineAfterFailures: 3,
  perReceiverConcurrency: 8,
  timeoutMs: 10_000,
  quietCursorWriteMs: 1_000,
  roundIntervalMs: 25,
  giveWayMs: 1_000,
  giveWayBatchSize: 5_000,
  giveWayShare: 0.2,
};

/**
 * Serves receivers from the delivery log. Each receiver has a lane of its own (lane.ts), so a slow
 * or silent receiver uses only its own capacity. Per round the worker claims receivers
 * (ownership.ts), reads the log once for every group of idle lanes at the same position, and
 * records cursors of batches without incidents in one statement.
 */
export class DeliveryWorker {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private wanted = false;
  private stopped = true;
  private readonly lanes = new Map<string, ReceiverLane>();
  private readonly serving = new Set<Promise<void>>();
  private readonly directory: ReceiverDirectory;
  private readonly ownership: Ownership;
  private readonly sender: Sender;
  private readonly wake: DeliveryWake;
  private stopListening?: () => Promise<void>;
  /**
   * Another process announced events of transactions below this id (xid8 text): rounds come every
   * round interval, not every poll, until the log is readable that far.
   */
  private announcedBelow?: string;
  /** When another process last announced that partners press it (performance.now()). */
  private pressureHeardAt = -Infinity;
  /** Whether this process serves every receiver, so that no other process needs waking. */
  private servesAll = false;
  private pendingMoves: { party: string; cursor: Cursor }[] = [];
  private movesFlushed?: Promise<void>;
  /** Cursor moves past events none of which was for the receiver, written every quietCursorWriteMs. */
  private readonly quietMoves = new Map<string, Cursor>();
  private quietMovesWrittenAt = 0;
  /** Rounds start at least roundIntervalMs apart. */
  private readonly roundPace: Pace;
  /** When deliveries may start while giving way (none: at any time). */
  private readonly dutyCycle?: DutyCycle;
  /** When each failure was last logged, by its message. */
  private readonly failuresLogged = new Map<string, number>();

  constructor(
    private readonly hub: HubContext,
    private readonly options: DeliveryOptions,
    private readonly journal: JournalWriter,
  ) {
    this.directory = new ReceiverDirectory(hub.sealer, hub.directory);
    this.ownership = ownershipFor(hub.db);
    this.sender = new Sender(hub, journal, options.timeoutMs, () => this.turnToDeliver());
    this.wake = new DeliveryWake(hub.db, options.roundIntervalMs, hub.requestPressure);
    this.roundPace = new Pace(options.roundIntervalMs);
    if (options.giveWayMs > 0 && options.giveWayShare < 1) {
      this.dutyCycle = new DutyCycle({ share: options.giveWayShare, periodMs: options.giveWayMs, pressedWithin: (ms) => this.pressedWithin(ms) });
    }
  }

  /** Starts delivering in this process (a process that only takes requests never calls it). */
  async start(): Promise<void> {
    this.stopped = false;
    this.stopListening = await this.wake.listen((below, pressed) => this.heardAnnouncement(below, pressed));
    this.schedule(0);
  }

  /** The receivers (party ids) this process serves now (none when it does not deliver). */
  get receiversServed(): ReadonlySet<string> {
    return this.ownership.served;
  }

  /** Whether this process delivers (started, not stopped). */
  get delivering(): boolean {
    return !this.stopped;
  }

  /**
   * Asks for a round soon: events were logged (a push was accepted) or a held delivery was
   * released. Processes serving the receivers this one does not are woken too.
   */
  kick(): void {
    if (!this.servesAll) this.wake.announce();
    this.roundSoon();
  }

  private heardAnnouncement(below: string | undefined, pressed = false): void {
    if (below && (!this.announcedBelow || compareXids(below, this.announcedBelow) > 0)) this.announcedBelow = below;
    if (pressed) this.pressureHeardAt = performance.now();
    this.roundSoon();
  }

  /** Whether partners press this process or another lately: rounds then give way (giveWayMs). */
  private givingWay(): boolean {
    return this.options.giveWayMs > 0 && this.pressedWithin(this.options.giveWayMs);
  }

  /** Whether partners pressed this process or another within the last `ms` milliseconds. */
  private pressedWithin(ms: number): boolean {
    return this.hub.requestPressure.pressedWithin(ms) || performance.now() - this.pressureHeardAt < ms;
  }

  /** Resolves when a delivery may start: at once, or in the open part of the duty cycle while it follows pressure. */
  private async turnToDeliver(): Promise<void> {
    if (!this.dutyCycle) return;
    while (!this.stopped) {
      const wait = this.dutyCycle.untilOpen();
      if (wait === 0) return;
      await delay(wait);
    }
  }

  /** How long the next round must wait: a round interval, or giveWayMs while giving way. */
  private untilNextRound(): number {
    return this.roundPace.untilNext(this.givingWay() ? this.options.giveWayMs : undefined);
  }

  /**
   * A round soon in this process only: another process's wake-up, or a finished batch. Neither
   * logged anything, and announcing them would have two delivering processes wake each other
   * back and forth for as long as they run.
   */
  private roundSoon(): void {
    if (this.stopped) return;
    if (this.running) this.wanted = true;
    else this.schedule(this.untilNextRound());
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.servesAll = false;
    clearTimeout(this.timer);
    this.wake.stop();
    await this.stopListening?.();
    await this.running;
    await Promise.all([...this.serving]);
    await this.writeQuietMoves();
    this.lanes.clear();
    await this.journal.flush().catch(() => undefined);
    await this.ownership.release();
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      // A start() and a kick() may both have scheduled one: rounds never overlap.
      if (this.running) {
        this.wanted = true;
        return;
      }
      this.roundPace.started();
      this.running = this.round()
        .catch((error: unknown) => {
          this.announcedBelow = undefined; // tried again at the next poll, not every interval
          this.failed('Delivery round failed', error);
        })
        .finally(() => {
          this.running = undefined;
          if (this.stopped) return;
          const again = this.wanted;
          this.wanted = false;
          this.schedule(Math.max(again || this.announcedBelow ? 0 : this.options.pollIntervalMs, this.untilNextRound()));
        });
    }, delayMs);
    this.timer.unref();
  }

  /**
   * A failed round is tried again at the next poll, a failed batch at the next round; while they
   * keep failing nothing is sent, so the operator hears of it, once a minute per failure.
   */
  private failed(what: string, error: unknown): void {
    const message = `${what}: ${error instanceof Error ? error.message : String(error)}`;
    const now = Date.now();
    if (now - (this.failuresLogged.get(message) ?? 0) < FAILURE_LOG_MS) return;
    if (this.failuresLogged.size >= 100) this.failuresLogged.clear();
    this.failuresLogged.set(message, now);
    this.hub.log?.warn({ error: message }, message);
  }

  /** One round: claim receivers, read the log for idle lanes, start serving those with work. */
  private async round(): Promise<void> {
    const snapshot = await this.directory.current();
    // Before claiming: the receivers it may hand back are still this process's while their cursors are written.
    if (Date.now() - this.quietMovesWrittenAt >= this.options.quietCursorWriteMs) await this.writeQuietMoves();
    const owned = await this.ownership.claim(snapshot.partyIds, (party) => !this.lanes.get(party)?.busy);
    this.servesAll = !this.wake.crossesProcesses || snapshot.partyIds.every((party) => owned.has(party));
    for (const [party, lane] of this.lanes) if (!owned.has(party) && !lane.busy) this.lanes.delete(party);
    for (const party of owned) {
      if (this.lanes.has(party)) continue;
      const lane = await ReceiverLane.open(this.hub.db, party);
      if (lane) this.lanes.set(party, lane);
    }

    await this.passAnnouncedHorizon();

    const now = Date.now();
    const groups = new Map<string, ReceiverLane[]>();
    for (const lane of this.lanes.values()) {
      if (lane.busy || lane.pausedUntil > now || !owned.has(lane.party)) continue;
      await lane.refreshParked(this.hub.db, now);
      const key = `${lane.cursor.tx}/${lane.cursor.seq}`;
      groups.set(key, [...(groups.get(key) ?? []), lane]);
    }
    const batches: { lanes: ReceiverLane[]; events: LoggedEvent[]; upTo: Cursor | undefined }[] = [];
    const batchSize = this.givingWay() ? this.options.giveWayBatchSize : this.options.batchSize;
    for (const lanes of groups.values()) {
      const events = await readAfter(this.hub.db, lanes[0].cursor, batchSize);
      if (events.length === batchSize) this.wanted = true;
      const last = events.at(-1);
      batches.push({ lanes, events, upTo: last && { tx: last.tx, seq: last.seq } });
    }
    // Events are routed by the directory as of after they were read: an event logged just after a
    // change of parties (one learned from a neighbouring hub, say) read with the directory from
    // before it would go where that change says it must not (to the neighbour about its own party).
    const routing = await this.directory.current();
    for (const { lanes, events, upTo } of batches) {
      for (const lane of lanes) {
        if (events.length > 0 || lane.hasDueHolds(now)) this.serveLane(lane, events, upTo, routing);
      }
    }
  }

  /**
   * Forgets what was announced once the log is readable past it: this round's reads see it all.
   * Under a stream of pushes a receiver has mostly read past it already, which proves as much
   * without asking the database.
   */
  private async passAnnouncedHorizon(): Promise<void> {
    const announced = this.announcedBelow;
    if (!announced) return;
    const readPast = [...this.lanes.values()].some((lane) => compareXids(lane.cursor.tx, announced) >= 0);
    const horizon = readPast ? announced : await readableHorizon(this.hub.db);
    // A later announcement heard meanwhile is kept.
    if (compareXids(horizon, announced) >= 0 && this.announcedBelow === announced) this.announcedBelow = undefined;
  }

  private serveLane(lane: ReceiverLane, events: LoggedEvent[], upTo: Cursor | undefined, snapshot: Snapshot): void {
    lane.busy = true;
    const job = this.runBatch(lane, events, upTo, snapshot)
      .catch((error: unknown) => {
        // Forgotten: reopened from the database at the next round (nothing is lost; at worst resent).
        this.lanes.delete(lane.party);
        if (!(error instanceof HandedOver)) this.failed(`Delivery to ${receiverName(snapshot, lane.party)} failed`, error);
      })
      .finally(() => {
        lane.busy = false;
        this.serving.delete(job);
        this.roundSoon();
      });
    this.serving.add(job);
  }

  private async runBatch(lane: ReceiverLane, events: LoggedEvent[], upTo: Cursor | undefined, snapshot: Snapshot): Promise<void> {
    const result = await lane.serve(this.hub.db, this.sender, snapshot, events, upTo, this.options);
    // Another process took the receiver over meanwhile: what this batch did is its to redo.
    if (!this.ownership.served.has(lane.party)) throw new HandedOver();
    await this.commit(result.progress, result.quiet);
    lane.rememberEvents(events, result.progress);
    lane.committed(result.progress);

    const receiver = snapshot.receivers.get(lane.party);
    if (!receiver) return;
    let change: { status: 'OFFLINE' | 'CONNECTED'; reason: string } | undefined;
    if (result.failureStreak >= this.options.offlineAfterFailures && receiver.platformStatus === 'CONNECTED') {
      change = { status: 'OFFLINE', reason: `${result.failureStreak} deliveries failed in a row` };
    }
    if (result.delivered > 0 && receiver.platformStatus === 'OFFLINE') change = { status: 'CONNECTED', reason: 'deliveries succeed again' };
    if (change) {
      receiver.platformStatus = change.status;
      await changePlatformStatus(this.hub, receiver.platformId, change.status, change.reason);
    }
  }

  /**
   * Holds change in a transaction of their own; plain cursor moves of a round share one statement;
   * a quiet batch's move waits for the next write of quiet moves.
   */
  private async commit(progress: Progress, quiet: boolean): Promise<void> {
    if (progress.held.length > 0 || progress.released.length > 0) {
      this.quietMoves.delete(progress.party);
      return saveProgress(this.hub.db, progress);
    }
    if (!progress.cursor) return;
    if (quiet) {
      this.quietMoves.set(progress.party, progress.cursor);
      return;
    }
    this.quietMoves.delete(progress.party);
    this.pendingMoves.push({ party: progress.party, cursor: progress.cursor });
    this.movesFlushed ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
      const moves = this.pendingMoves;
      this.pendingMoves = [];
      this.movesFlushed = undefined;
      return moveCursors(this.hub.db, moves);
    });
    return this.movesFlushed;
  }

  /**
   * Writes the quiet moves of the receivers this process still serves, except a busy lane's: the
   * batch it is serving writes a later cursor itself. A receiver handed back, or a move that fails,
   * is forgotten: a cursor left behind only makes the receiver's next reader skip the same events
   * again.
   */
  private async writeQuietMoves(): Promise<void> {
    if (this.quietMoves.size === 0) return;
    const moves: { party: string; cursor: Cursor }[] = [];
    for (const [party, cursor] of this.quietMoves) {
      if (this.lanes.get(party)?.busy) continue;
      this.quietMoves.delete(party);
      if (this.ownership.served.has(party)) moves.push({ party, cursor });
    }
    this.quietMovesWrittenAt = Date.now();
    await moveCursors(this.hub.db, moves).catch(() => undefined);
  }
}

/** A batch whose receiver another process took over meanwhile: its work is the other's to redo. */
class HandedOver extends Error {}

function receiverName(snapshot: Snapshot, party: string): string {
  const receiver = snapshot.receivers.get(party);
  return receiver ? formatParty(receiver.ref) : `party ${party}`;
}
