/**
 * Starts of something (delivery rounds, announcements) at least `intervalMs` apart: the first
 * after a quiet spell may start at once, later ones wait for the rest of the interval.
 */
export class Pace {
  private startedAt = -Infinity;

  constructor(private readonly intervalMs: number) {}

  /** Records a start now. */
  started(): void {
    this.startedAt = performance.now();
  }

  /** How long the next start must wait (0: it may start now), `intervalMs` after the last by default. */
  untilNext(intervalMs = this.intervalMs): number {
    return Math.max(0, this.startedAt + intervalMs - performance.now());
  }
}
