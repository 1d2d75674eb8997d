import { randomUUID } from 'node:crypto';
import type { Database, Queryable } from '../../store/database.js';
import { feeLines, applicableSchedules, type FeeLine, type Payer } from './fees.js';
import { feedFromClearing } from './feed.js';
import { Decimal } from 'decimal.js';
import { amountText, dec, sum } from './money.js';
import { parsePeriod, PERIOD_LABEL_SQL, type Period } from './periods.js';
import { billingDetails, listFeeSchedules, listTerms, termsFor } from './terms.js';
import { type StatementTotals, type ClassTotals, type TaxSubtotal } from './statement-model.js';
import { LINE_CLASS_SQL } from './statements.js';

export class SettlementError extends Error {
  constructor(message: string, readonly code: 'invalid_period' | 'period_closed' | 'run_in_progress') {
    super(message);
  }
}

export interface RunProgress {
  done: number;
  total: number;
  step: string;
}

export interface RunResult {
  period: string;
  statements: number;
  lines: number;
  steps: number;
}

// Any constant: one run of one period at a time, across hub processes.
const RUN_LOCK = 7_411_060;

/** The period a label names; a clear error otherwise. */
export function periodOf(label: string): Period {
  const period = parsePeriod(label);
  if (!period) throw new SettlementError(`period must be a month (2026-11) or an ISO week (2026-W47), not "${label}"`, 'invalid_period');
  return period;
}

/** The terms of each pair, resolved in SQL: the pair's own row, else the hub's defaults. */
const TERMS_JOIN = `
  LEFT JOIN settlement_terms t ON t.cpo_country = c.owner_country AND t.cpo_party = c.owner_party
                              AND t.emsp_country = c.emsp_country AND t.emsp_party = c.emsp_party
  CROSS JOIN (SELECT * FROM settlement_terms WHERE cpo_country IS NULL AND emsp_country IS NULL) d`;

/**
 * Puts on this period's statements every CDR not yet on one whose session ended before the
 * period's end (in the pair's time zone). Membership is by list: a CDR that ended in an earlier,
 * closed period joins this one as a prior-period adjustment and names the period it belonged to.
 */
async function takeLines(tx: Queryable, period: Period): Promise<number> {
  const tz = 'coalesce(t.time_zone, d.time_zone)';
  const rows = await tx.query<{ n: number }>(
    `WITH taken AS (
       INSERT INTO statement_lines (cdr_seq, statement_id, status, prior_period)
       SELECT c.seq,
              $1 || '-' || c.owner_country || c.owner_party || '-' || c.emsp_country || c.emsp_party || '-' || c.currency,
              c.status,
              CASE WHEN c.end_at < ($2::timestamp AT TIME ZONE ${tz})
                   THEN ${PERIOD_LABEL_SQL[period.cadence](`(c.end_at AT TIME ZONE ${tz})`)} END
       FROM settlement_cdrs c ${TERMS_JOIN}
       WHERE coalesce(t.cadence, d.cadence) = $4
         AND c.end_at < ($3::timestamp AT TIME ZONE ${tz})
         AND NOT EXISTS (SELECT 1 FROM statement_lines s WHERE s.cdr_seq = c.seq)
       RETURNING 1)
     SELECT count(*)::int AS n FROM taken`,
    [period.label, period.startLocal, period.endLocal, period.cadence],
  );
  return rows[0].n;
}

/** The lines of the period named by $1: statement ids begin with the period's label and a hyphen. */
const IN_PERIOD = `l.statement_id >= $1 || '-' AND l.statement_id < $1 || '.'`;

interface SumRow {
  statement_id: string;
  cpo_country: string;
  cpo_party: string;
  emsp_country: string;
  emsp_party: string;
  currency: string;
  class: keyof StatementTotals['classes'];
  /** Null on the per-class rows; the tax's name on the per-tax rows. */
  tax_name: string | null;
  tax_percentage: string | null;
  tax_amount: string | null;
  /** 1 on the per-class rows, 0 on the per-tax rows. */
  per_class: number;
  count: number;
  net: string;
  tax: string;
  energy_cost: string;
  time_cost: string;
  parking_cost: string;
  fixed_cost: string;
  reservation_cost: string;
  sessions: number;
  kwh: string;
  credit_count: number;
  credit_gross: string;
  prior_count: number;
  prior_gross: string;
}

