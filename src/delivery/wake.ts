import { randomUUID } from 'node:crypto';
import { notifyInSchemaWithXmax } from '../store/channels.js';
import type { Database } from '../store/database.js';
import type { RequestPressure } from '../hub/request-pressure.js';
import { Pace } from './pace.js';

export const EVENTS_CHANNEL = 'switchyard_events';
/**
 * An announcement waits at least this long: a delivering process reads only events of
 * transactions older than every one still open in the database server, so one woken the instant
 * a push commits would mostly find it not yet readable.
 */
const ANNOUNCE_DELAY_MS = 10;
/** The last word of the announcement of a process pressed with requests. */
const PRESSED = 'pressed';

/**
 * Wakes the delivery of other hub processes when this one logged events for receivers it does
 * not serve (a process that only takes requests, or receivers owned elsewhere). Without it they
 * would find the events at their next poll. The first accept after a quiet spell is announced
 * ANNOUNCE_DELAY_MS later; accepts within the interval after an announcement share one more, sent
 * when the interval ends. Each NOTIFY is a transaction with a commit of its own and wakes every delivering process,
 * so a stream of accepts costs one per interval, not one per accept. An embedded database has one
 * process: nothing to wake.
 *
 * An announcement carries the transaction id below which its events lie (its snapshot's xmax).
 * A transaction open elsewhere on the server (a migration, a long write of another database) can
 * keep them unreadable past the delay; the woken process then keeps reading every round interval
 * until the log is readable that far, rather than waiting for its poll.
 *
 * It also says whether partners press the announcing process with requests (hub/request-pressure.ts):
 * delivering processes on the same cores then give way (worker.ts, giveWayMs).
 */
export class DeliveryWake {
  private readonly processId = randomUUID();
  private pending?: NodeJS.Timeout;
  private readonly pace: Pace;

  /**
   * `intervalMs`: the least time between two announcements; the delivering processes start their
   * rounds no closer together (worker.ts, roundIntervalMs), so more would wake them for nothing.
   */
  constructor(
    private readonly db: Database,
    private readonly intervalMs: number,
    private readonly pressure: RequestPressure,
  ) {
    this.pace = new Pace(intervalMs);
  }

  get crossesProcesses(): boolean {
    return this.db.engine === 'postgres';
  }

  announce(): void {
    if (!this.crossesProcesses || this.pending) return;
    this.pending = setTimeout(() => {
      this.pending = undefined;
      this.send();
    }, Math.max(ANNOUNCE_DELAY_MS, this.pace.untilNext()));
  }

  private send(): void {
    this.pace.started();
    // Lost on a database fault: the receivers' own poll finds the events a moment later.
    // Pressed since about the previous announcement: they come every interval while pushes stream in.
    const suffix = this.pressure.pressedWithin(2 * this.intervalMs) ? ` ${PRESSED}` : '';
    notifyInSchemaWithXmax(this.db, EVENTS_CHANNEL, this.processId, suffix).catch(() => undefined);
  }

  /**
   * Calls `wake` when another process announces events, with the transaction id (xid8 text) below
   * which they lie and whether that process is pressed with requests; without an id after a lost
   * connection, when what was announced meanwhile is unknown. Resolves to a function that stops
   * listening.
   */
  async listen(wake: (below?: string, pressed?: boolean) => void): Promise<() => Promise<void>> {
    if (!this.crossesProcesses) return async () => undefined;
    const heard = (payload: string) => {
      const [from, below, pressed] = payload.split(' ');
      if (from !== this.processId) wake(below, pressed === PRESSED);
    };
    return this.db.listen(EVENTS_CHANNEL, heard, () => wake());
  }

  stop(): void {
    clearTimeout(this.pending);
    this.pending = undefined;
  }
}
