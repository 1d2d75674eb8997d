import type { Database, DedicatedSession } from '../store/database.js';

/** Any constant: the namespace of delivery's advisory locks on receivers. */
const RECEIVER_LOCKS = 7_411_010;
/** The namespace of the locks that say which delivering processes are alive. */
const MEMBER_LOCKS = 7_411_011;
/** Delivering processes one database counts (a process beyond them still delivers, uncounted). */
const MEMBER_SLOTS = 256;
/** How often a process counts the delivering processes, to see one arrive or leave. */
const COUNT_EVERY_MS = 1_000;

/**
 * Which receivers this process serves. On a PostgreSQL server each receiver is held through a
 * session-level advisory lock on a connection of its own: one process at a time serves a receiver,
 * and when a process dies (or loses its connection) the server releases its locks at once, so
 * the others take over within about a second (when they next count the processes) rather than
 * after a lease runs out. Delivering processes share the receivers evenly: each claims up to its
 * fair share and hands back, once idle, what lies beyond it when another process joins. An
 * embedded database belongs to one process, which serves every receiver.
 */
export interface Ownership {
  /**
   * Claims what it can of `receivers` (hands back, among those `idle` says may go, what lies
   * beyond this process's share); returns every receiver this process now serves.
   */
  claim(receivers: string[], idle: (receiver: string) => boolean): Promise<ReadonlySet<string>>;
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

/**
 * Each delivering process holds one member lock, keyed by the schema and a slot number, on the
 * same connection as its receivers' locks; counting the member locks granted in `pg_locks` says
 * how many processes share this schema's receivers, alive now.
 */
const MEMBER_KEY = `hashtext(current_schema() || ':delivery:' || slot)`;

class AdvisoryLockOwnership implements Ownership {
  private session?: DedicatedSession;
  private held = new Set<string>();
  private members = 1;
  private countedAt = 0;

  constructor(private readonly db: Database) {}

  async claim(receivers: string[], idle: (receiver: string) => boolean): Promise<ReadonlySet<string>> {
    const session = this.session ?? (await this.open());
    if (Date.now() - this.countedAt >= COUNT_EVERY_MS) await this.count(session);
    const wanted = receivers.filter((receiver) => !this.held.has(receiver));
    if (wanted.length > 0 && this.held.size < this.share(receivers)) {
      const won = await session.query<{ receiver: string }>(
        `SELECT receiver FROM unnest($1::text[]) receiver WHERE pg_try_advisory_lock(${RECEIVER_LOCKS}, hashtext(receiver))`,
        [wanted],
      );
      if (this.session === session) for (const { receiver } of won) this.held.add(receiver);
    }
    // More than the share: the count may be old (a process has just gone, whose receivers these were).
    if (this.held.size > this.share(receivers)) await this.count(session);
    const surplus = [...this.held].filter(idle).slice(0, Math.max(0, this.held.size - this.share(receivers)));
    if (surplus.length > 0 && this.session === session) {
      for (const receiver of surplus) this.held.delete(receiver);
      await session.query(`SELECT pg_advisory_unlock(${RECEIVER_LOCKS}, hashtext(receiver)) FROM unnest($1::text[]) receiver`, [surplus]);
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

  /** This process's fair share: the receivers spread over the delivering processes alive. */
  private share(receivers: string[]): number {
    return Math.ceil(receivers.length / this.members);
  }

  /** A connection of its own, holding a member slot for as long as it lives. */
  private async open(): Promise<DedicatedSession> {
    let opened: DedicatedSession | undefined = undefined;
    opened = await this.db.session!(() => {
      // The server has released every lock of this connection: serve nothing until reclaimed.
      if (opened && this.session === opened) this.session = undefined;
      this.held = new Set();
    });
    for (let slot = 0; slot < MEMBER_SLOTS; slot++) {
      const rows = await opened.query<{ won: boolean }>(`SELECT pg_try_advisory_lock(${MEMBER_LOCKS}, ${MEMBER_KEY}) AS won FROM (SELECT $1::int AS slot) s`, [slot]);
      if (rows[0].won) break;
    }
    this.session = opened;
    this.countedAt = 0;
    return opened;
  }

  private async count(session: DedicatedSession): Promise<void> {
    const rows = await session.query<{ members: number }>(
      `SELECT count(*)::int AS members
       FROM pg_locks l JOIN generate_series(0, ${MEMBER_SLOTS - 1}) slot
         ON l.objid = (${MEMBER_KEY}::bigint & 4294967295)::oid
       WHERE l.locktype = 'advisory' AND l.granted AND l.classid = ${MEMBER_LOCKS} AND l.objsubid = 2
         AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
    );
    this.members = Math.max(1, rows[0].members);
    this.countedAt = Date.now();
  }
}
