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

  it('stores plain values as they are', () => {
    expect(new Alterations().body('text')).toBe('"text"');
    expect(new Alterations().body(undefined)).toBe('null');
  });
});
