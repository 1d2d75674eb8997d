import type { Queryable } from '../../store/database.js';
import type { Period } from './periods.js';

/**
 * Statement membership by ranges of the CDR sequence (migration 061): a statement holds the CDRs
 * of its parties numbered up to `through_seq` that ended before `ends_at`, less those an earlier
 * statement had taken (numbered up to `after_seq`, ended before `after_ends_at`). No row per CDR:
 * a run writes one range per statement and sums its CDRs in one pass.
 */

/** The SQL condition "CDR `c` (settlement_cdrs) is on the statement of range `r` (statement_ranges)". */
export const inRange = (c: string, r: string) => `
  ${c}.owner_country = ${r}.cpo_country AND ${c}.owner_party = ${r}.cpo_party
  AND ${c}.emsp_country = ${r}.emsp_country AND ${c}.emsp_party = ${r}.emsp_party AND ${c}.currency = ${r}.currency
  AND ${c}.seq <= ${r}.through_seq AND ${c}.end_at < ${r}.ends_at
  AND NOT (${c}.seq <= ${r}.after_seq AND ${c}.end_at < ${r}.after_ends_at)`;

/** How a line counts, from its CDR's status (`c` is settlement_cdrs): disputed amounts are held back. */
export const lineClassSql = (c: string) =>
  `CASE ${c}.status WHEN 'DISPUTED' THEN 'held_back' WHEN 'WRITTEN_OFF' THEN 'written_off' ELSE 'payable' END`;

const PARTIES = ['cpo_country', 'cpo_party', 'emsp_country', 'emsp_party', 'currency'];
const AGREEMENT = ['cpo_country', 'cpo_party', 'emsp_country', 'emsp_party'];
const same = (columns: string[], a: string, b: string) => columns.map((column) => `${a}.${column} = ${b}.${column}`).join(' AND ');
/** The CDR's columns (settlement_cdrs.owner_*) matched against a parties' row. */
const ofCdr = (columns: string[], c: string, r: string) =>
  columns.map((column) => `${c}.${column.replace('cpo_', 'owner_')} = ${r}.${column}`).join(' AND ');
/** The taxes of a line read by position in the one pass; the few lines with more have the rest read apart. */
const SLOTS = [0, 1];

/**
 * Where each parties' statement of this period starts and stops, for the parties settled before:
 * the period's own statement grows up to the run's high mark while it is their latest; it stays as
 * it is once a later period has run for them; a new statement starts after their latest one,
 * unless that one belongs to a later period (the CDRs then wait for it). $1 period label, $2 the
 * high mark.
 */
const PLAN = `
WITH latest AS (
  SELECT DISTINCT ON (${PARTIES.join(', ')}) *
  FROM statement_ranges ORDER BY ${PARTIES.join(', ')}, through_seq DESC, ends_at DESC)
SELECT ${PARTIES.map((column) => `l.${column}`).join(', ')}, o.time_zone, o.starts_at, o.ends_at,
       coalesce(o.after_seq, l.through_seq) AS after_seq, coalesce(o.after_ends_at, l.ends_at) AS after_ends_at,
       CASE WHEN o.statement_id IS NULL OR o.statement_id = l.statement_id THEN $2::bigint ELSE o.through_seq END AS through_seq,
       o.statement_id IS NULL OR o.statement_id = l.statement_id AS grows,
       l.ends_at AS latest_ends_at
FROM latest l LEFT JOIN statement_ranges o ON o.period = $1 AND ${same(PARTIES, 'o', 'l')}`;

/** The plan as the run's queries read it back: `p`, from the JSON parameter $n. */
const planRows = (n: number) => `jsonb_to_recordset($${n}::jsonb) AS p(cpo_country text, cpo_party text, emsp_country text,
  emsp_party text, currency text, time_zone text, starts_at timestamptz, ends_at timestamptz, after_seq bigint,
  after_ends_at timestamptz, through_seq bigint, grows boolean, latest_ends_at timestamptz)`;

