import type { PartyRef } from '../ocpi/headers.js';
import { OcpiError, OcpiStatus } from '../ocpi/status.js';
import type { Queryable } from '../store/database.js';
import { applyLocationChange } from './location-tree.js';
import type { ObjectData } from './objects.js';

/**
 * Locations are stored in two parts: the Location without its EVSEs (an `objects` row whose
 * `evses` is an empty marker), and one `location_evses` row per EVSE. A change to one EVSE or
 * connector rewrites that EVSE's row only, and sets the row's `last_updated` column (the Location's
 * own `last_updated` covers EVSEs written with the Location, whose column stays empty); it never
 * reads or writes the other EVSEs, so it costs the same on a Location of 10 or 10,000. Readers put
 * the parts back together in one statement (objects.WHOLE_DATA), the Location's last_updated being
 * the newest of its own and of its EVSEs' changes since.
 */

export interface LocationChange {
  method: 'PUT' | 'PATCH';
  owner: PartyRef;
  locationId: string;
  evseUid?: string;
  connectorId?: string;
  body: ObjectData;
}

export const unknownLocation = (change: Pick<LocationChange, 'locationId' | 'evseUid' | 'connectorId'>) =>
  new OcpiError(
    OcpiStatus.UNKNOWN_LOCATION,
    `Unknown location, EVSE or connector: ${[change.locationId, change.evseUid, change.connectorId].filter(Boolean).join('/')}`,
    404,
  );

/** Applies a change at any level inside the caller's transaction; returns whether the Location is new. */
export async function storeLocationChange(tx: Queryable, change: LocationChange): Promise<{ created: boolean }> {
  return change.evseUid ? storeEvseChange(tx, change, change.evseUid) : storeLocationLevel(tx, change);
}

/** A PUT or PATCH of the Location itself: its EVSE rows are replaced only when the body lists EVSEs. */
async function storeLocationLevel(tx: Queryable, change: LocationChange): Promise<{ created: boolean }> {
  const { owner, locationId } = change;
  const [current] = await tx.query<{ data: ObjectData; deleted: boolean }>(
    `SELECT data, deleted FROM objects WHERE module = 'locations' AND country_code = $1 AND party_id = $2 AND object_id = $3
     FOR UPDATE`,
    [owner.countryCode, owner.partyId, locationId],
  );
  const existing = current && !current.deleted ? current.data : undefined;
  const next = applyLocationChange(existing, { method: change.method, body: change.body });
  if (!next) throw unknownLocation(change);
  const replacesEvses = change.method === 'PUT' || Array.isArray(change.body.evses);
  if (replacesEvses) await replaceEvses(tx, owner, locationId, next.evses);
  const document = 'evses' in next ? { ...next, evses: [] } : next;
  await tx.query(
    `INSERT INTO objects (module, country_code, party_id, object_id, data, last_updated, deleted)
     VALUES ('locations', $1, $2, $3, $4, $5, false)
     ON CONFLICT (module, country_code, party_id, object_id)
     DO UPDATE SET data = EXCLUDED.data, last_updated = EXCLUDED.last_updated, deleted = false, stored_at = now()`,
    [owner.countryCode, owner.partyId, locationId, JSON.stringify(document), next.last_updated ?? new Date().toISOString()],
  );
  return { created: !existing };
}

async function replaceEvses(tx: Queryable, owner: PartyRef, locationId: string, evses: unknown): Promise<void> {
  await tx.query('DELETE FROM location_evses WHERE country_code = $1 AND party_id = $2 AND location_id = $3', [
    owner.countryCode,
    owner.partyId,
    locationId,
  ]);
  if (!Array.isArray(evses) || evses.length === 0) return;
  // Of two EVSEs with one uid, the first is kept, as location-tree finds the first.
  await tx.query(
    `INSERT INTO location_evses (country_code, party_id, location_id, evse_uid, position, data)
     SELECT $1, $2, $3, upper(e.value->>'uid'), e.ordinality::integer, e.value
     FROM jsonb_array_elements($4::jsonb) WITH ORDINALITY AS e(value, ordinality)
     ON CONFLICT DO NOTHING`,
    [owner.countryCode, owner.partyId, locationId, JSON.stringify(evses)],
  );
}

/**
 * A PUT or PATCH of one EVSE or connector. The change is applied by location-tree to a Location
 * holding only this EVSE, which is all the rules need (an EVSE's last_updated follows its connector's;
 * the Location's follows on read).
 */
async function storeEvseChange(tx: Queryable, change: LocationChange, evseUid: string): Promise<{ created: boolean }> {
  const { owner, locationId } = change;
  const key = [owner.countryCode, owner.partyId, locationId, evseUid.toUpperCase()];
  const [location] = await tx.query<{ data: ObjectData; deleted: boolean }>(
    `SELECT data, deleted FROM objects WHERE module = 'locations' AND country_code = $1 AND party_id = $2 AND object_id = $3`,
    key.slice(0, 3),
  );
  if (!location || location.deleted) throw unknownLocation(change);
  const [evse] = await tx.query<{ data: ObjectData }>(
    `SELECT data FROM location_evses WHERE country_code = $1 AND party_id = $2 AND location_id = $3 AND evse_uid = $4
     FOR UPDATE`,
    key,
  );
  const partial = { ...location.data, evses: evse ? [evse.data] : [] };
  const next = applyLocationChange(partial, change);
  const nextEvse = (next?.evses as ObjectData[] | undefined)?.[0];
  if (!next || !nextEvse) throw unknownLocation(change);
  await tx.query(
    `INSERT INTO location_evses (country_code, party_id, location_id, evse_uid, position, data, last_updated)
     VALUES ($1, $2, $3, $4, (SELECT coalesce(max(position), 0) + 1 FROM location_evses
                              WHERE country_code = $1 AND party_id = $2 AND location_id = $3), $5, $6::text::timestamptz)
     ON CONFLICT (country_code, party_id, location_id, evse_uid) DO UPDATE SET data = EXCLUDED.data, last_updated = EXCLUDED.last_updated`,
    [...key, JSON.stringify(nextEvse), typeof nextEvse.last_updated === 'string' ? nextEvse.last_updated : null],
  );
  await markHasEvses(tx, owner, locationId);
  return { created: false };
}

/** A Location stored without EVSEs gets the `evses` marker, so that readers put its new EVSE back. */
async function markHasEvses(tx: Queryable, owner: PartyRef, locationId: string): Promise<void> {
  await tx.query(
    `UPDATE objects SET data = data || '{"evses": []}'::jsonb, stored_at = now()
     WHERE module = 'locations' AND country_code = $1 AND party_id = $2 AND object_id = $3 AND NOT data ? 'evses'`,
    [owner.countryCode, owner.partyId, locationId],
  );
}
