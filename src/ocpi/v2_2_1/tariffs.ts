/** Tariffs module (mod_tariffs.asciidoc). 2.2.1 has no Tariff PATCH, so there is no patch schema. */
import { Type, type Static } from '@sinclair/typebox';
import { withPatternMessage } from '../validation.js';
import {
  CiString,
  DateTimeSchema,
  DisplayTextSchema,
  EnergyMixSchema,
  OcpiString,
  PriceSchema,
  StringEnum,
  TimeOfDaySchema,
  UrlSchema,
  Count,
  LIMITS,
  Quantity,
  ObjectId,
} from './types.js';

export const DAYS_OF_WEEK = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'] as const;
export const DayOfWeekSchema = StringEnum(DAYS_OF_WEEK);
export type DayOfWeek = Static<typeof DayOfWeekSchema>;

export const RESERVATION_RESTRICTION_TYPES = ['RESERVATION', 'RESERVATION_EXPIRES'] as const;
export const ReservationRestrictionTypeSchema = StringEnum(RESERVATION_RESTRICTION_TYPES);
export type ReservationRestrictionType = Static<typeof ReservationRestrictionTypeSchema>;

export const TARIFF_DIMENSION_TYPES = ['ENERGY', 'FLAT', 'PARKING_TIME', 'TIME'] as const;
export const TariffDimensionTypeSchema = StringEnum(TARIFF_DIMENSION_TYPES);
export type TariffDimensionType = Static<typeof TariffDimensionTypeSchema>;

export const TARIFF_TYPES = ['AD_HOC_PAYMENT', 'PROFILE_CHEAP', 'PROFILE_FAST', 'PROFILE_GREEN', 'REGULAR'] as const;
export const TariffTypeSchema = StringEnum(TARIFF_TYPES);
export type TariffType = Static<typeof TariffTypeSchema>;

/** Local calendar date "YYYY-MM-DD", with the regex the spec gives. */
const LocalDateSchema = withPatternMessage(
  Type.String({ maxLength: 10, pattern: '^([12][0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$' }),
  'must be a date as YYYY-MM-DD',
);

export const PriceComponentSchema = Type.Object({
  type: TariffDimensionTypeSchema,
  price: Quantity(LIMITS.money),
  vat: Type.Optional(Quantity(LIMITS.percent)),
  step_size: Count(LIMITS.seconds),
});
export type PriceComponent = Static<typeof PriceComponentSchema>;

export const TariffRestrictionsSchema = Type.Object({
  start_time: Type.Optional(TimeOfDaySchema),
  end_time: Type.Optional(TimeOfDaySchema),
  start_date: Type.Optional(LocalDateSchema),
  end_date: Type.Optional(LocalDateSchema),
  min_kwh: Type.Optional(Quantity(LIMITS.kwh)),
  max_kwh: Type.Optional(Quantity(LIMITS.kwh)),
  min_current: Type.Optional(Quantity(LIMITS.amperes)),
  max_current: Type.Optional(Quantity(LIMITS.amperes)),
  min_power: Type.Optional(Quantity(LIMITS.kilowatts)),
  max_power: Type.Optional(Quantity(LIMITS.kilowatts)),
  min_duration: Type.Optional(Count(LIMITS.seconds)),
  max_duration: Type.Optional(Count(LIMITS.seconds)),
  day_of_week: Type.Optional(Type.Array(DayOfWeekSchema)),
  reservation: Type.Optional(ReservationRestrictionTypeSchema),
});
export type TariffRestrictions = Static<typeof TariffRestrictionsSchema>;

export const TariffElementSchema = Type.Object({
  price_components: Type.Array(PriceComponentSchema, { minItems: 1 }),
  restrictions: Type.Optional(TariffRestrictionsSchema),
});
export type TariffElement = Static<typeof TariffElementSchema>;

export const TariffSchema = Type.Object({
  country_code: CiString(2),
  party_id: CiString(3),
  id: ObjectId(36),
  currency: OcpiString(3),
  type: Type.Optional(TariffTypeSchema),
  tariff_alt_text: Type.Optional(Type.Array(DisplayTextSchema)),
  tariff_alt_url: Type.Optional(UrlSchema),
  min_price: Type.Optional(PriceSchema),
  max_price: Type.Optional(PriceSchema),
  elements: Type.Array(TariffElementSchema, { minItems: 1 }),
  start_date_time: Type.Optional(DateTimeSchema),
  end_date_time: Type.Optional(DateTimeSchema),
  energy_mix: Type.Optional(EnergyMixSchema),
  last_updated: DateTimeSchema,
});
export type Tariff = Static<typeof TariffSchema>;
