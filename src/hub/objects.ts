import type { PartyRef } from '../ocpi/headers.js';
import { prepared, type Queryable } from '../store/database.js';

/** Modules whose objects the hub keeps (the canonical store). */
export type StoredModule = 'locations' | 'tariffs' | 'tokens' | 'sessions' | 'cdrs';

export type ObjectData = Record<string, unknown> & { last_updated?: string };

export interface StoredObject {
  module: StoredModule;
  owner: PartyRef;
  objectId: string;
  data: ObjectData;
  deleted: boolean;
}

interface ObjectRow {
  module: StoredModule;
  country_code: string;
  party_id: string;
  object_id: string;
  data: ObjectData;
  deleted: boolean;
}

const toStored = (row: ObjectRow): StoredObject => ({
  module: row.module,
  owner: { countryCode: row.country_code, partyId: row.party_id },
  objectId: row.object_id,
  data: row.data,
  deleted: row.deleted,
});

/** A Location's EVSE rows, for a statement over `objects o`. */
const EVSES_OF_O = `location_evses e WHERE e.country_code = o.country_code AND e.party_id = o.party_id AND e.location_id = o.object_id`;

/**
 * A stored object's data as readers see it: a Location gets its EVSE rows back, in order (see
 * location-store.ts), and the last_updated of the newest of itself and its EVSEs' changes (an EVSE
 * change writes its EVSE row only). One statement, so one snapshot: never half of a change.
 */
export const WHOLE_DATA = `CASE WHEN o.module = 'locations' AND o.data ? 'evses'
  THEN (SELECT o.data || jsonb_build_object('evses', coalesce(jsonb_agg(e.data ORDER BY e.position), '[]'::jsonb))
                      || CASE WHEN max(e.last_updated) > o.last_updated
                           THEN jsonb_build_object('last_updated', (array_agg(e.data->'last_updated' ORDER BY e.last_updated DESC NULLS LAST))[1])
                           ELSE '{}'::jsonb END
        FROM ${EVSES_OF_O})
  ELSE o.data END`;

/** When an object last changed: for a Location, the newest of itself and its EVSEs' changes. */
const LAST_UPDATED = `CASE WHEN o.module = 'locations'
  THEN greatest(o.last_updated, (SELECT max(e.last_updated) FROM ${EVSES_OF_O}))
  ELSE o.last_updated END`;

const COLUMNS = `o.module, o.country_code, o.party_id, o.object_id, ${WHOLE_DATA} AS data, o.deleted`;

export async function getObject(
  db: Queryable,
  module: StoredModule,
  owner: PartyRef,
  objectId: string,
): Promise<StoredObject | undefined> {
  return (await getObjectWithSnapshot(db, module, owner, objectId))?.object;
}

const OBJECT_WITH_SNAPSHOT = prepared(
  'object-with-snapshot',
  `SELECT ${COLUMNS}, pg_current_snapshot()::text AS snapshot FROM objects o
   WHERE module = $1 AND country_code = $2 AND party_id = $3 AND object_id = $4`,
);

/**
 * A stored object with the snapshot it was read under (`pg_snapshot` text): the state contains
 * exactly the logged changes whose transactions that snapshot saw (delivery/seen-transactions.ts).
 */
export async function getObjectWithSnapshot(
  db: Queryable,
  module: StoredModule,
  owner: PartyRef,
  objectId: string,
): Promise<{ object: StoredObject; snapshot: string } | undefined> {
  const [row] = await db.query<ObjectRow & { snapshot: string }>(
    OBJECT_WITH_SNAPSHOT,
    [module, owner.countryCode, owner.partyId, objectId],
  );
  return row && { object: toStored(row), snapshot: row.snapshot };
}

/**
 * Reads an object for update inside a transaction, so concurrent PATCHes of one object serialize.
 * Not for Locations, whose EVSEs are rows of their own (location-store.ts).
 */
export async function lockObject(
  tx: Queryable,
  module: StoredModule,
  owner: PartyRef,
  objectId: string,
): Promise<StoredObject | undefined> {
  const [row] = await tx.query<ObjectRow>(
    'SELECT * FROM objects WHERE module = $1 AND country_code = $2 AND party_id = $3 AND object_id = $4 FOR UPDATE',
    [module, owner.countryCode, owner.partyId, objectId],
  );
  return row && toStored(row);
}

/** Stores the latest state of an object (not a Location: see location-store.ts). `last_updated` is the owner's own timestamp. */
export async function putObject(
  tx: Queryable,
  module: StoredModule,
  owner: PartyRef,
  objectId: string,
  data: ObjectData,
  deleted = false,
): Promise<void> {
  await tx.query(
    `INSERT INTO objects (module, country_code, party_id, object_id, data, last_updated, deleted)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (module, country_code, party_id, object_id)
     DO UPDATE SET data = EXCLUDED.data, last_updated = EXCLUDED.last_updated, deleted = EXCLUDED.deleted, stored_at = now()`,
    [module, owner.countryCode, owner.partyId, objectId, JSON.stringify(data), data.last_updated ?? new Date().toISOString(), deleted],
  );
}

