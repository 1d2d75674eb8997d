import { formatParty, type PartyRef } from '../ocpi/headers.js';
import type { Database, Queryable } from '../store/database.js';
import { recordTransition } from './audit/transitions.js';
import { toRecord, type CdrStatus, type ClearingCdrRecord } from './cdr-records.js';
import { termsFor } from './terms.js';

/**
 * The dispute lifecycle of a CDR (OCPI has none; modelled on e-clearing.net's OCHP): the audit
 * moves RECEIVED to ACCEPTED or FLAGGED; the eMSP or the operator approves or disputes; the CPO
 * revises (a credit CDR and a new CDR, linked by the audit) or writes the CDR off; a dispute left
 * open past its deadline is resolved by the agreement's rule.
 */

export type LifecycleAction = 'approve' | 'dispute' | 'write-off';

const ALLOWED: Record<LifecycleAction, { from: CdrStatus[]; to: CdrStatus }> = {
  approve: { from: ['ACCEPTED', 'FLAGGED', 'DISPUTED'], to: 'APPROVED' },
  dispute: { from: ['ACCEPTED', 'FLAGGED', 'APPROVED'], to: 'DISPUTED' },
  'write-off': { from: ['ACCEPTED', 'FLAGGED', 'DISPUTED'], to: 'WRITTEN_OFF' },
};

/** Which side of a CDR may take an action itself: the eMSP approves or disputes, the CPO writes off. */
export const ACTING_SIDE: Record<LifecycleAction, 'CPO' | 'EMSP'> = { approve: 'EMSP', dispute: 'EMSP', 'write-off': 'CPO' };

/**
 * The party (CC*PID) among `parties` that may take `action` on the CDR as its CPO or eMSP;
 * undefined when none of them is on that side. The operator acts on either side's behalf.
 */
export function actingParty(record: ClearingCdrRecord, action: LifecycleAction, parties: string[]): string | undefined {
  const side = ACTING_SIDE[action] === 'CPO' ? record.owner : record.emsp;
  const party = side && formatParty(side);
  return party && parties.includes(party) ? party : undefined;
}

/** The actions the CDR's status allows now; with `parties`, only those their side of it may take. */
export function availableActions(record: ClearingCdrRecord, parties?: string[]): LifecycleAction[] {
  return (Object.keys(ALLOWED) as LifecycleAction[]).filter(
    (action) => ALLOWED[action].from.includes(record.status) && (!parties || actingParty(record, action, parties)),
  );
}

export const DISPUTE_REASONS = ['PRICE', 'TARIFF', 'DUPLICATE', 'UNKNOWN_SESSION', 'ENERGY', 'DURATION', 'OTHER'] as const;
export type DisputeReason = (typeof DISPUTE_REASONS)[number];

export interface LifecycleRequest {
  action: LifecycleAction;
  /** Who acts: 'operator:<name>' or the party on whose behalf ('US*MS1'). */
  actor: string;
  reason?: DisputeReason;
  comment?: string;
  evidence?: unknown;
}

export class LifecycleError extends Error {
  override name = 'LifecycleError';
  constructor(
    message: string,
    readonly code: 'NOT_FOUND' | 'INVALID_TRANSITION' | 'INVALID_REQUEST',
  ) {
    super(message);
  }
}

