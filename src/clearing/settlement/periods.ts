/**
 * Settlement periods by label: "2026-11" is a month, "2026-W47" an ISO week. Bounds are local
 * wall-clock times; the database turns them into instants in each agreement's time zone.
 */
export type Cadence = 'MONTHLY' | 'WEEKLY';

export interface Period {
  label: string;
  cadence: Cadence;
  /** Local start, inclusive, as 'YYYY-MM-DD 00:00:00'. */
  startLocal: string;
  /** Local end, exclusive. */
  endLocal: string;
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
const WEEK = /^(\d{4})-W(0[1-9]|[1-4]\d|5[0-3])$/;

const day = (date: Date) => `${date.toISOString().slice(0, 10)} 00:00:00`;

/** The period a label names, or undefined when it names none. */
export function parsePeriod(label: string): Period | undefined {
  const month = MONTH.exec(label);
  if (month) {
    const [year, monthIndex] = [Number(month[1]), Number(month[2]) - 1];
    return { label, cadence: 'MONTHLY', startLocal: day(new Date(Date.UTC(year, monthIndex, 1))), endLocal: day(new Date(Date.UTC(year, monthIndex + 1, 1))) };
  }
  const week = WEEK.exec(label);
  if (week) {
    const [year, number] = [Number(week[1]), Number(week[2])];
    // ISO 8601: week 1 is the week with the year's first Thursday; weeks start on Monday.
    const jan4 = new Date(Date.UTC(year, 0, 4));
    const monday = new Date(jan4.getTime() - ((jan4.getUTCDay() + 6) % 7) * 86_400_000 + (number - 1) * 7 * 86_400_000);
    if (number === 53 && new Date(monday.getTime() + 3 * 86_400_000).getUTCFullYear() !== year) return undefined;
    return { label, cadence: 'WEEKLY', startLocal: day(monday), endLocal: day(new Date(monday.getTime() + 7 * 86_400_000)) };
  }
  return undefined;
}

/** The SQL expression of the label of the period a local timestamp falls in, per cadence. */
export const PERIOD_LABEL_SQL: Record<Cadence, (localTimestamp: string) => string> = {
  MONTHLY: (ts) => `to_char(${ts}, 'YYYY-MM')`,
  WEEKLY: (ts) => `to_char(${ts}, 'IYYY-"W"IW')`,
};
