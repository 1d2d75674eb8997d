/** CDRs module (mod_cdrs.md). CDRs cannot be PATCHed, so there is no patch schema. */
import { Type, type Static } from '@sinclair/typebox';
import { LocationSchema } from './locations.js';
import { AuthMethodSchema, ChargingPeriodSchema } from './sessions.js';
import { TariffSchema } from './tariffs.js';
import { DateTimeSchema, OcpiString } from './types.js';
import { LIMITS, Quantity, ObjectId } from '../v2_2_1/types.js';

/** `location` holds the whole Location, with only the EVSE and connector of this charging session. */
export const CdrSchema = Type.Object({
  id: ObjectId(36),
  start_date_time: DateTimeSchema,
  stop_date_time: DateTimeSchema,
  auth_id: OcpiString(36),
  auth_method: AuthMethodSchema,
  location: LocationSchema,
  meter_id: Type.Optional(OcpiString(255)),
  currency: OcpiString(3),
  tariffs: Type.Optional(Type.Array(TariffSchema)),
  charging_periods: Type.Array(ChargingPeriodSchema, { minItems: 1 }),
  total_cost: Type.Number({ minimum: -LIMITS.money, maximum: LIMITS.money }),
  total_energy: Quantity(LIMITS.kwh),
  total_time: Quantity(LIMITS.hours),
  total_parking_time: Type.Optional(Quantity(LIMITS.hours)),
  remark: Type.Optional(OcpiString(255)),
  last_updated: DateTimeSchema,
});
export type Cdr = Static<typeof CdrSchema>;
