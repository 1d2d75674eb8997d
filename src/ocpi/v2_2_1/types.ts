/** Shared OCPI 2.2.1 types (types.asciidoc) and classes used by more than one module. */
import {
  Type,
  type Static,
  type TLiteral,
  type TObject,
  type TOptional,
  type TProperties,
  type TSchema,
  type TUnion,
} from '@sinclair/typebox';
import { withPatternMessage } from '../validation.js';

/** CiString: printable ASCII only. */
const PRINTABLE_ASCII = '^[\\x20-\\x7E]*$';
/** string: printable UTF-8, i.e. no control characters (CR, LF, tab, …). */
const PRINTABLE = '^[^\\x00-\\x1F\\x7F-\\x9F]*$';

/** CiString(n): case-insensitive, printable ASCII, at most n characters. */
export function CiString(maxLength: number) {
  const schema = Type.String({ maxLength, pattern: PRINTABLE_ASCII });
  return withPatternMessage(schema, 'must contain only printable ASCII characters');
}

/**
 * An identifier the hub puts in URLs (object ids, EVSE uids, connector ids): a non-empty CiString
 * that is not "." or "..", which URL resolution would turn into a different path.
 */
export function ObjectId(maxLength: number) {
  const schema = Type.String({ minLength: 1, maxLength, pattern: '^(?!\\.\\.?$)[\\x20-\\x7E]+$' });
  return withPatternMessage(schema, 'must be printable ASCII characters, and not "." or ".."');
}

/** string(n): case-sensitive printable UTF-8, at most n characters. */
export function OcpiString(maxLength: number) {
  return withPatternMessage(Type.String({ maxLength, pattern: PRINTABLE }), 'must not contain control characters');
}

/** An enum as a union of string literals, so the static type is the literal union. */
export function StringEnum<const T extends readonly string[]>(values: T) {
  return Type.Union(values.map((value) => Type.Literal(value))) as unknown as TUnion<TLiteral<T[number]>[]>;
}

/**
 * DateTime: RFC 3339 with optional fractional seconds. The spec wants UTC and reads a missing zone as
 * UTC; an explicit offset, which RFC 3339 allows, is accepted too. Not capped at the spec's string(25),
 * so longer fractions (microseconds) still pass.
 */
const DATE_TIME =
  '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])[Tt]([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)' +
  '(\\.[0-9]+)?([Zz]|[+-]([01][0-9]|2[0-3]):[0-5][0-9])?$';
export const DateTimeSchema = withPatternMessage(Type.String({ pattern: DATE_TIME, format: 'date-time' }), 'must be an RFC 3339 date-time');

