import type { Database, DedicatedSession } from '../store/database.js';

/** Any constant: the namespace of delivery's advisory locks on receivers. */
const RECEIVER_LOCKS = 7_411_010;
/** The namespace of the locks that say which delivering processes are alive. */
const MEMBER_LOCKS = 7_411_011;
/** Delivering processes one database counts (a process beyond them serves what is free). */
const MEMBER_SLOTS = 256;
/** How often a process looks at which delivering processes are alive, to see one arrive or leave. */
const LOOK_EVERY_MS = 1_000;

/**
 * Which receivers this process serves. On a PostgreSQL server each receiver is held through a
 * session-level advisory lock on a connection of its own: one process at a time serves a receiver,
 * and when a process dies (or loses its connection) the server releases its locks at once, so
 * the others take over within about a second (when they next look at who is alive) rather than
 * after a lease runs out. Delivering processes share the receivers: they are dealt out in turn,
 * in the order given, over the processes alive, and a process hands back, once idle, a receiver
 * dealt to another. An embedded database belongs to one process, which serves every receiver.
 */
export interface Ownership {
  /**
   * Claims what it can of this process's turn of `receivers` (in the same order in every
   * process), and hands back those of another's that `idle` says may go; returns every receiver
   * this process now serves.
   */
  claim(receivers: string[], idle: (receiver: string) => boolean): Promise<ReadonlySet<string>>;
  /** The receivers this process serves now. */
  readonly served: ReadonlySet<string>;
  release(): Promise<void>;
}

export function ownershipFor(db: Database): Ownership {
  return db.session ? new AdvisoryLockOwnership(db) : new SoleOwnership();
}

class SoleOwnership implements Ownership {
  readonly served = new Set<string>();
  async claim(receivers: string[]): Promise<ReadonlySet<string>> {
    for (const receiver of receivers) this.served.add(receiver);
    return this.served;
  }
  async release(): Promise<void> {
    this.served.clear();
  }
}

/**
 * Each delivering process holds one member lock, keyed by the schema and a slot number, on the
 * same connection as its receivers' locks; the member locks granted in `pg_locks` say which
 * processes share this schema's receivers, alive now.
 */
const MEMBER_KEY = `hashtext(current_schema() || ':delivery:' || slot)`;

class AdvisoryLockOwnership implements Ownership {
  /** Opened by the first claim; claims come one at a time (the worker's rounds never overlap). */
  private session?: DedicatedSession;
  private held = new Set<string>();
  private slot?: number;
  /** Where this process stands among the live members, and how many there are. */
  private turn = { rank: 0, members: 1 };
  private lookedAt = 0;

  constructor(private readonly db: Database) {}

  async claim(receivers: string[], idle: (receiver: string) => boolean): Promise<ReadonlySet<string>> {
    const session = this.session ?? (await this.open());
    if (Date.now() - this.lookedAt >= LOOK_EVERY_MS) await this.lookAtMembers(session);
    const { rank, members } = this.turn;
    const mine = new Set(receivers.filter((_, index) => index % members === rank));
    const wanted = [...mine].filter((receiver) => !this.held.has(receiver));
    if (wanted.length > 0) {
      const won = await session.query<{ receiver: string }>(
        `SELECT receiver FROM unnest($1::text[]) receiver WHERE pg_try_advisory_lock(${RECEIVER_LOCKS}, hashtext(receiver))`,
        [wanted],
      );
      if (this.session === session) for (const { receiver } of won) this.held.add(receiver);
    }
    const others = [...this.held].filter((receiver) => !mine.has(receiver) && idle(receiver));
    if (others.length > 0 && this.session === session) {
      for (const receiver of others) this.held.delete(receiver);
      await session.query(`SELECT pg_advisory_unlock(${RECEIVER_LOCKS}, hashtext(receiver)) FROM unnest($1::text[]) receiver`, [others]);
    }
    return this.held;
  }

  get served(): ReadonlySet<string> {
    return this.held;
  }

  async release(): Promise<void> {
    const session = this.session;
    this.session = undefined;
    this.held = new Set();
    await session?.close();
  }

  /** A connection of its own, holding a member slot for as long as it lives. */
  private async open(): Promise<DedicatedSession> {
    let opened: DedicatedSession | undefined = undefined;
    opened = await this.db.session!(() => {
      // The server has released every lock of this connection: serve nothing until reclaimed.
      if (opened && this.session === opened) this.session = undefined;
      this.held = new Set();
    });
    this.slot = undefined;
    for (let slot = 0; slot < MEMBER_SLOTS && this.slot === undefined; slot++) {
      const [{ won }] = await opened.query<{ won: boolean }>(`SELECT pg_try_advisory_lock(${MEMBER_LOCKS}, ${MEMBER_KEY}) AS won FROM (SELECT $1::int AS slot) s`, [slot]);
      if (won) this.slot = slot;
    }
    this.session = opened;
    this.lookedAt = 0;
    return opened;
  }

  /** This process's turn: its place among the member slots held now (all receivers without a slot). */
  private async lookAtMembers(session: DedicatedSession): Promise<void> {
    const rows = await session.query<{ slot: number }>(
      `SELECT slot FROM pg_locks l JOIN generate_series(0, ${MEMBER_SLOTS - 1}) slot
         ON l.objid = (${MEMBER_KEY}::bigint & 4294967295)::oid
       WHERE l.locktype = 'advisory' AND l.granted AND l.classid = ${MEMBER_LOCKS} AND l.objsubid = 2
         AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
       ORDER BY slot`,
    );
    const slots = rows.map((row) => row.slot);
    const rank = this.slot === undefined ? -1 : slots.indexOf(this.slot);
    this.turn = rank < 0 ? { rank: 0, members: 1 } : { rank, members: slots.length };
    this.lookedAt = Date.now();
  }
}
