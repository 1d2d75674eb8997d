import { describe, expect, it } from 'vitest';
import { SeenTransactions } from './seen-transactions.js';

describe('the transactions a snapshot saw', () => {
  const seen = SeenTransactions.parse('100:105:101,103');

  it('includes those ended before it and those committed between xmin and xmax', () => {
    expect(seen.includes('99')).toBe(true);
    expect(seen.includes('102')).toBe(true);
    expect(seen.includes('104')).toBe(true);
  });

  it('excludes those still running then and those started after', () => {
    expect(seen.includes('101')).toBe(false);
    expect(seen.includes('103')).toBe(false);
    expect(seen.includes('105')).toBe(false);
  });

  it('is passed by a log cursor at or beyond xmax', () => {
    expect(seen.passedBy('104')).toBe(false);
    expect(seen.passedBy('105')).toBe(true);
  });

  it('reads a snapshot with nothing running', () => {
    const idle = SeenTransactions.parse('7:7:');
    expect(idle.includes('6')).toBe(true);
    expect(idle.includes('7')).toBe(false);
  });

  it('orders ids of different lengths and beyond 2^53 by value', () => {
    const late = SeenTransactions.parse('9007199254740993:9007199254741000:9007199254740995');
    expect(late.includes('999')).toBe(true);
    expect(late.includes('9007199254740994')).toBe(true);
    expect(late.includes('9007199254740995')).toBe(false);
    expect(late.includes('10000000000000000')).toBe(false);
    expect(late.passedBy('9007199254740999')).toBe(false);
    expect(late.passedBy('10000000000000000')).toBe(true);
  });

  it('refuses what is not a snapshot', () => {
    expect(() => SeenTransactions.parse('7')).toThrow(/Not a pg_snapshot/);
    expect(() => SeenTransactions.parse('7:x:')).toThrow(/Not a pg_snapshot/);
  });
});
