/**
 * Commands module (mod_commands.md). 2.1.1 uses CommandResponse both for the CPO's immediate answer
 * and for the asynchronous result it POSTs to `response_url`.
 */
import { Type, type Static } from '@sinclair/typebox';
import { TokenSchema } from './tokens.js';
import { DateTimeSchema, StringEnum, UrlSchema } from './types.js';
import { ObjectId } from '../v2_2_1/types.js';

export const COMMAND_RESPONSE_TYPES = ['NOT_SUPPORTED', 'REJECTED', 'ACCEPTED', 'TIMEOUT', 'UNKNOWN_SESSION'] as const;
export const CommandResponseTypeSchema = StringEnum(COMMAND_RESPONSE_TYPES);
export type CommandResponseType = Static<typeof CommandResponseTypeSchema>;

export const COMMAND_TYPES = ['RESERVE_NOW', 'START_SESSION', 'STOP_SESSION', 'UNLOCK_CONNECTOR'] as const;
export const CommandTypeSchema = StringEnum(COMMAND_TYPES);
export type CommandType = Static<typeof CommandTypeSchema>;

export const CommandResponseSchema = Type.Object({
  result: CommandResponseTypeSchema,
});
export type CommandResponse = Static<typeof CommandResponseSchema>;

export const ReserveNowSchema = Type.Object({
  response_url: UrlSchema,
  token: TokenSchema,
  expiry_date: DateTimeSchema,
  reservation_id: Type.Integer(),
  location_id: ObjectId(39),
  evse_uid: Type.Optional(ObjectId(39)),
});
export type ReserveNow = Static<typeof ReserveNowSchema>;

export const StartSessionSchema = Type.Object({
  response_url: UrlSchema,
  token: TokenSchema,
  location_id: ObjectId(39),
  evse_uid: Type.Optional(ObjectId(39)),
});
export type StartSession = Static<typeof StartSessionSchema>;

export const StopSessionSchema = Type.Object({
  response_url: UrlSchema,
  session_id: ObjectId(36),
});
export type StopSession = Static<typeof StopSessionSchema>;

export const UnlockConnectorSchema = Type.Object({
  response_url: UrlSchema,
  location_id: ObjectId(39),
  evse_uid: ObjectId(39),
  connector_id: ObjectId(36),
});
export type UnlockConnector = Static<typeof UnlockConnectorSchema>;

/** The request body schema for each `POST {commands_url}/{command}`. */
export const COMMAND_REQUEST_SCHEMAS = {
  RESERVE_NOW: ReserveNowSchema,
  START_SESSION: StartSessionSchema,
  STOP_SESSION: StopSessionSchema,
  UNLOCK_CONNECTOR: UnlockConnectorSchema,
} as const satisfies Record<CommandType, unknown>;
