import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AuthorizationSlots } from './authorization-slots.js';

describe('slots for authorizations by CPO and eMSP', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  const never = () => Date.now() + 60_000;

  it('grants a pair its slots at once, then lets the next requests in as slots come back, in order', async () => {
    const slots = new AuthorizationSlots(2);
    const first = await slots.take('A>X', never());
    const second = await slots.take('A>X', never());
    const order: string[] = [];
    const third = slots.take('A>X', never()).then((slot) => (order.push('third'), slot));
    const fourth = slots.take('A>X', never()).then((slot) => (order.push('fourth'), slot));
    await vi.advanceTimersByTimeAsync(0);
    expect(order).toEqual([]);
    expect(slots.open('A>X')).toBe(2);

    first!();
    await vi.advanceTimersByTimeAsync(0);
    expect(order).toEqual(['third']);
    second!();
    await vi.advanceTimersByTimeAsync(0);
    expect(order).toEqual(['third', 'fourth']);
    (await third)!();
    (await fourth)!();
    expect(slots.open('A>X')).toBe(0);
  });

  it('keeps pairs apart: a full pair does not hold another CPO or another eMSP back', async () => {
    const slots = new AuthorizationSlots(1);
    expect(await slots.take('A>X', never())).toBeTypeOf('function');
    expect(await slots.take('B>X', never())).toBeTypeOf('function');
    expect(await slots.take('A>Y', never())).toBeTypeOf('function');
  });

  it('gives up on a request at its deadline, and the slot goes to the next one still waiting', async () => {
    const slots = new AuthorizationSlots(1);
    const held = await slots.take('A>X', never());
    const hurried = slots.take('A>X', Date.now() + 100);
    const patient = slots.take('A>X', never());
    await vi.advanceTimersByTimeAsync(100);
    expect(await hurried).toBeUndefined();

    held!();
    held!(); // given back twice: counted once
    const next = await patient;
    expect(next).toBeTypeOf('function');
    expect(slots.open('A>X')).toBe(1);
    next!();
    expect(slots.open('A>X')).toBe(0);
  });
});
