/**
 * Work allowed only in the first `share` of every period of the wall clock: open for
 * share × periodMs, then shut for the rest. Every process of a hub opens at the same moments,
 * so between openings the requests have the machine to themselves.
 */
export class DutyCycle {
  private readonly openMs: number;

  constructor(
    share: number,
    private readonly periodMs: number,
    private readonly now: () => number = Date.now,
  ) {
    if (!(share > 0 && share <= 1)) throw new RangeError(`a duty cycle's share is above 0 and at most 1, not ${share}`);
    this.openMs = share * periodMs;
  }

  /** How long until work may start (0: it may start now). */
  untilOpen(): number {
    const phase = this.now() % this.periodMs;
    return phase < this.openMs ? 0 : this.periodMs - phase;
  }
}