/** The period's bounds in each agreement's own terms. $1, $2: its local start and end. */
const AGREEMENT_BOUNDS = `
SELECT ${AGREEMENT.join(', ')}, cadence, time_zone,
       $1::timestamp AT TIME ZONE time_zone AS starts_at, $2::timestamp AT TIME ZONE time_zone AS ends_at
FROM settlement_terms WHERE cpo_country IS NOT NULL`;

/** The agreements' bounds as the run's queries read them back: `t`, from the JSON parameter $n. */
const boundsRows = (n: number) => `jsonb_to_recordset($${n}::jsonb) AS t(cpo_country text, cpo_party text, emsp_country text,
  emsp_party text, cadence text, time_zone text, starts_at timestamptz, ends_at timestamptz)`;

/** The period's bounds in the hub's default terms. */
const DEFAULT_BOUNDS = `
SELECT cadence, time_zone, ($1::timestamp AT TIME ZONE time_zone)::text AS starts_at, ($2::timestamp AT TIME ZONE time_zone)::text AS ends_at
FROM settlement_terms WHERE cpo_country IS NULL AND emsp_country IS NULL`;

/**
 * The one pass over the CDRs, into a temporary table (so that it may run in parallel, which a
 * query that writes may not): the CDRs on the period's statements, old and new, by the plan, the
 * agreement's bounds or the default ones, summed per statement, status and the names and rates of
 * the line's taxes (a handful of groups: a CDR in Quebec bears GST and QST, in Ontario HST).
 *
 * $1 the period's cadence, $2 the high mark, $3..$5 the default terms' cadence and the period's
 * start and end in them, then the plan and the agreements' bounds when there are any.
 */
function linesQuery(values: unknown[], plan: object[], agreements: object[]): [string, unknown[]] {
  // Without a plan or agreements, their columns are NULL and the pass joins nothing.
  const params = [...values];
  const joined = (rows: object[]) => (rows.length > 0 ? params.push(JSON.stringify(rows)) : 0);
  const [planParam, agreementsParam] = [joined(plan), joined(agreements)];
  const p = (column: string) => (planParam ? `p.${column}` : 'NULL');
  const t = (column: string) => (agreementsParam ? `t.${column}` : 'NULL');
  const sql = `
CREATE TEMP TABLE settlement_lines ON COMMIT DROP AS
SELECT owner_country AS cpo_country, owner_party AS cpo_party, emsp_country, emsp_party, currency, status,
       ${SLOTS.map((i) => `t${i}_name, t${i}_percentage`).join(', ')}, rest,
       min(seq) AS first_seq, count(*)::int AS count, sum(claimed_total) AS net, sum(tax_total) AS tax,
       sum(energy_cost) AS energy_cost, sum(time_cost) AS time_cost, sum(parking_cost) AS parking_cost,
       sum(fixed_cost) AS fixed_cost, sum(reservation_cost) AS reservation_cost,
       (count(*) FILTER (WHERE credit_of IS NULL))::int AS sessions,
       coalesce(sum(energy_kwh) FILTER (WHERE credit_of IS NULL), 0) AS kwh,
       coalesce(sum(claimed_total + tax_total) FILTER (WHERE credit_of IS NOT NULL), 0) AS credit_gross,
       (count(*) FILTER (WHERE prior))::int AS prior_count,
       coalesce(sum(claimed_total + tax_total) FILTER (WHERE prior), 0) AS prior_gross,
       ${SLOTS.map((i) => `sum(t${i}_amount) AS t${i}_amount`).join(', ')}
FROM (
  SELECT c.seq, c.owner_country, c.owner_party, c.emsp_country, c.emsp_party, c.currency, c.status, c.credit_of,
         c.claimed_total, c.tax_total, c.energy_cost, c.time_cost, c.parking_cost, c.fixed_cost, c.reservation_cost, c.energy_kwh,
         c.end_at < coalesce(${p('starts_at')}, ${t('starts_at')}, $4::timestamptz) AS prior,
         ${SLOTS.map((i) => `c.taxes->${i}->>'name' AS t${i}_name, c.taxes->${i}->>'percentage' AS t${i}_percentage, (c.taxes->${i}->>'amount')::numeric AS t${i}_amount`).join(',\n         ')},
         CASE WHEN jsonb_array_length(c.taxes) > ${SLOTS.length} THEN jsonb_path_query_array(c.taxes, '$[${SLOTS.length} to last]') END AS rest
  FROM settlement_cdrs c
  ${agreementsParam ? `LEFT JOIN ${boundsRows(agreementsParam)} ON ${ofCdr(AGREEMENT, 'c', 't')}` : ''}
  ${planParam ? `LEFT JOIN ${planRows(planParam)} ON ${ofCdr(PARTIES, 'c', 'p')}` : ''}
  -- One condition, as the planner cannot estimate its parts (it would take each for a third of the
  -- CDRs, their product for a few, and gather them all into one process to aggregate).
  WHERE CASE WHEN coalesce(${t('cadence')}, $3) = $1
              AND c.seq <= coalesce(${p('through_seq')}, $2::bigint)
              AND c.end_at < coalesce(${p('ends_at')}, ${t('ends_at')}, $5::timestamptz)
              AND NOT (c.seq <= coalesce(${p('after_seq')}, 0) AND c.end_at < coalesce(${p('after_ends_at')}, '-infinity'::timestamptz))
              AND (${p('ends_at')} IS NOT NULL OR ${p('latest_ends_at')} IS NULL OR coalesce(${t('ends_at')}, $5::timestamptz) >= ${p('latest_ends_at')})
             THEN true ELSE false END
) m
GROUP BY owner_country, owner_party, emsp_country, emsp_party, currency, status,
         ${SLOTS.map((i) => `t${i}_name, t${i}_percentage`).join(', ')}, rest`;
  return [sql, params];
}

