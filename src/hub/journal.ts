import { prepared, type Queryable } from '../store/database.js';
import { REQUEST_BODY_READ, shareRepeatedBodies } from './journal-bodies.js';
import { createJournalPartitions, dayOf, isMissingPartition } from './journal-partitions.js';
import { Alterations, SECRET_FIELDS } from './journal-storable.js';
import type { JournalWriter } from './journal-writer.js';

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
  /** When the hop ended; the time of writing when absent. */
  at?: Date;
}

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

/** The columns an entry fills, with their types. */
const INSERTED = {
  direction: 'text', correlation_id: 'text', request_id: 'text', from_party: 'text', to_party: 'text',
  platform_id: 'uuid', module: 'text', method: 'text', url: 'text', object_id: 'text', http_status: 'integer',
  ocpi_status: 'integer', duration_ms: 'double precision', blame: 'text', error: 'text', truncated: 'boolean',
  altered: 'text', request_body_ref: 'text', at: 'timestamptz', request_body: 'jsonb', response_body: 'jsonb',
  notes: 'jsonb',
} as const;
type Scalar = string | number | boolean | null;

/**
 * An entry ready to insert: its columns but the bodies, and the bodies as JSON text, made storable
 * (journal-storable.ts), redacted and bounded.
 */
export interface InsertableEntry {
  /** When the hop ended; its day picks the journal's partition. */
  at: Date;
  columns: { [column in Exclude<keyof typeof INSERTED, 'request_body' | 'response_body' | 'notes'>]: Scalar };
  requestBody: string | null;
  responseBody: string;
  notes: string | null;
}

/** An entry's columns but its bodies, made storable; what had to change is noted in `alterations`. */
function columnsOf(entry: JournalEntry, at: Date, alterations: Alterations): InsertableEntry['columns'] {
  return {
    direction: entry.direction,
    correlation_id: alterations.optional(entry.correlationId),
    request_id: alterations.optional(entry.requestId),
    from_party: alterations.optional(entry.fromParty),
    to_party: alterations.optional(entry.toParty),
    platform_id: entry.platformId ?? null,
    module: alterations.optional(entry.module),
    method: alterations.text(entry.method),
    url: alterations.text(entry.url),
    object_id: alterations.optional(entry.objectId),
    http_status: entry.httpStatus ?? null,
    ocpi_status: entry.ocpiStatus ?? null,
    duration_ms: entry.durationMs ?? null,
    blame: entry.blame ?? null,
    error: alterations.optional(entry.error),
    truncated: false,
    altered: null,
    request_body_ref: null,
    // As text already: JSON.stringify would call the Date's toJSON for every entry.
    at: at.toISOString(),
  };
}

function insertable(entry: JournalEntry): InsertableEntry {
  // The time the hop ended; now() would be the start of an enclosing transaction.
  const at = entry.at ?? new Date();
  const alterations = new Alterations();
  const columns = columnsOf(entry, at, alterations);
  const requestBody = alterations.sharedBody(entry.requestBody);
  const responseBody = alterations.body(entry.responseBody);
  const notes = entry.notes ? alterations.body(entry.notes) : null;
  columns.truncated = alterations.found.has('truncated');
  columns.altered = alterations.flag;
  return { at, columns, requestBody, responseBody, notes };
}

/** The summary of an entry whose insert failed all the same: no bodies, the reason as its error. */
function fallback(entry: JournalEntry, error: unknown): InsertableEntry {
  const at = entry.at ?? new Date();
  const alterations = new Alterations();
  const why = `journal entry stored without bodies: ${error instanceof Error ? error.message : String(error)}`;
  const columns = { ...columnsOf(entry, at, alterations), http_status: null, ocpi_status: null, duration_ms: null, error: alterations.text(why), altered: 'fallback' };
  return { at, columns, requestBody: null, responseBody: 'null', notes: null };
}

/**
 * One statement for any number of entries, prepared once per connection, taking the entries as one
 * JSON document: the bodies go in as the JSON text they already are. As arrays, one per column,
 * the driver escaped every quote of every body into an array literal, a fifteenth of a
 * delivering process's work (docs/performance.md, item 40).
 */
const INSERT_ENTRIES = prepared(
  'journal-insert',
  `INSERT INTO journal (${Object.keys(INSERTED).join(', ')})
   SELECT ${Object.keys(INSERTED).join(', ')}
   FROM jsonb_to_recordset($1::jsonb) AS entry(${Object.entries(INSERTED).map(([column, type]) => `${column} ${type}`).join(', ')})`,
);

/** The entries as the statement's document. */
function document(rows: InsertableEntry[]): string {
  return `[${rows
    .map((row) => `${JSON.stringify(row.columns).slice(0, -1)},"request_body":${row.requestBody ?? 'null'},"response_body":${row.responseBody},"notes":${row.notes ?? 'null'}}`)
    .join(',')}]`;
}

async function insertRows(db: Queryable, rows: InsertableEntry[]): Promise<void> {
  const entries = document(rows);
  try {
    await db.query(INSERT_ENTRIES, [entries]);
  } catch (error) {
    if (!isMissingPartition(error)) throw error;
    // An entry dated outside the days prepared ahead: its day gets a partition, then the batch goes in.
    await createJournalPartitions(db, rows.map((row) => dayOf(row.at)));
    await db.query(INSERT_ENTRIES, [entries]);
  }
}

/**
 * Writes entries in one INSERT. No entry is lost: content the database cannot hold is escaped or
 * truncated (the `altered` column says so); should a batch fail all the same, each entry is
 * written alone, and one that still fails is stored as its summary without bodies.
 */
export async function recordAll(db: Queryable, entries: JournalEntry[]): Promise<void> {
  if (entries.length === 0) return;
  try {
    const rows = entries.map(insertable);
    await shareRepeatedBodies(db, entries, rows);
    await insertRows(db, rows);
  } catch (error) {
    if (entries.length === 1) await insertRows(db, [fallback(entries[0], error)]);
    else for (const entry of entries) await recordAll(db, [entry]);
  }
}

/**
 * A change to a partner's platform (activated, went OFFLINE, came back), journaled under each of
 * its parties so that a party's journal shows it; once with no party when it has none yet.
 */
export async function recordPlatformEvent(
  journal: Pick<JournalWriter, 'write'>,
  platformId: string,
  parties: string[],
  event: Pick<JournalEntry, 'method' | 'url' | 'notes' | 'error'>,
): Promise<void> {
  for (const party of parties.length ? parties : [undefined]) {
    await journal.write({ direction: 'OUT', toParty: party, platformId, module: 'platform', ...event });
  }
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
  /** What was changed to store the entry: 'escaped', 'truncated' or 'fallback'. */
  altered: string | null;
}

/** What readers select FROM journal (unaliased): a shared request body is read back in its place. */
export const JOURNAL_COLUMNS = `id, at, direction, correlation_id, request_id, from_party, to_party, module, method, url, object_id,
  http_status, ocpi_status, duration_ms, blame, error, ${REQUEST_BODY_READ}, response_body, notes, truncated, altered`;

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
