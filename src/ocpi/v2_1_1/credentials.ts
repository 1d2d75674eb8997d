/** Credentials (credentials.md): one party per connection, and no role field. */
import { Type, type Static } from '@sinclair/typebox';
import { BusinessDetailsSchema, OcpiString, UrlSchema } from './types.js';

export const CredentialsSchema = Type.Object({
  token: OcpiString(64),
  url: UrlSchema,
  business_details: BusinessDetailsSchema,
  party_id: OcpiString(3),
  country_code: OcpiString(2),
});
export type Credentials = Static<typeof CredentialsSchema>;
