import { describe, expect, it } from 'vitest';
import { DutyCycle } from './duty-cycle.js';

/** A clock and a record of pressure the test moves by hand. */
function scene(start: number) {
  const state = { now: start, pressedAt: -Infinity };
  return {
    state,
    options: { now: () => state.now, pressedWithin: (ms: number) => state.now - state.pressedAt < ms },
  };
}

describe('DutyCycle', () => {
  it('is open for its share of each period of the clock while pressed, and says how long until it opens again', () => {
    const { state, options } = scene(10_000);
    const cycle = new DutyCycle({ share: 0.2, periodMs: 1_000, ...options });
    expect(cycle.untilOpen()).toBe(0);
    state.pressedAt = 10_000;
    state.now = 10_199;
    expect(cycle.untilOpen()).toBe(0);
    state.now = 10_200;
    expect(cycle.untilOpen()).toBe(800);
    state.now = 10_950;
    expect(cycle.untilOpen()).toBe(50);
  });

  it('opens at the same moments in every process, whenever each was started', () => {
    const { state, options } = scene(5_100);
    state.pressedAt = 5_100;
    const early = new DutyCycle({ share: 0.25, periodMs: 1_000, ...options });
    expect(early.untilOpen()).toBe(0);
    state.now = 5_650;
    const late = new DutyCycle({ share: 0.25, periodMs: 1_000, ...options });
    expect(late.untilOpen()).toBe(early.untilOpen());
    expect(late.untilOpen()).toBe(350);
  });

  it('halves its share for each further period of pressure, down to a quarter, and opens fully a period after it', () => {
    const { state, options } = scene(20_500);
    const cycle = new DutyCycle({ share: 0.2, periodMs: 1_000, ...options });
    const shareAt = (now: number, pressed: boolean) => {
      if (pressed) state.pressedAt = now;
      state.now = now;
      return cycle.openShare;
    };
    expect(shareAt(20_500, false)).toBe(1);
    expect(shareAt(20_600, true)).toBe(0.2);
    expect(shareAt(20_900, true)).toBe(0.2);
    expect(shareAt(21_050, true)).toBe(0.1);
    expect(shareAt(22_050, true)).toBe(0.05);
    expect(shareAt(23_050, true)).toBe(0.05);
    state.now = 23_500;
    expect(cycle.untilOpen()).toBe(500);
    // Within a period of the last pressure the share holds; a whole period after, always open.
    expect(shareAt(24_000, false)).toBe(0.05);
    expect(shareAt(24_050, false)).toBe(1);
    state.now = 24_900;
    expect(cycle.untilOpen()).toBe(0);
    // Pressure again: straight back to the configured share.
    expect(shareAt(25_000, true)).toBe(0.2);
  });

  it('is always open with a share of 1, and refuses a share outside (0, 1]', () => {
    const { state, options } = scene(0);
    state.pressedAt = 0;
    const always = new DutyCycle({ share: 1, periodMs: 1_000, ...options });
    for (state.now = 0; state.now < 2_000; state.now += 125) {
      state.pressedAt = state.now;
      expect(always.untilOpen()).toBe(0);
    }
    expect(() => new DutyCycle({ share: 0, periodMs: 1_000, ...options })).toThrow(/above 0 and at most 1/);
    expect(() => new DutyCycle({ share: 1.5, periodMs: 1_000, ...options })).toThrow(/above 0 and at most 1/);
    expect(() => new DutyCycle({ share: Number.NaN, periodMs: 1_000, ...options })).toThrow(/above 0 and at most 1/);
  });
});
