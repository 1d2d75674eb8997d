/**
 * Shared OCPI 2.3.0 types (types.asciidoc). What 2.3.0 left as in 2.2.1 is re-exported from there;
 * only the changed types are defined here: OpenEnum, Price/TaxAmount, Role, and the classes that
 * hold an OpenEnum (Image, BusinessDetails, EnergyMix).
 */
import { Type, type Static, type TString, type TUnsafe } from '@sinclair/typebox';
import * as v221 from '../v2_2_1/types.js';

export {
  CiString,
  DateTimeSchema,
  DisplayTextSchema,
  type DisplayText,
  ENERGY_SOURCE_CATEGORIES,
  ENVIRONMENTAL_IMPACT_CATEGORIES,
  EnergySourceCategorySchema,
  type EnergySourceCategory,
  EnergySourceSchema,
  type EnergySource,
  GeoLocationSchema,
  type GeoLocation,
  IMAGE_CATEGORIES,
  IntDigits,
  LatitudeSchema,
  LongitudeSchema,
  OcpiResponseOf,
  OcpiResponseSchema,
  type OcpiResponse,
  OcpiString,
  PatchOf,
  StringEnum,
  TimeOfDaySchema,
  UrlSchema,
} from '../v2_2_1/types.js';

export type OpenEnumSchema<T extends readonly string[]> = TUnsafe<T[number] | (string & {})> & TString;

/**
 * OpenEnum: the listed values are the known ones, but receivers must accept any other string
 * (types.asciidoc). The static type keeps the known values for completion.
 */
export function OpenEnum<const T extends readonly string[]>(values: T): OpenEnumSchema<T> {
  const schema = Type.String({ description: `One of ${values.join(', ')}, or a value added after this version` });
  return Type.Unsafe<T[number] | (string & {})>(schema) as OpenEnumSchema<T>;
}

export const TaxAmountSchema = Type.Object({
  name: Type.String(),
  account_number: Type.Optional(Type.String()),
  percentage: Type.Optional(v221.Quantity(v221.LIMITS.percent)),
  amount: v221.Quantity(v221.LIMITS.money),
});
export type TaxAmount = Static<typeof TaxAmountSchema>;

/** 2.3.0 replaced excl_vat/incl_vat by the amount before taxes and the list of taxes on it. */
export const PriceSchema = Type.Object({
  before_taxes: v221.Quantity(v221.LIMITS.money),
  taxes: Type.Optional(Type.Array(TaxAmountSchema)),
});

/** A CDR's total_cost: negative only on a credit CDR (mod_cdrs, Credit CDRs); its taxes then negative too. */
const SignedMoney = () => Type.Number({ minimum: -v221.LIMITS.money, maximum: v221.LIMITS.money });
export const SignedPriceSchema = Type.Object({
  before_taxes: SignedMoney(),
  taxes: Type.Optional(Type.Array(Type.Object({ ...TaxAmountSchema.properties, amount: SignedMoney() }))),
});
export type Price = Static<typeof PriceSchema>;

/** 2.3.0 dropped HUB: a hub is now a platform with routing functionality, named by Credentials.hub_party_id. */
export const ROLES = ['CPO', 'EMSP', 'NAP', 'NSP', 'OTHER', 'SCSP'] as const;
export const RoleSchema = v221.StringEnum(ROLES);
export type Role = Static<typeof RoleSchema>;

export const ImageCategorySchema = OpenEnum(v221.IMAGE_CATEGORIES);
export type ImageCategory = Static<typeof ImageCategorySchema>;

export const ImageSchema = Type.Object({ ...v221.ImageSchema.properties, category: ImageCategorySchema });
export type Image = Static<typeof ImageSchema>;

export const BusinessDetailsSchema = Type.Object({
  ...v221.BusinessDetailsSchema.properties,
  logo: Type.Optional(ImageSchema),
});
export type BusinessDetails = Static<typeof BusinessDetailsSchema>;

export const EnvironmentalImpactCategorySchema = OpenEnum(v221.ENVIRONMENTAL_IMPACT_CATEGORIES);
export type EnvironmentalImpactCategory = Static<typeof EnvironmentalImpactCategorySchema>;

export const EnvironmentalImpactSchema = Type.Object({
  ...v221.EnvironmentalImpactSchema.properties,
  category: EnvironmentalImpactCategorySchema,
});
export type EnvironmentalImpact = Static<typeof EnvironmentalImpactSchema>;

export const EnergyMixSchema = Type.Object({
  ...v221.EnergyMixSchema.properties,
  environ_impact: Type.Optional(Type.Array(EnvironmentalImpactSchema)),
});
export type EnergyMix = Static<typeof EnergyMixSchema>;
