import { observeHop } from './metrics.js';
import type { Queryable } from '../store/database.js';

/** Who is to blame for a failed exchange. */
export type Blame = 'CPO' | 'EMSP' | 'HUB' | 'NETWORK' | 'OTHER';

export interface JournalEntry {
  direction: 'IN' | 'OUT';
  correlationId?: string;
  requestId?: string;
  /** Parties as `CC*PID`. */
  fromParty?: string;
  toParty?: string;
  platformId?: string;
  module?: string;
  method: string;
  url: string;
  objectId?: string;
  httpStatus?: number;
  ocpiStatus?: number;
  durationMs?: number;
  blame?: Blame;
  error?: string;
  requestBody?: unknown;
  responseBody?: unknown;
  /** Anything else worth knowing: translation losses, the rule that decided, the event number. */
  notes?: Record<string, unknown>;
}

/**
 * Bodies are kept up to this size (SWITCHYARD_JOURNAL_BODY_CAP, characters of JSON); a larger one
 * keeps its first characters as text and the entry is flagged `truncated`.
 */
export const journalBodyCap = () => Number(process.env.SWITCHYARD_JOURNAL_BODY_CAP ?? 16 * 1024);
/** Fields that carry credentials tokens: never written to the journal. */
const SECRET_FIELDS = new Set(['token', 'token_a', 'token_b', 'token_c']);

/** Removes credentials tokens from a payload before it is journaled. */
export function redact(value: unknown, parentKey = ''): unknown {
  if (Array.isArray(value)) return value.map((item) => redact(item, parentKey));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    // A Token object's fields are not secrets; the credentials `token` string is.
    out[key] = SECRET_FIELDS.has(key) && typeof inner === 'string' ? '[redacted]' : redact(inner, key);
  }
  return out;
}

function bounded(value: unknown): { body: unknown; truncated: boolean } {
  const text = value === undefined ? undefined : JSON.stringify(redact(value));
  if (text === undefined) return { body: null, truncated: false };
  const cap = journalBodyCap();
  if (text.length <= cap) return { body: JSON.parse(text), truncated: false };
  return { body: { truncated: true, size: text.length, head: text.slice(0, cap) }, truncated: true };
}

export async function record(db: Queryable, entry: JournalEntry): Promise<void> {
  observeHop(entry);
  const request = bounded(entry.requestBody);
  const response = bounded(entry.responseBody);
  await db.query(
    `INSERT INTO journal (direction, correlation_id, request_id, from_party, to_party, platform_id, module, method, url,
       object_id, http_status, ocpi_status, duration_ms, blame, error, request_body, response_body, notes, truncated, at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)`,
    [
      entry.direction,
      entry.correlationId ?? null,
      entry.requestId ?? null,
      entry.fromParty ?? null,
      entry.toParty ?? null,
      entry.platformId ?? null,
      entry.module ?? null,
      entry.method,
      entry.url,
      entry.objectId ?? null,
      entry.httpStatus ?? null,
      entry.ocpiStatus ?? null,
      entry.durationMs ?? null,
      entry.blame ?? null,
      entry.error ?? null,
      JSON.stringify(request.body),
      JSON.stringify(response.body),
      entry.notes ? JSON.stringify(entry.notes) : null,
      request.truncated || response.truncated,
      // The time the hop ended; now() would be the start of an enclosing transaction.
      new Date(),
    ],
  );
}

/** Blame for an answer: `requesterRole` sent the request, `responderRole` answered it. */
export function blameFor(
  outcome: { httpStatus?: number; ocpiStatus?: number; networkError?: boolean },
  requesterRole: Blame,
  responderRole: Blame,
): Blame | undefined {
  if (outcome.networkError) return 'NETWORK';
  const { httpStatus = 200, ocpiStatus } = outcome;
  if (ocpiStatus !== undefined && ocpiStatus >= 1000 && ocpiStatus < 2000 && httpStatus < 400) return undefined;
  if (ocpiStatus !== undefined && ocpiStatus >= 4000 && ocpiStatus < 5000) return 'HUB';
  if (httpStatus >= 500 || (ocpiStatus !== undefined && ocpiStatus >= 3000)) return responderRole;
  return requesterRole;
}

