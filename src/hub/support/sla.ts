import type { HubStores } from '../stores.js';
import { deliveryBacklog } from './deliveries.js';

/**
 * Service figures per party over a window: how fast it answers the hub (p50/p99 of the hub's calls
 * to it), how often exchanges with it fail on its side, how far behind deliveries to it are, how
 * fresh the data it owns is per module, and how long it was up (from its OFFLINE/CONNECTED events).
 */
export interface PartySla {
  party: string;
  role: string;
  status: string;
  requests: number;
  p50_ms: number | null;
  p99_ms: number | null;
  /** Share of exchanges with the party that failed on its side, 0..1. */
  error_rate: number;
  delivery_backlog: number;
  delivery_lag_seconds: number;
  delivery_failures: number;
  last_delivery_error: string | null;
  /** Latest change the party pushed, per module. */
  freshness: Record<string, string>;
  /** Share of the window the platform was not OFFLINE, 0..1. */
  uptime: number;
}

export async function slaFigures({ db, journalDb }: HubStores, windowHours: number, scope?: string[]): Promise<PartySla[]> {
  const since = new Date(Date.now() - windowHours * 3_600_000);
  const parties = await db.query<{ party: string; role: string; status: string }>(
    `SELECT country_code || '*' || party_id AS party, role, status FROM parties WHERE role <> 'HUB' ORDER BY party_id, role`,
  );
  const traffic = await journalDb.query<{ party: string; requests: number; p50: number | null; p99: number | null; own_errors: number }>(
    `SELECT party, count(*)::int AS requests,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY duration_ms) FILTER (WHERE direction = 'OUT') AS p50,
       percentile_cont(0.99) WITHIN GROUP (ORDER BY duration_ms) FILTER (WHERE direction = 'OUT') AS p99,
       count(*) FILTER (WHERE blame IN ('CPO', 'EMSP', 'NETWORK', 'OTHER'))::int AS own_errors
     FROM (SELECT CASE WHEN direction = 'IN' THEN from_party ELSE to_party END AS party, direction, duration_ms, blame
           FROM journal WHERE at >= $1 AND module IS DISTINCT FROM 'platform') hops
     WHERE party IS NOT NULL GROUP BY party`,
    [since],
  );
  const freshness = await db.query<{ party: string; module: string; latest: Date }>(
    `SELECT country_code || '*' || party_id AS party, module, max(stored_at) AS latest FROM objects GROUP BY 1, 2`,
  );
  const changes = await journalDb.query<{ party: string; at: Date; status: string }>(
    `SELECT to_party AS party, at, notes->>'status' AS status FROM journal WHERE module = 'platform' AND to_party IS NOT NULL ORDER BY id`,
  );
  const backlog = await deliveryBacklog(db);
  return parties
    .filter((row) => !scope || scope.includes(row.party))
    .map((row) => {
      const seen = traffic.find((t) => t.party === row.party);
      const receiving = backlog.find((b) => b.party === row.party);
      return {
        party: row.party,
        role: row.role,
        status: row.status,
        requests: seen?.requests ?? 0,
        p50_ms: seen?.p50 === null || seen?.p50 === undefined ? null : Math.round(seen.p50),
        p99_ms: seen?.p99 === null || seen?.p99 === undefined ? null : Math.round(seen.p99),
        error_rate: seen?.requests ? Number((seen.own_errors / seen.requests).toFixed(4)) : 0,
        delivery_backlog: receiving?.depth ?? 0,
        delivery_lag_seconds: Math.round(receiving?.lagSeconds ?? 0),
        delivery_failures: receiving?.failures ?? 0,
        last_delivery_error: receiving?.lastError ?? null,
        freshness: Object.fromEntries(freshness.filter((f) => f.party === row.party).map((f) => [f.module, f.latest.toISOString()])),
        uptime: uptimeOf(changes.filter((c) => c.party === row.party), since),
      };
    });
}

/** The share of the window since `since` that the party was not OFFLINE, from its status changes. */
function uptimeOf(changes: { at: Date; status: string }[], since: Date): number {
  const end = Date.now();
  const before = changes.filter((c) => c.at < since).at(-1);
  let offline = before?.status === 'OFFLINE';
  let from = since.getTime();
  let down = 0;
  for (const change of changes.filter((c) => c.at >= since)) {
    if (offline) down += change.at.getTime() - from;
    offline = change.status === 'OFFLINE';
    from = change.at.getTime();
  }
  if (offline) down += end - from;
  return Number((1 - down / Math.max(1, end - since.getTime())).toFixed(4));
}
