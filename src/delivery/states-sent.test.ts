import { describe, expect, it } from 'vitest';
import { SeenTransactions } from './seen-transactions.js';
import { StatesSent } from './states-sent.js';

describe('the objects a receiver was sent whole', () => {
  it('holds the changes each state contained, and only those', () => {
    const states = new StatesSent();
    states.remember('LOC-1', SeenTransactions.parse('100:105:101'));
    expect(states.holds('LOC-1', '102')).toBe(true);
    expect(states.holds('LOC-1', '101')).toBe(false);
    expect(states.holds('LOC-1', '105')).toBe(false);
    expect(states.holds('LOC-2', '102')).toBe(false);
  });

  it('forgets each state once the cursor has passed everything it could hold, in the order sent', () => {
    const states = new StatesSent();
    states.remember('LOC-1', SeenTransactions.parse('100:105:'));
    states.remember('LOC-2', SeenTransactions.parse('100:110:'));
    states.forgetPassed('104');
    expect(states.size).toBe(2);
    states.forgetPassed('105');
    expect(states.size).toBe(1);
    expect(states.holds('LOC-1', '102')).toBe(false);
    expect(states.holds('LOC-2', '102')).toBe(true);
    states.forgetPassed('110');
    expect(states.size).toBe(0);
  });

  it('keeps a newer state of an object when the older one is forgotten', () => {
    const states = new StatesSent();
    states.remember('LOC-1', SeenTransactions.parse('100:105:'));
    states.remember('LOC-1', SeenTransactions.parse('100:120:'));
    states.forgetPassed('110');
    expect(states.holds('LOC-1', '115')).toBe(true);
    states.forgetPassed('120');
    expect(states.size).toBe(0);
  });

  it('forgets a state sent out of order at the latest once the cursor passes the one before it', () => {
    const states = new StatesSent();
    states.remember('LOC-1', SeenTransactions.parse('100:130:'));
    states.remember('LOC-2', SeenTransactions.parse('100:105:'));
    states.forgetPassed('110');
    // Still correct, only kept: a change the cursor has passed is never asked about again.
    expect(states.size).toBe(2);
    states.forgetPassed('130');
    expect(states.size).toBe(0);
  });

  it('stays bounded over a long catch-up', () => {
    const states = new StatesSent();
    for (let tx = 1_000; tx < 50_000; tx++) {
      states.remember(`LOC-${tx % 7}`, SeenTransactions.parse(`${tx}:${tx + 1}:`));
      states.forgetPassed(String(tx));
    }
    expect(states.size).toBeLessThanOrEqual(1);
  });
});
