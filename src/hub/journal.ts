import type { Queryable } from '../store/database.js';
import { Alterations } from './journal-storable.js';

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
 * Writes one journal entry. No entry is lost: content the database cannot hold is escaped or
 * truncated (the `altered` column says so), and should the insert fail all the same, the summary
 * of the exchange is stored without its bodies.
 */
export async function record(db: Queryable, entry: JournalEntry): Promise<void> {
  const alterations = new Alterations();
  const row = [
    entry.direction,
    alterations.optional(entry.correlationId),
    alterations.optional(entry.requestId),
    alterations.optional(entry.fromParty),
    alterations.optional(entry.toParty),
    entry.platformId ?? null,
    alterations.optional(entry.module),
    alterations.text(entry.method),
    alterations.text(entry.url),
    alterations.optional(entry.objectId),
    entry.httpStatus ?? null,
    entry.ocpiStatus ?? null,
    entry.durationMs ?? null,
    entry.blame ?? null,
    alterations.optional(entry.error),
    alterations.body(entry.requestBody),
    alterations.body(entry.responseBody),
    entry.notes ? alterations.body(entry.notes) : null,
  ];
  try {
    await insert(db, [...row, alterations.flag]);
  } catch (error) {
    const why = `journal entry stored without bodies: ${error instanceof Error ? error.message : String(error)}`;
    await insert(db, [...row.slice(0, 10), null, null, null, entry.blame ?? null, alterations.text(why), 'null', 'null', null, 'fallback']);
  }
}

async function insert(db: Queryable, values: unknown[]): Promise<void> {
  await db.query(
    `INSERT INTO journal (direction, correlation_id, request_id, from_party, to_party, platform_id, module, method, url,
       object_id, http_status, ocpi_status, duration_ms, blame, error, request_body, response_body, notes, altered)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)`,
    values,
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
  altered: string | null;
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
            http_status, ocpi_status, duration_ms, blame, error, request_body, response_body, notes, altered
     FROM journal ${where} ORDER BY at, id OFFSET $${params.length + 1} LIMIT $${params.length + 2}`,
    [...params, query.offset, query.limit],
  );
  return { total: count, entries };
}
