/**
 * Credentials 2.3.0 ⇄ 2.2.1. 2.3.0 dropped the HUB role: a platform with hub functionality names its hub
 * party in `hub_party_id` ("NLHUB") and lists the parties reachable through it in `roles`. In 2.2.1 a
 * hub lists itself as a HUB role. The two are mapped onto each other.
 */
import type * as v221 from '../../v2_2_1/index.js';
import type * as v230 from '../../v2_3_0/index.js';
import { differences } from '../diff.js';
import { translated, type Translated, type TranslationContext } from '../context.js';
import { businessDetailsFrom230 } from './common.js';

export function credentialsFrom230(
  credentials: v230.Credentials,
  _ctx: TranslationContext,
): Translated<v221.Credentials> {
  return translated((log) => {
    const { hub_party_id, roles, ...rest } = credentials;
    const out: v221.Credentials = {
      ...rest,
      roles: roles.map((role, index) => ({
        ...role,
        business_details: businessDetailsFrom230(
          role.business_details,
          log.at('roles').at(index).at('business_details'),
        ),
      })),
    };
    if (hub_party_id !== undefined) {
      out.roles.push(hubRole(hub_party_id));
      const reason = `2.2.1 names a hub by a HUB role, whose business_details are just {name: "${hub_party_id}"}`;
      log.defaulted('hub_party_id', reason);
    }
    return out;
  });
}

export function credentialsTo230(
  credentials: v221.Credentials,
  _ctx: TranslationContext,
): Translated<v230.Credentials> {
  return translated((log) => {
    const { roles, ...rest } = credentials;
    const out: v230.Credentials = { ...rest, roles: [] };
    roles.forEach((role, index) => {
      if (role.role !== 'HUB') {
        out.roles.push(role as v230.CredentialsRole);
        return;
      }
      const roleLog = log.at('roles').at(index);
      if (out.hub_party_id !== undefined) {
        roleLog.dropped(undefined, '2.3.0 names only one hub party (hub_party_id)');
        return;
      }
      out.hub_party_id = `${role.country_code}${role.party_id}`;
      if (differences(role, hubRole(out.hub_party_id)).length > 0) {
        roleLog.dropped('business_details', '2.3.0 has no HUB role; only its party goes to hub_party_id');
      }
    });
    if (out.roles.length === 0) {
      log.dropped('roles', "2.3.0 lists the parties reachable through a hub in roles; 2.2.1 Credentials don't");
    }
    return out;
  });
}

function hubRole(hubPartyId: string): v221.CredentialsRole {
  return {
    role: 'HUB',
    business_details: { name: hubPartyId },
    country_code: hubPartyId.slice(0, 2),
    party_id: hubPartyId.slice(2),
  };
}
