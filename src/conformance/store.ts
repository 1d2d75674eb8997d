import type { Queryable } from '../store/database.js';
import type { CheckReason, CheckReport } from './report.js';

export async function saveCheck(db: Queryable, report: CheckReport): Promise<CheckReport> {
  const [row] = await db.query<{ id: string }>(
    `INSERT INTO conformance_checks (platform_id, started_at, finished_at, verdict, cases, quirks, reason)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id::text AS id`,
    [
      report.platform_id,
      report.started_at,
      report.finished_at,
      report.verdict,
      JSON.stringify(report.cases),
      JSON.stringify(report.quirks),
      report.reason,
    ],
  );
  return { ...report, id: row.id };
}

interface CheckRow extends Omit<CheckReport, 'started_at' | 'finished_at'> {
  started_at: Date;
  finished_at: Date;
}

/** `id` leaves as text (a bigint); orderings name `conformance_checks.id`, or they would sort the text. */
const COLUMNS = 'id::text AS id, platform_id, started_at, finished_at, verdict, cases, quirks, reason';

const toReport = (row: CheckRow): CheckReport => ({
  ...row,
  started_at: new Date(row.started_at).toISOString(),
  finished_at: new Date(row.finished_at).toISOString(),
});

/** A partner's checks, newest first. */
export async function checksOf(db: Queryable, platformId: string, limit = 20): Promise<CheckReport[]> {
  const rows = await db.query<CheckRow>(`SELECT ${COLUMNS} FROM conformance_checks WHERE platform_id = $1 ORDER BY conformance_checks.id DESC LIMIT $2`, [
    platformId,
    limit,
  ]);
  return rows.map(toReport);
}

/** One check of a partner; undefined when the partner has no such check. */
export async function checkOf(db: Queryable, platformId: string, checkId: string): Promise<CheckReport | undefined> {
  if (!/^\d{1,18}$/.test(checkId)) return undefined;
  const [row] = await db.query<CheckRow>(`SELECT ${COLUMNS} FROM conformance_checks WHERE platform_id = $1 AND id = $2::bigint`, [
    platformId,
    checkId,
  ]);
  return row && toReport(row);
}

/** The latest check of a partner, in brief; undefined before its first. */
export async function latestCheckOf(
  db: Queryable,
  platformId: string,
): Promise<Pick<CheckReport, 'verdict' | 'finished_at' | 'reason'> & { id: string } | undefined> {
  const [row] = await db.query<{ id: string; verdict: CheckReport['verdict']; finished_at: Date; reason: CheckReport['reason'] }>(
    `SELECT id::text AS id, verdict, finished_at, reason FROM conformance_checks WHERE platform_id = $1 ORDER BY conformance_checks.id DESC LIMIT 1`,
    [platformId],
  );
  return row && { ...row, finished_at: new Date(row.finished_at).toISOString() };
}

const seconds = (ms: number) => ms / 1000;

/** Takes a partner's check lease unless another run holds it; false when one does. */
export async function takeLease(db: Queryable, platformId: string, leaseMs: number): Promise<boolean> {
  const rows = await db.query(
    `UPDATE platforms SET check_lease_until = now() + make_interval(secs => $2::double precision)
     WHERE id = $1 AND (check_lease_until IS NULL OR check_lease_until < now()) RETURNING id`,
    [platformId, seconds(leaseMs)],
  );
  return rows.length > 0;
}

/** Extends a lease this process holds, while its run goes on. */
export async function renewLease(db: Queryable, platformId: string, leaseMs: number): Promise<void> {
  await db.query('UPDATE platforms SET check_lease_until = now() + make_interval(secs => $2::double precision) WHERE id = $1', [
    platformId,
    seconds(leaseMs),
  ]);
}

export async function releaseLease(db: Queryable, platformId: string): Promise<void> {
  await db.query('UPDATE platforms SET check_lease_until = NULL WHERE id = $1', [platformId]);
}

/**
 * Takes the lease of the registered partner whose check is most overdue, and sets its next check:
 * after `intervalMs`, or none without a schedule. Several hub processes may claim at once: the
 * row lock (SKIP LOCKED) and the lease give each partner to one of them.
 */
export async function claimDueCheck(
  db: Queryable,
  leaseMs: number,
  intervalMs: number | null,
): Promise<{ platformId: string; reason: CheckReason } | undefined> {
  const [row] = await db.query<{ id: string; reason: CheckReason | null }>(
    `WITH due AS (
       SELECT id, check_due_reason FROM platforms
       WHERE outbound_token IS NOT NULL AND check_due_at <= now() AND (check_lease_until IS NULL OR check_lease_until < now())
       ORDER BY check_due_at LIMIT 1 FOR UPDATE SKIP LOCKED)
     UPDATE platforms p SET check_lease_until = now() + make_interval(secs => $1::double precision),
       check_due_at = CASE WHEN $2::double precision IS NULL THEN NULL ELSE now() + make_interval(secs => $2::double precision) END,
       check_due_reason = CASE WHEN $2::double precision IS NULL THEN NULL ELSE 'SCHEDULE' END
     FROM due WHERE p.id = due.id
     RETURNING p.id, due.check_due_reason AS reason`,
    [seconds(leaseMs), intervalMs === null ? null : seconds(intervalMs)],
  );
  return row && { platformId: row.id, reason: row.reason ?? 'SCHEDULE' };
}

/** On a schedule, every registered partner with no check to come gets one now. */
export async function scheduleUnscheduled(db: Queryable): Promise<void> {
  await db.query(
    `UPDATE platforms SET check_due_at = now(), check_due_reason = 'SCHEDULE'
     WHERE outbound_token IS NOT NULL AND check_due_at IS NULL`,
  );
}
