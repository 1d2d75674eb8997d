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

/** Bodies are kept up to this size; larger ones are summarized. */
const MAX_BODY_CHARS = 64 * 1024;
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

function bounded(value: unknown): unknown {
  if (value === undefined) return null;
  const text = JSON.stringify(redact(value));
  if (text === undefined) return null;
  return text.length <= MAX_BODY_CHARS ? JSON.parse(text) : { truncated: true, size: text.length };
}

export const JOURNAL_COLUMNS = [
  'direction', 'correlation_id', 'request_id', 'from_party', 'to_party', 'platform_id', 'module', 'method', 'url',
  'object_id', 'http_status', 'ocpi_status', 'duration_ms', 'blame', 'error', 'request_body', 'response_body', 'notes',
] as const;

/** An entry as the values of JOURNAL_COLUMNS, bodies redacted and bounded. */
export function journalValues(entry: JournalEntry): unknown[] {
  return [
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
    JSON.stringify(bounded(entry.requestBody)),
    JSON.stringify(bounded(entry.responseBody)),
    entry.notes ? JSON.stringify(entry.notes) : null,
  ];
}

/** Writes entries in one INSERT (any number of rows). */
export async function recordAll(db: Queryable, entries: JournalEntry[]): Promise<void> {
  if (entries.length === 0) return;
  const width = JOURNAL_COLUMNS.length;
  const rows = entries.map((_, row) => `(${JOURNAL_COLUMNS.map((_, column) => `$${row * width + column + 1}`).join(', ')})`);
  await db.query(`INSERT INTO journal (${JOURNAL_COLUMNS.join(', ')}) VALUES ${rows.join(', ')}`, entries.flatMap(journalValues));
}

export async function record(db: Queryable, entry: JournalEntry): Promise<void> {
  await recordAll(db, [entry]);
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
  module?: string;
  objectId?: string;
  from?: Date;
  to?: Date;
  /** Only failed exchanges. */
  failed?: boolean;
  limit: number;
  offset: number;
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
}

export async function searchJournal(db: Queryable, query: JournalQuery): Promise<{ total: number; entries: JournalRow[] }> {
  const conditions: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    conditions.push(sql.replaceAll('?', `$${params.length}`));
  };
  if (query.correlationId) add('correlation_id = ?', query.correlationId);
  if (query.party) add('(from_party = ? OR to_party = ?)', query.party.toUpperCase());
  if (query.module) add('module = ?', query.module);
  if (query.objectId) add('upper(object_id) = upper(?)', query.objectId);
  if (query.from) add('at >= ?', query.from);
  if (query.to) add('at < ?', query.to);
  if (query.failed) conditions.push('blame IS NOT NULL');
  const where = conditions.length ? `WHERE ${conditions.join(' AND ')}` : '';
  const [{ count }] = await db.query<{ count: number }>(`SELECT count(*)::int AS count FROM journal ${where}`, params);
  const entries = await db.query<JournalRow>(
    `SELECT id, at, direction, correlation_id, request_id, from_party, to_party, module, method, url, object_id,
            http_status, ocpi_status, duration_ms, blame, error, request_body, response_body, notes
     FROM journal ${where} ORDER BY at, id OFFSET $${params.length + 1} LIMIT $${params.length + 2}`,
    [...params, query.offset, query.limit],
  );
  return { total: count, entries };
}
