/** A request budget: `perSecond` sustained, up to `burst` at once. */
export interface Budget {
  perSecond: number;
  burst: number;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/** Buckets not touched for this long are forgotten (they would be full again anyway). */
const IDLE_MS = 10 * 60_000;
const SWEEP_EVERY = 1000;

/**
 * Token buckets by key, in this process's memory: each key spends one token per request, and
 * tokens come back at `perSecond` up to `burst`. Several hub processes each keep their own, so the
 * budget a partner gets is per process (N processes allow up to N times the budget).
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();
  private takes = 0;

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** Spends one token; 0 when allowed, else the seconds until a token is back. */
  take(key: string, budget: Budget): number {
    const now = this.now();
    if (++this.takes % SWEEP_EVERY === 0) this.sweep(now);
    const bucket = this.refilled(key, budget, now);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / budget.perSecond));
  }

  /** Seconds until `key` has a token again, without spending one (0: it has one now). */
  waitFor(key: string, budget: Budget): number {
    const bucket = this.refilled(key, budget, this.now());
    return bucket.tokens >= 1 ? 0 : Math.max(1, Math.ceil((1 - bucket.tokens) / budget.perSecond));
  }

  private refilled(key: string, budget: Budget, now: number): Bucket {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = { tokens: budget.burst, updatedAt: now };
      this.buckets.set(key, bucket);
    }
    bucket.tokens = Math.min(budget.burst, bucket.tokens + ((now - bucket.updatedAt) / 1000) * budget.perSecond);
    bucket.updatedAt = now;
    return bucket;
  }

  private sweep(now: number): void {
    for (const [key, bucket] of this.buckets) if (now - bucket.updatedAt > IDLE_MS) this.buckets.delete(key);
  }
}
