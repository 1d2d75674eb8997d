import type { PartyRef } from '../ocpi/headers.js';
import { CDR_COST_FIELDS } from '../ocpi/v2_2_1/types.js';
import type { Queryable } from '../store/database.js';

/**
 * The clearing record of every CDR the hub received (table clearing_cdrs): what the CPO claimed,
 * what the hub computed, the audit's verdict and where the record stands in its dispute lifecycle.
 * This is the read side other modules (statements, the console) build on.
 */

export const CDR_STATUSES = [
  'RECEIVED',
  'ACCEPTED',
  'FLAGGED',
  'APPROVED',
  'DISPUTED',
  'REVISED',
  'CREDITED',
  'WRITTEN_OFF',
] as const;
export type CdrStatus = (typeof CDR_STATUSES)[number];

/** An amount in one dimension, as decimal strings (exact), before and after taxes. */
export interface DimensionAmount {
  before_taxes: string;
  after_taxes?: string;
}

/** Dimensions keyed as the CDR names them: total_cost, total_energy_cost, total_time_cost, ... */
export type DimensionAmounts = Partial<Record<CostDimension, DimensionAmount>>;
export const COST_DIMENSIONS = CDR_COST_FIELDS;
export type CostDimension = (typeof COST_DIMENSIONS)[number];

export interface ClearingCdrRecord {
  seq: number;
  owner: PartyRef;
  cdrId: string;
  /** The eMSP the CDR is for (its cdr_token). */
  emsp?: PartyRef;
  currency: string;
  sessionId?: string;
  start: Date;
  end: Date;
  locationId?: string;
  evseUid?: string;
  /** kWh, hours, hours (as claimed). */
  totalEnergy: string;
  totalTime: string;
  totalParkingTime?: string;
  /** The claimed total_cost (negative on a credit CDR), as a decimal string. */
  claimedTotalExcl: string;
  claimedTotalIncl?: string;
  computedTotalExcl?: string;
  computedTotalIncl?: string;
  claimed: DimensionAmounts;
  computed?: DimensionAmounts;
  status: CdrStatus;
  divergences: string[];
  audit?: Record<string, unknown>;
  auditedAt?: Date;
  credit: boolean;
  creditsCdrId?: string;
  creditedByCdrId?: string;
  revisesCdrId?: string;
  revisedByCdrId?: string;
  invoiceReferenceId?: string;
  disputeDeadline?: Date;
  receivedAt: Date;
  updatedAt: Date;
}

export interface ClearingCdrFilter {
  /** Only CDRs of this CPO. */
  cpo?: PartyRef;
  /** Only CDRs for this eMSP. */
  emsp?: PartyRef;
  /** Sessions that started in [from, to). */
  from?: Date;
  to?: Date;
  status?: CdrStatus[];
  /** Only records with this divergence code. */
  divergence?: string;
  currency?: string;
  /** Only credit CDRs (true) or only ordinary ones (false). */
  credit?: boolean;
  /** CDR ids that contain this text (ids are kept in upper case). */
  cdrIdContains?: string;
  /** Only CDRs one of these parties (CC*PID) is on, as CPO or as eMSP: a partner's own view. */
  scope?: string[];
}

export interface ClearingCdrPage {
  items: ClearingCdrRecord[];
  /** Pass as `after` for the next page; absent on the last page. */
  next?: number;
}

interface Row {
  seq: number;
  country_code: string;
  party_id: string;
  cdr_id: string;
  emsp_country: string | null;
  emsp_party: string | null;
  currency: string;
  session_id: string | null;
  start_date_time: Date;
  end_date_time: Date;
  location_id: string | null;
  evse_uid: string | null;
  total_energy: string | number;
  total_time: string | number;
  total_parking_time: string | number | null;
  claimed_total_excl: string | number;
  claimed_total_incl: string | number | null;
  computed_total_excl: string | number | null;
  computed_total_incl: string | number | null;
  claimed: DimensionAmounts;
  computed: DimensionAmounts | null;
  status: CdrStatus;
  divergences: string[];
  audit: Record<string, unknown> | null;
  audited_at: Date | null;
  credit: boolean;
  credits_cdr_id: string | null;
  credited_by_cdr_id: string | null;
  revises_cdr_id: string | null;
  revised_by_cdr_id: string | null;
  invoice_reference_id: string | null;
  dispute_deadline: Date | null;
  received_at: Date;
  updated_at: Date;
}

const text = (value: string | number | null): string | undefined => (value === null ? undefined : String(value));
const date = (value: Date | string): Date => (value instanceof Date ? value : new Date(value));

export function toRecord(row: Row): ClearingCdrRecord {
  return {
    seq: Number(row.seq),
    owner: { countryCode: row.country_code, partyId: row.party_id },
    cdrId: row.cdr_id,
    emsp: row.emsp_country && row.emsp_party ? { countryCode: row.emsp_country, partyId: row.emsp_party } : undefined,
    currency: row.currency,
    sessionId: row.session_id ?? undefined,
    start: date(row.start_date_time),
    end: date(row.end_date_time),
    locationId: row.location_id ?? undefined,
    evseUid: row.evse_uid ?? undefined,
    totalEnergy: String(row.total_energy),
    totalTime: String(row.total_time),
    totalParkingTime: text(row.total_parking_time),
    claimedTotalExcl: String(row.claimed_total_excl),
    claimedTotalIncl: text(row.claimed_total_incl),
    computedTotalExcl: text(row.computed_total_excl),
    computedTotalIncl: text(row.computed_total_incl),
    claimed: row.claimed,
    computed: row.computed ?? undefined,
    status: row.status,
    divergences: row.divergences ?? [],
    audit: row.audit ?? undefined,
    auditedAt: row.audited_at ? date(row.audited_at) : undefined,
    credit: row.credit,
    creditsCdrId: row.credits_cdr_id ?? undefined,
    creditedByCdrId: row.credited_by_cdr_id ?? undefined,
    revisesCdrId: row.revises_cdr_id ?? undefined,
    revisedByCdrId: row.revised_by_cdr_id ?? undefined,
    invoiceReferenceId: row.invoice_reference_id ?? undefined,
    disputeDeadline: row.dispute_deadline ? date(row.dispute_deadline) : undefined,
    receivedAt: date(row.received_at),
    updatedAt: date(row.updated_at),
  };
}

