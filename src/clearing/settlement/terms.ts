import { randomUUID } from 'node:crypto';
import type { Queryable } from '../../store/database.js';
import type { FeeSchedule } from './fees.js';
import { dec } from './money.js';
import type { Cadence } from './periods.js';

/** How a CPO and an eMSP settle: the agreement's terms, else the hub's defaults (the row with no parties). */
export interface SettlementTerms {
  cpo: string | null;
  emsp: string | null;
  cadence: Cadence;
  timeZone: string;
  /** DIRECT: the CPO issues the invoice; SELF_BILLING: the eMSP issues a self-billing statement. */
  billing: 'DIRECT' | 'SELF_BILLING';
  paymentTermsDays: number;
  /** The hub issues invoices on the issuer's behalf: sets `invoice_reference_id` and sends the reconciliation record. */
  hubIssuesInvoices: boolean;
}

interface TermsRow {
  cpo_country: string | null;
  cpo_party: string | null;
  emsp_country: string | null;
  emsp_party: string | null;
  cadence: Cadence;
  time_zone: string;
  billing: SettlementTerms['billing'];
  payment_terms_days: number;
  hub_issues_invoices: boolean;
}

const party = (country: string | null, id: string | null) => (country && id ? `${country}*${id}` : null);
const split = (text: string | null) => (text ? (text.split('*') as [string, string]) : [null, null]);

const toTerms = (row: TermsRow): SettlementTerms => ({
  cpo: party(row.cpo_country, row.cpo_party),
  emsp: party(row.emsp_country, row.emsp_party),
  cadence: row.cadence,
  timeZone: row.time_zone,
  billing: row.billing,
  paymentTermsDays: row.payment_terms_days,
  hubIssuesInvoices: row.hub_issues_invoices,
});

export async function listTerms(db: Queryable): Promise<SettlementTerms[]> {
  const rows = await db.query<TermsRow>('SELECT * FROM settlement_terms ORDER BY cpo_country NULLS FIRST, cpo_party, emsp_country, emsp_party');
  return rows.map(toTerms);
}

/** The terms of a pair: its own, else the hub's defaults. */
export function termsFor(all: SettlementTerms[], cpo: string, emsp: string): SettlementTerms {
  return all.find((t) => t.cpo === cpo && t.emsp === emsp) ?? all.find((t) => t.cpo === null && t.emsp === null)!;
}

