import type { Queryable } from '../store/database.js';
import { recordDecisions, type AuthorizationDecision } from './authorization-decisions.js';
import { recordAll, type JournalEntry } from './journal.js';
import { observeHop, observeJournalDropped, observeJournalWriteFailure } from './metrics.js';

export interface JournalWriterOptions {
  /** Entries are written at most this long after they were recorded. */
  flushIntervalMs: number;
  /** A full batch is written at once. */
  batchSize: number;
  /** While the database is away entries wait in memory, up to this many; the oldest go first. */
  maxBuffered: number;
  /** Producers that can wait (`room()`) wait while this many entries are waiting to be written. */
  highWater: number;
  /** Tells the operator that writes fail or entries are dropped, at most once a minute of each. */
  warn?: (message: string) => void;
}

const WARNING_INTERVAL_MS = 60_000;

/** Counts the hop and stamps it with the time now unless it has one: it may be written later. */
function stamped(entry: JournalEntry): JournalEntry {
  observeHop(entry);
  entry.at ??= new Date();
  return entry;
}

const DEFAULTS: JournalWriterOptions = { flushIntervalMs: 200, batchSize: 500, maxBuffered: 100_000, highWater: 5_000 };

/**
 * Buffers journal entries and writes them in multi-row INSERTs, so that a busy path costs one
 * statement per batch rather than one per hop. Real-time authorization decisions, the other record
 * support reads after the fact, go the same way. `flush()` writes everything recorded so far
 * (shutdown, support's reads, tests); the journal is a record, not the source of truth, so the
 * short delay loses nothing a receiver or sender depends on.
 */
export class JournalWriter {
  private buffer: JournalEntry[] = [];
  private decisions: AuthorizationDecision[] = [];
  private timer?: NodeJS.Timeout;
  private writing: Promise<void> = Promise.resolve();
  /** The flush producers wait on in `room()`, one for all of them. */
  private catchingUp?: Promise<void>;
  private readonly options: JournalWriterOptions;
  /** Entries (and decisions) dropped because the buffer was full while the database was away. */
  dropped = 0;
  private readonly warnedAt = new Map<'failing' | 'dropping', number>();

  constructor(
    private readonly db: Queryable,
    options: Partial<JournalWriterOptions> = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
  }

  /** Buffers the entry, stamped with the time now unless it has one: the batch is written later. */
  record(entry: JournalEntry): void {
    this.buffered(this.buffer, stamped(entry));
  }

  /**
   * Writes the entry at once, for work whose entry is read back soon after (a registration, an
   * activation). Should the journal's database refuse, the entry waits in the buffer for the next
   * flush instead of failing the work it records: the journal may live on a server of its own,
   * away while the data's is not.
   */
  async write(entry: JournalEntry): Promise<void> {
    await recordAll(this.db, [stamped(entry)]).catch((error) => {
      this.buffered(this.buffer, entry);
      this.failed(error);
    });
  }

  /** Entries and decisions recorded and not yet written: they wait while the journal's database is away. */
  get waiting(): number {
    return this.buffer.length + this.decisions.length;
  }

  /**
   * Buffers a real-time authorization decision: one statement per batch instead of one per
   * authorization, each of which woke a database backend just after the answer went out.
   */
  recordDecision(decision: AuthorizationDecision): void {
    this.buffered(this.decisions, decision);
  }

  private buffered<T>(buffer: T[], item: T): void {
    buffer.push(item);
    const excess = buffer.length - this.options.maxBuffered;
    if (excess > 0) {
      buffer.splice(0, excess);
      this.dropped += excess;
      observeJournalDropped(excess);
      this.warnAtMostEveryMinute('dropping', `The journal's buffer is full while its database is away: entries are dropped, oldest first (${this.dropped} so far)`);
    }
    if (buffer.length >= this.options.batchSize) void this.flush().catch(() => undefined);
    else if (!this.timer) {
      this.timer = setTimeout(() => void this.flush().catch(() => undefined), this.options.flushIntervalMs);
      this.timer.unref();
    }
  }

  /**
   * Resolves at once while the buffer is below its high-water mark, else once the writes under way
   * have caught up: delivery, which makes most entries, waits for the journal instead of letting
   * memory grow (and the oldest entries go) when the database writes more slowly than it sends.
   */
  async room(): Promise<void> {
    if (this.buffer.length < this.options.highWater) return;
    this.catchingUp ??= this.flush()
      .catch(() => undefined)
      .finally(() => (this.catchingUp = undefined));
    await this.catchingUp;
  }

  /** Writes every entry and decision recorded so far; rejects (keeping them) when the database refuses. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.writing = this.writing.catch(() => undefined).then(() => this.writeAll());
    return this.writing;
  }

  private async writeAll(): Promise<void> {
    await this.drain(this.buffer, (batch) => recordAll(this.db, batch));
    await this.drain(this.decisions, (batch) => recordDecisions(this.db, batch));
  }

  private async drain<T>(buffer: T[], write: (batch: T[]) => Promise<void>): Promise<void> {
    while (buffer.length > 0) {
      const batch = buffer.slice(0, this.options.batchSize);
      try {
        await write(batch);
      } catch (error) {
        this.failed(error);
        // Kept for the next flush; the timer tries again.
        if (!this.timer) {
          this.timer = setTimeout(() => void this.flush().catch(() => undefined), this.options.flushIntervalMs * 5);
          this.timer.unref();
        }
        throw error;
      }
      buffer.splice(0, batch.length);
    }
  }

  private failed(error: unknown): void {
    observeJournalWriteFailure();
    const reason = error instanceof Error ? error.message : String(error);
    this.warnAtMostEveryMinute('failing', `Journal write failed: ${reason}; ${this.waiting} entries wait to be written again`);
  }

  private warnAtMostEveryMinute(kind: 'failing' | 'dropping', message: string): void {
    const now = Date.now();
    if (now - (this.warnedAt.get(kind) ?? -Infinity) < WARNING_INTERVAL_MS) return;
    this.warnedAt.set(kind, now);
    this.options.warn?.(message);
  }
}
