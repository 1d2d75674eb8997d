import { describe, expect, it } from 'vitest';
import { Alterations } from './journal-storable.js';

describe('journal bodies made storable', () => {
  it('gives every entry sharing one body the same text and the same alterations', () => {
    const body = { id: 'LOC\u00001', token: 'secret', evses: [{ uid: 'E1' }] };
    const first = new Alterations();
    const second = new Alterations();
    const text = first.sharedBody(body);
    expect(second.sharedBody(body)).toBe(text);
    expect(JSON.parse(text)).toEqual({ id: 'LOC\ufffd1', token: '[redacted]', evses: [{ uid: 'E1' }] });
    expect(first.flag).toBe('escaped');
    expect(second.flag).toBe('escaped');
  });

  it('bounds a body by the cap in force', () => {
    const body = { text: 'x'.repeat(100) };
    const bounded = new Alterations(50);
    expect(JSON.parse(bounded.body(body))).toMatchObject({ truncated: true, size: 111 });
    expect(bounded.flag).toBe('truncated');
    const whole = new Alterations();
    expect(JSON.parse(whole.body(body))).toEqual(body);
    expect(whole.flag).toBeNull();
  });

  it('escapes an unpaired surrogate in a key or a value, and redacts tokens nested anywhere', () => {
    const alterations = new Alterations();
    const body = { ['k\ud800']: ['ok \ud83d\ude00', 'bad \udc00'], credentials: [{ token_c: 'secret', url: 'https://x' }] };
    expect(JSON.parse(alterations.body(body))).toEqual({
      'k\ufffd': ['ok \ud83d\ude00', 'bad \ufffd'],
      credentials: [{ token_c: '[redacted]', url: 'https://x' }],
    });
    expect(alterations.flag).toBe('escaped');
  });

  it('cuts a body nested deeper than any OCPI object, and keeps one nested as deep as allowed', () => {
    const nest = (levels: number) => {
      let value: unknown = 'leaf';
      for (let i = 0; i < levels; i++) value = i % 2 === 0 ? { a: value, text: '[{"x":' } : [value];
      return value;
    };
    const deep = new Alterations();
    expect(deep.body(nest(40))).toContain('[nested too deep]');
    expect(deep.flag).toBe('truncated');
    const allowed = new Alterations();
    expect(JSON.parse(allowed.body(nest(32)))).toEqual(nest(32));
    expect(allowed.flag).toBeNull();
  });

  it('stores plain values as they are', () => {
    expect(new Alterations().body('text')).toBe('"text"');
    expect(new Alterations().body(undefined)).toBe('null');
  });
});