/** Local time of day, "HH:MM" in 24h format with leading zeros (RegularHours, TariffRestrictions). */
export const TimeOfDaySchema = withPatternMessage(
  Type.String({ maxLength: 5, pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$' }),
  'must be a time of day as HH:MM (24h)',
);

/** URL: string(255). */
export const UrlSchema = OcpiString(255);

/** int(n): a non-negative integer of at most n digits. */
export function IntDigits(digits: number) {
  return Type.Integer({ minimum: 0, maximum: 10 ** digits - 1 });
}

export const DisplayTextSchema = Type.Object({
  language: OcpiString(2),
  text: OcpiString(512),
});
export type DisplayText = Static<typeof DisplayTextSchema>;

/**
 * Bounds no real charge point, session or price reaches: a value past them is refused rather than
 * stored and forwarded (1e308 kWh is a fault or an attack, never a charge).
 */
export const LIMITS = {
  kwh: 1e6,
  money: 1e9,
  hours: 1e5,
  volts: 1e5,
  amperes: 1e5,
  watts: 1e10,
  kilowatts: 1e7,
  seconds: 1e10,
  percent: 100,
} as const;

/** A quantity that cannot be negative (energy, voltage, current, power, prices, durations), bounded above. */
export function Quantity(maximum: number) {
  return Type.Number({ minimum: 0, maximum });
}

/** A whole quantity that cannot be negative (volts and amperes of a connector, seconds), bounded above. */
export function Count(maximum: number) {
  return Type.Integer({ minimum: 0, maximum });
}

export const PriceSchema = Type.Object({
  excl_vat: Quantity(LIMITS.money),
  incl_vat: Type.Optional(Quantity(LIMITS.money)),
});

/** A CDR's total_cost: negative only on a credit CDR, the one place the spec allows it (mod_cdrs, Credit CDRs). */
const SignedMoney = () => Type.Number({ minimum: -LIMITS.money, maximum: LIMITS.money });
export const SignedPriceSchema = Type.Object({
  excl_vat: SignedMoney(),
  incl_vat: Type.Optional(SignedMoney()),
});
export type Price = Static<typeof PriceSchema>;

/** A CDR's cost totals, each a Price (mod_cdrs; the same fields in 2.3.0, where they may carry taxes). */
export const CDR_COST_FIELDS = [
  'total_cost',
  'total_fixed_cost',
  'total_energy_cost',
  'total_time_cost',
  'total_parking_cost',
  'total_reservation_cost',
] as const;

export const ROLES = ['CPO', 'EMSP', 'HUB', 'NAP', 'NSP', 'OTHER', 'SCSP'] as const;
export const RoleSchema = StringEnum(ROLES);
export type Role = Static<typeof RoleSchema>;

export const IMAGE_CATEGORIES = ['CHARGER', 'ENTRANCE', 'LOCATION', 'NETWORK', 'OPERATOR', 'OTHER', 'OWNER'] as const;
export const ImageCategorySchema = StringEnum(IMAGE_CATEGORIES);
export type ImageCategory = Static<typeof ImageCategorySchema>;

export const ImageSchema = Type.Object({
  url: UrlSchema,
  thumbnail: Type.Optional(UrlSchema),
  category: ImageCategorySchema,
  type: CiString(4),
  width: Type.Optional(IntDigits(5)),
  height: Type.Optional(IntDigits(5)),
});
export type Image = Static<typeof ImageSchema>;

export const BusinessDetailsSchema = Type.Object({
  name: OcpiString(100),
  website: Type.Optional(UrlSchema),
  logo: Type.Optional(ImageSchema),
});
export type BusinessDetails = Static<typeof BusinessDetailsSchema>;

const COORDINATE_MESSAGE = 'must be decimal degrees with 5 to 7 decimals, e.g. 50.770774';
export const LatitudeSchema = withPatternMessage(
  Type.String({ maxLength: 10, pattern: '^-?[0-9]{1,2}\\.[0-9]{5,7}$' }),
  COORDINATE_MESSAGE,
);
export const LongitudeSchema = withPatternMessage(
  Type.String({ maxLength: 11, pattern: '^-?[0-9]{1,3}\\.[0-9]{5,7}$' }),
  COORDINATE_MESSAGE,
);

export const GeoLocationSchema = Type.Object({
  latitude: LatitudeSchema,
  longitude: LongitudeSchema,
});
export type GeoLocation = Static<typeof GeoLocationSchema>;

export const ENERGY_SOURCE_CATEGORIES = [
  'NUCLEAR', 'GENERAL_FOSSIL', 'COAL', 'GAS', 'GENERAL_GREEN', 'SOLAR', 'WIND', 'WATER',
] as const;
export const EnergySourceCategorySchema = StringEnum(ENERGY_SOURCE_CATEGORIES);
export type EnergySourceCategory = Static<typeof EnergySourceCategorySchema>;

export const EnergySourceSchema = Type.Object({
  source: EnergySourceCategorySchema,
  percentage: Type.Number({ minimum: 0, maximum: 100 }),
});
export type EnergySource = Static<typeof EnergySourceSchema>;

export const ENVIRONMENTAL_IMPACT_CATEGORIES = ['NUCLEAR_WASTE', 'CARBON_DIOXIDE'] as const;
export const EnvironmentalImpactCategorySchema = StringEnum(ENVIRONMENTAL_IMPACT_CATEGORIES);
export type EnvironmentalImpactCategory = Static<typeof EnvironmentalImpactCategorySchema>;

export const EnvironmentalImpactSchema = Type.Object({
  category: EnvironmentalImpactCategorySchema,
  amount: Type.Number(),
});
export type EnvironmentalImpact = Static<typeof EnvironmentalImpactSchema>;

export const EnergyMixSchema = Type.Object({
  is_green_energy: Type.Boolean(),
  energy_sources: Type.Optional(Type.Array(EnergySourceSchema)),
  environ_impact: Type.Optional(Type.Array(EnvironmentalImpactSchema)),
  supplier_name: Type.Optional(OcpiString(64)),
  energy_product_name: Type.Optional(OcpiString(64)),
});
export type EnergyMix = Static<typeof EnergyMixSchema>;

/** A PATCH body (2.2.1): any subset of the object's fields, but `last_updated` is always required. */
export function PatchOf<P extends TProperties>(schema: TObject<P>) {
  const properties = Object.fromEntries(
    Object.entries(schema.properties).map(([key, property]) => [key, Type.Optional(property)]),
  );
  return Type.Object({ ...properties, last_updated: DateTimeSchema } as PatchProperties<P>);
}

type PatchProperties<P extends TProperties> = {
  [K in Exclude<keyof P, 'last_updated'>]: TOptional<P[K]>;
} & { last_updated: typeof DateTimeSchema };

/** The response envelope of transport_and_format; `data` is whatever the endpoint defines. */
export function OcpiResponseOf<T extends TSchema>(data: T) {
  return Type.Object({
    data: Type.Optional(data),
    status_code: Type.Integer({ minimum: 1000, maximum: 9999 }),
    status_message: Type.Optional(Type.String()),
    timestamp: DateTimeSchema,
  });
}

export const OcpiResponseSchema = OcpiResponseOf(Type.Unknown());
export type OcpiResponse = Static<typeof OcpiResponseSchema>;
