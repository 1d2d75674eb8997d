import { Type, type Static } from '@sinclair/typebox';
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

/** A timestamp in a form a lenient partner sends, normalized to RFC 3339 UTC; others unchanged. */
export function normalizeTimestamp(value: string): string {
  const match = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2}(?:\.\d+)?)(Z|[+-]\d{2}:?\d{2})?$/i.exec(value.trim());
  if (!match) return value;
  const zone = match[3] ? match[3].replace(/^([+-]\d{2})(\d{2})$/, '$1:$2') : 'Z';
  const date = new Date(`${match[1]}T${match[2]}${zone}`);
  return Number.isNaN(date.getTime()) ? value : date.toISOString().replace(/\.000Z$/, 'Z');
}

/** Normalizes every timestamp-looking string in a body (fields named *date_time, last_updated, timestamp…). */
export function normalizeTimestamps(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) return value.map((item) => normalizeTimestamps(item, key));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalizeTimestamps(v, k)]));
  }
  return typeof value === 'string' && isTimestampField(key) ? normalizeTimestamp(value) : value;
}

function isTimestampField(key: string): boolean {
  return /(date_time|last_updated|timestamp|_date|expiry_date)$/.test(key) || key === 'valid_from' || key === 'valid_to';
}
