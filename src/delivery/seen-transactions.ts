/**
 * The transactions a database snapshot saw, from PostgreSQL's `pg_snapshot` text form
 * `xmin:xmax:xip,...`: every transaction below xmin had ended, none from xmax on had, and those
 * listed in between were still running.
 *
 * An object's stored state and the log row of each change to it are written by one transaction,
 * so a state read under a snapshot contains exactly the logged changes whose transaction the
 * snapshot saw. Delivery uses that to skip, for a receiver that got the state, the changes it
 * already holds.
 */
export class SeenTransactions {
  private constructor(
    private readonly xmin: bigint,
    private readonly xmax: bigint,
    private readonly running: ReadonlySet<bigint>,
  ) {}

  static parse(text: string): SeenTransactions {
    const [xmin, xmax, running = ''] = text.split(':');
    if (xmin === undefined || xmax === undefined) throw new Error(`Not a pg_snapshot: ${text}`);
    return new SeenTransactions(BigInt(xmin), BigInt(xmax), new Set(running.split(',').filter(Boolean).map(BigInt)));
  }

  /** Whether the snapshot saw this committed transaction's changes (`tx` as xid8 text). */
  includes(tx: string): boolean {
    const id = BigInt(tx);
    return id < this.xmin || (id < this.xmax && !this.running.has(id));
  }

  /**
   * Whether a log reader at `cursorTx` has read every change this snapshot could have seen: the
   * log is read in transaction order, so nothing at or after xmax was visible to it.
   */
  passedBy(cursorTx: string): boolean {
    return BigInt(cursorTx) >= this.xmax;
  }
}
