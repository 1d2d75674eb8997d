import { describe, expect, it } from 'vitest';
import type * as v211 from '../../v2_1_1/index.js';
import type * as v221 from '../../v2_2_1/index.js';
import { testContext } from '../test-support.js';
import { credentialsFrom211, credentialsTo211, DEFAULT_ROLE } from './credentials.js';

const credentials211: v211.Credentials = {
  token: 'ebf3b399-779f-4497-9b9d-ac6ad3cc44d2',
  url: 'https://example.com/ocpi/cpo/versions/',
  business_details: { name: 'Example Operator' },
  party_id: 'EXA',
  country_code: 'NL',
};

describe('Credentials', () => {
  it('from 2.1.1 take the role the hub knows for the party', () => {
    const ctx = testContext({ owner: { countryCode: 'NL', partyId: 'EXA', role: 'CPO' } });
    const { value, losses } = credentialsFrom211(credentials211, ctx);
    expect(value).toEqual({
      token: credentials211.token,
      url: credentials211.url,
      roles: [{ role: 'CPO', business_details: { name: 'Example Operator' }, party_id: 'EXA', country_code: 'NL' }],
    });
    expect(losses).toEqual([]);
    expect(credentialsTo211(value, ctx)).toEqual({ value: credentials211, losses: [] });
  });

  it('from 2.1.1 default the role when the hub does not know it', () => {
    const { value, losses } = credentialsFrom211(credentials211, testContext());
    expect(value.roles[0].role).toBe(DEFAULT_ROLE);
    expect(losses).toEqual([{ path: '$.roles[0].role', kind: 'defaulted', reason: expect.any(String) }]);
  });

  it('to 2.1.1 keep the owner party and report the other roles', () => {
    const credentials: v221.Credentials = {
      token: 't',
      url: 'https://example.com/versions',
      roles: [
        { role: 'CPO', business_details: { name: 'Operator' }, party_id: 'EXA', country_code: 'NL' },
        { role: 'EMSP', business_details: { name: 'Provider' }, party_id: 'EXP', country_code: 'NL' },
      ],
    };
    const ctx = testContext({ owner: { countryCode: 'NL', partyId: 'EXP', role: 'EMSP' } });
    const { value, losses } = credentialsTo211(credentials, ctx);
    const provider = { business_details: { name: 'Provider' }, party_id: 'EXP', country_code: 'NL' };
    expect(value).toEqual({ token: 't', url: credentials.url, ...provider });
    expect(losses).toEqual([{ path: '$.roles[0]', kind: 'dropped', reason: expect.any(String) }]);
  });
});
