/** Commands module (mod_commands.asciidoc). */
import { Type, type Static } from '@sinclair/typebox';
import { TokenSchema } from './tokens.js';
import { CiString, DateTimeSchema, DisplayTextSchema, StringEnum, UrlSchema, Count, LIMITS, ObjectId } from './types.js';

export const COMMAND_RESPONSE_TYPES = ['NOT_SUPPORTED', 'REJECTED', 'ACCEPTED', 'UNKNOWN_SESSION'] as const;
export const CommandResponseTypeSchema = StringEnum(COMMAND_RESPONSE_TYPES);
export type CommandResponseType = Static<typeof CommandResponseTypeSchema>;

export const COMMAND_RESULT_TYPES = [
  'ACCEPTED',
  'CANCELED_RESERVATION',
  'EVSE_OCCUPIED',
  'EVSE_INOPERATIVE',
  'FAILED',
  'NOT_SUPPORTED',
  'REJECTED',
  'TIMEOUT',
  'UNKNOWN_RESERVATION',
] as const;
export const CommandResultTypeSchema = StringEnum(COMMAND_RESULT_TYPES);
export type CommandResultType = Static<typeof CommandResultTypeSchema>;

export const COMMAND_TYPES = [
  'CANCEL_RESERVATION',
  'RESERVE_NOW',
  'START_SESSION',
  'STOP_SESSION',
  'UNLOCK_CONNECTOR',
] as const;
export const CommandTypeSchema = StringEnum(COMMAND_TYPES);
export type CommandType = Static<typeof CommandTypeSchema>;

export const CancelReservationSchema = Type.Object({
  response_url: UrlSchema,
  reservation_id: CiString(36),
});
export type CancelReservation = Static<typeof CancelReservationSchema>;

export const ReserveNowSchema = Type.Object({
  response_url: UrlSchema,
  token: TokenSchema,
  expiry_date: DateTimeSchema,
  reservation_id: CiString(36),
  location_id: ObjectId(36),
  evse_uid: Type.Optional(ObjectId(36)),
  authorization_reference: Type.Optional(CiString(36)),
});
export type ReserveNow = Static<typeof ReserveNowSchema>;

export const StartSessionSchema = Type.Object({
  response_url: UrlSchema,
  token: TokenSchema,
  location_id: ObjectId(36),
  evse_uid: Type.Optional(ObjectId(36)),
  connector_id: Type.Optional(ObjectId(36)),
  authorization_reference: Type.Optional(CiString(36)),
});
export type StartSession = Static<typeof StartSessionSchema>;

export const StopSessionSchema = Type.Object({
  response_url: UrlSchema,
  session_id: ObjectId(36),
});
export type StopSession = Static<typeof StopSessionSchema>;

export const UnlockConnectorSchema = Type.Object({
  response_url: UrlSchema,
  location_id: ObjectId(36),
  evse_uid: ObjectId(36),
  connector_id: ObjectId(36),
});
export type UnlockConnector = Static<typeof UnlockConnectorSchema>;

/** The request body schema for each `POST {commands_url}/{command}`. */
export const COMMAND_REQUEST_SCHEMAS = {
  CANCEL_RESERVATION: CancelReservationSchema,
  RESERVE_NOW: ReserveNowSchema,
  START_SESSION: StartSessionSchema,
  STOP_SESSION: StopSessionSchema,
  UNLOCK_CONNECTOR: UnlockConnectorSchema,
} as const satisfies Record<CommandType, unknown>;

export const CommandResponseSchema = Type.Object({
  result: CommandResponseTypeSchema,
  timeout: Count(LIMITS.seconds),
  message: Type.Optional(Type.Array(DisplayTextSchema)),
});
export type CommandResponse = Static<typeof CommandResponseSchema>;

export const CommandResultSchema = Type.Object({
  result: CommandResultTypeSchema,
  message: Type.Optional(Type.Array(DisplayTextSchema)),
});
export type CommandResult = Static<typeof CommandResultSchema>;
