import type { Database } from '../../store/database.js';
import { toRecord } from '../cdr-records.js';
import { flagMissingCdrs, resolveOverdueDisputes } from '../lifecycle.js';
import { auditRecord } from './audit.js';

export interface AuditOptions {
  /** How often the worker looks for unaudited CDRs when nothing wakes it. */
  pollIntervalMs: number;
  /** How often it flags sessions without a CDR and resolves overdue disputes. */
  housekeepingIntervalMs: number;
  /** A session that ended this long ago without a CDR is flagged (default 48 h). */
  missingCdrAfterMs: number;
}

export const DEFAULT_AUDIT: AuditOptions = {
  pollIntervalMs: 2_000,
  housekeepingIntervalMs: 60_000,
  missingCdrAfterMs: 48 * 3_600_000,
};

/**
 * Audits received CDRs after their push committed, so the CPO's answer never waits for it. A record
 * is claimed with FOR UPDATE SKIP LOCKED, so any number of hub processes share the work and each
 * record is audited once; a crash leaves it unaudited, for the next round.
 */
export class AuditWorker {
  private timers: NodeJS.Timeout[] = [];
  private running?: Promise<void>;
  private wanted = false;
  private stopped = true;

  constructor(
    private readonly db: Database,
    readonly options: AuditOptions = DEFAULT_AUDIT,
  ) {}

  start(): void {
    this.stopped = false;
    const poll = setInterval(() => this.kick(), this.options.pollIntervalMs);
    const housekeeping = setInterval(() => void this.housekeeping().catch(() => undefined), this.options.housekeepingIntervalMs);
    for (const timer of [poll, housekeeping]) timer.unref();
    this.timers.push(poll, housekeeping);
    this.kick();
  }

  /** Wakes the worker (after a CDR was accepted); returns at once. */
  kick(): void {
    if (this.stopped) return;
    this.wanted = true;
    if (!this.running) this.running = this.drain().then(() => undefined, () => undefined).finally(() => (this.running = undefined));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    await this.running;
  }

  /** Audits until no record waits. Returns how many it audited. */
  async drain(): Promise<number> {
    let audited = 0;
    do {
      this.wanted = false;
      while (!this.stopped && (await this.auditNext())) audited++;
    } while (this.wanted && !this.stopped);
    return audited;
  }

  /**
   * Claims and audits the oldest unaudited record; false when none waits. A record whose audit
   * fails keeps its status with the error in its audit, so that it does not hold up the others.
   */
  async auditNext(): Promise<boolean> {
    const claimed = 'SELECT * FROM clearing_cdrs WHERE audited_at IS NULL ORDER BY seq LIMIT 1 FOR UPDATE SKIP LOCKED';
    try {
      return await this.db.transaction(async (tx) => {
        const [row] = await tx.query<Parameters<typeof toRecord>[0]>(claimed);
        if (!row) return false;
        await auditRecord(tx, toRecord(row));
        return true;
      });
    } catch (error) {
      return this.db.transaction(async (tx) => {
        const [row] = await tx.query<{ seq: number }>(claimed);
        if (!row) return false;
        await tx.query(`UPDATE clearing_cdrs SET audit = $2, audited_at = now() WHERE seq = $1`, [
          row.seq,
          JSON.stringify({ error: error instanceof Error ? error.message : String(error) }),
        ]);
        return true;
      });
    }
  }

  async housekeeping(now = new Date()): Promise<void> {
    await flagMissingCdrs(this.db, this.options.missingCdrAfterMs, now);
    await resolveOverdueDisputes(this.db, now);
  }
}
