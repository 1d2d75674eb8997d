import type { Queryable } from '../../store/database.js';

/**
 * Feeds settlement from clearing: every audited CDR record (clearing_cdrs) becomes a settlement
 * CDR with the facts its statement line shows, taken from the stored CDR (location, token,
 * tariff) and its Location (time zone). Amounts are rounded to the cent (PostgreSQL's round()
 * goes half away from zero, so a credit negates its CDR exactly). The taxes are the CDR's own
 * (incl. minus excl.). A known CDR only takes the audit's latest verdict; CDRs never change.
 *
 * Audit statuses map to settlement's: DISPUTED is held back, WRITTEN_OFF is not owed, CREDITED is
 * owed (its credit is a line of its own); everything else (RECEIVED, ACCEPTED, FLAGGED, APPROVED,
 * REVISED) is owed unless the eMSP disputes it before the period closes.
 */
const FEED_SQL = `
INSERT INTO settlement_cdrs (owner_country, owner_party, cdr_id, emsp_country, emsp_party, currency, session_id,
  invoice_reference_id, start_at, end_at, time_zone, evse_uid, city, state, country, contract_id, tariff_id,
  tariff_version, energy_kwh, charging_minutes, idle_minutes, energy_cost, time_cost, parking_cost, fixed_cost,
  reservation_cost, claimed_total, computed_total, taxes, tax_total, status, credit_of)
SELECT r.country_code, r.party_id, r.cdr_id, r.emsp_country, r.emsp_party, r.currency, r.session_id,
  r.invoice_reference_id, r.start_date_time, r.end_date_time, coalesce(l.data->>'time_zone', d.time_zone), r.evse_uid,
  o.data->'cdr_location'->>'city', o.data->'cdr_location'->>'state', o.data->'cdr_location'->>'country',
  o.data->'cdr_token'->>'contract_id', o.data->'tariffs'->0->>'id', o.data->'tariffs'->0->>'last_updated',
  abs(r.total_energy),
  round((abs(r.total_time) - coalesce(abs(r.total_parking_time), 0)) * 60, 2),
  round(coalesce(abs(r.total_parking_time), 0) * 60, 2),
  ${['energy', 'time', 'parking', 'fixed', 'reservation']
    .map((d) => `round(sign(r.claimed_total_excl) * abs(coalesce((r.claimed->'total_${d}_cost'->>'before_taxes')::numeric, 0)), 2)`)
    .join(',\n  ')},
  round(r.claimed_total_excl, 2), round(r.computed_total_excl, 2),
  CASE WHEN r.claimed_total_incl IS NULL THEN '[]'::jsonb
       ELSE jsonb_build_array(jsonb_build_object('name', 'Tax', 'percentage', NULL,
              'amount', (round(r.claimed_total_incl, 2) - round(r.claimed_total_excl, 2))::text)) END,
  coalesce(round(r.claimed_total_incl, 2) - round(r.claimed_total_excl, 2), 0),
  CASE r.status WHEN 'DISPUTED' THEN 'DISPUTED' WHEN 'WRITTEN_OFF' THEN 'WRITTEN_OFF' WHEN 'CREDITED' THEN 'CREDITED' ELSE 'APPROVED' END,
  r.credits_cdr_id
FROM clearing_cdrs r
CROSS JOIN (SELECT time_zone FROM settlement_terms WHERE cpo_country IS NULL AND emsp_country IS NULL) d
LEFT JOIN objects o ON o.module = 'cdrs' AND o.country_code = r.country_code AND o.party_id = r.party_id AND o.object_id = upper(r.cdr_id)
LEFT JOIN objects l ON l.module = 'locations' AND l.country_code = r.country_code AND l.party_id = r.party_id AND l.object_id = upper(r.location_id)
WHERE r.emsp_country IS NOT NULL AND r.updated_at >= $1
ON CONFLICT (owner_country, owner_party, cdr_id) DO UPDATE SET status = EXCLUDED.status`;

const WATERMARK = 'settlement_feed_from';

/**
 * Feeds the records changed since the last feed. The watermark trails by a minute so that a
 * record committed late with an earlier updated_at is still seen; feeding twice changes nothing.
 */
export async function feedFromClearing(db: Queryable): Promise<void> {
  const [mark] = await db.query<{ value: string }>('SELECT value FROM hub_settings WHERE key = $1', [WATERMARK]);
  const [now] = await db.query<{ at: string }>(`SELECT (now() - interval '1 minute')::text AS at`);
  await db.query(FEED_SQL, [mark?.value ?? '-infinity']);
  await db.query(
    'INSERT INTO hub_settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value',
    [WATERMARK, now.at],
  );
}
