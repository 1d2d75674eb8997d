import type { Queryable } from '../../store/database.js';
import { dec, moneyText, type MoneyText } from './money.js';
import { PERIOD_LABEL_SQL } from './periods.js';
import { inRange, lineClassSql } from './ranges.js';
import type { CdrFigures, StatementTotals } from './statement-model.js';

/** Where the invoice of a statement stands. DRAFT until its period closes. */
export type PaymentStatus = 'DRAFT' | 'ISSUED' | 'PARTIALLY_PAID' | 'PAID' | 'OVERDUE';

export interface Statement {
  id: string;
  period: string;
  periodStatus: 'OPEN' | 'CLOSED';
  cpo: string;
  emsp: string;
  currency: string;
  timeZone: string;
  billing: 'DIRECT' | 'SELF_BILLING';
  totals: StatementTotals;
  invoiceNumber: string | null;
  issuedOn: string | null;
  dueOn: string | null;
  paid: string;
  paymentStatus: PaymentStatus;
}

interface StatementRow {
  id: string;
  period: string;
  period_status: 'OPEN' | 'CLOSED';
  cpo_country: string;
  cpo_party: string;
  emsp_country: string;
  emsp_party: string;
  currency: string;
  time_zone: string;
  billing: Statement['billing'];
  totals: StatementTotals;
  invoice_number: string | null;
  issued_on: string | null;
  due_on: string | null;
  paid: string;
}

/** PAID when payments cover the amount payable; OVERDUE past the due date; a credit balance is PAID. */
export function paymentStatus(row: { invoice_number: string | null; due_on: string | null; paid: string; amount: string }, today: string): PaymentStatus {
  if (!row.invoice_number) return 'DRAFT';
  const paid = dec(row.paid);
  if (paid.gte(row.amount)) return 'PAID';
  if (row.due_on && row.due_on < today) return 'OVERDUE';
  return paid.isZero() ? 'ISSUED' : 'PARTIALLY_PAID';
}

const today = () => new Date().toISOString().slice(0, 10);

const toStatement = (row: StatementRow): Statement => ({
  id: row.id,
  period: row.period,
  periodStatus: row.period_status,
  cpo: `${row.cpo_country}*${row.cpo_party}`,
  emsp: `${row.emsp_country}*${row.emsp_party}`,
  currency: row.currency,
  timeZone: row.time_zone,
  billing: row.billing,
  totals: row.totals,
  invoiceNumber: row.invoice_number,
  issuedOn: row.issued_on,
  dueOn: row.due_on,
  paid: row.paid,
  paymentStatus: paymentStatus({ ...row, amount: row.totals.amount_payable }, today()),
});

const SELECT_STATEMENTS = `
  SELECT s.id, s.period, p.status AS period_status, s.cpo_country, s.cpo_party, s.emsp_country, s.emsp_party, s.currency,
         s.time_zone, s.billing, s.totals, s.invoice_number, s.issued_on::text AS issued_on, s.due_on::text AS due_on,
         coalesce((SELECT sum(amount) FROM statement_payments pay WHERE pay.statement_id = s.id), 0)::text AS paid
  FROM statements s JOIN settlement_periods p ON p.label = s.period`;

export interface StatementFilter {
  /** Statements this party is on, either side. */
  party?: string;
  /** With party: only those whose other side is this party. */
  counterparty?: string;
  period?: string;
  currency?: string;
  status?: PaymentStatus;
  /** Only statements one of these parties (CC*PID) is on: a partner's own view. */
  scope?: string[];
}

export async function listStatements(db: Queryable, filter: StatementFilter = {}): Promise<Statement[]> {
  const rows = await db.query<StatementRow>(
    `${SELECT_STATEMENTS}
     WHERE ($1::text IS NULL OR s.period = $1) AND ($2::text IS NULL OR s.currency = $2)
       AND ($3::text IS NULL OR s.cpo_country || '*' || s.cpo_party = $3 OR s.emsp_country || '*' || s.emsp_party = $3)
       AND ($4::text IS NULL OR s.cpo_country || '*' || s.cpo_party = $4 OR s.emsp_country || '*' || s.emsp_party = $4)
       AND ($5::text[] IS NULL OR s.cpo_country || '*' || s.cpo_party = ANY($5) OR s.emsp_country || '*' || s.emsp_party = ANY($5))
     ORDER BY s.period, s.id`,
    [filter.period ?? null, filter.currency ?? null, filter.party ?? null, filter.counterparty ?? null, filter.scope ?? null],
  );
  const statements = rows.map(toStatement);
  return filter.status ? statements.filter((s) => s.paymentStatus === filter.status) : statements;
}

export async function getStatement(db: Queryable, id: string): Promise<Statement | undefined> {
  const [row] = await db.query<StatementRow>(`${SELECT_STATEMENTS} WHERE s.id = $1`, [id]);
  return row && toStatement(row);
}

/** One CDR on a statement, every field the exports show. Amounts are decimal strings in the statement's currency. */
export interface StatementLine extends CdrFigures {
  start_local: string;
  end_local: string;
  taxes: Array<{ name: string; percentage: string | null; amount: string }>;
  tax_total: string;
  total: string;
  status: string;
  /** payable, held_back (disputed: listed, not paid) or written_off. */
  class: LineClass;
  credit_of: string | null;
  prior_period: string | null;
  /** Where the line stands in its statement: pass it as `after` to read on from it. */
  cursor: string;
}