function whereOf(filter: ClearingCdrFilter, params: unknown[]): string {
  const clauses: string[] = [];
  const add = (sql: (n: string) => string, value: unknown) => {
    params.push(value);
    clauses.push(sql(`$${params.length}`));
  };
  if (filter.cpo) {
    add((n) => `country_code = ${n}`, filter.cpo.countryCode);
    add((n) => `party_id = ${n}`, filter.cpo.partyId);
  }
  if (filter.emsp) {
    add((n) => `emsp_country = ${n}`, filter.emsp.countryCode);
    add((n) => `emsp_party = ${n}`, filter.emsp.partyId);
  }
  if (filter.from) add((n) => `start_date_time >= ${n}`, filter.from);
  if (filter.to) add((n) => `start_date_time < ${n}`, filter.to);
  if (filter.status?.length) add((n) => `status = ANY(${n}::text[])`, filter.status);
  if (filter.divergence) add((n) => `${n} = ANY(divergences)`, filter.divergence);
  if (filter.currency) add((n) => `currency = ${n}`, filter.currency);
  if (filter.credit !== undefined) add((n) => `credit = ${n}`, filter.credit);
  if (filter.cdrIdContains) add((n) => `cdr_id LIKE '%' || ${n} || '%'`, filter.cdrIdContains.toUpperCase().replace(/[\\%_]/g, '\\$&'));
  if (filter.scope) {
    // Pairs, so that the CPO and eMSP indexes serve the lookup.
    const scoped = (columns: string, n: string) => `(${columns}) IN (SELECT split_part(p, '*', 1), split_part(p, '*', 2) FROM unnest(${n}::text[]) AS p)`;
    add((n) => `(${scoped('country_code, party_id', n)} OR ${scoped('emsp_country, emsp_party', n)})`, filter.scope);
  }
  return clauses.length ? clauses.join(' AND ') : 'true';
}

/** One page of records in the order they were received, after the record `after` (keyset paging). */
export async function listClearingCdrs(
  db: Queryable,
  filter: ClearingCdrFilter,
  page: { after?: number; limit?: number } = {},
): Promise<ClearingCdrPage> {
  const limit = Math.min(Math.max(page.limit ?? 100, 1), 1000);
  const params: unknown[] = [];
  const where = whereOf(filter, params);
  params.push(page.after ?? 0, limit + 1);
  const rows = await db.query<Row>(
    `SELECT * FROM clearing_cdrs WHERE ${where} AND seq > $${params.length - 1} ORDER BY seq LIMIT $${params.length}`,
    params,
  );
  const items = rows.slice(0, limit).map(toRecord);
  return { items, next: rows.length > limit ? items[items.length - 1].seq : undefined };
}

/** How many records match (for paginated answers). */
export async function countClearingCdrs(db: Queryable, filter: ClearingCdrFilter): Promise<number> {
  const params: unknown[] = [];
  const [{ count }] = await db.query<{ count: number }>(
    `SELECT count(*)::int AS count FROM clearing_cdrs WHERE ${whereOf(filter, params)}`,
    params,
  );
  return count;
}

/** Every matching record, page by page, without holding them all in memory. */
export async function* streamClearingCdrs(db: Queryable, filter: ClearingCdrFilter, pageSize = 500): AsyncGenerator<ClearingCdrRecord> {
  let after: number | undefined;
  do {
    const page = await listClearingCdrs(db, filter, { after, limit: pageSize });
    yield* page.items;
    after = page.next;
  } while (after !== undefined);
}

export async function getClearingCdr(db: Queryable, owner: PartyRef, cdrId: string): Promise<ClearingCdrRecord | undefined> {
  const [row] = await db.query<Row>(
    'SELECT * FROM clearing_cdrs WHERE country_code = $1 AND party_id = $2 AND cdr_id = $3',
    [owner.countryCode, owner.partyId, cdrId.toUpperCase()],
  );
  return row && toRecord(row);
}

export interface CdrHistoryEntry {
  at: Date;
  actor: string;
  action: string;
  fromStatus?: CdrStatus;
  toStatus: CdrStatus;
  reason?: string;
  comment?: string;
  evidence?: unknown;
}

/** Every status change of a record, oldest first. */
export async function cdrHistory(db: Queryable, recordSeq: number): Promise<CdrHistoryEntry[]> {
  const rows = await db.query<{
    at: Date;
    actor: string;
    action: string;
    from_status: CdrStatus | null;
    to_status: CdrStatus;
    reason: string | null;
    comment: string | null;
    evidence: unknown;
  }>('SELECT * FROM clearing_cdr_history WHERE record_seq = $1 ORDER BY seq', [recordSeq]);
  return rows.map((r) => ({
    at: date(r.at),
    actor: r.actor,
    action: r.action,
    fromStatus: r.from_status ?? undefined,
    toStatus: r.to_status,
    reason: r.reason ?? undefined,
    comment: r.comment ?? undefined,
    evidence: r.evidence ?? undefined,
  }));
}
