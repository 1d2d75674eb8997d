/** Hub Client Info module (mod_hub_client_info.asciidoc): unchanged, except that Role has no HUB. */
import { Type, type Static } from '@sinclair/typebox';
import * as v221 from '../v2_2_1/hubclientinfo.js';
import { RoleSchema } from './types.js';

export {
  CONNECTION_STATUSES,
  ConnectionStatusSchema,
  type ConnectionStatus,
} from '../v2_2_1/hubclientinfo.js';

export const ClientInfoSchema = Type.Object({ ...v221.ClientInfoSchema.properties, role: RoleSchema });
export type ClientInfo = Static<typeof ClientInfoSchema>;
