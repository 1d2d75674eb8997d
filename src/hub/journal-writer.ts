import type { Queryable } from '../store/database.js';
import { recordAll, type JournalEntry } from './journal.js';
import { observeHop } from './metrics.js';

export interface JournalWriterOptions {
  /** Entries are written at most this long after they were recorded. */
  flushIntervalMs: number;
  /** A full batch is written at once. */
  batchSize: number;
  /** While the database is away entries wait in memory, up to this many; the oldest go first. */
  maxBuffered: number;
  /** Producers that can wait (`room()`) wait while this many entries are waiting to be written. */
  highWater: number;
}

const DEFAULTS: JournalWriterOptions = { flushIntervalMs: 200, batchSize: 500, maxBuffered: 100_000, highWater: 5_000 };

/**
 * Buffers journal entries and writes them in multi-row INSERTs, so that a busy path costs one
 * statement per batch rather than one per hop. `flush()` writes everything recorded so far
 * (shutdown, tests); the journal is a record, not the source of truth, so the short delay loses
 * nothing a receiver or sender depends on.
 */
export class JournalWriter {
  private buffer: JournalEntry[] = [];
  private timer?: NodeJS.Timeout;
  private writing: Promise<void> = Promise.resolve();
  /** The flush producers wait on in `room()`, one for all of them. */
  private catchingUp?: Promise<void>;
  private readonly options: JournalWriterOptions;
  /** Entries dropped because the buffer was full while the database was away. */
  dropped = 0;

  constructor(
    private readonly db: Queryable,
    options: Partial<JournalWriterOptions> = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
  }

  /** Buffers the entry, stamped with the time now unless it has one: the batch is written later. */
  record(entry: JournalEntry): void {
    observeHop(entry);
    entry.at ??= new Date();
    this.buffer.push(entry);
    const excess = this.buffer.length - this.options.maxBuffered;
    if (excess > 0) {
      this.buffer.splice(0, excess);
      this.dropped += excess;
    }
    if (this.buffer.length >= this.options.batchSize) void this.flush().catch(() => undefined);
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

  /** Writes every entry recorded so far; rejects (keeping them) when the database refuses. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.writing = this.writing.catch(() => undefined).then(() => this.writeAll());
    return this.writing;
  }

  private async writeAll(): Promise<void> {
    while (this.buffer.length > 0) {
      const batch = this.buffer.slice(0, this.options.batchSize);
      try {
        await recordAll(this.db, batch);
      } catch (error) {
        // Kept for the next flush; the timer tries again.
        if (!this.timer) {
          this.timer = setTimeout(() => void this.flush().catch(() => undefined), this.options.flushIntervalMs * 5);
          this.timer.unref();
        }
        throw error;
      }
      this.buffer.splice(0, batch.length);
    }
  }
}
