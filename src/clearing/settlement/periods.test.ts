import { describe, expect, it } from 'vitest';
import { parsePeriod } from './periods.js';

describe('settlement periods', () => {
  it('reads a month with its local bounds, December into January', () => {
    expect(parsePeriod('2026-11')).toEqual({ label: '2026-11', cadence: 'MONTHLY', startLocal: '2026-11-01 00:00:00', endLocal: '2026-12-01 00:00:00' });
    expect(parsePeriod('2026-12')?.endLocal).toBe('2027-01-01 00:00:00');
  });

  it('reads an ISO week, Monday to Monday, across a year end', () => {
    expect(parsePeriod('2026-W48')).toMatchObject({ cadence: 'WEEKLY', startLocal: '2026-11-23 00:00:00', endLocal: '2026-11-30 00:00:00' });
    expect(parsePeriod('2026-W01')?.startLocal).toBe('2025-12-29 00:00:00');
    expect(parsePeriod('2026-W53')?.startLocal).toBe('2026-12-28 00:00:00');
    expect(parsePeriod('2025-W53')).toBeUndefined();
  });

  it('refuses what is not a period', () => {
    for (const label of ['2026-13', '2026-1', '2026-W00', '2026-W54', 'november']) expect(parsePeriod(label)).toBeUndefined();
  });
});
