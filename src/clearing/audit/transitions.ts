import type { Queryable } from '../../store/database.js';
import type { CdrStatus } from '../cdr-records.js';

/** One status change of a clearing record, kept with who made it and when (clearing_cdr_history). */
export interface Transition {
  actor: string;
  action: string;
  from?: CdrStatus;
  to: CdrStatus;
  reason?: string;
  comment?: string;
  evidence?: unknown;
}

export async function recordTransition(db: Queryable, recordSeq: number, t: Transition): Promise<void> {
  await db.query(
    `INSERT INTO clearing_cdr_history (record_seq, actor, action, from_status, to_status, reason, comment, evidence)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [recordSeq, t.actor, t.action, t.from ?? null, t.to, t.reason ?? null, t.comment ?? null, t.evidence === undefined ? null : JSON.stringify(t.evidence)],
  );
}
