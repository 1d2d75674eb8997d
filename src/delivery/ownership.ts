import type { Database, DedicatedSession } from '../store/database.js';

/** Any constant: the namespace of delivery's advisory locks. */
const RECEIVER_LOCKS = 7_411_010;

/**
 * Which receivers this process serves. On a PostgreSQL server each receiver is held through a
 * session-level advisory lock on a connection of its own: one process at a time serves a receiver,
 * and when a process dies (or loses its connection) the server releases its locks at once, so
 * another process takes over at its next round rather than after a lease runs out. An embedded
 * database belongs to one process, which serves every receiver.
 */
export interface Ownership {
  /** Claims what it can of `receivers`; returns every receiver this process now serves. */
  claim(receivers: string[]): Promise<ReadonlySet<string>>;
  owns(receiver: string): boolean;
  release(): Promise<void>;
}

export function ownershipFor(db: Database): Ownership {
  return db.session ? new AdvisoryLockOwnership(db) : new SoleOwnership();
}

class SoleOwnership implements Ownership {
  private readonly all = new Set<string>();
  async claim(receivers: string[]): Promise<ReadonlySet<string>> {
    for (const receiver of receivers) this.all.add(receiver);
    return this.all;
  }
  owns(receiver: string): boolean {
    return this.all.has(receiver);
  }
  async release(): Promise<void> {
    this.all.clear();
  }
}

class AdvisoryLockOwnership implements Ownership {
  private session?: DedicatedSession;
  private held = new Set<string>();

  constructor(private readonly db: Database) {}

  async claim(receivers: string[]): Promise<ReadonlySet<string>> {
    if (!this.session) {
      let opened: DedicatedSession | undefined = undefined;
      opened = await this.db.session!(() => {
        // The server has released every lock of this connection: serve nothing until reclaimed.
        if (opened && this.session === opened) this.session = undefined;
        this.held = new Set();
      });
      this.session = opened;
    }
    const wanted = receivers.filter((receiver) => !this.held.has(receiver));
    if (wanted.length > 0) {
      const session = this.session;
      const won = await session.query<{ receiver: string }>(
        `SELECT receiver FROM unnest($1::text[]) receiver WHERE pg_try_advisory_lock(${RECEIVER_LOCKS}, hashtext(receiver))`,
        [wanted],
      );
      if (this.session === session) for (const { receiver } of won) this.held.add(receiver);
    }
    return this.held;
  }

  owns(receiver: string): boolean {
    return this.held.has(receiver);
  }

  async release(): Promise<void> {
    const session = this.session;
    this.session = undefined;
    this.held = new Set();
    await session?.close();
  }
}
