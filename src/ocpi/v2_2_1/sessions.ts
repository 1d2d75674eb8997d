/**
 * Sessions module (mod_sessions.asciidoc), plus the classes it shares with CDRs (defined in
 * mod_cdrs.asciidoc): AuthMethod, CdrToken, ChargingPeriod, CdrDimension.
 */
import { Type, type Static } from '@sinclair/typebox';
import { ProfileTypeSchema, TokenTypeSchema } from './tokens.js';
import { CiString, DateTimeSchema, OcpiString, PatchOf, PriceSchema, StringEnum, LIMITS, Quantity, ObjectId } from './types.js';

export const AUTH_METHODS = ['AUTH_REQUEST', 'COMMAND', 'WHITELIST'] as const;
export const AuthMethodSchema = StringEnum(AUTH_METHODS);
export type AuthMethod = Static<typeof AuthMethodSchema>;

export const CDR_DIMENSION_TYPES = [
  'CURRENT',
  'ENERGY',
  'ENERGY_EXPORT',
  'ENERGY_IMPORT',
  'MAX_CURRENT',
  'MIN_CURRENT',
  'MAX_POWER',
  'MIN_POWER',
  'PARKING_TIME',
  'POWER',
  'RESERVATION_TIME',
  'STATE_OF_CHARGE',
  'TIME',
] as const;
export const CdrDimensionTypeSchema = StringEnum(CDR_DIMENSION_TYPES);
export type CdrDimensionType = Static<typeof CdrDimensionTypeSchema>;

export const CHARGING_PREFERENCES_RESPONSES = [
  'ACCEPTED',
  'DEPARTURE_REQUIRED',
  'ENERGY_NEED_REQUIRED',
  'NOT_POSSIBLE',
  'PROFILE_TYPE_NOT_SUPPORTED',
] as const;
export const ChargingPreferencesResponseSchema = StringEnum(CHARGING_PREFERENCES_RESPONSES);
export type ChargingPreferencesResponse = Static<typeof ChargingPreferencesResponseSchema>;

export const SESSION_STATUSES = ['ACTIVE', 'COMPLETED', 'INVALID', 'PENDING', 'RESERVATION'] as const;
export const SessionStatusSchema = StringEnum(SESSION_STATUSES);
export type SessionStatus = Static<typeof SessionStatusSchema>;

export const CdrDimensionSchema = Type.Object({
  type: CdrDimensionTypeSchema,
  volume: Type.Number(),
});
export type CdrDimension = Static<typeof CdrDimensionSchema>;

export const ChargingPeriodSchema = Type.Object({
  start_date_time: DateTimeSchema,
  dimensions: Type.Array(CdrDimensionSchema, { minItems: 1 }),
  tariff_id: Type.Optional(CiString(36)),
});
export type ChargingPeriod = Static<typeof ChargingPeriodSchema>;

export const CdrTokenSchema = Type.Object({
  country_code: CiString(2),
  party_id: CiString(3),
  uid: ObjectId(36),
  type: TokenTypeSchema,
  contract_id: CiString(36),
});
export type CdrToken = Static<typeof CdrTokenSchema>;

export const ChargingPreferencesSchema = Type.Object({
  profile_type: ProfileTypeSchema,
  departure_time: Type.Optional(DateTimeSchema),
  energy_need: Type.Optional(Quantity(LIMITS.kwh)),
  discharge_allowed: Type.Optional(Type.Boolean()),
});
export type ChargingPreferences = Static<typeof ChargingPreferencesSchema>;

export const SessionSchema = Type.Object({
  country_code: CiString(2),
  party_id: CiString(3),
  id: ObjectId(36),
  start_date_time: DateTimeSchema,
  end_date_time: Type.Optional(DateTimeSchema),
  kwh: Quantity(LIMITS.kwh),
  cdr_token: CdrTokenSchema,
  auth_method: AuthMethodSchema,
  authorization_reference: Type.Optional(CiString(36)),
  location_id: ObjectId(36),
  evse_uid: ObjectId(36),
  connector_id: ObjectId(36),
  meter_id: Type.Optional(OcpiString(255)),
  currency: OcpiString(3),
  charging_periods: Type.Optional(Type.Array(ChargingPeriodSchema)),
  total_cost: Type.Optional(PriceSchema),
  status: SessionStatusSchema,
  last_updated: DateTimeSchema,
});
export type Session = Static<typeof SessionSchema>;

export const SessionPatchSchema = PatchOf(SessionSchema);
export type SessionPatch = Static<typeof SessionPatchSchema>;
