import { randomUUID } from 'node:crypto';
import type { PartyRef } from '../ocpi/headers.js';
import type { Queryable } from '../store/database.js';

/** Why a CPO and an eMSP may, or may not, roam on a module. */
export type AgreementBasis =
  | 'BILATERAL'
  | 'STANDARD'
  | 'BILATERAL_SUSPENDED'
  | 'MODULE_NOT_AGREED'
  | 'NO_AGREEMENT';

export interface AgreementDecision {
  allowed: boolean;
  basis: AgreementBasis;
}

export interface Agreement {
  id: string;
  cpo: PartyRef;
  emsp: PartyRef;
  /** Null: every module. */
  modules: string[] | null;
  validFrom: Date | null;
  validUntil: Date | null;
  status: 'ACTIVE' | 'SUSPENDED';
  note: string | null;
}

export interface AgreementRow {
  id: string;
  cpo_country: string;
  cpo_party: string;
  emsp_country: string;
  emsp_party: string;
  modules: string[] | null;
  valid_from: Date | null;
  valid_until: Date | null;
  status: 'ACTIVE' | 'SUSPENDED';
  note: string | null;
}

export const toAgreement = (row: AgreementRow): Agreement => ({
  id: row.id,
  cpo: { countryCode: row.cpo_country, partyId: row.cpo_party },
  emsp: { countryCode: row.emsp_country, partyId: row.emsp_party },
  modules: row.modules,
  validFrom: row.valid_from,
  validUntil: row.valid_until,
  status: row.status,
  note: row.note,
});

/**
 * The rule every route checks. A bilateral agreement in its validity window decides alone: it
 * allows its modules, and a SUSPENDED one blocks the pair. Outside its window (or without one),
 * the pair roams when both parties joined the standard agreement.
 */
export function decide(
  bilateral: Agreement | undefined,
  bothInStandard: boolean,
  module: string,
  at: Date = new Date(),
): AgreementDecision {
  if (bilateral && inWindow(bilateral, at)) {
    if (bilateral.status === 'SUSPENDED') return { allowed: false, basis: 'BILATERAL_SUSPENDED' };
    if (bilateral.modules && !bilateral.modules.includes(module)) return { allowed: false, basis: 'MODULE_NOT_AGREED' };
    return { allowed: true, basis: 'BILATERAL' };
  }
  return bothInStandard ? { allowed: true, basis: 'STANDARD' } : { allowed: false, basis: 'NO_AGREEMENT' };
}

function inWindow(agreement: Agreement, at: Date): boolean {
  return (!agreement.validFrom || agreement.validFrom <= at) && (!agreement.validUntil || agreement.validUntil > at);
}

/** Whether the CPO party and the eMSP party (any receiving role) may exchange `module` now. */
export async function agreementBetween(
  db: Queryable,
  cpo: PartyRef,
  emsp: PartyRef,
  module: string,
): Promise<AgreementDecision> {
  const [row] = await db.query<AgreementRow & { cpo_standard: boolean | null; emsp_standard: boolean | null }>(
    `SELECT a.*,
       (SELECT bool_or(standard_agreement) FROM parties WHERE country_code = $1 AND party_id = $2 AND role = 'CPO') AS cpo_standard,
       (SELECT bool_or(standard_agreement) FROM parties WHERE country_code = $3 AND party_id = $4 AND role <> 'CPO') AS emsp_standard
     FROM (SELECT 1) one
     LEFT JOIN agreements a ON a.cpo_country = $1 AND a.cpo_party = $2 AND a.emsp_country = $3 AND a.emsp_party = $4`,
    [cpo.countryCode, cpo.partyId, emsp.countryCode, emsp.partyId],
  );
  const bilateral = row.id ? toAgreement(row) : undefined;
  return decide(bilateral, row.cpo_standard === true && row.emsp_standard === true, module);
}

export interface AgreementInput {
  cpo: PartyRef;
  emsp: PartyRef;
  modules?: string[] | null;
  validFrom?: Date | null;
  validUntil?: Date | null;
  status?: 'ACTIVE' | 'SUSPENDED';
  note?: string | null;
}

export async function createAgreement(db: Queryable, input: AgreementInput): Promise<Agreement> {
  const [row] = await db.query<AgreementRow>(
    `INSERT INTO agreements (id, cpo_country, cpo_party, emsp_country, emsp_party, modules, valid_from, valid_until, status, note)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING *`,
    [
      randomUUID(),
      input.cpo.countryCode,
      input.cpo.partyId,
      input.emsp.countryCode,
      input.emsp.partyId,
      input.modules ?? null,
      input.validFrom ?? null,
      input.validUntil ?? null,
      input.status ?? 'ACTIVE',
      input.note ?? null,
    ],
  );
  return toAgreement(row);
}

export async function listAgreements(db: Queryable): Promise<Agreement[]> {
  const rows = await db.query<AgreementRow>('SELECT * FROM agreements ORDER BY created_at, id');
  return rows.map(toAgreement);
}

export async function getAgreement(db: Queryable, id: string): Promise<Agreement | undefined> {
  const [row] = await db.query<AgreementRow>('SELECT * FROM agreements WHERE id::text = $1', [id]);
  return row && toAgreement(row);
}

export type AgreementChanges = Partial<Pick<AgreementInput, 'modules' | 'validFrom' | 'validUntil' | 'status' | 'note'>>;

export async function updateAgreement(db: Queryable, id: string, changes: AgreementChanges): Promise<Agreement | undefined> {
  const current = await getAgreement(db, id);
  if (!current) return undefined;
  const next = { ...current, ...changes };
  const [row] = await db.query<AgreementRow>(
    `UPDATE agreements SET modules = $2, valid_from = $3, valid_until = $4, status = $5, note = $6, updated_at = now()
     WHERE id = $1 RETURNING *`,
    [id, next.modules ?? null, next.validFrom ?? null, next.validUntil ?? null, next.status, next.note ?? null],
  );
  return toAgreement(row);
}

export async function deleteAgreement(db: Queryable, id: string): Promise<boolean> {
  return (await db.query('DELETE FROM agreements WHERE id::text = $1 RETURNING id', [id])).length > 0;
}

/** Joins or leaves the standard agreement for every role of a party; false when no such party. */
export async function setStandardAgreement(db: Queryable, party: PartyRef, joined: boolean): Promise<boolean> {
  const rows = await db.query(
    'UPDATE parties SET standard_agreement = $3, updated_at = updated_at WHERE country_code = $1 AND party_id = $2 RETURNING id',
    [party.countryCode, party.partyId, joined],
  );
  return rows.length > 0;
}
