import type { Queryable } from '../../store/database.js';
import type { TaxRate } from '../pricing/taxes.js';
import { termsFor } from '../terms.js';
import { recordSettlementCdrs, type SettlementCdr } from './cdrs.js';
import { dec } from './money.js';
import type { CdrFigures } from './statement-model.js';
import { estimate, itemizeTax, tableEstimates, unnamedTax } from './line-taxes.js';

/**
 * Feeds settlement from clearing: every audited CDR record (clearing_cdrs) becomes a settlement
 * CDR with the facts its statement line shows, taken from the stored CDR (location, token,
 * tariff) and its Location (time zone). Amounts are rounded to the cent (PostgreSQL's round()
 * goes half away from zero, so a credit negates its CDR exactly). The CDR's tax total (incl minus
 * excl) is itemized per tax: by the audit's price when the tariff priced it, else by the tax table
 * of the location's jurisdiction. A known CDR only takes the audit's latest verdict.
 *
 * Audit statuses map to settlement's: DISPUTED is held back, WRITTEN_OFF is not owed, CREDITED is
 * owed (its credit is a line of its own); everything else (RECEIVED, ACCEPTED, FLAGGED, APPROVED,
 * REVISED) is owed unless the eMSP disputes it before the period closes.
 */
const CHANGED_RECORDS = `
SELECT r.seq::text AS record_seq, r.country_code, r.party_id, r.cdr_id, r.emsp_country, r.emsp_party, r.currency, r.session_id,
  r.invoice_reference_id, r.start_date_time AS start_at, r.end_date_time AS end_at, z.time_zone, r.evse_uid,
  o.data->'cdr_location'->>'city' AS city, o.data->'cdr_location'->>'state' AS state, o.data->'cdr_location'->>'country' AS country,
  o.data->'cdr_token'->>'contract_id' AS contract_id, o.data->'tariffs'->0->>'id' AS tariff_id,
  o.data->'tariffs'->0->>'last_updated' AS tariff_version,
  abs(r.total_energy)::text AS energy_kwh,
  round((abs(r.total_time) - coalesce(abs(r.total_parking_time), 0)) * 60, 2)::text AS charging_minutes,
  round(coalesce(abs(r.total_parking_time), 0) * 60, 2)::text AS idle_minutes,
  ${['energy', 'time', 'parking', 'fixed', 'reservation']
    .map((d) => `round(sign(r.claimed_total_excl) * abs(coalesce((r.claimed->'total_${d}_cost'->>'before_taxes')::numeric, 0)), 2)::text AS ${d}_cost`)
    .join(',\n  ')},
  round(r.claimed_total_excl, 2)::text AS claimed_total, round(r.computed_total_excl, 2)::text AS computed_total,
  coalesce(round(r.claimed_total_incl, 2) - round(r.claimed_total_excl, 2), 0)::text AS tax_total,
  r.audit->'priced'->'total_cost'->'taxes' AS computed_taxes,
  to_char(r.start_date_time AT TIME ZONE z.time_zone, 'YYYY-MM-DD') AS start_date,
  CASE r.status WHEN 'DISPUTED' THEN 'DISPUTED' WHEN 'WRITTEN_OFF' THEN 'WRITTEN_OFF' WHEN 'CREDITED' THEN 'CREDITED' ELSE 'APPROVED' END AS status,
  r.credits_cdr_id
FROM clearing_cdrs r
CROSS JOIN (SELECT time_zone FROM settlement_terms WHERE cpo_country IS NULL AND emsp_country IS NULL) d
LEFT JOIN objects o ON o.module = 'cdrs' AND o.country_code = r.country_code AND o.party_id = r.party_id AND o.object_id = upper(r.cdr_id)
LEFT JOIN objects l ON l.module = 'locations' AND l.country_code = r.country_code AND l.party_id = r.party_id AND l.object_id = upper(r.location_id)
CROSS JOIN LATERAL (SELECT coalesce(l.data->>'time_zone', d.time_zone) AS time_zone) z
WHERE r.emsp_country IS NOT NULL AND r.updated_at >= $1 AND r.seq > $2::bigint
ORDER BY r.seq LIMIT $3`;