export type LineClass = 'payable' | 'held_back' | 'written_off';

const LINE_SELECT = `
  SELECT c.cdr_id, c.session_id, c.invoice_reference_id,
         to_char(c.start_at AT TIME ZONE c.time_zone, 'YYYY-MM-DD"T"HH24:MI:SS') AS start_local,
         to_char(c.end_at AT TIME ZONE c.time_zone, 'YYYY-MM-DD"T"HH24:MI:SS') AS end_local, c.time_zone,
         c.evse_uid, c.city, c.state, c.country, c.contract_id, c.tariff_id, c.tariff_version,
         c.energy_kwh::text AS energy_kwh, c.charging_minutes::text AS charging_minutes, c.idle_minutes::text AS idle_minutes,
         c.energy_cost::text AS energy_cost, c.time_cost::text AS time_cost, c.parking_cost::text AS parking_cost,
         c.fixed_cost::text AS fixed_cost, c.reservation_cost::text AS reservation_cost,
         c.claimed_total::text AS claimed_total, c.computed_total::text AS computed_total, c.taxes,
         c.tax_total::text AS tax_total, (c.claimed_total + c.tax_total)::text AS total,
         c.status, ${lineClassSql('c')} AS class, c.credit_of,
         CASE WHEN c.end_at >= r.starts_at THEN NULL
              WHEN p.cadence = 'WEEKLY' THEN ${PERIOD_LABEL_SQL.WEEKLY('(c.end_at AT TIME ZONE r.time_zone)')}
              ELSE ${PERIOD_LABEL_SQL.MONTHLY('(c.end_at AT TIME ZONE r.time_zone)')} END AS prior_period,
         c.seq::text AS cursor
  FROM statement_ranges r
  JOIN settlement_periods p ON p.label = r.period
  JOIN settlement_cdrs c ON ${inRange('c', 'r')}`;

/**
 * A statement's lines in CDR order, one page at a time (keyset on the CDR sequence among the
 * statement's parties), so that any size of statement streams in bounded memory.
 */
export async function* statementLines(db: Queryable, statementId: string, options: { after?: string; pageSize?: number } = {}): AsyncGenerator<StatementLine> {
  let after = options.after && /^\d+$/.test(options.after) ? options.after : '0';
  const pageSize = options.pageSize ?? 1000;
  for (;;) {
    const rows = await db.query<StatementLine>(
      `${LINE_SELECT} WHERE r.statement_id = $1 AND c.seq > greatest($2::bigint, r.first_seq - 1) ORDER BY c.seq LIMIT $3`,
      [statementId, after, pageSize],
    );
    yield* rows;
    if (rows.length < pageSize) return;
    after = rows[rows.length - 1].cursor;
  }
}

/** The ids of a statement's CDRs (for the reconciliation record). */
export async function statementCdrIds(db: Queryable, statementId: string): Promise<Array<{ cdrId: string; credit: boolean }>> {
  const rows = await db.query<{ cdr_id: string; credit: boolean }>(
    `SELECT c.cdr_id, c.credit_of IS NOT NULL AS credit FROM statement_ranges r
     JOIN settlement_cdrs c ON ${inRange('c', 'r')}
     WHERE r.statement_id = $1 ORDER BY c.seq`,
    [statementId],
  );
  return rows.map((r) => ({ cdrId: r.cdr_id, credit: r.credit }));
}

/** Every amount of the totals as {amount, currency}: finance reads strings, never floats. */
export function totalsView(totals: StatementTotals, currency: string) {
  const m = (value: string): MoneyText => moneyText(value, currency);
  const classView = (c: StatementTotals['classes']['payable']) => ({
    count: c.count,
    net: m(c.net),
    tax: m(c.tax),
    gross: m(c.gross),
    taxes: c.taxes.map((t) => ({ name: t.name, percentage: t.percentage, amount: m(t.amount) })),
  });
  return {
    payable: classView(totals.classes.payable),
    held_back: classView(totals.classes.held_back),
    written_off: classView(totals.classes.written_off),
    dimensions: Object.fromEntries(Object.entries(totals.dimensions).map(([k, v]) => [k, m(v)])),
    credits: { count: totals.credits.count, gross: m(totals.credits.gross) },
    prior_period_adjustments: { count: totals.prior_period_adjustments.count, gross: m(totals.prior_period_adjustments.gross) },
    hub_fees: totals.fees.map((f) => ({
      payer: f.payer,
      party: f.party,
      detail: f.detail,
      net: m(f.net),
      taxes: f.taxes.map((t) => ({ name: t.name, percentage: t.percentage, amount: m(t.amount) })),
      total: m(f.total),
    })),
    amount_payable: m(totals.amount_payable),
  };
}

/** The party that issues a statement's invoice, and the one that receives it. */
export function invoiceParties(statement: Pick<Statement, 'billing' | 'cpo' | 'emsp'>): { issuer: string; recipient: string } {
  return statement.billing === 'DIRECT' ? { issuer: statement.cpo, recipient: statement.emsp } : { issuer: statement.emsp, recipient: statement.cpo };
}
