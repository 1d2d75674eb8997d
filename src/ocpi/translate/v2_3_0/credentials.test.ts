import { describe, expect, it } from 'vitest';
import * as v221 from '../../v2_2_1/index.js';
import * as v230 from '../../v2_3_0/index.js';
import { compileValidator } from '../../validation.js';
import { testContext } from '../test-support.js';
import { credentialsFrom230, credentialsTo230 } from './credentials.js';

const ctx = testContext();
const cpo = { role: 'CPO' as const, business_details: { name: 'Operator' }, party_id: 'EXA', country_code: 'NL' };

describe('Credentials 2.3.0 ⇄ 2.2.1', () => {
  it('hub_party_id becomes a HUB role, and back', () => {
    const url = 'https://hub.example.com/versions';
    const credentials: v230.Credentials = { token: 't', url, hub_party_id: 'NLHUB', roles: [cpo] };
    const canonical = credentialsFrom230(credentials, ctx);
    expect(canonical.value.roles).toEqual([
      cpo,
      { role: 'HUB', business_details: { name: 'NLHUB' }, country_code: 'NL', party_id: 'HUB' },
    ]);
    expect(canonical.losses).toEqual([{ path: '$.hub_party_id', kind: 'defaulted', reason: expect.any(String) }]);
    expect(compileValidator(v221.CredentialsSchema)(canonical.value)).toMatchObject({ ok: true });
    expect(credentialsTo230(canonical.value, ctx)).toEqual({ value: credentials, losses: [] });
  });

  it("a 2.2.1 hub's own credentials: HUB goes to hub_party_id, and roles ends up empty, which is reported", () => {
    const hub: v221.Credentials = {
      token: 't',
      url: 'https://hub.example.com/versions',
      roles: [{ role: 'HUB', business_details: { name: 'Switchyard' }, country_code: 'US', party_id: 'SWY' }],
    };
    const { value, losses } = credentialsTo230(hub, ctx);
    expect(value).toEqual({ token: 't', url: hub.url, hub_party_id: 'USSWY', roles: [] });
    expect(losses.map((loss) => `${loss.kind} ${loss.path}`)).toEqual(['dropped $.roles[0].business_details', 'dropped $.roles']);
    expect(compileValidator(v230.CredentialsSchema)(value)).toMatchObject({ ok: false, path: '$.roles' });
  });
});
