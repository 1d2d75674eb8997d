import { describe, expect, it } from 'vitest';
import { contractPrefix, fallbackDecision } from './authorization.js';

describe('the fallback when the eMSP does not answer', () => {
  it('follows the whitelist of a valid token under TOKEN_WHITELIST', () => {
    for (const whitelist of ['ALWAYS', 'ALLOWED', 'ALLOWED_OFFLINE'] as const) {
      expect(fallbackDecision('TOKEN_WHITELIST', { valid: true, whitelist })).toMatchObject({
        allowed: 'ALLOWED',
        rule: `FALLBACK_WHITELIST_${whitelist}`,
      });
    }
    expect(fallbackDecision('TOKEN_WHITELIST', { valid: true, whitelist: 'NEVER' })).toMatchObject({
      allowed: 'NOT_ALLOWED',
      rule: 'FALLBACK_WHITELIST_NEVER',
    });
  });

  it('never allows an invalid token, whatever its whitelist', () => {
    for (const policy of ['TOKEN_WHITELIST', 'ALLOW'] as const) {
      expect(fallbackDecision(policy, { valid: false, whitelist: 'ALWAYS' })).toMatchObject({
        allowed: 'NOT_ALLOWED',
        rule: 'FALLBACK_TOKEN_INVALID',
      });
    }
  });

  it('refuses everything under DENY and allows every valid token under ALLOW', () => {
    expect(fallbackDecision('DENY', { valid: true, whitelist: 'ALWAYS' })).toMatchObject({ allowed: 'NOT_ALLOWED', rule: 'FALLBACK_DENY' });
    expect(fallbackDecision('ALLOW', { valid: true, whitelist: 'NEVER' })).toMatchObject({ allowed: 'ALLOWED', rule: 'FALLBACK_ALLOW' });
  });

  it('explains every decision', () => {
    expect(fallbackDecision('TOKEN_WHITELIST', { valid: true, whitelist: 'NEVER' }).reason).toMatch(/NEVER/);
  });
});

describe('the contract prefix of a token uid', () => {
  it('reads the country and party of eMA ID style uids, with or without separators', () => {
    const ms1 = { countryCode: 'US', partyId: 'MS1' };
    expect(contractPrefix('US-MS1-C12345678')).toEqual(ms1);
    expect(contractPrefix('US*MS1*C12345678')).toEqual(ms1);
    expect(contractPrefix('usms1c12345678')).toEqual(ms1);
  });

  it('finds nothing in uids that do not start with a country code and a party id', () => {
    expect(contractPrefix('04A1B2C3D4E5F6')).toBeUndefined();
    expect(contractPrefix('US-M')).toBeUndefined();
    expect(contractPrefix('US-M-1')).toBeUndefined();
  });
});
