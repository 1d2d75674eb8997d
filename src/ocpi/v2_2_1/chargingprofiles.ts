/** Charging Profiles module (mod_charging_profiles.asciidoc). */
import { Type, type Static } from '@sinclair/typebox';
import { DateTimeSchema, StringEnum, UrlSchema, Count, LIMITS, Quantity } from './types.js';

export const CHARGING_RATE_UNITS = ['W', 'A'] as const;
export const ChargingRateUnitSchema = StringEnum(CHARGING_RATE_UNITS);
export type ChargingRateUnit = Static<typeof ChargingRateUnitSchema>;

export const CHARGING_PROFILE_RESPONSE_TYPES = [
  'ACCEPTED',
  'NOT_SUPPORTED',
  'REJECTED',
  'TOO_OFTEN',
  'UNKNOWN_SESSION',
] as const;
export const ChargingProfileResponseTypeSchema = StringEnum(CHARGING_PROFILE_RESPONSE_TYPES);
export type ChargingProfileResponseType = Static<typeof ChargingProfileResponseTypeSchema>;

export const CHARGING_PROFILE_RESULT_TYPES = ['ACCEPTED', 'REJECTED', 'UNKNOWN'] as const;
export const ChargingProfileResultTypeSchema = StringEnum(CHARGING_PROFILE_RESULT_TYPES);
export type ChargingProfileResultType = Static<typeof ChargingProfileResultTypeSchema>;

// The spec's "at most one digit fraction" on rates is not checked: multipleOf 0.1 misfires on floats.
export const ChargingProfilePeriodSchema = Type.Object({
  start_period: Count(LIMITS.seconds),
  limit: Quantity(LIMITS.watts),
});
export type ChargingProfilePeriod = Static<typeof ChargingProfilePeriodSchema>;

export const ChargingProfileSchema = Type.Object({
  start_date_time: Type.Optional(DateTimeSchema),
  duration: Type.Optional(Count(LIMITS.seconds)),
  charging_rate_unit: ChargingRateUnitSchema,
  min_charging_rate: Type.Optional(Quantity(LIMITS.watts)),
  charging_profile_period: Type.Optional(Type.Array(ChargingProfilePeriodSchema)),
});
export type ChargingProfile = Static<typeof ChargingProfileSchema>;

export const ActiveChargingProfileSchema = Type.Object({
  start_date_time: DateTimeSchema,
  charging_profile: ChargingProfileSchema,
});
export type ActiveChargingProfile = Static<typeof ActiveChargingProfileSchema>;

export const SetChargingProfileSchema = Type.Object({
  charging_profile: ChargingProfileSchema,
  response_url: UrlSchema,
});
export type SetChargingProfile = Static<typeof SetChargingProfileSchema>;

export const ChargingProfileResponseSchema = Type.Object({
  result: ChargingProfileResponseTypeSchema,
  timeout: Count(LIMITS.seconds),
});
export type ChargingProfileResponse = Static<typeof ChargingProfileResponseSchema>;

export const ActiveChargingProfileResultSchema = Type.Object({
  result: ChargingProfileResultTypeSchema,
  profile: Type.Optional(ActiveChargingProfileSchema),
});
export type ActiveChargingProfileResult = Static<typeof ActiveChargingProfileResultSchema>;

export const ChargingProfileResultSchema = Type.Object({
  result: ChargingProfileResultTypeSchema,
});
export type ChargingProfileResult = Static<typeof ChargingProfileResultSchema>;

export const ClearProfileResultSchema = Type.Object({
  result: ChargingProfileResultTypeSchema,
});
export type ClearProfileResult = Static<typeof ClearProfileResultSchema>;
