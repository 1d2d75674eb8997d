import { Type, type Static } from '@sinclair/typebox';
import { withoutNulls } from '../ocpi/normalise.js';
import { normalizeTimestamps } from '../ocpi/time.js';
import { compileValidator } from '../ocpi/validation.js';

/**
 * What a partner does differently from the letter of OCPI, so the hub can meet it where it is
 * without code changes. Set through the admin API; all optional.
 */
export const QuirksSchema = Type.Object(
  {
    token_encoding: Type.Optional(
      Type.Union([Type.Literal('base64'), Type.Literal('raw')], {
        description: 'How the hub sends its token to this partner (older platforms expect it raw)',
      }),
    ),
    put_instead_of_patch: Type.Optional(
      Type.Array(Type.Union(['locations', 'sessions', 'tokens'].map((m) => Type.Literal(m))), {
        description: 'Modules for which the partner takes whole objects (PUT) rather than PATCH',
      }),
    ),
    page_size: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 1000, description: 'Largest page this partner may be sent in GET-all answers' }),
    ),
    lenient_timestamps: Type.Optional(
      Type.Boolean({ description: 'Accept timestamps without a zone or with a space instead of T, read as UTC' }),
    ),
    strict_nulls: Type.Optional(
      Type.Boolean({ description: 'Refuse explicit nulls (2001) instead of reading them as absent fields' }),
    ),
  },
  { additionalProperties: false },
);

export type Quirks = Static<typeof QuirksSchema>;

/** The quirks the hub knows, with what each does: a misspelled one is refused, not ignored. */
export const KNOWN_QUIRKS = Object.entries(QuirksSchema.properties).map(([name, schema]) => ({
  name,
  description: (schema as { description?: string }).description ?? '',
}));

/** Names in `quirks` that are no quirk the hub knows. */
export function unknownQuirks(quirks: unknown): string[] {
  if (!quirks || typeof quirks !== 'object') return [];
  return Object.keys(quirks).filter((name) => !KNOWN_QUIRKS.some((quirk) => quirk.name === name));
}

export const validateQuirks = compileValidator(QuirksSchema);

/** A partner's body as the hub reads it: nulls as absent fields (unless strict_nulls), times as its quirks allow. */
export function asQuirksAllow(body: unknown, quirks: Quirks): unknown {
  const timed = quirks.lenient_timestamps ? normalizeTimestamps(body) : body;
  return quirks.strict_nulls ? timed : withoutNulls(timed);
}
