/** RFC 3339 UTC timestamp at second precision: valid in 2.1.1 (no fractions) and later versions. */
export function ocpiTimestamp(date: Date = new Date()): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Parses an OCPI DateTime (with or without zone; a missing zone means UTC, as the spec says). */
export function parseOcpiTimestamp(value: string): Date | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/i.test(value)) return undefined;
  const withZone = /(Z|[+-]\d{2}:\d{2})$/i.test(value) ? value : `${value}Z`;
  const date = new Date(withZone);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

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

/** Fields that hold DateTimes (and 2.1.1 dates), by name. */
export function isTimestampField(key: string): boolean {
  return /(date_time|last_updated|timestamp|_date|expiry_date)$/.test(key) || key === 'valid_from' || key === 'valid_to';
}