export interface JournalQuery {
  correlationId?: string;
  /** `CC*PID`: entries from or to the party. */
  party?: string;
  /** Parties as `CC*PID`: only entries from or to one of them (a partner's own view). */
  scope?: string[];
  module?: string;
  objectId?: string;
  /** An HTTP or OCPI status code. */
  status?: number;
  from?: Date;
  to?: Date;
  /** Only failed exchanges. */
  failed?: boolean;
  /** Cursor: entries older than this id (newest first). */
  before?: number;
  /** Tail: entries newer than this id, oldest first, so a follower prints them in order. */
  after?: number;
  limit: number;
  offset?: number;
  /** Count the matches (one more query). */
  count?: boolean;
}

export interface JournalRow {
  id: number;
  at: Date;
  direction: 'IN' | 'OUT';
  correlation_id: string | null;
  request_id: string | null;
  from_party: string | null;
  to_party: string | null;
  module: string | null;
  method: string;
  url: string;
  object_id: string | null;
  http_status: number | null;
  ocpi_status: number | null;
  duration_ms: number | null;
  blame: Blame | null;
  error: string | null;
  request_body: unknown;
  response_body: unknown;
  notes: unknown;
  truncated: boolean;
}

export const JOURNAL_COLUMNS = `id, at, direction, correlation_id, request_id, from_party, to_party, module, method, url, object_id,
  http_status, ocpi_status, duration_ms, blame, error, request_body, response_body, notes, truncated`;

export interface JournalPage {
  total?: number;
  entries: JournalRow[];
  /** Pass as `before` for the next (older) page; null when this page is the last. */
  nextCursor: number | null;
}

/** Newest first, paged by cursor; with `after`, the entries that came since, oldest first. */
export async function searchJournal(db: Queryable, query: JournalQuery): Promise<JournalPage> {
  const conditions: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    conditions.push(sql.replaceAll('?', `$${params.length}`));
  };
  if (query.correlationId) add('correlation_id = ?', query.correlationId);
  if (query.party) add('(from_party = ? OR to_party = ?)', query.party.toUpperCase());
  if (query.scope) add('(from_party = ANY(?::text[]) OR to_party = ANY(?::text[]))', query.scope);
  if (query.module) add('module = ?', query.module);
  if (query.objectId) add('upper(object_id) = upper(?)', query.objectId);
  if (query.status !== undefined) add('(http_status = ? OR ocpi_status = ?)', query.status);
  if (query.from) add('at >= ?', query.from);
  if (query.to) add('at < ?', query.to);
  if (query.failed) conditions.push('blame IS NOT NULL');
  const filters = [...conditions];
  const filterParams = [...params];
  if (query.before !== undefined) add('id < ?', query.before);
  if (query.after !== undefined) add('id > ?', query.after);
  const where = conditions.length ? `WHERE ${conditions.join(' AND ')}` : '';
  const order = query.after !== undefined ? 'ORDER BY id' : 'ORDER BY id DESC';
  const entries = await db.query<JournalRow>(
    `SELECT ${JOURNAL_COLUMNS} FROM journal ${where} ${order} OFFSET $${params.length + 1} LIMIT $${params.length + 2}`,
    [...params, query.offset ?? 0, query.limit],
  );
  const nextCursor = query.after === undefined && entries.length === query.limit ? entries.at(-1)!.id : null;
  if (!query.count) return { entries, nextCursor };
  const countWhere = filters.length ? `WHERE ${filters.join(' AND ')}` : '';
  const [{ count }] = await db.query<{ count: number }>(`SELECT count(*)::int AS count FROM journal ${countWhere}`, filterParams);
  return { total: count, entries, nextCursor };
}
