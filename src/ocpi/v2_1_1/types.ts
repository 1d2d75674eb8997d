/**
 * Shared OCPI 2.1.1 types (types.md) and the classes of mod_locations.md that other modules use.
 * Enums whose values 2.1.1 shares with 2.2.1 are imported from there rather than repeated.
 */
import { Type, type Static, type TObject, type TProperties, type TSchema } from '@sinclair/typebox';
import { withPatternMessage } from '../validation.js';
import {
  ENERGY_SOURCE_CATEGORIES,
  ENVIRONMENTAL_IMPACT_CATEGORIES,
  IMAGE_CATEGORIES,
  IntDigits,
  StringEnum,
} from '../v2_2_1/types.js';

export { IntDigits, StringEnum };

/**
 * Marks the schemas whose values the 2.1.1 translators must reformat (see `translate/v2_1_1/conform.ts`).
 * A symbol, like the pattern message, so the schemas stay plain JSON Schema.
 */
export const Format211 = Symbol.for('switchyard.ocpi.v211.format');
export type Format211Kind = 'date-time' | 'latitude' | 'longitude';

function marked<T extends TSchema>(schema: T, kind: Format211Kind): T {
  return Object.assign(schema, { [Format211]: kind });
}

/** 2.1.1 allows printable ASCII only, in `string` as well as in `CiString` (2.2.1 widened string to UTF-8). */
const PRINTABLE_ASCII = '^[\\x20-\\x7E]*$';

/** string(n): case-sensitive printable ASCII, at most n characters. */
export function OcpiString(maxLength: number) {
  return withPatternMessage(
    Type.String({ maxLength, pattern: PRINTABLE_ASCII }),
    'must contain only printable ASCII characters',
  );
}

/** CiString(n): like string(n), but compared case-insensitively. */
export const CiString = OcpiString;

/** DateTime: ISO 8601 in UTC, without fractional seconds; a missing zone designator means UTC. */
export const DateTimeSchema = marked(
  withPatternMessage(
    Type.String({
      maxLength: 25,
      pattern: '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)Z?$',
      format: 'date-time',
    }),
    'must be an ISO 8601 UTC date-time without fractional seconds',
  ),
  'date-time',
);

/** "HH:MM" with the looser regex 2.1.1 gives: [0-2][0-9]:[0-5][0-9]. */
export const TimeOfDaySchema = withPatternMessage(
  Type.String({ maxLength: 5, pattern: '^[0-2][0-9]:[0-5][0-9]$' }),
  'must be a time of day as HH:MM',
);

export const UrlSchema = OcpiString(255);

export const DisplayTextSchema = Type.Object({
  language: OcpiString(2),
  text: OcpiString(512),
});
export type DisplayText = Static<typeof DisplayTextSchema>;

/** 2.1.1 coordinates have exactly six decimals (2.2.1 allows five to seven). */
const COORDINATE_MESSAGE = 'must be decimal degrees with 6 decimals, e.g. 50.770774';
export const LatitudeSchema = marked(
  withPatternMessage(Type.String({ maxLength: 10, pattern: '^-?[0-9]{1,2}\\.[0-9]{6}$' }), COORDINATE_MESSAGE),
  'latitude',
);
export const LongitudeSchema = marked(
  withPatternMessage(Type.String({ maxLength: 11, pattern: '^-?[0-9]{1,3}\\.[0-9]{6}$' }), COORDINATE_MESSAGE),
  'longitude',
);

export const GeoLocationSchema = Type.Object({
  latitude: LatitudeSchema,
  longitude: LongitudeSchema,
});
export type GeoLocation = Static<typeof GeoLocationSchema>;

export const ImageCategorySchema = StringEnum(IMAGE_CATEGORIES);

export const ImageSchema = Type.Object({
  url: UrlSchema,
  thumbnail: Type.Optional(UrlSchema),
  category: ImageCategorySchema,
  type: OcpiString(4),
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

export const EnergySourceSchema = Type.Object({
  source: StringEnum(ENERGY_SOURCE_CATEGORIES),
  percentage: Type.Number({ minimum: 0, maximum: 100 }),
});
export type EnergySource = Static<typeof EnergySourceSchema>;

/** 2.1.1 names the category field `source` (renamed to `category` in 2.2). */
export const EnvironmentalImpactSchema = Type.Object({
  source: StringEnum(ENVIRONMENTAL_IMPACT_CATEGORIES),
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

/** A 2.1.1 PATCH body: any subset of the object's fields; unlike 2.2.1, `last_updated` is not required. */
export function PatchOf<P extends TProperties>(schema: TObject<P>) {
  return Type.Partial(schema);
}

/** The response envelope of transport_and_format.md. */
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
