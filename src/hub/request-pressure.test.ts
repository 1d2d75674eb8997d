import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PRESSED_AT_REQUESTS_IN_FLIGHT, RequestPressure } from './request-pressure.js';

describe('request pressure', () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ['performance'] }));
  afterEach(() => vi.useRealTimers());

  const arrive = (pressure: RequestPressure, count: number) => Array.from({ length: count }, () => pressure.arrived());

  it('takes a steady stream piled up by a pause of some tens of milliseconds for no burst', () => {
    const pressure = new RequestPressure();
    const steady = arrive(pressure, 2);
    vi.advanceTimersByTime(1_000);
    const piled = arrive(pressure, PRESSED_AT_REQUESTS_IN_FLIGHT);
    vi.advanceTimersByTime(40);
    for (const over of piled) over();
    expect(pressure.pressedWithin(1_000)).toBe(false);
    for (const over of steady) over();
  });

  it('counts a burst that keeps requests in flight, and for `withinMs` after it ends', () => {
    const pressure = new RequestPressure();
    const burst = arrive(pressure, PRESSED_AT_REQUESTS_IN_FLIGHT * 2);
    vi.advanceTimersByTime(1_000);
    expect(pressure.pressedWithin(1)).toBe(true);
    for (const over of burst) over();
    vi.advanceTimersByTime(500);
    expect(pressure.pressedWithin(1_000)).toBe(true);
    vi.advanceTimersByTime(1_000);
    expect(pressure.pressedWithin(1_000)).toBe(false);
  });

  it('counts a request out once however often it is said to be over', () => {
    const pressure = new RequestPressure();
    const burst = arrive(pressure, PRESSED_AT_REQUESTS_IN_FLIGHT);
    for (let i = 0; i < 10; i++) burst[0]();
    const more = arrive(pressure, 1);
    vi.advanceTimersByTime(2_000);
    expect(pressure.pressedWithin(1)).toBe(true);
    for (const over of [...burst, ...more]) over();
  });
});
