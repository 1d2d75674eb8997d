import type { SeenTransactions } from './seen-transactions.js';

/**
 * The objects one receiver got whole, each with the transactions that stored state contained, so
 * that the logged changes among them are not sent again. Each is forgotten once the receiver's
 * cursor has passed every change it could hold.
 *
 * A receiver catching up a large backlog is sent tens of thousands of objects whole, and its
 * cursor moves after every batch: forgetting goes through them in the order they were sent and
 * stops at the first the cursor has not passed, instead of looking at every one each time.
 * States read concurrently may be sent slightly out of order; one such is then forgotten a batch
 * later, which changes nothing but memory.
 */
export class StatesSent {
  private readonly byObject = new Map<string, SeenTransactions>();
  /** What was sent, in order: two arrays rather than one object per state, for a smaller heap. */
  private readonly keysSent: string[] = [];
  private readonly statesSeen: SeenTransactions[] = [];
  private next = 0;

  remember(objectKey: string, seen: SeenTransactions): void {
    this.byObject.set(objectKey, seen);
    this.keysSent.push(objectKey);
    this.statesSeen.push(seen);
  }

  /** Whether the receiver holds this logged change of the object already. */
  holds(objectKey: string, tx: string): boolean {
    return this.byObject.get(objectKey)?.includes(tx) ?? false;
  }

  forgetPassed(cursorTx: string): void {
    while (this.next < this.statesSeen.length && this.statesSeen[this.next].passedBy(cursorTx)) {
      const objectKey = this.keysSent[this.next];
      // A newer state of the object, sent since, stays.
      if (this.byObject.get(objectKey) === this.statesSeen[this.next]) this.byObject.delete(objectKey);
      this.next++;
    }
    if (this.next > 1_000 && this.next * 2 > this.statesSeen.length) {
      this.keysSent.splice(0, this.next);
      this.statesSeen.splice(0, this.next);
      this.next = 0;
    }
  }

  get size(): number {
    return this.byObject.size;
  }
}
