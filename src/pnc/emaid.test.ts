import { describe, expect, it } from 'vitest';
import { emaidCheckDigit, parseEmaid } from './emaid.js';

describe('EMAID', () => {
  it('computes the check digits of the published contract-id examples', () => {
    const bodies = ['NN123ABCDEFGHI', 'FRXYZ123456789', 'ITA1B2C3E4F5G6', 'ESZU8WOX834H1D', 'PT73902837ABCZ', 'DE83DUIEN83QGZ', 'DE83DUIEN83ZGQ', 'DE8AA001234567'];
    expect(bodies.map(emaidCheckDigit).join('')).toBe('T24RZDM0');
  });

  it('parses the separated and compact forms alike, normalised', () => {
    const emaid = parseEmaid('de-8aa-ca2b3c4d5-l');
    expect(emaid).toEqual({
      id: 'DE8AACA2B3C4D5L',
      key: 'DE8AACA2B3C4D5',
      countryCode: 'DE',
      providerId: '8AA',
      provider: 'DE8AA',
      instance: 'CA2B3C4D5',
      checkDigit: 'L',
    });
    expect(parseEmaid('DE83DUIEN83QGZ').checkDigit).toBeUndefined();
  });

  it('refuses a wrong check digit and a malformed id', () => {
    expect(() => parseEmaid('DE83DUIEN83QGZE')).toThrow(/wrong check digit: D expected/);
    expect(() => parseEmaid('DE-83DUIEN83QGZD')).toThrow(/is no EMAID/);
    expect(() => parseEmaid('D183DUIEN83QGZD')).toThrow(/is no EMAID/);
  });
});