/**
 * One pass over the period's lines: sums per statement and class of line, and per tax. Each line
 * is joined to its tax entries; the line's own amounts count once (on its first entry, or on its
 * only row when it has none), and GROUPING SETS give both levels from the same scan.
 */
async function periodSums(tx: Queryable, label: string): Promise<SumRow[]> {
  const once = 'WHERE t.ord IS NULL OR t.ord = 1';
  return tx.query<SumRow>(
    `SELECT l.statement_id, c.owner_country AS cpo_country, c.owner_party AS cpo_party, c.emsp_country, c.emsp_party, c.currency,
            ${LINE_CLASS_SQL} AS class, t.tax->>'name' AS tax_name, t.tax->>'percentage' AS tax_percentage,
            sum((t.tax->>'amount')::numeric)::text AS tax_amount, GROUPING(t.tax->>'name') AS per_class,
            (count(*) FILTER (${once}))::int AS count,
            coalesce(sum(c.claimed_total) FILTER (${once}), 0)::text AS net, coalesce(sum(c.tax_total) FILTER (${once}), 0)::text AS tax,
            coalesce(sum(c.energy_cost) FILTER (${once}), 0)::text AS energy_cost, coalesce(sum(c.time_cost) FILTER (${once}), 0)::text AS time_cost,
            coalesce(sum(c.parking_cost) FILTER (${once}), 0)::text AS parking_cost, coalesce(sum(c.fixed_cost) FILTER (${once}), 0)::text AS fixed_cost,
            coalesce(sum(c.reservation_cost) FILTER (${once}), 0)::text AS reservation_cost,
            (count(*) FILTER (WHERE (t.ord IS NULL OR t.ord = 1) AND c.credit_of IS NULL))::int AS sessions,
            coalesce(sum(c.energy_kwh) FILTER (WHERE (t.ord IS NULL OR t.ord = 1) AND c.credit_of IS NULL), 0)::text AS kwh,
            (count(*) FILTER (WHERE (t.ord IS NULL OR t.ord = 1) AND c.credit_of IS NOT NULL))::int AS credit_count,
            coalesce(sum(c.claimed_total + c.tax_total) FILTER (WHERE (t.ord IS NULL OR t.ord = 1) AND c.credit_of IS NOT NULL), 0)::text AS credit_gross,
            (count(*) FILTER (WHERE (t.ord IS NULL OR t.ord = 1) AND l.prior_period IS NOT NULL))::int AS prior_count,
            coalesce(sum(c.claimed_total + c.tax_total) FILTER (WHERE (t.ord IS NULL OR t.ord = 1) AND l.prior_period IS NOT NULL), 0)::text AS prior_gross
     FROM statement_lines l
     JOIN settlement_cdrs c ON c.seq = l.cdr_seq
     LEFT JOIN LATERAL jsonb_array_elements(c.taxes) WITH ORDINALITY AS t(tax, ord) ON true
     WHERE ${IN_PERIOD}
     GROUP BY GROUPING SETS (
       (l.statement_id, c.owner_country, c.owner_party, c.emsp_country, c.emsp_party, c.currency, ${LINE_CLASS_SQL}),
       (l.statement_id, c.owner_country, c.owner_party, c.emsp_country, c.emsp_party, c.currency, ${LINE_CLASS_SQL}, t.tax->>'name', t.tax->>'percentage'))
     ORDER BY l.statement_id, per_class DESC, tax_name`,
    [label],
  );
}

const emptyClass = (): ClassTotals => ({ count: 0, net: '0', tax: '0', gross: '0', taxes: [] });

