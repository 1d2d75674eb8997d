import type { Queryable } from '../../store/database.js';
import type { HubStores } from '../stores.js';
import { JOURNAL_COLUMNS, type JournalRow } from '../journal.js';
import { startOf, verdictOf, type AuthorizationRecord, type Verdict } from './verdict.js';

/**
 * A driver's journey told in time order: the tap or app start, the authorization decision and its
 * rule, commands and results, session updates, stop and CDR, each hop with its answer, then the
 * verdict. `scope` (parties as CC*PID) keeps a partner to the hops its own parties took part in.
 */

export type EventKind = 'TAP' | 'AUTHORIZATION' | 'COMMAND' | 'SESSION' | 'CDR' | 'LOCATION' | 'TARIFF' | 'TOKEN' | 'OTHER';

export interface TimelineEvent {
  at: string;
  kind: EventKind;
  summary: string;
  correlation_id: string | null;
  direction: 'IN' | 'OUT';
  from: string | null;
  to: string | null;
  method: string;
  url: string;
  http_status: number | null;
  ocpi_status: number | null;
  /** Whole milliseconds. */
  duration_ms: number | null;
  blame: JournalRow['blame'];
  error: string | null;
  rule: string | null;
}

export interface Timeline {
  hops: TimelineEvent[];
  verdict: Verdict;
}


const MAX_EVENTS = 500;

function kindOf(entry: JournalRow): EventKind {
  if (entry.url === '(authorization decision)') return 'AUTHORIZATION';
  if (entry.module === 'tokens' && entry.url.includes('/authorize')) return 'TAP';
  const kinds: Record<string, EventKind> = {
    commands: 'COMMAND', sessions: 'SESSION', cdrs: 'CDR', locations: 'LOCATION', tariffs: 'TARIFF', tokens: 'TOKEN', chargingprofiles: 'COMMAND',
  };
  return kinds[entry.module ?? ''] ?? 'OTHER';
}

function summaryOf(entry: JournalRow, kind: EventKind): string {
  const route = `${entry.from_party ?? '?'} → ${entry.to_party ?? '?'}`;
  const rule = (entry.notes as { rule?: string } | null)?.rule;
  const allowed = (entry.response_body as { data?: { allowed?: string } } | null)?.data?.allowed;
  if (kind === 'AUTHORIZATION') return `Authorization decision ${allowed ?? `OCPI ${entry.ocpi_status}`} (rule ${rule ?? '?'}), ${route}`;
  if (kind === 'TAP') return `Card tap: ${entry.method} ${entry.url}, ${route}`;
  return `${kind === 'OTHER' ? entry.module ?? 'request' : kind.toLowerCase()} ${entry.method} ${entry.object_id ?? entry.url}, ${route}`;
}

function eventOf(entry: JournalRow): TimelineEvent {
  const kind = kindOf(entry);
  return {
    at: new Date(startOf(entry)).toISOString(),
    kind,
    summary: summaryOf(entry, kind),
    correlation_id: entry.correlation_id,
    direction: entry.direction,
    from: entry.from_party,
    to: entry.to_party,
    method: entry.method,
    url: entry.url,
    http_status: entry.http_status,
    ocpi_status: entry.ocpi_status,
    duration_ms: entry.duration_ms === null ? null : Math.round(entry.duration_ms),
    blame: entry.blame,
    error: entry.error,
    rule: (entry.notes as { rule?: string } | null)?.rule ?? null,
  };
}

/**
 * A hop's end is stamped to the millisecond, so starts closer than this may be in either order:
 * the hub's call to a CPO begins well under a millisecond into the eMSP's request it serves.
 */
const STAMP_RESOLUTION_MS = 1;

/**
 * Hops in the order they started. Of two that started within the stamps' resolution, the one that
 * ended later came first (it holds the other, as a request holds the calls made to answer it);
 * then the order they were written in.
 */
export function timelineOf(entries: JournalRow[], decisions: AuthorizationRecord[]): Timeline {
  const ordered = [...entries].sort((a, b) => {
    const apart = startOf(a) - startOf(b);
    if (Math.abs(apart) >= STAMP_RESOLUTION_MS) return apart;
    return b.at.getTime() - a.at.getTime() || a.id - b.id;
  });
  return { hops: ordered.map(eventOf), verdict: verdictOf(entries, decisions) };
}

const inScope = (scope: string[] | undefined) => (entry: JournalRow) =>
  !scope || scope.includes(entry.from_party ?? '') || scope.includes(entry.to_party ?? '');

