/**
 * Credentials 2.1.1 ⇄ 2.2.1. A 2.1.1 Credentials object describes one party and no role; 2.2.1 lists
 * roles. The role comes from the context (the hub knows which interfaces the peer exposes).
 */
import * as v211 from '../../v2_1_1/index.js';
import type * as v221 from '../../v2_2_1/index.js';
import { isOwner, translated, type Translated, type TranslationContext } from '../context.js';
import { conform211 } from './conform.js';

/** The role of a 2.1.1 party whose role the context does not give. */
export const DEFAULT_ROLE: v221.Role = 'OTHER';

export function credentialsFrom211(
  credentials: v211.Credentials,
  ctx: TranslationContext,
): Translated<v221.Credentials> {
  return translated((log) => {
    const { business_details, party_id, country_code, ...rest } = credentials;
    const role = ctx.owner.role ?? DEFAULT_ROLE;
    if (!ctx.owner.role) {
      log.at('roles').at(0).defaulted('role', `2.1.1 Credentials have no role; ${DEFAULT_ROLE} is used`);
    }
    return { ...rest, roles: [{ role, business_details, party_id, country_code }] };
  });
}

/** Keeps the role of the context's owner (or the first one); 2.1.1 has room for one party only. */
export function credentialsTo211(credentials: v221.Credentials, ctx: TranslationContext): Translated<v211.Credentials> {
  return translated((log) => {
    const { roles, ...rest } = credentials;
    const ownIndex = roles.findIndex(
      ({ role, country_code, party_id }) =>
        isOwner(ctx, country_code, party_id) && (ctx.owner.role === undefined || role === ctx.owner.role),
    );
    const keptIndex = Math.max(ownIndex, 0);
    roles.forEach((_, index) => {
      if (index !== keptIndex) log.at('roles').dropped(index, '2.1.1 Credentials describe a single party');
    });
    const { role, ...party } = roles[keptIndex];
    if (role !== (ctx.owner.role ?? DEFAULT_ROLE)) {
      log.at('roles').at(keptIndex).dropped('role', '2.1.1 Credentials have no role');
    }
    return conform211(v211.CredentialsSchema, { ...rest, ...party }, log) as v211.Credentials;
  });
}
