/** RFC 3339 UTC timestamp at second precision: valid in 2.1.1 (no fractions) and later versions. */
export function ocpiTimestamp(date: Date = new Date()): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const DATE_TIME_PARTS = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-](\d{2}):(\d{2}))?$/i;

/**
 * Whether a date-time names a real instant: a calendar day that exists (no 2026-02-30), a year from
 * 0001 on, and no leap second, which no JavaScript date (nor PostgreSQL timestamp) can hold.
 */
export function isRealDateTime(value: string): boolean {
  const parts = DATE_TIME_PARTS.exec(value);
  if (!parts) return false;
  const [year, month, day, hour, minute, second] = parts.slice(1, 7).map(Number);
  const offsetHours = parts[9] === undefined ? 0 : Number(parts[9]);
  const offsetMinutes = parts[10] === undefined ? 0 : Number(parts[10]);
  const daysInMonth = new Date(Date.UTC(2000, month, 0)).getUTCDate() - (month === 2 && !isLeapYear(year) ? 1 : 0);
  return (
    year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth &&
    hour <= 23 && minute <= 59 && second <= 59 && offsetHours <= 23 && offsetMinutes <= 59
  );
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Parses an OCPI DateTime (with or without zone; a missing zone means UTC, as the spec says). */
export function parseOcpiTimestamp(value: string): Date | undefined {
  if (!isRealDateTime(value)) return undefined;
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
