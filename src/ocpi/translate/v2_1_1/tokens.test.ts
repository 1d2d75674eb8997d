import { describe, expect, it } from 'vitest';
import * as v211 from '../../v2_1_1/index.js';
import * as v221 from '../../v2_2_1/index.js';
import { compileValidator } from '../../validation.js';
import { fixtures, TEST_NOW, testContext } from '../test-support.js';
import {
  authorizationInfoFrom211,
  authorizationInfoTo211,
  locationReferencesFrom211,
  tokenFrom211,
  tokenPatchFrom211,
  tokenTo211,
  UNKNOWN_ISSUER,
} from './tokens.js';

const emsp = testContext({ owner: { countryCode: 'NL', partyId: 'TNM' } });

const token211: v211.Token = {
  uid: '012345678',
  type: 'RFID',
  auth_id: 'NL-TNM-C12345678-X',
  issuer: 'TheNewMotion',
  valid: true,
  whitelist: 'ALLOWED',
  last_updated: '2024-01-01T10:00:00Z',
};

describe('Tokens', () => {
  it('from 2.1.1: auth_id becomes contract_id, the owner comes from the context, losslessly', () => {
    const { value, losses } = tokenFrom211(token211, emsp);
    expect(value).toEqual(fixtures.token());
    expect(losses).toEqual([]);
    expect(tokenTo211(value, emsp)).toEqual({ value: token211, losses: [] });
  });

  it('to 2.1.1: APP_USER and AD_HOC_USER become OTHER, and the 2.2 fields are reported', () => {
    const token = fixtures.token({
      type: 'APP_USER',
      group_id: 'G1',
      default_profile_type: 'GREEN',
      energy_contract: { supplier_name: 'Greenpeace Energy eG' },
    });
    const { value, losses } = tokenTo211(token, emsp);
    expect(value).toEqual({ ...token211, type: 'OTHER' });
    expect(losses.map((loss) => `${loss.kind} ${loss.path}`)).toEqual([
      'approximated $.type',
      'dropped $.group_id',
      'dropped $.default_profile_type',
      'dropped $.energy_contract',
    ]);
    expect(compileValidator(v211.TokenSchema)(value)).toMatchObject({ ok: true });
  });

  it('PATCH from 2.1.1: renames auth_id when present and defaults last_updated', () => {
    expect(tokenPatchFrom211({ valid: false }, emsp).value).toEqual({ valid: false, last_updated: TEST_NOW });
    expect(tokenPatchFrom211({ auth_id: 'X', last_updated: '2024-01-02T00:00:00Z' }, emsp)).toEqual({
      value: { contract_id: 'X', last_updated: '2024-01-02T00:00:00Z' },
      losses: [],
    });
  });
});

describe('AuthorizationInfo', () => {
  const request = { tokenUid: '012345678', tokenType: 'RFID' as const };

  it('from 2.1.1 takes the Token from the store, by the authorize request', () => {
    const ctx = testContext({ owner: emsp.owner, tokens: [fixtures.token()], authorizeRequest: request });
    const { value, losses } = authorizationInfoFrom211({ allowed: 'ALLOWED' }, ctx);
    expect(value).toEqual({ allowed: 'ALLOWED', token: fixtures.token() });
    expect(losses).toEqual([]);
  });

  it('from 2.1.1 builds a placeholder Token for a token the hub does not know, reported as defaulted', () => {
    const ctx = testContext({ owner: emsp.owner, authorizeRequest: { tokenUid: 'ABC' } });
    const { value, losses } = authorizationInfoFrom211(
      { allowed: 'NOT_ALLOWED', location: { location_id: 'L1', evse_uids: ['E1'], connector_ids: ['1'] } },
      ctx,
    );
    expect(value.token).toEqual({
      country_code: 'NL',
      party_id: 'TNM',
      uid: 'ABC',
      type: 'RFID',
      contract_id: 'ABC',
      issuer: UNKNOWN_ISSUER,
      valid: false,
      whitelist: 'NEVER',
      last_updated: TEST_NOW,
    });
    expect(value.location).toEqual({ location_id: 'L1', evse_uids: ['E1'] });
    expect(losses.map((loss) => `${loss.kind} ${loss.path}`)).toEqual([
      'defaulted $.token',
      'dropped $.location.connector_ids',
    ]);
    expect(compileValidator(v221.AuthorizationInfoSchema)(value)).toMatchObject({ ok: true });
  });

  it('from 2.1.1 needs the authorize request in the context', () => {
    expect(() => authorizationInfoFrom211({ allowed: 'ALLOWED' }, emsp)).toThrow(/authorizeRequest/);
  });

  it('to 2.1.1 drops the Token only when the store would not give it back, and the authorization_reference', () => {
    const ctx = testContext({ owner: emsp.owner, tokens: [fixtures.token()] });
    const known = authorizationInfoTo211({ allowed: 'ALLOWED', token: fixtures.token() }, ctx);
    expect(known).toEqual({ value: { allowed: 'ALLOWED' }, losses: [] });
    const changed = authorizationInfoTo211(
      { allowed: 'ALLOWED', token: fixtures.token({ valid: false }), authorization_reference: 'R1' },
      ctx,
    );
    expect(changed.losses.map((loss) => loss.path)).toEqual(['$.token', '$.authorization_reference']);
  });

  it('LocationReferences lose connector_ids on the way to 2.2.1', () => {
    expect(locationReferencesFrom211({ location_id: 'L1' }, emsp)).toEqual({ value: { location_id: 'L1' }, losses: [] });
  });
});
