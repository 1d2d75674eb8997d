import { describe, expect, it } from 'vitest';
import { normalizeTimestamp, normalizeTimestamps } from '../ocpi/time.js';
import { validateQuirks } from './quirks.js';

describe('lenient timestamps', () => {
  it('reads zoneless and space-separated times as UTC', () => {
    expect(normalizeTimestamp('2026-11-22 10:00:00')).toBe('2026-11-22T10:00:00Z');
    expect(normalizeTimestamp('2026-11-22T10:00:00')).toBe('2026-11-22T10:00:00Z');
    expect(normalizeTimestamp('2026-11-22T12:00:00+0200')).toBe('2026-11-22T10:00:00Z');
    expect(normalizeTimestamp('2026-11-22T10:00:00.250Z')).toBe('2026-11-22T10:00:00.250Z');
  });

  it('leaves anything else alone', () => {
    expect(normalizeTimestamp('yesterday')).toBe('yesterday');
    expect(normalizeTimestamps({ name: '2026-11-22 10:00:00', last_updated: '2026-11-22 10:00:00' })).toEqual({
      name: '2026-11-22 10:00:00',
      last_updated: '2026-11-22T10:00:00Z',
    });
  });
});

describe('quirk profiles', () => {
  it('accepts known quirks and names the path of an unknown value', () => {
    expect(validateQuirks({ token_encoding: 'raw', put_instead_of_patch: ['sessions'], page_size: 50 }).ok).toBe(true);
    const bad = validateQuirks({ put_instead_of_patch: ['cdrs'] });
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.path).toBe('$.put_instead_of_patch[0]');
  });
});
