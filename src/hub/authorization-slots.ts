/**
 * How many real-time authorizations one CPO may have open at one eMSP at once. The rest wait
 * their turn in the hub, in the order they came, within their own budget. A CPO's burst (a site
 * back online, a retry storm) then never fills the eMSP's connections ahead of other CPOs'
 * drivers: their requests find a free slot of their own, however many the burst holds.
 */
export class AuthorizationSlots {
  private readonly pairs = new Map<string, Pair>();

  constructor(private readonly perPair: number) {}

  /**
   * A slot of the CPO at the eMSP (`pair` names both), to give back with the function returned;
   * undefined when none came free before `deadline` (epoch ms).
   */
  take(pair: string, deadline: number): Promise<(() => void) | undefined> {
    const state = this.pairOf(pair);
    if (state.open < this.perPair) {
      state.open++;
      return Promise.resolve(this.giveBack(pair, state));
    }
    return new Promise((resolve) => {
      const waiter = () => {
        clearTimeout(timer);
        resolve(this.giveBack(pair, state));
      };
      const timer = setTimeout(() => {
        state.waiting.splice(state.waiting.indexOf(waiter), 1);
        resolve(undefined);
      }, Math.max(0, deadline - Date.now()));
      state.waiting.push(waiter);
    });
  }

  private pairOf(pair: string): Pair {
    let state = this.pairs.get(pair);
    if (!state) this.pairs.set(pair, (state = { open: 0, waiting: [] }));
    return state;
  }

  /** Requests of the pair that hold a slot now. */
  open(pair: string): number {
    return this.pairs.get(pair)?.open ?? 0;
  }

  /** Gives the slot to the pair's next waiting request, or frees it; once only. */
  private giveBack(pair: string, state: Pair): () => void {
    let given = false;
    return () => {
      if (given) return;
      given = true;
      const next = state.waiting.shift();
      if (next) return next();
      state.open--;
      if (state.open === 0) this.pairs.delete(pair);
    };
  }
}

interface Pair {
  /** Requests holding a slot. */
  open: number;
  /** Requests waiting for one, oldest first. */
  waiting: (() => void)[];
}
