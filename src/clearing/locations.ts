import type { PartyRef } from '../ocpi/headers.js';
import type { Queryable } from '../store/database.js';

/** The IANA time zone of a stored location (the canonical store keeps its latest state). */
export async function locationTimeZone(db: Queryable, owner: PartyRef, locationId: string): Promise<string | undefined> {
  const [row] = await db.query<{ time_zone: string | null }>(
    `SELECT data->>'time_zone' AS time_zone FROM objects
     WHERE module = 'locations' AND country_code = $1 AND party_id = $2 AND object_id = $3 AND NOT deleted`,
    [owner.countryCode, owner.partyId, locationId.toUpperCase()],
  );
  return row?.time_zone ?? undefined;
}