/** Objects with this id, whoever owns them (open routing finds an owner this way). */
export async function findById(db: Queryable, module: StoredModule, objectId: string): Promise<StoredObject[]> {
  const rows = await db.query<ObjectRow>(
    `SELECT ${COLUMNS} FROM objects o WHERE module = $1 AND object_id = $2 AND NOT deleted ORDER BY ${LAST_UPDATED} DESC`,
    [module, objectId],
  );
  return rows.map(toStored);
}

export interface ListFilter {
  /** Only objects of these owners. */
  owners: PartyRef[];
  /** For sessions and CDRs: only those whose cdr_token names one of these eMSPs. */
  tokenOwners?: PartyRef[];
  dateFrom?: Date;
  dateTo?: Date;
  /** Where the previous page ended (keyset); without it, `offset` objects are skipped. */
  after?: PageCursor;
  offset: number;
  limit: number;
}

/** The last object of a page, and the total counted on the first page (not recounted per page). */
export interface PageCursor {
  countryCode: string;
  partyId: string;
  objectId: string;
  total: number;
}

/** The cursor as it travels in a Link URL: opaque to partners. */
export function encodeCursor(cursor: PageCursor): string {
  return Buffer.from(JSON.stringify([cursor.countryCode, cursor.partyId, cursor.objectId, cursor.total])).toString('base64url');
}

/** Undefined when the text is no cursor of this hub's. */
export function decodeCursor(text: string): PageCursor | undefined {
  try {
    const [countryCode, partyId, objectId, total] = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    const strings = [countryCode, partyId, objectId].every((part) => typeof part === 'string');
    return strings && Number.isInteger(total) && total >= 0 ? { countryCode, partyId, objectId, total } : undefined;
  } catch {
    return undefined;
  }
}

/** One object of a page, its data as JSON text: a page is passed on without being parsed. */
export interface ListedObject {
  owner: PartyRef;
  objectId: string;
  json: string;
}

/**
 * A Location changed since $4 (if given): its own row, or one of its EVSEs. Both sides are found
 * through their `last_updated` index, so a delta pull does not read every Location's EVSEs.
 */
const CHANGED_LOCATION = `($4::timestamptz IS NULL OR (o.country_code, o.party_id, o.object_id) IN (
      SELECT country_code, party_id, object_id FROM objects WHERE module = 'locations' AND last_updated >= $4
      UNION ALL
      SELECT country_code, party_id, location_id FROM location_evses WHERE last_updated >= $4))`;

/**
 * One page of a module's objects in key order (owner, id). A page that follows a cursor starts
 * where the previous one ended, through the primary key, however deep the pull is (no OFFSET);
 * key order also returns each object once even while objects change during the pull. The total
 * is counted once, on the first page, and carried in the cursor.
 */
export async function listObjects(
  db: Queryable,
  module: StoredModule,
  filter: ListFilter,
): Promise<{ total: number; items: ListedObject[]; next?: PageCursor }> {
  if (filter.owners.length === 0) return { total: 0, items: [] };
  const params: unknown[] = [
    module,
    filter.owners.map((o) => o.countryCode),
    filter.owners.map((o) => o.partyId),
    filter.dateFrom ?? null,
    filter.dateTo ?? null,
  ];
  let where = `module = $1 AND NOT deleted
    AND (country_code, party_id) IN (SELECT * FROM unnest($2::text[], $3::text[]))
    AND ${module === 'locations' ? CHANGED_LOCATION : '($4::timestamptz IS NULL OR last_updated >= $4)'}
    AND ($5::timestamptz IS NULL OR ${LAST_UPDATED} < $5)`;
  if (filter.tokenOwners) {
    params.push(filter.tokenOwners.map((o) => `${o.countryCode}*${o.partyId}`));
    where += ` AND (upper(data->'cdr_token'->>'country_code') || '*' || upper(data->'cdr_token'->>'party_id')) = ANY($${params.length}::text[])`;
  }
  const total = filter.after?.total ?? (await countObjects(db, where, params));
  const after = filter.after;
  const page = after
    ? { sql: `AND (country_code, party_id, object_id) > ($${params.length + 1}, $${params.length + 2}, $${params.length + 3})`, params: [after.countryCode, after.partyId, after.objectId] }
    : { sql: `OFFSET $${params.length + 1}`, params: [filter.offset] };
  const rows = await db.query<{ country_code: string; party_id: string; object_id: string; json: string }>(
    `SELECT o.country_code, o.party_id, o.object_id, (${WHOLE_DATA})::text AS json FROM objects o
     WHERE ${where} ${after ? page.sql : ''}
     ORDER BY country_code, party_id, object_id ${after ? '' : page.sql} LIMIT $${params.length + page.params.length + 1}`,
    [...params, ...page.params, filter.limit + 1],
  );
  const items = rows.slice(0, filter.limit).map((row) => ({
    owner: { countryCode: row.country_code, partyId: row.party_id },
    objectId: row.object_id,
    json: row.json,
  }));
  const last = items.at(-1);
  const next = rows.length > filter.limit && last ? { ...last.owner, objectId: last.objectId, total } : undefined;
  return { total, items, next };
}

async function countObjects(db: Queryable, where: string, params: unknown[]): Promise<number> {
  const [{ count }] = await db.query<{ count: number }>(`SELECT count(*)::int AS count FROM objects o WHERE ${where}`, params);
  return count;
}
