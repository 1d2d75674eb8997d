/** Tariffs module (mod_tariffs.md). Unlike 2.2.1, 2.1.1 lets the CPO PATCH a Tariff. */
import { Type, type Static } from '@sinclair/typebox';
import { DAYS_OF_WEEK } from '../v2_2_1/tariffs.js';
import {
  DateTimeSchema,
  DisplayTextSchema,
  EnergyMixSchema,
  OcpiString,
  PatchOf,
  StringEnum,
  TimeOfDaySchema,
  UrlSchema,
} from './types.js';
import { Count, LIMITS, Quantity, ObjectId } from '../v2_2_1/types.js';

export const DayOfWeekSchema = StringEnum(DAYS_OF_WEEK);
export type DayOfWeek = Static<typeof DayOfWeekSchema>;

export const TARIFF_DIMENSION_TYPES = ['ENERGY', 'FLAT', 'PARKING_TIME', 'TIME'] as const;
export const TariffDimensionTypeSchema = StringEnum(TARIFF_DIMENSION_TYPES);
export type TariffDimensionType = Static<typeof TariffDimensionTypeSchema>;

export const PriceComponentSchema = Type.Object({
  type: TariffDimensionTypeSchema,
  price: Quantity(LIMITS.money),
  step_size: Count(LIMITS.seconds),
});
export type PriceComponent = Static<typeof PriceComponentSchema>;

// 2.1.1 gives no regex for the dates, only the example 2015-12-24 and the length 10.
export const TariffRestrictionsSchema = Type.Object({
  start_time: Type.Optional(TimeOfDaySchema),
  end_time: Type.Optional(TimeOfDaySchema),
  start_date: Type.Optional(OcpiString(10)),
  end_date: Type.Optional(OcpiString(10)),
  min_kwh: Type.Optional(Quantity(LIMITS.kwh)),
  max_kwh: Type.Optional(Quantity(LIMITS.kwh)),
  min_power: Type.Optional(Quantity(LIMITS.kilowatts)),
  max_power: Type.Optional(Quantity(LIMITS.kilowatts)),
  min_duration: Type.Optional(Count(LIMITS.seconds)),
  max_duration: Type.Optional(Count(LIMITS.seconds)),
  day_of_week: Type.Optional(Type.Array(DayOfWeekSchema)),
});
export type TariffRestrictions = Static<typeof TariffRestrictionsSchema>;

export const TariffElementSchema = Type.Object({
  price_components: Type.Array(PriceComponentSchema, { minItems: 1 }),
  restrictions: Type.Optional(TariffRestrictionsSchema),
});
export type TariffElement = Static<typeof TariffElementSchema>;

export const TariffSchema = Type.Object({
  id: ObjectId(36),
  currency: OcpiString(3),
  tariff_alt_text: Type.Optional(Type.Array(DisplayTextSchema)),
  tariff_alt_url: Type.Optional(UrlSchema),
  elements: Type.Array(TariffElementSchema, { minItems: 1 }),
  energy_mix: Type.Optional(EnergyMixSchema),
  last_updated: DateTimeSchema,
});
export type Tariff = Static<typeof TariffSchema>;

export const TariffPatchSchema = PatchOf(TariffSchema);
export type TariffPatch = Static<typeof TariffPatchSchema>;
