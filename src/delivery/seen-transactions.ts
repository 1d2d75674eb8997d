import { compareXids } from '../store/event-log.js';

/**
 * The transactions a database snapshot saw, from PostgreSQL's `pg_snapshot` text form
 * `xmin:xmax:xip,...`: every transaction below xmin had ended, none from xmax on had, and those
 * listed in between were still running.
 *
 * An object's stored state and the log row of each change to it are written by one transaction,
 * so a state read under a snapshot contains exactly the logged changes whose transaction the
 * snapshot saw. Delivery uses that to skip, for a receiver that got the state, the changes it
 * already holds.
 *
 * Transaction ids stay in their decimal text: a receiver catching up asks about every event it
 * reads, and comparing text costs less than parsing each id into a bigint.
 */
export class SeenTransactions {
  private constructor(
    private readonly xmin: string,
    private readonly xmax: string,
    private readonly running: ReadonlySet<string>,
  ) {}

  static parse(text: string): SeenTransactions {
    const [xmin, xmax, running = ''] = text.split(':');
    if (!isXid(xmin) || !isXid(xmax)) throw new Error(`Not a pg_snapshot: ${text}`);
    return new SeenTransactions(xmin, xmax, new Set(running.split(',').filter(Boolean)));
  }

  /** Whether the snapshot saw this committed transaction's changes (`tx` as xid8 text). */
  includes(tx: string): boolean {
    return compareXids(tx, this.xmin) < 0 || (compareXids(tx, this.xmax) < 0 && !this.running.has(tx));
  }

  /**
   * Whether a log reader at `cursorTx` has read every change this snapshot could have seen: the
   * log is read in transaction order, so nothing at or after xmax was visible to it.
   */
  passedBy(cursorTx: string): boolean {
    return compareXids(cursorTx, this.xmax) >= 0;
  }
}

const isXid = (text: string | undefined): text is string => text !== undefined && /^(0|[1-9][0-9]*)$/.test(text);
