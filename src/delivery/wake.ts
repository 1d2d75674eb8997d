import { randomUUID } from 'node:crypto';
import { notifyInSchema } from '../store/channels.js';
import type { Database } from '../store/database.js';

export const EVENTS_CHANNEL = 'switchyard_events';
/** Accepts within this long share one notification. */
const ANNOUNCE_DELAY_MS = 10;

/**
 * Wakes the delivery of other hub processes when this one logged events for receivers it does
 * not serve (a process that only takes requests, or receivers owned elsewhere). Without it they
 * would find the events at their next poll. Accepts close together share one NOTIFY, so a busy
 * process sends at most one per ANNOUNCE_DELAY_MS. An embedded database has one process: nothing
 * to wake.
 */
export class DeliveryWake {
  private readonly processId = randomUUID();
  private pending?: NodeJS.Timeout;

  constructor(private readonly db: Database) {}

  get crossesProcesses(): boolean {
    return this.db.engine === 'postgres';
  }

  announce(): void {
    if (!this.crossesProcesses || this.pending) return;
    this.pending = setTimeout(() => {
      this.pending = undefined;
      // Lost on a database fault: the receivers' own poll finds the events a moment later.
      notifyInSchema(this.db, EVENTS_CHANNEL, this.processId).catch(() => undefined);
    }, ANNOUNCE_DELAY_MS);
  }

  /** Calls `wake` when another process announces events; resolves to a function that stops listening. */
  async listen(wake: () => void): Promise<() => Promise<void>> {
    if (!this.crossesProcesses) return async () => undefined;
    return this.db.listen(EVENTS_CHANNEL, (from) => from !== this.processId && wake(), wake);
  }

  stop(): void {
    clearTimeout(this.pending);
    this.pending = undefined;
  }
}
