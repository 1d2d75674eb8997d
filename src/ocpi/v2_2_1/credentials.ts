/** Credentials module (credentials.asciidoc). */
import { Type, type Static } from '@sinclair/typebox';
import { BusinessDetailsSchema, CiString, OcpiString, RoleSchema, UrlSchema } from './types.js';

export const CredentialsRoleSchema = Type.Object({
  role: RoleSchema,
  business_details: BusinessDetailsSchema,
  party_id: CiString(3),
  country_code: CiString(2),
});
export type CredentialsRole = Static<typeof CredentialsRoleSchema>;

// The spec only advises (SHOULD) non-whitespace ASCII for the token, so only string(64) is enforced.
export const CredentialsSchema = Type.Object({
  token: OcpiString(64),
  url: UrlSchema,
  roles: Type.Array(CredentialsRoleSchema, { minItems: 1 }),
});
export type Credentials = Static<typeof CredentialsSchema>;
