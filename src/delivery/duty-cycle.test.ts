import { describe, expect, it } from 'vitest';
import { DutyCycle } from './duty-cycle.js';

describe('DutyCycle', () => {
  it('is open for its share of each period of the clock and says how long until it opens again', () => {
    let now = 10_000;
    const cycle = new DutyCycle(0.2, 1_000, () => now);
    expect(cycle.untilOpen()).toBe(0);
    now = 10_199;
    expect(cycle.untilOpen()).toBe(0);
    now = 10_200;
    expect(cycle.untilOpen()).toBe(800);
    now = 10_950;
    expect(cycle.untilOpen()).toBe(50);
    now = 11_000;
    expect(cycle.untilOpen()).toBe(0);
  });

  it('opens at the same moments in every process, whenever each was started', () => {
    let now = 5_300;
    const early = new DutyCycle(0.25, 1_000, () => now);
    now = 7_650;
    const late = new DutyCycle(0.25, 1_000, () => now);
    expect(late.untilOpen()).toBe(early.untilOpen());
    expect(late.untilOpen()).toBe(350);
  });

  it('is always open with a share of 1, and refuses a share outside (0, 1]', () => {
    let now = 0;
    const always = new DutyCycle(1, 1_000, () => now);
    for (now = 0; now < 2_000; now += 125) expect(always.untilOpen()).toBe(0);
    expect(() => new DutyCycle(0, 1_000)).toThrow(/above 0 and at most 1/);
    expect(() => new DutyCycle(1.5, 1_000)).toThrow(/above 0 and at most 1/);
    expect(() => new DutyCycle(Number.NaN, 1_000)).toThrow(/above 0 and at most 1/);
  });
});
