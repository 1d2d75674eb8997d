import type { DayOfWeek } from '../../ocpi/v2_2_1/index.js';

/**
 * Wall-clock time at a location (mod_tariffs → TariffRestrictions: start_time, start_date and
 * day_of_week are in the location's time zone). The zone's offset comes from the platform's IANA
 * data (Intl), so DST changes are where the zone's rules put them, never guessed from a country.
 */
export interface LocalClock {
  /** HH:MM, 24h. */
  time: string;
  /** YYYY-MM-DD. */
  date: string;
  weekday: DayOfWeek;
}

const WEEKDAYS: DayOfWeek[] = ['SUNDAY', 'MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY'];
// Zones change offset on whole or half hours; a quarter hour is a bucket that never straddles a change.
const BUCKET_MS = 15 * 60 * 1000;
const MAX_CACHED = 100_000;

const formatters = new Map<string, Intl.DateTimeFormat>();
const offsets = new Map<string, number>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, format);
  }
  return format;
}

/** The zone's offset from UTC in ms at an instant (cached per quarter hour: Intl is slow). */
function offsetAt(ms: number, timeZone: string): number {
  const key = `${timeZone}|${Math.floor(ms / BUCKET_MS)}`;
  let offset = offsets.get(key);
  if (offset === undefined) {
    const parts: Record<string, number> = {};
    for (const part of formatterFor(timeZone).formatToParts(new Date(ms))) parts[part.type] = Number(part.value);
    const wall = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
    offset = wall - Math.floor(ms / 1000) * 1000;
    if (offsets.size >= MAX_CACHED) offsets.clear();
    offsets.set(key, offset);
  }
  return offset;
}

const pad = (n: number) => String(n).padStart(2, '0');

export function localClock(at: Date, timeZone: string): LocalClock {
  const wall = new Date(at.getTime() + offsetAt(at.getTime(), timeZone));
  return {
    time: `${pad(wall.getUTCHours())}:${pad(wall.getUTCMinutes())}`,
    date: `${wall.getUTCFullYear()}-${pad(wall.getUTCMonth() + 1)}-${pad(wall.getUTCDate())}`,
    weekday: WEEKDAYS[wall.getUTCDay()],
  };
}
