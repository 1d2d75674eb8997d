/** Hub Client Info module (mod_hub_client_info.asciidoc). */
import { Type, type Static } from '@sinclair/typebox';
import { CiString, DateTimeSchema, RoleSchema, StringEnum } from './types.js';

export const CONNECTION_STATUSES = ['CONNECTED', 'OFFLINE', 'PLANNED', 'SUSPENDED'] as const;
export const ConnectionStatusSchema = StringEnum(CONNECTION_STATUSES);
export type ConnectionStatus = Static<typeof ConnectionStatusSchema>;

export const ClientInfoSchema = Type.Object({
  party_id: CiString(3),
  country_code: CiString(2),
  role: RoleSchema,
  status: ConnectionStatusSchema,
  last_updated: DateTimeSchema,
});
export type ClientInfo = Static<typeof ClientInfoSchema>;
