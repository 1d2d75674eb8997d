import type { PartyRef } from '../ocpi/headers.js';
import { prepared, type Queryable } from './database.js';

/**
 * The delivery log. An accepted push is appended once, in the transaction that stores it; each
 * receiver reads the log through its own cursor, so the work grows with inbound events, not with
 * events × receivers.
 *
 * Rows are read in (tx, seq) order and only once every transaction older than the reader's
 * snapshot has ended (tx < snapshot xmin). A row whose transaction commits late can therefore
 * never fall behind a cursor that has already moved past it.
 */
export interface NewEvent {
  module: string;
  method: 'PUT' | 'PATCH' | 'POST' | 'DELETE';
  owner: PartyRef;
  objectId: string;
  /** Appended to the receiver's module URL, or a whole URL when `absoluteUrl`. */
  path: string;
  absoluteUrl?: boolean;
  body?: unknown;
  /** The body as its sender wrote it, in its own version (absent when that is the canonical one). */
  original?: { version: string; body: unknown };
  from: PartyRef;
  /** One receiver party (direct or open routing); absent for a broadcast. */
  targetParty?: string;
  coalescible: boolean;
  correlationId: string;
}

export interface LoggedEvent extends Omit<NewEvent, 'targetParty' | 'absoluteUrl' | 'original'> {
  original?: { version: string; body: unknown };
  seq: number;
  tx: string;
  targetParty: string | null;
  absoluteUrl: boolean;
}

export interface Cursor {
  tx: string;
  seq: number;
}

interface EventRow {
  seq: number;
  tx: string;
  module: string;
  method: NewEvent['method'];
  owner_country: string;
  owner_party: string;
  object_id: string;
  path: string;
  absolute_url: boolean;
  body: unknown;
  source_version: string | null;
  original_body: unknown;
  from_country: string;
  from_party: string;
  target_party: string | null;
  coalescible: boolean;
  correlation_id: string;
}

/** The columns of a new event row, in the order of `eventValues`. */
export const NEW_EVENT_COLUMNS = `module, method, owner_country, owner_party, object_id, path, absolute_url, body,
  from_country, from_party, target_party, coalescible, correlation_id, source_version, original_body`;

/** The values of a new event row, for statements that append it along with other work. */
export function eventValues(event: NewEvent): unknown[] {
  return [
    event.module,
    event.method,
    event.owner.countryCode,
    event.owner.partyId,
    event.objectId,
    event.path,
    event.absoluteUrl ?? false,
    event.body === undefined ? null : JSON.stringify(event.body),
    event.from.countryCode,
    event.from.partyId,
    event.targetParty ?? null,
    event.coalescible,
    event.correlationId,
    event.original?.version ?? null,
    event.original === undefined ? null : JSON.stringify(event.original.body),
  ];
}

/** The types of NEW_EVENT_COLUMNS: a statement that SELECTs the values must say them. */
const EVENT_TYPES = ['text', 'text', 'text', 'text', 'text', 'text', 'boolean', 'jsonb', 'text', 'text', 'uuid', 'boolean', 'text', 'text', 'jsonb'];

/** `$n::type, …` for the values of one event that start at parameter `first`. */
export function eventPlaceholders(first: number): string {
  return EVENT_TYPES.map((type, i) => `$${first + i}::${type}`).join(', ');
}

/**
 * For a statement that appends many events: `unnest($first::text[], …) WITH ORDINALITY AS
 * alias(v1 … v15, ord)`, each column an array of `eventColumns`; `v1, … v15` select them.
 */
export function eventsUnnest(first: number, alias: string): { from: string; select: string } {
  const values = EVENT_TYPES.map((_, i) => `v${i + 1}`);
  return {
    from: `unnest(${EVENT_TYPES.map((type, i) => `$${first + i}::${type}[]`).join(', ')}) WITH ORDINALITY AS ${alias}(${values.join(', ')}, ord)`,
    select: values.map((value) => `${alias}.${value}`).join(', '),
  };
}

