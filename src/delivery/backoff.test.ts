import { describe, expect, it } from 'vitest';
import { retryDelayMs } from './backoff.js';

describe('retryDelayMs', () => {
  const policy = { baseDelayMs: 1000, maxDelayMs: 60_000 };

  it('doubles with each failure and stays within the jitter band', () => {
    expect(retryDelayMs(1, policy, () => 1)).toBe(1000);
    expect(retryDelayMs(3, policy, () => 1)).toBe(4000);
    expect(retryDelayMs(3, policy, () => 0)).toBe(2000);
  });

  it('never exceeds the cap', () => {
    expect(retryDelayMs(30, policy, () => 1)).toBe(60_000);
  });
});