interface RecordRow extends CdrFigures {
  record_seq: string;
  country_code: string;
  party_id: string;
  emsp_country: string;
  emsp_party: string;
  currency: string;
  start_at: Date | string;
  end_at: Date | string;
  tax_total: string;
  computed_taxes: Array<{ name: string; percentage?: number; amount: number }> | null;
  start_date: string;
  status: SettlementCdr['status'];
  credits_cdr_id: string | null;
}

const WATERMARK = 'settlement_feed_from';
const PAGE = 500;
const iso = (value: Date | string) => new Date(value).toISOString();

/** The settlement CDR of a clearing record, its tax total itemized. */
async function settlementCdr(row: RecordRow, extraRates: (row: RecordRow) => Promise<readonly TaxRate[]>): Promise<SettlementCdr> {
  const owner = `${row.country_code}*${row.party_id}`;
  const emsp = `${row.emsp_country}*${row.emsp_party}`;
  const byAudit = (row.computed_taxes ?? []).map((t) => estimate(t.name, t.percentage, t.amount));
  const estimates = byAudit.length > 0 ? byAudit : tableEstimates(dec(row.claimed_total), row.country, row.state, row.start_date, await extraRates(row));
  const taxes = itemizeTax(dec(row.tax_total), estimates, unnamedTax(row.country), row.currency);
  return {
    owner, cdrId: row.cdr_id, emsp, currency: row.currency, sessionId: row.session_id, invoiceReferenceId: row.invoice_reference_id,
    startAt: iso(row.start_at), endAt: iso(row.end_at), timeZone: row.time_zone, evseUid: row.evse_uid, city: row.city, state: row.state,
    country: row.country, contractId: row.contract_id, tariffId: row.tariff_id, tariffVersion: row.tariff_version,
    energyKwh: row.energy_kwh, chargingMinutes: row.charging_minutes, idleMinutes: row.idle_minutes, energyCost: row.energy_cost,
    timeCost: row.time_cost, parkingCost: row.parking_cost, fixedCost: row.fixed_cost, reservationCost: row.reservation_cost,
    claimedTotal: row.claimed_total, computedTotal: row.computed_total, taxes, taxTotal: dec(row.tax_total).toFixed(2),
    status: row.status, creditOf: row.credits_cdr_id,
  };
}

/**
 * Feeds the records changed since the last feed, a page at a time. The watermark trails by a
 * minute so that a record committed late with an earlier updated_at is still seen; feeding twice
 * changes nothing.
 */
export async function feedFromClearing(db: Queryable): Promise<void> {
  const [mark] = await db.query<{ value: string }>('SELECT value FROM hub_settings WHERE key = $1', [WATERMARK]);
  const [now] = await db.query<{ at: string }>(`SELECT (now() - interval '1 minute')::text AS at`);
  // The operator's extra tax rates (US sales taxes) are clearing terms, per CPO and eMSP.
  const ratesByPair = new Map<string, readonly TaxRate[]>();
  const extraRates = async (row: RecordRow) => {
    const key = [row.country_code, row.party_id, row.emsp_country, row.emsp_party].join('*');
    if (!ratesByPair.has(key)) {
      const terms = await termsFor(db, { countryCode: row.country_code, partyId: row.party_id }, { countryCode: row.emsp_country, partyId: row.emsp_party });
      ratesByPair.set(key, terms.policy.extraTaxRates);
    }
    return ratesByPair.get(key)!;
  };
  for (let after = '0'; ; ) {
    const rows = await db.query<RecordRow>(CHANGED_RECORDS, [mark?.value ?? '-infinity', after, PAGE]);
    const cdrs: SettlementCdr[] = [];
    for (const row of rows) cdrs.push(await settlementCdr(row, extraRates));
    await recordSettlementCdrs(db, cdrs);
    if (rows.length < PAGE) break;
    after = rows[rows.length - 1].record_seq;
  }
  await db.query(
    'INSERT INTO hub_settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value',
    [WATERMARK, now.at],
  );
}
