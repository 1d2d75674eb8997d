import type { Queryable } from '../../store/database.js';
import type { HubStores } from '../stores.js';
import type { AuthorizationRecord } from './verdict.js';

/**
 * One box for support: whatever identifier the agent holds (session id, token uid with or without
 * its type, contract id, printed card number, EVSE id or uid, location id, CDR id, correlation id)
 * leads to the driver journeys it belongs to: card taps (authorization decisions) and sessions.
 */

export type MatchKind = 'TAP' | 'SESSION' | 'EXCHANGE';

export interface SearchMatch {
  kind: MatchKind;
  at: string;
  title: string;
  cpo: string | null;
  emsp: string | null;
  /** Why this match: which field the query matched. */
  matched: string;
  correlation_id: string | null;
  session: { country_code: string; party_id: string; id: string } | null;
  /** Where the admin API tells its timeline. */
  timeline: string;
}

const TOKEN_TYPES = ['RFID', 'AD_HOC_USER', 'APP_USER', 'OTHER'];
const MAX_MATCHES = 25;

interface TokenHit {
  uid: string;
  type: string | null;
  matched: string;
}

/** The uids the query may stand for: itself, and the cards whose contract id or printed number it is. */
async function tokensFor(db: Queryable, text: string): Promise<TokenHit[]> {
  const typed = /^([A-Z_]+):(.+)$/i.exec(text);
  const type = typed && TOKEN_TYPES.includes(typed[1].toUpperCase()) ? typed[1].toUpperCase() : null;
  const uid = type ? typed![2] : text;
  const rows = await db.query<{ uid: string; type: string; contract_id: string | null; visual_number: string | null }>(
    `SELECT data->>'uid' AS uid, data->>'type' AS type, data->>'contract_id' AS contract_id, data->>'visual_number' AS visual_number
     FROM objects WHERE module = 'tokens'
       AND (upper(data->>'uid') = upper($1) OR upper(data->>'contract_id') = upper($2) OR upper(data->>'visual_number') = upper($2))
     LIMIT ${MAX_MATCHES}`,
    [uid, text],
  );
  const hits: TokenHit[] = rows
    .filter((row) => !type || row.type === type)
    .map((row) => ({
      uid: row.uid,
      type: row.type,
      matched: row.uid.toUpperCase() === uid.toUpperCase() ? 'token uid' : row.contract_id?.toUpperCase() === text.toUpperCase() ? 'contract id' : 'visual number',
    }));
  // A card no eMSP pushed is still worth looking up by its uid: its taps were refused as unknown.
  if (!hits.some((hit) => hit.uid.toUpperCase() === uid.toUpperCase())) hits.push({ uid, type, matched: 'token uid' });
  return hits;
}

interface SessionRow {
  country_code: string;
  party_id: string;
  object_id: string;
  last_updated: Date;
  data: { id: string; status?: string; location_id?: string; evse_uid?: string; cdr_token?: { uid?: string; contract_id?: string; country_code?: string; party_id?: string } };
}

function sessionMatch(row: SessionRow, matched: string): SearchMatch {
  const token = row.data.cdr_token ?? {};
  const cc = row.country_code;
  const pid = row.party_id;
  return {
    kind: 'SESSION',
    at: row.last_updated.toISOString(),
    title: `Session ${row.data.id} (${row.data.status ?? '?'}) at ${row.data.location_id ?? '?'}/${row.data.evse_uid ?? '?'}, card ${token.uid ?? '?'}`,
    cpo: `${cc}*${pid}`,
    emsp: token.country_code && token.party_id ? `${token.country_code}*${token.party_id}` : null,
    matched,
    correlation_id: null,
    session: { country_code: cc, party_id: pid, id: row.data.id },
    timeline: `/api/sessions/${encodeURIComponent(cc)}/${encodeURIComponent(pid)}/${encodeURIComponent(row.data.id)}/timeline`,
  };
}

/** The EVSEs an id names: by EVSE id (as printed) or uid; gives their location and uid. */
async function evsesFor(db: Queryable, text: string): Promise<{ location_id: string; evse_uid: string }[]> {
  return db.query(
    `SELECT e.location_id, e.data->>'uid' AS evse_uid FROM location_evses e
     WHERE upper(e.data->>'evse_id') = upper($1) OR e.evse_uid = upper($1)
     LIMIT ${MAX_MATCHES}`,
    [text],
  );
}

