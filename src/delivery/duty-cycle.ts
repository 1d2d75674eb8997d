/** Each further period of pressure halves the share, down to this part of the first share. */
const NARROWEST_PART = 1 / 4;

export interface DutyCycleOptions {
  /** The share of each period open once pressure begins, above 0 and at most 1. */
  share: number;
  periodMs: number;
  /** Whether partners pressed the hub within the last `ms` milliseconds. */
  pressedWithin: (ms: number) => boolean;
  now?: () => number;
}

/**
 * Work allowed only in the first part of every period of the wall clock: open for share ×
 * periodMs, then shut for the rest. Every process of a hub opens at the same moments, so between
 * openings the requests have the machine to themselves.
 *
 * The share follows the pressure: always open while partners do not press; the configured share
 * as soon as they do; half the share before for each further period they still press, down to a
 * quarter of the configured share, since pressure that outlasts a period means the work still
 * started in the open part keeps slowing the answers; always open again once a whole period has
 * passed without pressure.
 */
export class DutyCycle {
  private share = 1;
  /** The period (index since the epoch) whose share is set. */
  private period = -Infinity;
  private readonly firstShare: number;
  private readonly periodMs: number;
  private readonly pressedWithin: (ms: number) => boolean;
  private readonly now: () => number;

  constructor(options: DutyCycleOptions) {
    if (!(options.share > 0 && options.share <= 1)) throw new RangeError(`a duty cycle's share is above 0 and at most 1, not ${options.share}`);
    this.firstShare = options.share;
    this.periodMs = options.periodMs;
    this.pressedWithin = options.pressedWithin;
    this.now = options.now ?? Date.now;
  }

  /** The share of the current period open to work (1: always open). */
  get openShare(): number {
    this.follow(this.now());
    return this.share;
  }

  /** How long until work may start (0: it may start now). */
  untilOpen(): number {
    const now = this.now();
    this.follow(now);
    const phase = now % this.periodMs;
    return phase < this.share * this.periodMs ? 0 : this.periodMs - phase;
  }

  private follow(now: number): void {
    const period = Math.floor(now / this.periodMs);
    if (!this.pressedWithin(this.periodMs)) {
      this.share = 1;
    } else if (this.share === 1) {
      this.share = this.firstShare;
      this.period = period;
    } else if (period !== this.period) {
      this.share = Math.max(this.firstShare * NARROWEST_PART, this.share / 2);
      this.period = period;
    }
  }
}
