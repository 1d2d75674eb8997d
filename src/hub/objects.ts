import type { PartyRef } from '../ocpi/headers.js';
import type { Queryable } from '../store/database.js';

/** Modules whose objects the hub keeps (the canonical store). */
export type StoredModule = 'locations' | 'tariffs' | 'tokens' | 'sessions' | 'cdrs';

export type ObjectData = Record<string, unknown> & { last_updated?: string };

export interface StoredObject {
  module: StoredModule;
  owner: PartyRef;
  objectId: string;
  data: ObjectData;
  lastUpdated: Date;
  deleted: boolean;
}

interface ObjectRow {
  module: StoredModule;
  country_code: string;
  party_id: string;
  object_id: string;
  data: ObjectData;
  last_updated: Date;
  deleted: boolean;
}

const toStored = (row: ObjectRow): StoredObject => ({
  module: row.module,
  owner: { countryCode: row.country_code, partyId: row.party_id },
  objectId: row.object_id,
  data: row.data,
  lastUpdated: row.last_updated,
  deleted: row.deleted,
});

/**
 * A stored object's data as readers see it: a Location gets its EVSE rows back, in order (see
 * location-store.ts). One statement, so one snapshot: never half of a change.
 */
export const WHOLE_DATA = `CASE WHEN o.module = 'locations' AND o.data ? 'evses'
  THEN o.data || jsonb_build_object('evses', coalesce(
    (SELECT jsonb_agg(e.data ORDER BY e.position) FROM location_evses e
     WHERE e.country_code = o.country_code AND e.party_id = o.party_id AND e.location_id = o.object_id), '[]'::jsonb))
  ELSE o.data END`;

const COLUMNS = `o.module, o.country_code, o.party_id, o.object_id, ${WHOLE_DATA} AS data, o.last_updated, o.deleted`;

export async function getObject(
  db: Queryable,
  module: StoredModule,
  owner: PartyRef,
  objectId: string,
): Promise<StoredObject | undefined> {
  const [row] = await db.query<ObjectRow>(
    `SELECT ${COLUMNS} FROM objects o WHERE module = $1 AND country_code = $2 AND party_id = $3 AND object_id = $4`,
    [module, owner.countryCode, owner.partyId, objectId],
  );
  return row && toStored(row);
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
    `SELECT ${COLUMNS} FROM objects o WHERE module = $1 AND object_id = $2 AND NOT deleted ORDER BY last_updated DESC`,
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
  offset: number;
  limit: number;
}

/** One page of a module's objects, oldest change first, and the count of all matches. */
export async function listObjects(
  db: Queryable,
  module: StoredModule,
  filter: ListFilter,
): Promise<{ total: number; items: StoredObject[] }> {
  if (filter.owners.length === 0) return { total: 0, items: [] };
  const params: unknown[] = [
    module,
    filter.owners.map((o) => `${o.countryCode}*${o.partyId}`),
    filter.dateFrom ?? null,
    filter.dateTo ?? null,
  ];
  let where = `module = $1 AND NOT deleted AND (country_code || '*' || party_id) = ANY($2::text[])
    AND ($3::timestamptz IS NULL OR last_updated >= $3) AND ($4::timestamptz IS NULL OR last_updated < $4)`;
  if (filter.tokenOwners) {
    params.push(filter.tokenOwners.map((o) => `${o.countryCode}*${o.partyId}`));
    where += ` AND (upper(data->'cdr_token'->>'country_code') || '*' || upper(data->'cdr_token'->>'party_id')) = ANY($5::text[])`;
  }
  const [{ count }] = await db.query<{ count: number }>(`SELECT count(*)::int AS count FROM objects o WHERE ${where}`, params);
  const rows = await db.query<ObjectRow>(
    `SELECT ${COLUMNS} FROM objects o WHERE ${where} ORDER BY last_updated, country_code, party_id, object_id
     OFFSET $${params.length + 1} LIMIT $${params.length + 2}`,
    [...params, filter.offset, filter.limit],
  );
  return { total: count, items: rows.map(toStored) };
}