/** The values of many events as one array per column, for `eventsUnnest`. */
export function eventColumns(events: NewEvent[]): unknown[][] {
  const rows = events.map(eventValues);
  return EVENT_TYPES.map((_, column) => rows.map((row) => row[column]));
}

export async function appendEvent(tx: Queryable, event: NewEvent): Promise<number> {
  const [row] = await tx.query<{ seq: number }>(
    `INSERT INTO events (${NEW_EVENT_COLUMNS}) VALUES (${eventPlaceholders(1)}) RETURNING seq`,
    eventValues(event),
  );
  return row.seq;
}

/**
 * `tx` leaves as text (an xid8 exceeds a JavaScript number). A bare `ORDER BY tx` would then sort
 * by that text, in which 100000 comes before 99999: every ORDER BY names `events.tx`, the column.
 */
const EVENT_COLUMNS = `seq, tx::text AS tx, module, method, owner_country, owner_party, object_id, path, absolute_url, body,
  source_version, original_body, from_country, from_party, target_party, coalescible, correlation_id`;

const READ_AFTER = prepared(
  'read-events-after',
  `SELECT ${EVENT_COLUMNS} FROM events
   WHERE (tx, seq) > ($1::xid8, $2::bigint) AND tx < pg_snapshot_xmin(pg_current_snapshot())
   ORDER BY events.tx, events.seq LIMIT $3`,
);

/** The next events after a cursor that every reader can already see, oldest first. */
export async function readAfter(db: Queryable, cursor: Cursor, limit: number): Promise<LoggedEvent[]> {
  const rows = await db.query<EventRow>(READ_AFTER, [cursor.tx, cursor.seq, limit]);
  const events = rows.map(toEvent);
  // A reader's cursor moves to the last event of a batch: a batch out of order would make it pass
  // events not read yet, losing them without a trace. Refused instead, the receiver waits visibly.
  let previous = cursor;
  for (const event of events) {
    if (compareCursors(event, previous) <= 0) {
      throw new Error(`The delivery log came back out of order: ${event.tx}/${event.seq} after ${previous.tx}/${previous.seq}`);
    }
    previous = event;
  }
  return events;
}

/**
 * How far the log can be read now: readAfter returns events of transactions below this id only
 * (the oldest transaction still open on the server, as xid8 text).
 */
export async function readableHorizon(db: Queryable): Promise<string> {
  const [row] = await db.query<{ horizon: string }>('SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS horizon');
  return row.horizon;
}

/** Orders two xid8 values in PostgreSQL's text form (decimal, no leading zeros). */
export function compareXids(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Orders two positions in the log. */
function compareCursors(a: Cursor, b: Cursor): number {
  return compareXids(a.tx, b.tx) || a.seq - b.seq;
}

/** Events by their numbers (deliveries held back for a receiver), in log order. */
export async function readEvents(db: Queryable, seqs: number[]): Promise<LoggedEvent[]> {
  if (seqs.length === 0) return [];
  const rows = await db.query<EventRow>(`SELECT ${EVENT_COLUMNS} FROM events WHERE seq = ANY($1::bigint[]) ORDER BY events.tx, events.seq`, [seqs]);
  return rows.map(toEvent);
}

function toEvent(row: EventRow): LoggedEvent {
  return {
    seq: row.seq,
    tx: row.tx,
    module: row.module,
    method: row.method,
    owner: { countryCode: row.owner_country, partyId: row.owner_party },
    objectId: row.object_id,
    path: row.path,
    absoluteUrl: row.absolute_url,
    body: row.body ?? undefined,
    original: row.source_version ? { version: row.source_version, body: row.original_body } : undefined,
    from: { countryCode: row.from_country, partyId: row.from_party },
    targetParty: row.target_party,
    coalescible: row.coalescible,
    correlationId: row.correlation_id,
  };
}
