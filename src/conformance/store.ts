import type { Queryable } from '../store/database.js';
import type { CheckReport } from './report.js';

export async function saveCheck(db: Queryable, report: CheckReport): Promise<CheckReport> {
  const [row] = await db.query<{ id: string }>(
    `INSERT INTO conformance_checks (platform_id, started_at, finished_at, verdict, cases, quirks)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id::text AS id`,
    [report.platform_id, report.started_at, report.finished_at, report.verdict, JSON.stringify(report.cases), JSON.stringify(report.quirks)],
  );
  return { ...report, id: row.id };
}

/** A partner's checks, newest first. */
export async function checksOf(db: Queryable, platformId: string, limit = 20): Promise<CheckReport[]> {
  const rows = await db.query<{
    id: string;
    platform_id: string;
    started_at: Date;
    finished_at: Date;
    verdict: CheckReport['verdict'];
    cases: CheckReport['cases'];
    quirks: CheckReport['quirks'];
  }>(
    `SELECT id::text AS id, platform_id, started_at, finished_at, verdict, cases, quirks
     FROM conformance_checks WHERE platform_id = $1 ORDER BY id DESC LIMIT $2`,
    [platformId, limit],
  );
  return rows.map((row) => ({
    ...row,
    started_at: new Date(row.started_at).toISOString(),
    finished_at: new Date(row.finished_at).toISOString(),
  }));
}
