import { schemaOf } from '../ocpi/kinds.js';
import { inSpecForm, unwrapped, withoutNulls, type Rewrite } from '../ocpi/normalise.js';
import type { ObjectKind, OcpiVersion } from '../ocpi/translate/index.js';
import { compileValidator } from '../ocpi/validation.js';
import type { Quirks } from './quirks.js';

export interface CheckedAnswer {
  value: unknown;
  /** What was rewritten to bring the answer to spec form (for the journal). */
  rewrites: Rewrite[];
  /** Where the answer breaks its schema even in spec form: the responder is to blame. */
  invalid?: { path: string; message: string };
}

/**
 * The data of an answer the hub relays (one object: a Location part, an AuthorizationInfo, a
 * CommandResponse), brought to spec form before it goes on: out of a one-element list, nulls read
 * as absent (unless the responder's profile sets strict_nulls), codes upper-cased, times in UTC;
 * then checked against the responder's version of the schema.
 */
export function answerInSpecForm(data: unknown, kind: ObjectKind, version: OcpiVersion, quirks: Quirks): CheckedAnswer {
  const rewrites: Rewrite[] = [];
  let value = unwrapped(data, rewrites);
  if (!quirks.strict_nulls) value = withoutNulls(value, rewrites);
  value = inSpecForm(value, rewrites);
  const schema = schemaOf(version, kind);
  const checked = schema ? compileValidator(schema)(value) : undefined;
  if (checked && !checked.ok) return { value, rewrites, invalid: { path: checked.path, message: checked.message } };
  return { value, rewrites };
}
