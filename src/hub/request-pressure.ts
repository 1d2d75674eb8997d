/**
 * A steady stream of partners' requests keeps a handful in flight at once (200 pushes a second
 * answered in 5-20 ms: 1 to 4); a CPO pushing its whole network at its own concurrency keeps
 * many more, for as long as its burst lasts.
 */
export const PRESSED_AT_REQUESTS_IN_FLIGHT = 16;

/**
 * How long requests in flight are averaged over. A pause of the process (a garbage collection, a
 * wait for a core) piles a steady stream's requests up for some tens of milliseconds; that is not
 * a burst, and giving way to it would only make deliveries lumpy.
 */
const AVERAGED_OVER_MS = 250;

/**
 * Whether partners press this process with requests: whether admitted OCPI requests in flight,
 * averaged over the last AVERAGED_OVER_MS, are or lately were at PRESSED_AT_REQUESTS_IN_FLIGHT.
 * Delivering processes on the same cores give way meanwhile (delivery/worker.ts, giveWayMs), so
 * that a burst is answered first and delivered after, each changed object's latest state once.
 */
export class RequestPressure {
  private inFlight = 0;
  /** Requests in flight, averaged exponentially over time, as of `averagedAt`. */
  private average = 0;
  private averagedAt = performance.now();
  /** When the average was last seen at the mark. */
  private pressedAt = -Infinity;

  /** Counts a request in; call the function it returns when the request is over (once is counted). */
  arrived(): () => void {
    this.settle();
    this.inFlight++;
    let over = false;
    return () => {
      if (over) return;
      over = true;
      this.settle();
      this.inFlight--;
    };
  }

  /** Whether the requests in flight are at the mark on average, or were within the last `withinMs`. */
  pressedWithin(withinMs: number): boolean {
    this.settle();
    return performance.now() - this.pressedAt < withinMs;
  }

  /** Brings the average up to now: the count held since the last change weighs by how long it held. */
  private settle(): void {
    const now = performance.now();
    const held = 1 - Math.exp(-(now - this.averagedAt) / AVERAGED_OVER_MS);
    this.average += (this.inFlight - this.average) * held;
    this.averagedAt = now;
    // Rounded: an average only comes near a count held steady, and the mark itself is a burst.
    if (Math.round(this.average) >= PRESSED_AT_REQUESTS_IN_FLIGHT) this.pressedAt = now;
  }
}
