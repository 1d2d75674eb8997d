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