/** The statements' totals from the aggregates, and the hub's fee lines on them. */
async function buildStatements(tx: Queryable, period: Period, sums: SumRow[]) {
  const [terms, schedules] = await Promise.all([listTerms(tx), listFeeSchedules(tx)]);
  const statements = new Map<string, { row: SumRow; totals: StatementTotals }>();
  for (const row of sums.filter((r) => r.per_class === 1)) {
    const entry = statements.get(row.statement_id) ?? {
      row,
      totals: {
        classes: { payable: emptyClass(), held_back: emptyClass(), written_off: emptyClass() },
        dimensions: { energy: '0', time: '0', parking: '0', fixed: '0', reservation: '0' },
        basis: { sessions: 0, kwh: '0', volume: '0' },
        credits: { count: 0, gross: '0' },
        prior_period_adjustments: { count: 0, gross: '0' },
        fees: [],
        amount_payable: '0',
      },
    };
    statements.set(row.statement_id, entry);
    const totals = entry.totals;
    const money = (value: Decimal.Value) => amountText(value, row.currency);
    totals.classes[row.class] = { count: row.count, net: money(row.net), tax: money(row.tax), gross: money(dec(row.net).plus(row.tax)), taxes: [] };
    if (row.class !== 'payable') continue;
    totals.dimensions = { energy: money(row.energy_cost), time: money(row.time_cost), parking: money(row.parking_cost), fixed: money(row.fixed_cost), reservation: money(row.reservation_cost) };
    totals.basis = { sessions: row.sessions, kwh: row.kwh, volume: money(row.net) };
    totals.credits = { count: row.credit_count, gross: money(row.credit_gross) };
    totals.prior_period_adjustments = { count: row.prior_count, gross: money(row.prior_gross) };
    totals.amount_payable = totals.classes.payable.gross;
  }
  for (const tax of sums.filter((r) => r.per_class === 0 && r.tax_name !== null)) {
    const subtotal: TaxSubtotal = { name: tax.tax_name!, percentage: tax.tax_percentage, amount: amountText(tax.tax_amount!, tax.currency) };
    statements.get(tax.statement_id)!.totals.classes[tax.class].taxes.push(subtotal);
  }
  const taxDate = period.endLocal.slice(0, 10);
  const result = [];
  for (const [id, { row, totals }] of statements) {
    const cpo = `${row.cpo_country}*${row.cpo_party}`;
    const emsp = `${row.emsp_country}*${row.emsp_party}`;
    const pairTerms = termsFor(terms, cpo, emsp);
    const applicable = applicableSchedules(schedules, cpo, emsp, row.currency);
    if (applicable.length > 0) {
      const payers = { CPO: await payerOf(tx, 'CPO', cpo), EMSP: await payerOf(tx, 'EMSP', emsp) };
      const basis = { sessions: totals.basis.sessions, kwh: dec(totals.basis.kwh), volume: dec(totals.basis.volume) };
      totals.fees = feeLines(applicable, basis, payers, taxDate).map(feeView);
    }
    result.push({ id, cpo, emsp, currency: row.currency, terms: pairTerms, totals });
  }
  return result;
}

async function payerOf(tx: Queryable, role: 'CPO' | 'EMSP', party: string): Promise<Payer> {
  const details = await billingDetails(tx, party);
  return { role, party, country: details?.country ?? null, province: details?.province ?? null };
}

const feeView = (line: FeeLine): StatementTotals['fees'][number] => ({
  schedule_id: line.scheduleId,
  payer: line.payer,
  party: line.party,
  detail: line.detail,
  net: line.net.toFixed(2),
  taxes: line.taxes.map((t) => ({ name: t.name, percentage: t.percentage, amount: t.amount.toFixed(2) })),
  total: line.total.toFixed(2),
});

/** Rewrites an open period's statements from its lines, in one statement. */
async function writeStatements(tx: Queryable, period: Period, built: Awaited<ReturnType<typeof buildStatements>>) {
  await tx.query('DELETE FROM statements WHERE period = $1', [period.label]);
  const rows = built.map((s) => {
    const [cpoCountry, cpoParty] = s.cpo.split('*');
    const [emspCountry, emspParty] = s.emsp.split('*');
    return { id: s.id, cpo_country: cpoCountry, cpo_party: cpoParty, emsp_country: emspCountry, emsp_party: emspParty, currency: s.currency, time_zone: s.terms.timeZone, billing: s.terms.billing, totals: s.totals };
  });
  await tx.query(
    `INSERT INTO statements (id, period, cpo_country, cpo_party, emsp_country, emsp_party, currency, time_zone, billing, totals)
     SELECT r.id, $1, r.cpo_country, r.cpo_party, r.emsp_country, r.emsp_party, r.currency, r.time_zone, r.billing, r.totals
     FROM jsonb_to_recordset($2::jsonb) AS r(id text, cpo_country text, cpo_party text, emsp_country text, emsp_party text, currency text, time_zone text, billing text, totals jsonb)`,
    [period.label, JSON.stringify(rows)],
  );
}

