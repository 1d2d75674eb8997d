import type { HubContext } from '../hub/context.js';
import { CHECK_LEASE_MS, CheckUnavailableError, checkPartner, withLease } from './check.js';
import { claimDueCheck, scheduleUnscheduled } from './store.js';

export interface CheckScheduleOptions {
  /** Every partner is checked again this long after its last scheduled check; null: no schedule. */
  intervalMs: number | null;
  /** How often the hub looks for due checks when nothing wakes it. */
  pollIntervalMs: number;
}

export const DEFAULT_CHECK_SCHEDULE: CheckScheduleOptions = { intervalMs: null, pollIntervalMs: 30_000 };

/**
 * Runs the conformance checks that are due: after a partner's credentials changed (the registration
 * made one due) and, with an interval, on a schedule. Due checks live in the database, so any hub
 * process may run them; each claims a partner with a lease, so a partner is checked by one process
 * at a time, and a process that dies leaves its partner to the others once the lease runs out.
 */
export class CheckScheduler {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private wanted = false;
  private stopped = true;

  constructor(
    private readonly hub: HubContext,
    readonly options: CheckScheduleOptions = DEFAULT_CHECK_SCHEDULE,
  ) {}

  start(): void {
    this.stopped = false;
    this.timer = setInterval(() => this.kick(), this.options.pollIntervalMs);
    this.timer.unref();
    this.kick();
  }

  /** Looks for due checks now (after a registration); returns at once. */
  kick(): void {
    if (this.stopped) return;
    this.wanted = true;
    this.running ??= this.drain()
      .catch((error) => this.hub.log?.warn({ err: error }, 'conformance checks failed to run'))
      .finally(() => (this.running = undefined));
  }

  /** Stops looking; a check in progress finishes first. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }

  private async drain(): Promise<void> {
    do {
      this.wanted = false;
      if (this.options.intervalMs !== null) await scheduleUnscheduled(this.hub.db);
      while (!this.stopped && (await this.runNext()));
    } while (this.wanted && !this.stopped);
  }

  /** Claims and runs the most overdue check; false when none is due. */
  private async runNext(): Promise<boolean> {
    const claimed = await claimDueCheck(this.hub.db, CHECK_LEASE_MS, this.options.intervalMs);
    if (!claimed) return false;
    await withLease(this.hub, claimed.platformId, () => checkPartner(this.hub, claimed.platformId, claimed.reason)).catch((error) => {
      // A partner removed or unregistered meanwhile has nothing to check.
      if (!(error instanceof CheckUnavailableError)) throw error;
    });
    return true;
  }
}
