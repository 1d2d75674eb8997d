import { randomUUID } from 'node:crypto';
import type { Database, Queryable } from '../../store/database.js';
import type { Decimal } from 'decimal.js';
import { periodFeeLines, type FeeLine, type Payer } from './fees.js';
import { feedFromClearing } from './feed.js';
import { amountText, dec } from './money.js';
import { parsePeriod, type Period } from './periods.js';
import { takeAndSum } from './ranges.js';
import { allBillingDetails, listFeeSchedules, listTerms, termsFor } from './terms.js';
import type { ClassTotals, StatementTotals } from './statement-model.js';

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

// Any constant: one run at a time per database schema, across hub processes.
const RUN_LOCK = 7_411_060;

/** The period a label names; a clear error otherwise. */
export function periodOf(label: string): Period {
  const period = parsePeriod(label);
  if (!period) throw new SettlementError(`period must be a month (2026-11) or an ISO week (2026-W47), not "${label}"`, 'invalid_period');
  return period;
}

interface SumRow {
  statement_id: string;
  cpo_country: string;
  cpo_party: string;
  emsp_country: string;
  emsp_party: string;
  currency: string;
  time_zone: string;
  class: keyof StatementTotals['classes'];
  /** Null on the per-class rows; the tax's name on the per-tax rows. */
  tax_name: string | null;
  tax_percentage: string | null;
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

/** The sums of a period's statements as the run wrote them, with each statement's parties. */
async function periodSums(tx: Queryable, label: string): Promise<SumRow[]> {
  return tx.query<SumRow>(
    `SELECT s.statement_id, r.cpo_country, r.cpo_party, r.emsp_country, r.emsp_party, r.currency, r.time_zone, s.class,
            s.tax_name, s.tax_percentage, s.count, s.net::text AS net, s.tax::text AS tax, s.energy_cost::text AS energy_cost,
            s.time_cost::text AS time_cost, s.parking_cost::text AS parking_cost, s.fixed_cost::text AS fixed_cost,
            s.reservation_cost::text AS reservation_cost, s.sessions, s.kwh::text AS kwh, s.credit_count,
            s.credit_gross::text AS credit_gross, s.prior_count, s.prior_gross::text AS prior_gross
     FROM statement_sums s JOIN statement_ranges r ON r.statement_id = s.statement_id
     WHERE s.period = $1
     ORDER BY s.statement_id, s.tax_name NULLS FIRST, s.tax_percentage`,
    [label],
  );
}

const emptyClass = (): ClassTotals => ({ count: 0, net: '0', tax: '0', gross: '0', taxes: [] });

interface BuiltStatement {
  id: string;
  cpo: string;
  emsp: string;
  currency: string;
  timeZone: string;
  totals: StatementTotals;
}

/** The statements' totals from the sums: per class, per tax, per dimension. */
function statementTotals(sums: SumRow[]): BuiltStatement[] {
  const statements = new Map<string, BuiltStatement>();
  for (const row of sums) {
    const money = (value: Decimal.Value) => amountText(value, row.currency);
    const statement = statements.get(row.statement_id) ?? {
      id: row.statement_id,
      cpo: `${row.cpo_country}*${row.cpo_party}`,
      emsp: `${row.emsp_country}*${row.emsp_party}`,
      currency: row.currency,
      timeZone: row.time_zone,
      totals: {
        classes: { payable: emptyClass(), held_back: emptyClass(), written_off: emptyClass() },
        dimensions: { energy: '0.00', time: '0.00', parking: '0.00', fixed: '0.00', reservation: '0.00' },
        basis: { sessions: 0, kwh: '0', volume: '0.00' },
        credits: { count: 0, gross: '0.00' },
        prior_period_adjustments: { count: 0, gross: '0.00' },
        fees: [],
        amount_payable: '0.00',
      },
    };
    statements.set(row.statement_id, statement);
    const totals = statement.totals;
    if (row.tax_name !== null) {
      totals.classes[row.class].taxes.push({ name: row.tax_name, percentage: row.tax_percentage, amount: money(row.tax) });
      continue;
    }
    totals.classes[row.class] = { count: row.count, net: money(row.net), tax: money(row.tax), gross: money(dec(row.net).plus(row.tax)), taxes: totals.classes[row.class].taxes };
    if (row.class !== 'payable') continue;
    totals.dimensions = { energy: money(row.energy_cost), time: money(row.time_cost), parking: money(row.parking_cost), fixed: money(row.fixed_cost), reservation: money(row.reservation_cost) };
    totals.basis = { sessions: row.sessions, kwh: dec(row.kwh).toFixed(), volume: money(row.net) };
    totals.credits = { count: row.credit_count, gross: money(row.credit_gross) };
    totals.prior_period_adjustments = { count: row.prior_count, gross: money(row.prior_gross) };
    totals.amount_payable = totals.classes.payable.gross;
  }
  return [...statements.values()];
}

/** The hub's fee lines on the period's statements: minimum and cap per schedule, payer and period. */
async function addFees(tx: Queryable, period: Period, statements: BuiltStatement[]): Promise<void> {
  const schedules = await listFeeSchedules(tx);
  if (schedules.length === 0) return;
  const billing = await allBillingDetails(tx);
  const payerOf = (role: 'CPO' | 'EMSP', party: string): Payer => ({ role, party, country: billing.get(party)?.country ?? null, province: billing.get(party)?.province ?? null });
  const bases = statements.map((s) => ({
    id: s.id,
    cpo: s.cpo,
    emsp: s.emsp,
    currency: s.currency,
    basis: { sessions: s.totals.basis.sessions, kwh: dec(s.totals.basis.kwh), volume: dec(s.totals.basis.volume) },
  }));
  const lines = periodFeeLines(schedules, bases, payerOf, period.endLocal.slice(0, 10));
  for (const statement of statements) statement.totals.fees = lines.get(statement.id)!.map(feeView);
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

/** Rewrites an open period's statements, in one statement. */
async function writeStatements(tx: Queryable, period: Period, built: BuiltStatement[]) {
  await tx.query('DELETE FROM statements WHERE period = $1', [period.label]);
  const terms = await listTerms(tx);
  const rows = built.map((s) => {
    const [cpoCountry, cpoParty] = s.cpo.split('*');
    const [emspCountry, emspParty] = s.emsp.split('*');
    const billing = termsFor(terms, s.cpo, s.emsp).billing;
    return { id: s.id, cpo_country: cpoCountry, cpo_party: cpoParty, emsp_country: emspCountry, emsp_party: emspParty, currency: s.currency, time_zone: s.timeZone, billing, totals: s.totals };
  });
  await tx.query(
    `INSERT INTO statements (id, period, cpo_country, cpo_party, emsp_country, emsp_party, currency, time_zone, billing, totals)
     SELECT r.id, $1, r.cpo_country, r.cpo_party, r.emsp_country, r.emsp_party, r.currency, r.time_zone, r.billing, r.totals
     FROM jsonb_to_recordset($2::jsonb) AS r(id text, cpo_country text, cpo_party text, emsp_country text, emsp_party text, currency text, time_zone text, billing text, totals jsonb)`,
    [period.label, JSON.stringify(rows)],
  );
}

const STEPS = 5;

/**
 * Settles an open period inside the caller's transaction: feeds the latest CDRs and audit
 * verdicts, takes the CDRs due on the period's statements and writes the statements. Writers of
 * settlement CDRs wait until the transaction ends, so every number up to the high mark is
 * committed: the ranges taken now are final.
 */
export async function settleInTransaction(tx: Queryable, period: Period, onProgress: (progress: RunProgress) => void | Promise<void> = () => undefined): Promise<RunResult> {
  const [locked] = await tx.query<{ ok: boolean }>('SELECT pg_try_advisory_xact_lock($1, hashtext(current_schema())) AS ok', [RUN_LOCK]);
  if (!locked.ok) throw new SettlementError('another settlement run is in progress', 'run_in_progress');
  await tx.query(`INSERT INTO settlement_periods (label, cadence) VALUES ($1, $2) ON CONFLICT (label) DO NOTHING`, [period.label, period.cadence]);
  const [state] = await tx.query<{ status: string }>('SELECT status FROM settlement_periods WHERE label = $1 FOR UPDATE', [period.label]);
  if (state.status === 'CLOSED') throw new SettlementError(`period ${period.label} is closed; its statements no longer change`, 'period_closed');
  await tx.query('LOCK TABLE settlement_cdrs IN SHARE MODE');
  await onProgress({ done: 0, total: STEPS, step: 'feeding CDRs from clearing' });
  await feedFromClearing(tx);
  await onProgress({ done: 1, total: STEPS, step: 'taking and summing CDRs' });
  const [high] = await tx.query<{ seq: string }>('SELECT coalesce(max(seq), 0)::text AS seq FROM settlement_cdrs');
  await takeAndSum(tx, period, high.seq);
  await onProgress({ done: 2, total: STEPS, step: 'statement totals' });
  const built = statementTotals(await periodSums(tx, period.label));
  await onProgress({ done: 3, total: STEPS, step: 'hub fees' });
  await addFees(tx, period, built);
  await onProgress({ done: 4, total: STEPS, step: 'writing statements' });
  await writeStatements(tx, period, built);
  await onProgress({ done: STEPS, total: STEPS, step: 'done' });
  const lines = built.reduce((n, s) => n + s.totals.classes.payable.count + s.totals.classes.held_back.count + s.totals.classes.written_off.count, 0);
  return { period: period.label, statements: built.length, lines, steps: STEPS };
}

/**
 * Settles a period. Re-running an open period gives the same statements plus whatever arrived
 * since; a closed period is refused.
 */
export async function settlePeriod(
  db: Database,
  label: string,
  onProgress: (progress: RunProgress) => void | Promise<void> = () => undefined,
): Promise<RunResult> {
  const period = periodOf(label);
  return db.transaction((tx) => settleInTransaction(tx, period, onProgress));
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
  liveProgress.set(run.id, { done: 0, total: STEPS, step: 'starting' });
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