/**
 * Settles a period: feeds the latest CDRs and audit verdicts, puts the CDRs due on this period's
 * statements and writes the statements. Re-running an open period gives the same statements plus
 * whatever arrived since; a closed period is refused.
 */
export async function settlePeriod(
  db: Database,
  label: string,
  onProgress: (progress: RunProgress) => void | Promise<void> = () => undefined,
): Promise<RunResult> {
  const period = periodOf(label);
  const total = 5;
  await onProgress({ done: 0, total, step: 'feeding CDRs from clearing' });
  await feedFromClearing(db);
  await onProgress({ done: 1, total, step: 'taking CDRs' });
  return db.transaction(async (tx) => {
    const [locked] = await tx.query<{ ok: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS ok', [RUN_LOCK]);
    if (!locked.ok) throw new SettlementError('another settlement run is in progress', 'run_in_progress');
    await tx.query(`INSERT INTO settlement_periods (label, cadence) VALUES ($1, $2) ON CONFLICT (label) DO NOTHING`, [period.label, period.cadence]);
    const [state] = await tx.query<{ status: string }>('SELECT status FROM settlement_periods WHERE label = $1 FOR UPDATE', [period.label]);
    if (state.status === 'CLOSED') throw new SettlementError(`period ${period.label} is closed; its statements no longer change`, 'period_closed');
    // Lines keep the CDR's status as of this run: take the latest verdicts on this open period.
    await tx.query(
      `UPDATE statement_lines l SET status = c.status FROM settlement_cdrs c
       WHERE ${IN_PERIOD} AND c.seq = l.cdr_seq AND l.status <> c.status`,
      [period.label],
    );
    await takeLines(tx, period);
    await onProgress({ done: 2, total, step: 'summing statements' });
    const sums = await periodSums(tx, period.label);
    await onProgress({ done: 3, total, step: 'hub fees' });
    const built = await buildStatements(tx, period, sums);
    await onProgress({ done: 4, total, step: 'writing statements' });
    await writeStatements(tx, period, built);
    await onProgress({ done: 5, total, step: 'done' });
    return { period: period.label, statements: built.length, lines: sum(sums.filter((r) => r.per_class === 1).map((r) => r.count)).toNumber(), steps: total };
  });
}

export interface RunRecord {
  id: string;
  period: string;
  status: 'RUNNING' | 'DONE' | 'FAILED';
  steps_total: number;
  steps_done: number;
  error: string | null;
  started_at: Date;
  finished_at: Date | null;
}

/**
 * Progress of the runs this process is doing. Kept in memory: the run works in one transaction,
 * whose writes nobody sees before it commits (and the embedded engine has a single connection).
 */
const liveProgress = new Map<string, RunProgress>();

/** Starts a run in the background; its outcome is recorded in settlement_runs. */
export async function startRun(db: Database, label: string): Promise<RunRecord> {
  periodOf(label);
  const [closed] = await db.query('SELECT 1 FROM settlement_periods WHERE label = $1 AND status = $2', [label, 'CLOSED']);
  if (closed) throw new SettlementError(`period ${label} is closed; its statements no longer change`, 'period_closed');
  const [run] = await db.query<RunRecord>('INSERT INTO settlement_runs (id, period) VALUES ($1, $2) RETURNING *', [randomUUID(), label]);
  liveProgress.set(run.id, { done: 0, total: 5, step: 'starting' });
  void settlePeriod(db, label, (progress) => void liveProgress.set(run.id, progress))
    .then((result) => db.query(`UPDATE settlement_runs SET status = 'DONE', steps_done = $2, steps_total = $2, finished_at = now() WHERE id = $1`, [run.id, result.steps]))
    .catch((error: Error) => db.query(`UPDATE settlement_runs SET status = 'FAILED', error = $2, finished_at = now() WHERE id = $1`, [run.id, error.message]))
    .catch(() => undefined)
    .finally(() => liveProgress.delete(run.id));
  return run;
}

export async function getRun(db: Queryable, id: string): Promise<RunRecord | undefined> {
  const [run] = await db.query<RunRecord>('SELECT * FROM settlement_runs WHERE id::text = $1', [id]);
  const progress = liveProgress.get(id);
  return run && progress && run.status === 'RUNNING' ? { ...run, steps_done: progress.done, steps_total: progress.total } : run;
}
