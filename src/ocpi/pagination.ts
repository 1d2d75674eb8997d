import { OcpiError } from './status.js';
import { parseOcpiTimestamp } from './time.js';

/** The list filters every OCPI Sender interface accepts (transport_and_format → Pagination). */
export interface PageRequest {
  dateFrom?: Date;
  dateTo?: Date;
  offset: number;
  limit: number;
  /** The server's own continuation, from a Link it gave (`after`); opaque to the client. */
  after?: string;
}

type Query = Record<string, string | string[] | undefined>;

function firstValue(query: Query, name: string): string | undefined {
  const value = query[name];
  return Array.isArray(value) ? value[0] : value;
}

function parseDate(query: Query, name: string): Date | undefined {
  const text = firstValue(query, name);
  if (text === undefined || text === '') return undefined;
  const date = parseOcpiTimestamp(text);
  if (!date) throw OcpiError.invalid(`must be a real RFC 3339 date-time, got "${text.slice(0, 40)}"`, `query.${name}`);
  return date;
}

/** Past this an offset or a limit means nothing (and would overflow the database's integers). */
const MAX_COUNT = 2_147_483_647;

function parseCount(query: Query, name: string): number | undefined {
  const text = firstValue(query, name);
  if (text === undefined || text === '') return undefined;
  if (!/^\d{1,10}$/.test(text) || Number(text) > MAX_COUNT) {
    throw OcpiError.invalid(`must be an integer from 0 to ${MAX_COUNT}, got "${text.slice(0, 40)}"`, `query.${name}`);
  }
  return Number(text);
}

/** Reads the page request; `maxLimit` is the server's ceiling, announced in X-Limit. */
export function parsePageRequest(query: Query, maxLimit: number): PageRequest {
  const requested = parseCount(query, 'limit');
  return {
    dateFrom: parseDate(query, 'date_from'),
    dateTo: parseDate(query, 'date_to'),
    offset: parseCount(query, 'offset') ?? 0,
    limit: Math.min(requested ?? maxLimit, maxLimit),
    after: firstValue(query, 'after') || undefined,
  };
}

/**
 * Response headers for one page: X-Total-Count (all matches), X-Limit (the ceiling) and, unless this
 * is the last page, a Link to the next page that repeats the caller's filters. The Link carries the
 * next `offset`, as OCPI defines it, and, when the server gives one, its own continuation (`after`)
 * that lets it start the next page where this one ended.
 */
export function pageHeaders(
  requestUrl: URL,
  page: PageRequest,
  totalCount: number,
  maxLimit: number,
  continuation?: { after?: string },
): Record<string, string> {
  const headers: Record<string, string> = {
    'X-Total-Count': String(totalCount),
    'X-Limit': String(maxLimit),
  };
  const nextOffset = page.offset + page.limit;
  const after = continuation?.after;
  const hasNext = continuation ? after !== undefined : nextOffset < totalCount;
  if (hasNext) {
    const next = new URL(requestUrl);
    next.searchParams.set('offset', String(nextOffset));
    next.searchParams.set('limit', String(page.limit));
    if (after !== undefined) next.searchParams.set('after', after);
    headers.Link = `<${next.toString()}>; rel="next"`;
  }
  return headers;
}
