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
const sameParties = (a: string, b: string) => PARTIES.map((column) => `${a}.${column} = ${b}.${column}`).join(' AND ');
/** The taxes of a line read by position in one pass; a line with more (rare) has them read apart. */
const SLOTS = [0, 1, 2];
const CDR_PARTIES = 'owner_country AS cpo_country, owner_party AS cpo_party, emsp_country, emsp_party, currency';

/**
 * The run of one period, in one statement: which CDRs each statement takes, and their sums.
 *
 * - `bounds`: the period's start and end in each agreement's time zone (and the hub default's).
 * - `latest`: each parties' last statement, the one a new statement starts after.
 * - `plan`: per parties already settled once: the period's own statement grows up to the run's
 *   high mark while it is their latest; it stays as it is when a later period has run since; a
 *   new statement starts after the latest one, unless that one belongs to a later period (the
 *   CDRs then wait for it).
 * - `members`: the CDRs on the period's statements, old and new.
 * - `lines`: the members summed in one pass per statement, class of line and the names and rates
 *   of the line's taxes (a handful of groups: a CDR in Quebec bears GST and QST, in Ontario HST).
 * - `line_taxes`, `sums`: from those groups, the sums per statement and class, and per tax.
 * - `ranges`: each statement's range is recorded or extended.
 *
 * $1 period label, $2 and $3 the period's local start and end, $4 its cadence, $5 the high mark.
 */
