/**
 * Sessions module (mod_sessions.md), plus the classes it shares with CDRs (defined in mod_cdrs.md):
 * AuthMethod, CdrDimension, ChargingPeriod.
 */
import { Type, type Static } from '@sinclair/typebox';
import { LocationSchema } from './locations.js';
import { DateTimeSchema, OcpiString, PatchOf, StringEnum } from './types.js';
import { LIMITS, Quantity, ObjectId } from '../v2_2_1/types.js';

export const AUTH_METHODS = ['AUTH_REQUEST', 'WHITELIST'] as const;
export const AuthMethodSchema = StringEnum(AUTH_METHODS);
export type AuthMethod = Static<typeof AuthMethodSchema>;

export const CDR_DIMENSION_TYPES = ['ENERGY', 'FLAT', 'MAX_CURRENT', 'MIN_CURRENT', 'PARKING_TIME', 'TIME'] as const;
export const CdrDimensionTypeSchema = StringEnum(CDR_DIMENSION_TYPES);
export type CdrDimensionType = Static<typeof CdrDimensionTypeSchema>;

export const SESSION_STATUSES = ['ACTIVE', 'COMPLETED', 'INVALID', 'PENDING'] as const;
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
});
export type ChargingPeriod = Static<typeof ChargingPeriodSchema>;

/** `location` holds the whole Location, with only the EVSE and connector of this session. */
export const SessionSchema = Type.Object({
  id: ObjectId(36),
  start_datetime: DateTimeSchema,
  end_datetime: Type.Optional(DateTimeSchema),
  kwh: Quantity(LIMITS.kwh),
  auth_id: OcpiString(36),
  auth_method: AuthMethodSchema,
  location: LocationSchema,
  meter_id: Type.Optional(OcpiString(255)),
  currency: OcpiString(3),
  charging_periods: Type.Optional(Type.Array(ChargingPeriodSchema)),
  total_cost: Type.Optional(Quantity(LIMITS.money)),
  status: SessionStatusSchema,
  last_updated: DateTimeSchema,
});
export type Session = Static<typeof SessionSchema>;

export const SessionPatchSchema = PatchOf(SessionSchema);
export type SessionPatch = Static<typeof SessionPatchSchema>;
