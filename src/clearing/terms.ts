import type { PartyRef } from '../ocpi/headers.js';
import type { Queryable } from '../store/database.js';
import { DEFAULT_POLICY, type PricingPolicy } from './pricing/policy.js';

/**
 * Clearing terms between a CPO and an eMSP (table clearing_terms): how closely a CDR must match the
 * hub's price, how prices are computed, and how long a dispute may stay open. Terms for the pair
 * win over the CPO's terms with everyone, which win over these defaults.
 */
export interface ClearingTerms {
  /** A claimed amount within this of the computed one (in the CDR's currency) is not a divergence. */
  tolerance: string;
  policy: PricingPolicy;
  /** Days a dispute may stay open before the rule below resolves it. */
  disputeDeadlineDays: number;
  /**
   * What an unanswered dispute becomes: WRITE_OFF (the CPO did not defend its CDR, so the eMSP does
   * not pay it) or APPROVE (the CDR stands as claimed).
   */
  autoResolve: 'WRITE_OFF' | 'APPROVE';
}

export const DEFAULT_TERMS: ClearingTerms = {
  tolerance: '0.01',
  policy: DEFAULT_POLICY,
  disputeDeadlineDays: 30,
  autoResolve: 'WRITE_OFF',
};

export type TermsInput = Partial<Omit<ClearingTerms, 'policy'>> & { policy?: Partial<PricingPolicy> };

export function withDefaults(input: TermsInput = {}): ClearingTerms {
  return { ...DEFAULT_TERMS, ...input, policy: { ...DEFAULT_POLICY, ...input.policy } };
}

/** Terms as the operator stored them: the CPO's with everyone (no eMSP) or a pair's. */
export interface StoredTerms {
  cpo: PartyRef;
  emsp?: PartyRef;
  terms: TermsInput;
  updatedAt: Date;
}

interface TermsRow {
  cpo_country: string;
  cpo_party: string;
  emsp_country: string | null;
  emsp_party: string | null;
  terms: TermsInput;
  updated_at: Date;
}

const storedOf = (row: TermsRow): StoredTerms => ({
  cpo: { countryCode: row.cpo_country, partyId: row.cpo_party },
  ...(row.emsp_country && row.emsp_party ? { emsp: { countryCode: row.emsp_country, partyId: row.emsp_party } } : {}),
  terms: row.terms,
  updatedAt: new Date(row.updated_at),
});

export async function listStoredTerms(db: Queryable): Promise<StoredTerms[]> {
  const rows = await db.query<TermsRow>(`SELECT * FROM clearing_terms ORDER BY cpo_country, cpo_party, emsp_country NULLS FIRST, emsp_party`);
  return rows.map(storedOf);
}

/** The terms that apply to a CPO (and an eMSP), with the stored terms they come from: none means the defaults. */
export async function effectiveTerms(db: Queryable, cpo: PartyRef, emsp?: PartyRef): Promise<{ terms: ClearingTerms; layers: StoredTerms[] }> {
  const rows = await db.query<TermsRow>(
    `SELECT * FROM clearing_terms
     WHERE cpo_country = $1 AND cpo_party = $2
       AND ((emsp_country = $3 AND emsp_party = $4) OR emsp_country IS NULL)
     ORDER BY emsp_country NULLS FIRST`,
    [cpo.countryCode, cpo.partyId, emsp?.countryCode ?? null, emsp?.partyId ?? null],
  );
  // The CPO's general terms first, then the pair's on top.
  const merged = rows.reduce<TermsInput>((acc, row) => ({ ...acc, ...row.terms, policy: { ...acc.policy, ...row.terms.policy } }), {});
  return { terms: withDefaults(merged), layers: rows.map(storedOf) };
}

export async function termsFor(db: Queryable, cpo: PartyRef, emsp?: PartyRef): Promise<ClearingTerms> {
  return (await effectiveTerms(db, cpo, emsp)).terms;
}

export async function setTerms(db: Queryable, cpo: PartyRef, emsp: PartyRef | undefined, terms: TermsInput): Promise<void> {
  await db.query(
    `INSERT INTO clearing_terms (cpo_country, cpo_party, emsp_country, emsp_party, terms) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (cpo_country, cpo_party, coalesce(emsp_country, ''), coalesce(emsp_party, ''))
     DO UPDATE SET terms = EXCLUDED.terms, updated_at = now()`,
    [cpo.countryCode, cpo.partyId, emsp?.countryCode ?? null, emsp?.partyId ?? null, JSON.stringify(terms)],
  );
}

/** Back to the defaults (or to the CPO's terms, for a pair); false when nothing was stored. */
export async function deleteTerms(db: Queryable, cpo: PartyRef, emsp?: PartyRef): Promise<boolean> {
  const rows = await db.query(
    `DELETE FROM clearing_terms WHERE cpo_country = $1 AND cpo_party = $2
       AND coalesce(emsp_country, '') = coalesce($3::text, '') AND coalesce(emsp_party, '') = coalesce($4::text, '') RETURNING id`,
    [cpo.countryCode, cpo.partyId, emsp?.countryCode ?? null, emsp?.partyId ?? null],
  );
  return rows.length > 0;
}
