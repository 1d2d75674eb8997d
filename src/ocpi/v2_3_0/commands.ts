/** Commands module (mod_commands.asciidoc): CommandType became an OpenEnum; Tokens carry the 2.3.0 TokenType. */
import { Type, type Static } from '@sinclair/typebox';
import * as v221 from '../v2_2_1/commands.js';
import { TokenSchema } from './tokens.js';
import { OpenEnum } from './types.js';

export {
  CancelReservationSchema,
  type CancelReservation,
  COMMAND_RESPONSE_TYPES,
  CommandResponseTypeSchema,
  type CommandResponseType,
  CommandResponseSchema,
  type CommandResponse,
  COMMAND_RESULT_TYPES,
  CommandResultTypeSchema,
  type CommandResultType,
  CommandResultSchema,
  type CommandResult,
  COMMAND_TYPES,
  StopSessionSchema,
  type StopSession,
  UnlockConnectorSchema,
  type UnlockConnector,
} from '../v2_2_1/commands.js';

export const CommandTypeSchema = OpenEnum(v221.COMMAND_TYPES);
export type CommandType = Static<typeof CommandTypeSchema>;

export const ReserveNowSchema = Type.Object({ ...v221.ReserveNowSchema.properties, token: TokenSchema });
export type ReserveNow = Static<typeof ReserveNowSchema>;

export const StartSessionSchema = Type.Object({ ...v221.StartSessionSchema.properties, token: TokenSchema });
export type StartSession = Static<typeof StartSessionSchema>;

/** The request body schema for each `POST {commands_url}/{command}` of the known command types. */
export const COMMAND_REQUEST_SCHEMAS = {
  ...v221.COMMAND_REQUEST_SCHEMAS,
  RESERVE_NOW: ReserveNowSchema,
  START_SESSION: StartSessionSchema,
} as const;