/**
 * From the pass's groups: the sums per statement and class of line, and per tax, into
 * statement_sums; each statement's range is recorded or extended.
 *
 * $1 period label, $2 the high mark, $3..$5 the default terms' time zone and the period's start
 * and end in them, $6 the plan, $7 the agreements' bounds.
 */
const SUMS = `
WITH classed AS (SELECT l.*, ${lineClassSql('l')} AS class FROM settlement_lines l),
line_taxes AS (
  ${SLOTS.map((i) => `SELECT ${PARTIES.join(', ')}, class, t${i}_name AS name, t${i}_percentage AS percentage, t${i}_amount AS amount
  FROM classed WHERE t${i}_name IS NOT NULL`).join('\n  UNION ALL\n  ')}
  UNION ALL
  SELECT ${PARTIES.join(', ')}, class, x->>'name', x->>'percentage', (x->>'amount')::numeric * count
  FROM classed CROSS JOIN LATERAL jsonb_array_elements(rest) AS x WHERE rest IS NOT NULL),
sums AS (
  SELECT ${PARTIES.join(', ')}, class, NULL AS tax_name, NULL AS tax_percentage, min(first_seq) AS first_seq,
         sum(count)::int AS count, sum(net) AS net, sum(tax) AS tax, sum(energy_cost) AS energy_cost, sum(time_cost) AS time_cost,
         sum(parking_cost) AS parking_cost, sum(fixed_cost) AS fixed_cost, sum(reservation_cost) AS reservation_cost,
         sum(sessions)::int AS sessions, sum(kwh) AS kwh, (sum(count) - sum(sessions))::int AS credit_count,
         sum(credit_gross) AS credit_gross, sum(prior_count)::int AS prior_count, sum(prior_gross) AS prior_gross
  FROM classed GROUP BY ${PARTIES.join(', ')}, class
  UNION ALL
  SELECT ${PARTIES.join(', ')}, class, name, percentage, NULL, 0, 0, sum(amount), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
  FROM line_taxes GROUP BY ${PARTIES.join(', ')}, class, name, percentage),
statements AS (
  SELECT ${PARTIES.join(', ')}, min(first_seq) AS first_seq,
         $1 || '-' || cpo_country || cpo_party || '-' || emsp_country || emsp_party || '-' || currency AS statement_id
  FROM sums GROUP BY ${PARTIES.join(', ')}),
ranges AS (
  INSERT INTO statement_ranges (statement_id, period, ${PARTIES.join(', ')}, time_zone, starts_at, ends_at,
                                after_seq, after_ends_at, through_seq, first_seq)
  SELECT s.statement_id, $1, ${PARTIES.map((column) => `s.${column}`).join(', ')},
         coalesce(p.time_zone, t.time_zone, $3), coalesce(p.starts_at, t.starts_at, $4::timestamptz),
         coalesce(p.ends_at, t.ends_at, $5::timestamptz), coalesce(p.after_seq, 0), coalesce(p.after_ends_at, '-infinity'),
         $2::bigint, s.first_seq
  FROM statements s
  LEFT JOIN ${planRows(6)} ON ${same(PARTIES, 'p', 's')}
  LEFT JOIN ${boundsRows(7)} ON ${same(AGREEMENT, 't', 's')}
  WHERE p.grows IS NOT FALSE
  ON CONFLICT (statement_id) DO UPDATE
    SET through_seq = EXCLUDED.through_seq, first_seq = least(statement_ranges.first_seq, EXCLUDED.first_seq))
INSERT INTO statement_sums (statement_id, period, class, tax_name, tax_percentage, count, net, tax, energy_cost, time_cost,
  parking_cost, fixed_cost, reservation_cost, sessions, kwh, credit_count, credit_gross, prior_count, prior_gross)
SELECT $1 || '-' || cpo_country || cpo_party || '-' || emsp_country || emsp_party || '-' || currency, $1, class,
       tax_name, tax_percentage, count, net, tax, energy_cost, time_cost, parking_cost, fixed_cost, reservation_cost,
       sessions, kwh, credit_count, credit_gross, prior_count, prior_gross
FROM sums`;