/** Sets the terms of a pair, or the hub's defaults when both parties are null. */
export async function saveTerms(db: Queryable, terms: SettlementTerms): Promise<void> {
  const [cpoCountry, cpoParty] = split(terms.cpo);
  const [emspCountry, emspParty] = split(terms.emsp);
  const values = [terms.cadence, terms.timeZone, terms.billing, terms.paymentTermsDays, terms.hubIssuesInvoices, cpoCountry, cpoParty, emspCountry, emspParty];
  const updated = await db.query(
    `UPDATE settlement_terms SET cadence = $1, time_zone = $2, billing = $3, payment_terms_days = $4, hub_issues_invoices = $5
     WHERE cpo_country IS NOT DISTINCT FROM $6 AND cpo_party IS NOT DISTINCT FROM $7
       AND emsp_country IS NOT DISTINCT FROM $8 AND emsp_party IS NOT DISTINCT FROM $9 RETURNING 1`,
    values,
  );
  if (updated.length > 0) return;
  await db.query(
    `INSERT INTO settlement_terms (id, cadence, time_zone, billing, payment_terms_days, hub_issues_invoices, cpo_country, cpo_party, emsp_country, emsp_party)
     VALUES ($10, $1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [...values, randomUUID()],
  );
}

interface FeeRow {
  id: string;
  cpo_country: string | null;
  cpo_party: string | null;
  emsp_country: string | null;
  emsp_party: string | null;
  currency: string;
  payer: FeeSchedule['payer'];
  per_session: string;
  per_kwh: string;
  percent: string;
  flat: string;
  minimum: string | null;
  cap: string | null;
}

const toSchedule = (row: FeeRow): FeeSchedule => ({
  id: row.id,
  cpo: party(row.cpo_country, row.cpo_party),
  emsp: party(row.emsp_country, row.emsp_party),
  currency: row.currency,
  payer: row.payer,
  perSession: dec(row.per_session),
  perKwh: dec(row.per_kwh),
  percent: dec(row.percent),
  flat: dec(row.flat),
  minimum: row.minimum === null ? null : dec(row.minimum),
  cap: row.cap === null ? null : dec(row.cap),
});

export async function listFeeSchedules(db: Queryable): Promise<FeeSchedule[]> {
  return (await db.query<FeeRow>('SELECT * FROM hub_fee_schedules ORDER BY id')).map(toSchedule);
}

export async function createFeeSchedule(db: Queryable, schedule: Omit<FeeSchedule, 'id'>): Promise<FeeSchedule> {
  const [cpoCountry, cpoParty] = split(schedule.cpo);
  const [emspCountry, emspParty] = split(schedule.emsp);
  const [row] = await db.query<FeeRow>(
    `INSERT INTO hub_fee_schedules (id, cpo_country, cpo_party, emsp_country, emsp_party, currency, payer, per_session, per_kwh, percent, flat, minimum, cap)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING *`,
    [
      randomUUID(), cpoCountry, cpoParty, emspCountry, emspParty, schedule.currency, schedule.payer,
      schedule.perSession.toFixed(), schedule.perKwh.toFixed(), schedule.percent.toFixed(), schedule.flat.toFixed(),
      schedule.minimum?.toFixed() ?? null, schedule.cap?.toFixed() ?? null,
    ],
  );
  return toSchedule(row);
}

export async function deleteFeeSchedule(db: Queryable, id: string): Promise<boolean> {
  return (await db.query('DELETE FROM hub_fee_schedules WHERE id::text = $1 RETURNING 1', [id])).length > 0;
}

/** A party's business details as its invoices show them. */
export interface BillingDetails {
  party: string;
  legalName: string;
  address: string | null;
  city: string | null;
  province: string | null;
  postalCode: string | null;
  country: string | null;
  gstHstNumber: string | null;
  qstNumber: string | null;
  usSalesTaxPermit: string | null;
  email: string | null;
}

interface BillingRow {
  country_code: string;
  party_id: string;
  legal_name: string;
  address: string | null;
  city: string | null;
  province: string | null;
  postal_code: string | null;
  country: string | null;
  gst_hst_number: string | null;
  qst_number: string | null;
  us_sales_tax_permit: string | null;
  email: string | null;
}

const toBilling = (row: BillingRow): BillingDetails => ({
  party: `${row.country_code}*${row.party_id}`,
  legalName: row.legal_name,
  address: row.address,
  city: row.city,
  province: row.province,
  postalCode: row.postal_code,
  country: row.country,
  gstHstNumber: row.gst_hst_number,
  qstNumber: row.qst_number,
  usSalesTaxPermit: row.us_sales_tax_permit,
  email: row.email,
});

export async function billingDetails(db: Queryable, partyText: string): Promise<BillingDetails | undefined> {
  const [country, id] = split(partyText);
  const [row] = await db.query<BillingRow>('SELECT * FROM party_billing WHERE country_code = $1 AND party_id = $2', [country, id]);
  return row && toBilling(row);
}

/** Every party's business details, by party (CC*PID). */
export async function allBillingDetails(db: Queryable): Promise<Map<string, BillingDetails>> {
  const rows = await db.query<BillingRow>('SELECT * FROM party_billing');
  return new Map(rows.map((row) => [`${row.country_code}*${row.party_id}`, toBilling(row)]));
}

export async function saveBillingDetails(db: Queryable, details: BillingDetails): Promise<void> {
  const [country, id] = split(details.party);
  await db.query(
    `INSERT INTO party_billing (country_code, party_id, legal_name, address, city, province, postal_code, country, gst_hst_number, qst_number, us_sales_tax_permit, email)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
     ON CONFLICT (country_code, party_id) DO UPDATE SET legal_name = EXCLUDED.legal_name, address = EXCLUDED.address, city = EXCLUDED.city,
       province = EXCLUDED.province, postal_code = EXCLUDED.postal_code, country = EXCLUDED.country, gst_hst_number = EXCLUDED.gst_hst_number,
       qst_number = EXCLUDED.qst_number, us_sales_tax_permit = EXCLUDED.us_sales_tax_permit, email = EXCLUDED.email`,
    [country, id, details.legalName, details.address, details.city, details.province, details.postalCode, details.country,
      details.gstHstNumber, details.qstNumber, details.usSalesTaxPermit, details.email],
  );
}