async function sessionsFor(db: Queryable, text: string, tokens: TokenHit[]): Promise<SearchMatch[]> {
  const uids = tokens.map((token) => token.uid.toUpperCase());
  const evses = await evsesFor(db, text);
  const rows = await db.query<SessionRow & { matched: string }>(
    `SELECT country_code, party_id, object_id, last_updated, data,
       CASE WHEN object_id = upper($1) THEN 'session id'
            WHEN upper(data->'cdr_token'->>'uid') = ANY($2::text[]) THEN 'token uid'
            WHEN upper(data->'cdr_token'->>'contract_id') = upper($1) THEN 'contract id'
            WHEN upper(data->>'location_id') = upper($1) THEN 'location id'
            WHEN upper(data->>'evse_uid') = ANY($3::text[]) THEN 'EVSE'
            ELSE 'CDR id' END AS matched
     FROM objects s
     WHERE module = 'sessions' AND (
       object_id = upper($1)
       OR upper(data->'cdr_token'->>'uid') = ANY($2::text[])
       OR upper(data->'cdr_token'->>'contract_id') = upper($1)
       OR upper(data->>'location_id') = upper($1)
       OR upper(data->>'evse_uid') = ANY($3::text[])
       OR EXISTS (SELECT 1 FROM objects c WHERE c.module = 'cdrs' AND c.object_id = upper($1)
                  AND upper(c.data->>'session_id') = s.object_id AND c.country_code = s.country_code AND c.party_id = s.party_id))
     ORDER BY last_updated DESC LIMIT ${MAX_MATCHES}`,
    [text, uids, evses.map((evse) => evse.evse_uid.toUpperCase())],
  );
  return rows.map((row) => sessionMatch(row, row.matched === 'token uid' ? tokens.find((t) => t.uid.toUpperCase() === row.data.cdr_token?.uid?.toUpperCase())?.matched ?? 'token uid' : row.matched));
}

/** A decision as search shows it. */
type DecisionRow = Omit<AuthorizationRecord, 'id' | 'detail'>;

async function tapsFor(db: Queryable, tokens: TokenHit[]): Promise<SearchMatch[]> {
  const rows = await db.query<DecisionRow>(
    `SELECT at, correlation_id, cpo, emsp, token_uid, token_type, allowed, rule FROM authorizations
     WHERE upper(token_uid) = ANY($1::text[]) ORDER BY at DESC LIMIT ${MAX_MATCHES}`,
    [tokens.map((token) => token.uid.toUpperCase())],
  );
  return rows
    .map((row) => ({ row, token: tokens.find((t) => t.uid.toUpperCase() === row.token_uid.toUpperCase())! }))
    .filter(({ row, token }) => !token.type || token.type === row.token_type)
    .map(({ row, token }) => ({
      kind: 'TAP' as const,
      at: row.at.toISOString(),
      title: `Tap of ${row.token_type} ${row.token_uid} at ${row.cpo}: ${row.allowed ?? 'refused'} (${row.rule})`,
      cpo: row.cpo,
      emsp: row.emsp,
      matched: token.matched,
      correlation_id: row.correlation_id,
      session: null,
      timeline: `/api/journal/story/${encodeURIComponent(row.correlation_id)}`,
    }));
}

async function exchangeFor(db: Queryable, text: string): Promise<SearchMatch[]> {
  const [row] = await db.query<{ at: Date; from_party: string | null; to_party: string | null; module: string | null }>(
    'SELECT at, from_party, to_party, module FROM journal WHERE correlation_id = $1 ORDER BY id LIMIT 1',
    [text],
  );
  if (!row) return [];
  return [
    {
      kind: 'EXCHANGE',
      at: row.at.toISOString(),
      title: `Exchange ${text} (${row.module ?? '?'}, ${row.from_party ?? '?'} → ${row.to_party ?? '?'})`,
      cpo: null,
      emsp: null,
      matched: 'correlation id',
      correlation_id: text,
      session: null,
      timeline: `/api/journal/story/${encodeURIComponent(text)}`,
    },
  ];
}

/**
 * Every journey the text leads to, newest first. `scope` (parties as CC*PID) keeps a partner to
 * journeys its own parties took part in.
 */
export async function searchJourneys(stores: HubStores, query: string, scope?: string[]): Promise<SearchMatch[]> {
  const text = query.trim();
  if (!text) return [];
  const { db, journalDb } = stores;
  const tokens = await tokensFor(db, text);
  const [exchanges, taps, sessions] = await Promise.all([exchangeFor(journalDb, text), tapsFor(journalDb, tokens), sessionsFor(db, text, tokens)]);
  const visible = (match: SearchMatch) => !scope || match.kind === 'EXCHANGE' || scope.includes(match.cpo ?? '') || scope.includes(match.emsp ?? '');
  const scopedExchanges = scope ? await onlyVisibleExchanges(journalDb, exchanges, scope) : exchanges;
  return [...scopedExchanges, ...[...taps, ...sessions].filter(visible).sort((a, b) => b.at.localeCompare(a.at))].slice(0, MAX_MATCHES);
}

async function onlyVisibleExchanges(db: Queryable, exchanges: SearchMatch[], scope: string[]): Promise<SearchMatch[]> {
  const visible: SearchMatch[] = [];
  for (const match of exchanges) {
    const [row] = await db.query(
      'SELECT 1 FROM journal WHERE correlation_id = $1 AND (from_party = ANY($2::text[]) OR to_party = ANY($2::text[])) LIMIT 1',
      [match.correlation_id, scope],
    );
    if (row) visible.push(match);
  }
  return visible;
}