/**
 * How the pass is planned. The planner cannot tell how many CDRs the bounds let through, so left
 * alone it may sort them all to merge-join the plan or to group them: it is given the memory to
 * hash instead, and merge joins are ruled out. The pass runs once per run: compiling it (JIT)
 * does not pay.
 */
const ONE_PASS = { work_mem: '256MB', enable_mergejoin: 'off', jit: 'off' };

/**
 * Takes the CDRs due on an open period's statements up to the high mark and writes the period's
 * sums (statement_sums), replacing those of the previous run of the period. The plan and the
 * agreements' bounds (a row per parties, not per CDR) go to the pass as JSON, joined by hash.
 */
export async function takeAndSum(tx: Queryable, period: Period, highMark: string): Promise<void> {
  await tx.query('DELETE FROM statement_sums WHERE period = $1', [period.label]);
  const plan = await tx.query(PLAN, [period.label, highMark]);
  const agreements = await tx.query(AGREEMENT_BOUNDS, [period.startLocal, period.endLocal]);
  const [defaults] = await tx.query<{ cadence: string; time_zone: string; starts_at: string; ends_at: string }>(DEFAULT_BOUNDS, [period.startLocal, period.endLocal]);
  for (const [name, value] of Object.entries(ONE_PASS)) await tx.query(`SET LOCAL ${name} = '${value}'`);
  await tx.query(...linesQuery([period.cadence, highMark, defaults.cadence, defaults.starts_at, defaults.ends_at], plan, agreements));
  for (const name of Object.keys(ONE_PASS)) await tx.query(`RESET ${name}`);
  await tx.query(SUMS, [period.label, highMark, defaults.time_zone, defaults.starts_at, defaults.ends_at, JSON.stringify(plan), JSON.stringify(agreements)]);
  await tx.query('DROP TABLE settlement_lines');
}
