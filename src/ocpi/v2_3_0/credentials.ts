/** Credentials module (credentials.asciidoc): no HUB role any more, and the new `hub_party_id`. */
import { Type, type Static } from '@sinclair/typebox';
import * as v221 from '../v2_2_1/credentials.js';
import { BusinessDetailsSchema, CiString, RoleSchema } from './types.js';

export const CredentialsRoleSchema = Type.Object({
  ...v221.CredentialsRoleSchema.properties,
  role: RoleSchema,
  business_details: BusinessDetailsSchema,
});
export type CredentialsRole = Static<typeof CredentialsRoleSchema>;

/** `hub_party_id` is the hub's country code and party id in one string, e.g. `NLHUB`. */
export const CredentialsSchema = Type.Object({
  ...v221.CredentialsSchema.properties,
  hub_party_id: Type.Optional(CiString(5)),
  roles: Type.Array(CredentialsRoleSchema, { minItems: 1 }),
});
export type Credentials = Static<typeof CredentialsSchema>;
