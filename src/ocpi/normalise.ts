/**
 * Spec form for what partners send in a looser one. Each step returns the value it was given when
 * there is nothing to change, and names every change, so the journal can say what was rewritten.
 */
import { isTimestampField, normalizeTimestamp } from './time.js';

export interface Rewrite {
  /** JSON path of what was rewritten. */
  path: string;
  change: string;
}

/**
 * Drops explicit nulls from objects: OCPI has no null, and an optional field "not present" is what
 * the many implementations that write null mean (transport_and_format, JSON/HTTP implementation
 * guide). A null in a required field thus reads as missing and fails validation as such.
 */
export function withoutNulls(value: unknown, rewrites: Rewrite[] = [], path = '$'): unknown {
  if (Array.isArray(value)) return mapChanged(value, (item, index) => withoutNulls(item, rewrites, `${path}[${index}]`));
  if (!isObject(value)) return value;
  let copy: Record<string, unknown> | undefined;
  for (const [key, field] of Object.entries(value)) {
    if (field === null) {
      copy ??= { ...value };
      delete copy[key];
      rewrites.push({ path: `${path}.${key}`, change: 'null read as absent' });
      continue;
    }
    const next = withoutNulls(field, rewrites, `${path}.${key}`);
    if (next !== field) (copy ??= { ...value })[key] = next;
  }
  return copy ?? value;
}

/** Fields whose values are codes the spec writes in upper case (ISO 3166, ISO 4217, party ids). */
const UPPER_CASE_FIELDS = new Set(['country_code', 'party_id', 'country', 'currency']);

/** Upper-case codes and UTC RFC 3339 timestamps, wherever they are in the value. */
export function inSpecForm(value: unknown, rewrites: Rewrite[] = [], path = '$', key = ''): unknown {
  if (Array.isArray(value)) return mapChanged(value, (item, index) => inSpecForm(item, rewrites, `${path}[${index}]`, key));
  if (isObject(value)) {
    let copy: Record<string, unknown> | undefined;
    for (const [inner, field] of Object.entries(value)) {
      const next = inSpecForm(field, rewrites, `${path}.${inner}`, inner);
      if (next !== field) (copy ??= { ...value })[inner] = next;
    }
    return copy ?? value;
  }
  if (typeof value !== 'string') return value;
  if (UPPER_CASE_FIELDS.has(key) && value !== value.toUpperCase()) {
    rewrites.push({ path, change: `upper-cased from "${value}"` });
    return value.toUpperCase();
  }
  // Timestamps as the spec writes them: RFC 3339 in UTC (types: DateTime); those in UTC stay as they are.
  if (isTimestampField(key) && !value.endsWith('Z')) {
    const utc = normalizeTimestamp(value);
    if (utc !== value) rewrites.push({ path, change: `written in UTC from "${value}"` });
    return utc;
  }
  return value;
}

/** A single object answered inside a one-element list, as some partners do: the object itself. */
export function unwrapped(value: unknown, rewrites: Rewrite[] = []): unknown {
  if (!Array.isArray(value) || value.length !== 1 || !isObject(value[0])) return value;
  rewrites.push({ path: '$', change: 'single object taken out of its list' });
  return value[0];
}

function mapChanged<T>(items: T[], map: (item: T, index: number) => T): T[] {
  let changed = false;
  const next = items.map((item, index) => {
    const mapped = map(item, index);
    changed ||= mapped !== item;
    return mapped;
  });
  return changed ? next : items;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
