import { describe, expect, it } from 'vitest';
import { Alterations } from './journal-storable.js';

describe('journal bodies made storable', () => {
  it('gives every entry sharing one body the same text and the same alterations', () => {
    const body = { id: 'LOC\u00001', token: 'secret', evses: [{ uid: 'E1' }] };
    const first = new Alterations();
    const second = new Alterations();
    const text = first.body(body);
    expect(second.body(body)).toBe(text);
    expect(JSON.parse(text)).toEqual({ id: 'LOC\ufffd1', token: '[redacted]', evses: [{ uid: 'E1' }] });
    expect(first.flag).toBe('escaped');
    expect(second.flag).toBe('escaped');
  });

  it('bounds a body by the cap in force', () => {
    const body = { text: 'x'.repeat(100) };
    process.env.SWITCHYARD_JOURNAL_BODY_CAP = '50';
    try {
      const bounded = new Alterations();
      expect(JSON.parse(bounded.body(body))).toMatchObject({ truncated: true, size: 111 });
      expect(bounded.flag).toBe('truncated');
    } finally {
      delete process.env.SWITCHYARD_JOURNAL_BODY_CAP;
    }
    const whole = new Alterations();
    expect(JSON.parse(whole.body(body))).toEqual(body);
    expect(whole.flag).toBeNull();
  });

  it('stores a body that needs no change as its plain JSON, and changes what needs it wherever it is', () => {
    const location = { id: 'LOC-1', evses: [{ uid: 'E1', status: 'AVAILABLE', connectors: [{ id: '1', tariff_ids: ['T1'] }] }], note: 'caf\u00e9 \ud83d\udd0c a\\u0000b' };
    const plain = new Alterations();
    expect(plain.body(location)).toBe(JSON.stringify(location));
    expect(plain.flag).toBeNull();

    const deep = (levels: number) => {
      let value: unknown = 'bottom';
      for (let i = 1; i < levels; i++) value = { inner: value };
      return { top: value };
    };
    expect(new Alterations().body(deep(32))).toBe(JSON.stringify(deep(32)));
    const tooDeep = new Alterations();
    expect(tooDeep.body(deep(33))).toContain('[nested too deep]');
    expect(tooDeep.flag).toBe('truncated');

    const cases: [unknown, string, unknown][] = [
      [{ party: { token: 'secret', name: 'CPO' } }, 'none', { party: { token: '[redacted]', name: 'CPO' } }],
      [{ text: 'lone \ud800 half' }, 'escaped', { text: 'lone \ufffd half' }],
      [{ ['k'.repeat(5000)]: 1 }, 'truncated', { [`${'k'.repeat(4096)}…`]: 1 }],
    ];
    for (const [body, flag, stored] of cases) {
      const alterations = new Alterations();
      expect(JSON.parse(alterations.body(body))).toEqual(stored);
      expect(alterations.flag ?? 'none').toBe(flag);
    }
  });

  it('stores plain values as they are', () => {
    expect(new Alterations().body('text')).toBe('"text"');
    expect(new Alterations().body(undefined)).toBe('null');
  });
});