const TAKE_AND_SUM = `
WITH bounds AS (
  SELECT cpo_country, cpo_party, emsp_country, emsp_party, cadence, time_zone,
         $2::timestamp AT TIME ZONE time_zone AS starts_at, $3::timestamp AT TIME ZONE time_zone AS ends_at
  FROM settlement_terms),
defaults AS (SELECT * FROM bounds WHERE cpo_country IS NULL AND emsp_country IS NULL),
latest AS (
  SELECT DISTINCT ON (${PARTIES.join(', ')}) *
  FROM statement_ranges ORDER BY ${PARTIES.join(', ')}, through_seq DESC, ends_at DESC),
plan AS (
  SELECT ${PARTIES.map((column) => `l.${column}`).join(', ')}, o.time_zone, o.starts_at, o.ends_at,
         coalesce(o.after_seq, l.through_seq) AS after_seq, coalesce(o.after_ends_at, l.ends_at) AS after_ends_at,
         CASE WHEN o.statement_id IS NULL OR o.statement_id = l.statement_id THEN $5::bigint ELSE o.through_seq END AS through_seq,
         o.statement_id IS NULL OR o.statement_id = l.statement_id AS grows,
         l.ends_at AS latest_ends_at
  FROM latest l LEFT JOIN statement_ranges o ON o.period = $1 AND ${sameParties('o', 'l')}),
members AS (
  SELECT c.seq, c.owner_country, c.owner_party, c.emsp_country, c.emsp_party, c.currency, c.status, c.taxes, c.credit_of,
         c.claimed_total, c.tax_total, c.energy_cost, c.time_cost, c.parking_cost, c.fixed_cost, c.reservation_cost, c.energy_kwh,
         c.end_at < coalesce(p.starts_at, t.starts_at, d.starts_at) AS prior
  FROM settlement_cdrs c
  LEFT JOIN bounds t ON t.cpo_country = c.owner_country AND t.cpo_party = c.owner_party
                    AND t.emsp_country = c.emsp_country AND t.emsp_party = c.emsp_party
  CROSS JOIN defaults d
  LEFT JOIN plan p ON p.cpo_country = c.owner_country AND p.cpo_party = c.owner_party
                  AND p.emsp_country = c.emsp_country AND p.emsp_party = c.emsp_party AND p.currency = c.currency
  WHERE coalesce(t.cadence, d.cadence) = $4
    AND c.seq <= coalesce(p.through_seq, $5::bigint)
    AND c.end_at < coalesce(p.ends_at, t.ends_at, d.ends_at)
    AND NOT (c.seq <= coalesce(p.after_seq, 0) AND c.end_at < coalesce(p.after_ends_at, '-infinity'))
    AND (p.ends_at IS NOT NULL OR p.latest_ends_at IS NULL OR coalesce(t.ends_at, d.ends_at) >= p.latest_ends_at)),
lines AS (
  SELECT ${CDR_PARTIES}, class, ${SLOTS.map((i) => `t${i}_name, t${i}_percentage`).join(', ')}, rest,
         min(seq) AS first_seq, count(*)::int AS count, sum(claimed_total) AS net, sum(tax_total) AS tax,
         sum(energy_cost) AS energy_cost, sum(time_cost) AS time_cost, sum(parking_cost) AS parking_cost,
         sum(fixed_cost) AS fixed_cost, sum(reservation_cost) AS reservation_cost,
         (count(*) FILTER (WHERE credit_of IS NULL))::int AS sessions,
         coalesce(sum(energy_kwh) FILTER (WHERE credit_of IS NULL), 0) AS kwh,
         coalesce(sum(claimed_total + tax_total) FILTER (WHERE credit_of IS NOT NULL), 0) AS credit_gross,
         (count(*) FILTER (WHERE prior))::int AS prior_count,
         coalesce(sum(claimed_total + tax_total) FILTER (WHERE prior), 0) AS prior_gross,
         ${SLOTS.map((i) => `sum(t${i}_amount) AS t${i}_amount`).join(', ')}
  FROM (SELECT m.*, ${lineClassSql('m')} AS class,
               ${SLOTS.map((i) => `taxes->${i}->>'name' AS t${i}_name, taxes->${i}->>'percentage' AS t${i}_percentage, (taxes->${i}->>'amount')::numeric AS t${i}_amount`).join(',\n               ')},
               CASE WHEN jsonb_array_length(taxes) > ${SLOTS.length} THEN jsonb_path_query_array(taxes, '$[${SLOTS.length} to last]') END AS rest
        FROM members m) m
  GROUP BY owner_country, owner_party, emsp_country, emsp_party, currency, class,
           ${SLOTS.map((i) => `t${i}_name, t${i}_percentage`).join(', ')}, rest),
line_taxes AS (
  ${SLOTS.map((i) => `SELECT ${PARTIES.join(', ')}, class, t${i}_name AS name, t${i}_percentage AS percentage, t${i}_amount AS amount
  FROM lines WHERE t${i}_name IS NOT NULL`).join('\n  UNION ALL\n  ')}
  UNION ALL
  SELECT ${PARTIES.join(', ')}, class, x->>'name', x->>'percentage', (x->>'amount')::numeric * count
  FROM lines CROSS JOIN LATERAL jsonb_array_elements(rest) AS x WHERE rest IS NOT NULL),
sums AS (
  SELECT ${PARTIES.join(', ')}, class, NULL AS tax_name, NULL AS tax_percentage, min(first_seq) AS first_seq,
         sum(count)::int AS count, sum(net) AS net, sum(tax) AS tax, sum(energy_cost) AS energy_cost, sum(time_cost) AS time_cost,
         sum(parking_cost) AS parking_cost, sum(fixed_cost) AS fixed_cost, sum(reservation_cost) AS reservation_cost,
         sum(sessions)::int AS sessions, sum(kwh) AS kwh, (sum(count) - sum(sessions))::int AS credit_count,
         sum(credit_gross) AS credit_gross, sum(prior_count)::int AS prior_count, sum(prior_gross) AS prior_gross
  FROM lines GROUP BY ${PARTIES.join(', ')}, class
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
         coalesce(p.time_zone, t.time_zone, d.time_zone), coalesce(p.starts_at, t.starts_at, d.starts_at),
         coalesce(p.ends_at, t.ends_at, d.ends_at), coalesce(p.after_seq, 0), coalesce(p.after_ends_at, '-infinity'),
         $5::bigint, s.first_seq
  FROM statements s
  LEFT JOIN plan p ON ${sameParties('p', 's')}
  LEFT JOIN bounds t ON t.cpo_country = s.cpo_country AND t.cpo_party = s.cpo_party
                    AND t.emsp_country = s.emsp_country AND t.emsp_party = s.emsp_party
  CROSS JOIN defaults d
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
 * Takes the CDRs due on an open period's statements up to the high mark and writes the period's
 * sums (statement_sums), replacing those of the previous run of the period.
 */
export async function takeAndSum(tx: Queryable, period: Period, highMark: string): Promise<void> {
  await tx.query('DELETE FROM statement_sums WHERE period = $1', [period.label]);
  await tx.query(TAKE_AND_SUM, [period.label, period.startLocal, period.endLocal, period.cadence, highMark]);
}
