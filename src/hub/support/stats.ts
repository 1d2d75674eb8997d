import { WHOLE_DATA } from '../objects.js';
import type { Queryable } from '../../store/database.js';
import type { HubStores } from '../stores.js';

/** The overview's figures: traffic per module in time buckets, failures, authorization outcomes, partners by status. */
export interface NetworkStats {
  window_hours: number;
  bucket_seconds: number;
  /** Bucket start times (epoch seconds) and, per module, messages in each bucket. */
  buckets: number[];
  messages: Record<string, number[]>;
  errors: number[];
  authorizations: Record<string, number>;
  partners_by_status: Record<string, number>;
  failures_by_blame: Record<string, number>;
}

export async function networkStats({ db, journalDb }: HubStores, windowHours: number): Promise<NetworkStats> {
  const bucketSeconds = windowHours <= 1 ? 60 : 900;
  const now = Math.floor(Date.now() / 1000 / bucketSeconds) * bucketSeconds;
  const first = now - (windowHours * 3600 - bucketSeconds);
  const buckets = Array.from({ length: (now - first) / bucketSeconds + 1 }, (_, i) => first + i * bucketSeconds);
  const rows = await journalDb.query<{ bucket: number; module: string; messages: number; errors: number }>(
    `SELECT (floor(extract(epoch FROM at) / $2) * $2)::bigint AS bucket, coalesce(module, 'none') AS module,
       count(*)::int AS messages, count(*) FILTER (WHERE blame IS NOT NULL)::int AS errors
     FROM journal WHERE at >= to_timestamp($1) GROUP BY 1, 2`,
    [first, bucketSeconds],
  );
  const messages: Record<string, number[]> = {};
  const errors = buckets.map(() => 0);
  for (const row of rows) {
    const index = buckets.indexOf(Number(row.bucket));
    if (index < 0) continue;
    (messages[row.module] ??= buckets.map(() => 0))[index] += row.messages;
    errors[index] += row.errors;
  }
  const since = new Date(first * 1000);
  const outcomes = await journalDb.query<{ outcome: string; count: number }>(
    `SELECT coalesce(allowed, 'NO ANSWER') || ' · ' || rule AS outcome, count(*)::int AS count FROM authorizations WHERE at >= $1 GROUP BY 1 ORDER BY 2 DESC`,
    [since],
  );
  const statuses = await db.query<{ status: string; count: number }>('SELECT status, count(*)::int AS count FROM platforms GROUP BY 1');
  const blames = await journalDb.query<{ blame: string; count: number }>(
    'SELECT blame, count(*)::int AS count FROM journal WHERE at >= $1 AND blame IS NOT NULL GROUP BY 1',
    [since],
  );
  return {
    window_hours: windowHours,
    bucket_seconds: bucketSeconds,
    buckets,
    messages,
    errors,
    authorizations: Object.fromEntries(outcomes.map((o) => [o.outcome, o.count])),
    partners_by_status: Object.fromEntries(statuses.map((s) => [s.status, s.count])),
    failures_by_blame: Object.fromEntries(blames.map((b) => [b.blame, b.count])),
  };
}

/** Locations for the map: position, owner and the status of each EVSE. */
export async function mapLocations(db: Queryable, cpo?: string) {
  const rows = await db.query<{ owner: string; data: any }>(
    `SELECT o.country_code || '*' || o.party_id AS owner, ${WHOLE_DATA} AS data FROM objects o WHERE o.module = 'locations' AND NOT o.deleted
     ${cpo ? "AND o.country_code || '*' || o.party_id = $1" : ''} ORDER BY owner, o.object_id LIMIT 5000`,
    cpo ? [cpo] : [],
  );
  return rows.map(({ owner, data }) => ({
    cpo: owner,
    id: String(data.id),
    name: typeof data.name === 'string' ? data.name : null,
    city: typeof data.city === 'string' ? data.city : null,
    latitude: Number(data.coordinates?.latitude),
    longitude: Number(data.coordinates?.longitude),
    evses: (Array.isArray(data.evses) ? data.evses : []).map((evse: any) => ({ uid: String(evse.uid), evse_id: evse.evse_id ?? null, status: String(evse.status) })),
  }));
}
