/**
 * The timers and work in flight of a simulated actor. Loops never overlap themselves (the next
 * round is scheduled when one ends), failures go to `onError` instead of crashing the process,
 * and stop() clears every timer and waits for what is running.
 */
export class Tasks {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly running = new Set<Promise<void>>();
  private stopped = false;

  constructor(private readonly onError: (error: unknown) => void) {}

  after(delayMs: number, work: () => Promise<unknown>): void {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!this.stopped) this.run(work);
    }, delayMs);
    this.timers.add(timer);
  }

  /** Repeats work with a delay between rounds; `delayMs` is asked anew each time (for jitter). */
  every(delayMs: () => number, work: () => Promise<unknown>): void {
    this.after(delayMs(), async () => {
      try {
        await work();
      } finally {
        this.every(delayMs, work);
      }
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  private run(work: () => Promise<unknown>): void {
    const promise = work().then(
      () => undefined,
      (error) => this.onError(error),
    );
    this.running.add(promise);
    void promise.finally(() => this.running.delete(promise));
  }
}