export async function applyLifecycle(db: Database, owner: PartyRef, cdrId: string, request: LifecycleRequest): Promise<ClearingCdrRecord> {
  if (request.action === 'dispute' && !request.reason) throw new LifecycleError(`A dispute needs a reason: one of ${DISPUTE_REASONS.join(', ')}`, 'INVALID_REQUEST');
  if (request.reason && !DISPUTE_REASONS.includes(request.reason)) {
    throw new LifecycleError(`reason must be one of ${DISPUTE_REASONS.join(', ')}`, 'INVALID_REQUEST');
  }
  return db.transaction(async (tx) => {
    const [row] = await tx.query<Parameters<typeof toRecord>[0]>(
      'SELECT * FROM clearing_cdrs WHERE country_code = $1 AND party_id = $2 AND cdr_id = $3 FOR UPDATE',
      [owner.countryCode, owner.partyId, cdrId.toUpperCase()],
    );
    if (!row) throw new LifecycleError(`No CDR ${owner.countryCode}*${owner.partyId} ${cdrId}`, 'NOT_FOUND');
    const record = toRecord(row);
    const rule = ALLOWED[request.action];
    if (!rule.from.includes(record.status)) {
      throw new LifecycleError(`A ${record.status} CDR cannot be ${request.action === 'write-off' ? 'written off' : `${request.action}d`}`, 'INVALID_TRANSITION');
    }
    let deadline: Date | null = null;
    if (rule.to === 'DISPUTED') {
      const terms = await termsFor(tx, record.owner, record.emsp);
      deadline = new Date(Date.now() + terms.disputeDeadlineDays * 86_400_000);
    }
    const [updated] = await tx.query<Parameters<typeof toRecord>[0]>(
      'UPDATE clearing_cdrs SET status = $2, dispute_deadline = $3, updated_at = now() WHERE seq = $1 RETURNING *',
      [record.seq, rule.to, deadline],
    );
    await recordTransition(tx, record.seq, {
      actor: request.actor,
      action: request.action.toUpperCase().replace('-', '_'),
      from: record.status,
      to: rule.to,
      reason: request.reason,
      comment: request.comment,
      evidence: request.evidence,
    });
    return toRecord(updated);
  });
}

/** Disputes past their deadline, resolved by their agreement's rule. Returns how many. */
export async function resolveOverdueDisputes(db: Database, now = new Date()): Promise<number> {
  const rows = await db.query<Parameters<typeof toRecord>[0]>(
    `SELECT * FROM clearing_cdrs WHERE status = 'DISPUTED' AND dispute_deadline <= $1 ORDER BY seq LIMIT 500`,
    [now],
  );
  for (const record of rows.map(toRecord)) {
    await db.transaction(async (tx) => {
      const terms = await termsFor(tx, record.owner, record.emsp);
      const to: CdrStatus = terms.autoResolve === 'APPROVE' ? 'APPROVED' : 'WRITTEN_OFF';
      const changed = await tx.query(
        `UPDATE clearing_cdrs SET status = $2, updated_at = now() WHERE seq = $1 AND status = 'DISPUTED' RETURNING seq`,
        [record.seq, to],
      );
      if (changed.length === 0) return;
      const comment = `dispute open past its deadline ${record.disputeDeadline?.toISOString()}; the agreement's rule is ${terms.autoResolve}`;
      await recordTransition(tx, record.seq, { actor: 'hub', action: 'AUTO_RESOLVE', from: 'DISPUTED', to, comment });
    });
  }
  return rows.length;
}

/** Sessions that ended more than `afterMs` ago and have no CDR yet are flagged (clearing_missing_cdrs). */
export async function flagMissingCdrs(db: Queryable, afterMs: number, now = new Date()): Promise<number> {
  const flagged = await db.query(
    `INSERT INTO clearing_missing_cdrs (country_code, party_id, session_id, ended_at)
     SELECT s.country_code, s.party_id, s.object_id, (s.data->>'end_date_time')::timestamptz
     FROM objects s
     WHERE s.module = 'sessions' AND NOT s.deleted AND s.data->>'end_date_time' IS NOT NULL
       AND (s.data->>'end_date_time')::timestamptz < $1
       AND NOT EXISTS (SELECT 1 FROM clearing_cdrs c
                       WHERE c.country_code = s.country_code AND c.party_id = s.party_id AND c.session_id = s.object_id)
     ON CONFLICT DO NOTHING
     RETURNING session_id`,
    [new Date(now.getTime() - afterMs)],
  );
  return flagged.length;
}

export interface MissingCdr {
  owner: PartyRef;
  sessionId: string;
  endedAt: Date;
  flaggedAt: Date;
}

export async function listMissingCdrs(db: Queryable): Promise<MissingCdr[]> {
  const rows = await db.query<{ country_code: string; party_id: string; session_id: string; ended_at: Date; flagged_at: Date }>(
    'SELECT * FROM clearing_missing_cdrs WHERE resolved_at IS NULL ORDER BY ended_at',
  );
  return rows.map((r) => ({
    owner: { countryCode: r.country_code, partyId: r.party_id },
    sessionId: r.session_id,
    endedAt: new Date(r.ended_at),
    flaggedAt: new Date(r.flagged_at),
  }));
}