const decisionInScope = (scope: string[] | undefined) => (decision: AuthorizationRecord) =>
  !scope || scope.includes(decision.cpo) || scope.includes(decision.emsp ?? '');

/** The story of one correlation id; undefined when the journal has none of it (in scope). */
export async function exchangeTimeline(journalDb: Queryable, correlationId: string, scope?: string[]): Promise<Timeline | undefined> {
  const entries = (
    await journalDb.query<JournalRow>(`SELECT ${JOURNAL_COLUMNS} FROM journal WHERE correlation_id = $1 ORDER BY id LIMIT ${MAX_EVENTS}`, [correlationId])
  ).filter(inScope(scope));
  if (!entries.length) return undefined;
  const decisions = await journalDb.query<AuthorizationRecord>('SELECT * FROM authorizations WHERE correlation_id = $1 ORDER BY at', [correlationId]);
  return timelineOf(entries, decisions.filter(decisionInScope(scope)));
}

export interface SessionRef {
  countryCode: string;
  partyId: string;
  sessionId: string;
}

interface StoredSession {
  data: {
    id: string;
    status?: string;
    start_date_time?: string;
    location_id?: string;
    evse_uid?: string;
    cdr_token?: { uid?: string; type?: string; contract_id?: string; country_code?: string; party_id?: string };
  };
}

export interface SessionTimeline extends Timeline {
  session: { cpo: string; emsp: string | null; id: string; status: string | null; location_id: string | null; evse_uid: string | null; token_uid: string | null; contract_id: string | null };
}

/**
 * Everything the journal holds about one session: the authorization that let it start (the last
 * decision for its token at its CPO before it started), the commands about it, its updates and CDRs.
 */
export async function sessionTimeline({ db, journalDb }: HubStores, ref: SessionRef, scope?: string[]): Promise<SessionTimeline | undefined> {
  const [stored] = await db.query<StoredSession>(
    `SELECT data FROM objects WHERE module = 'sessions' AND country_code = $1 AND party_id = $2 AND object_id = upper($3)`,
    [ref.countryCode.toUpperCase(), ref.partyId.toUpperCase(), ref.sessionId],
  );
  if (!stored) return undefined;
  const session = stored.data;
  const cpo = `${ref.countryCode}*${ref.partyId}`.toUpperCase();
  const token = session.cdr_token ?? {};
  const emsp = token.country_code && token.party_id ? `${token.country_code}*${token.party_id}` : null;
  if (scope && !scope.includes(cpo) && !scope.includes(emsp ?? '')) return undefined;

  const decisions = await journalDb.query<AuthorizationRecord>(
    `SELECT * FROM authorizations WHERE cpo = $1 AND upper(token_uid) = upper($2) AND at <= $3::timestamptz + interval '1 minute'
     ORDER BY at DESC LIMIT 1`,
    [cpo, token.uid ?? '', session.start_date_time ?? new Date().toISOString()],
  );
  const cdrIds = (
    await db.query<{ object_id: string }>(
      `SELECT object_id FROM objects WHERE module = 'cdrs' AND upper(data->>'session_id') = upper($1) AND country_code = $2 AND party_id = $3`,
      [session.id, ref.countryCode.toUpperCase(), ref.partyId.toUpperCase()],
    )
  ).map((row) => row.object_id);
  const commandCorrelations = (
    await db.query<{ correlation_id: string }>(
      `SELECT correlation_id FROM async_requests WHERE upper(object_id) = upper($1) OR upper(request_body->>'session_id') = upper($1)`,
      [session.id],
    )
  ).map((row) => row.correlation_id);
  const correlations = [...decisions.map((d) => d.correlation_id), ...commandCorrelations];
  const entries = await journalDb.query<JournalRow>(
    `SELECT ${JOURNAL_COLUMNS} FROM journal
     WHERE correlation_id = ANY($1::text[])
        OR (module = 'sessions' AND upper(object_id) = upper($2))
        OR (module = 'cdrs' AND upper(object_id) = ANY($3::text[]))
     ORDER BY id LIMIT ${MAX_EVENTS}`,
    [correlations, session.id, cdrIds.map((id) => id.toUpperCase())],
  );
  return {
    session: {
      cpo,
      emsp,
      id: session.id,
      status: session.status ?? null,
      location_id: session.location_id ?? null,
      evse_uid: session.evse_uid ?? null,
      token_uid: token.uid ?? null,
      contract_id: token.contract_id ?? null,
    },
    ...timelineOf(entries.filter(inScope(scope)), decisions.filter(decisionInScope(scope))),
  };
}
