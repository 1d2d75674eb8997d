/**
 * Tariffs module (mod_tariffs.asciidoc) as 2.3.0 changed it: `tax_included` (prices may include taxes),
 * min_price/max_price as PriceLimit, `preauthorize_amount`. Tariff elements are the 2.2.1 ones.
 */
import { Type, type Static } from '@sinclair/typebox';
import * as v221 from '../v2_2_1/tariffs.js';
import { EnergyMixSchema, StringEnum } from './types.js';

export {
  DAYS_OF_WEEK,
  DayOfWeekSchema,
  type DayOfWeek,
  PriceComponentSchema,
  type PriceComponent,
  RESERVATION_RESTRICTION_TYPES,
  ReservationRestrictionTypeSchema,
  type ReservationRestrictionType,
  TARIFF_DIMENSION_TYPES,
  TariffDimensionTypeSchema,
  type TariffDimensionType,
  TARIFF_TYPES,
  TariffTypeSchema,
  type TariffType,
  TariffElementSchema,
  type TariffElement,
  TariffRestrictionsSchema,
  type TariffRestrictions,
} from '../v2_2_1/tariffs.js';
import { LIMITS, Quantity } from '../v2_2_1/types.js';

export const TAX_INCLUDED = ['YES', 'NO', 'N/A'] as const;
export const TaxIncludedSchema = StringEnum(TAX_INCLUDED);
export type TaxIncluded = Static<typeof TaxIncludedSchema>;

export const PriceLimitSchema = Type.Object({
  before_taxes: Quantity(LIMITS.money),
  after_taxes: Type.Optional(Quantity(LIMITS.money)),
});
export type PriceLimit = Static<typeof PriceLimitSchema>;

export const TariffSchema = Type.Object({
  ...v221.TariffSchema.properties,
  min_price: Type.Optional(PriceLimitSchema),
  max_price: Type.Optional(PriceLimitSchema),
  preauthorize_amount: Type.Optional(Type.Number()),
  tax_included: TaxIncludedSchema,
  energy_mix: Type.Optional(EnergyMixSchema),
});
export type Tariff = Static<typeof TariffSchema>;
