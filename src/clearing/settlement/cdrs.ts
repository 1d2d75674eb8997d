import type { Queryable } from '../../store/database.js';
import { inRange } from './ranges.js';

/**
 * What settlement needs of a CDR, whatever store it comes from. Amounts are decimal strings in the
 * CDR's currency, excluding taxes, at the currency's minor unit; a credit CDR's are negative.
 */
export interface SettlementCdr {
  owner: string; // CPO party, CC*PID
  cdrId: string;
  emsp: string; // eMSP party, CC*PID
  currency: string;
  sessionId: string | null;
  invoiceReferenceId: string | null;
  startAt: string; // RFC 3339
  endAt: string;
  timeZone: string; // IANA, the location's
  evseUid: string | null;
  city: string | null;
  state: string | null;
  country: string | null;
  contractId: string | null;
  tariffId: string | null;
  tariffVersion: string | null;
  energyKwh: string;
  chargingMinutes: string;
  idleMinutes: string;
  energyCost: string;
  timeCost: string;
  parkingCost: string;
  fixedCost: string;
  reservationCost: string;
  claimedTotal: string;
  computedTotal: string | null;
  taxes: Array<{ name: string; percentage: string | null; amount: string }>;
  taxTotal: string;
  /** The audit's verdict as settlement reads it. */
  status: 'APPROVED' | 'CREDITED' | 'DISPUTED' | 'WRITTEN_OFF';
  /** For a credit CDR: the id of the CDR it credits. */
  creditOf: string | null;
}

const COLUMNS = [
  'owner_country', 'owner_party', 'cdr_id', 'emsp_country', 'emsp_party', 'currency', 'session_id',
  'invoice_reference_id', 'start_at', 'end_at', 'time_zone', 'evse_uid', 'city', 'state', 'country',
  'contract_id', 'tariff_id', 'tariff_version', 'energy_kwh', 'charging_minutes', 'idle_minutes',
  'energy_cost', 'time_cost', 'parking_cost', 'fixed_cost', 'reservation_cost', 'claimed_total',
  'computed_total', 'taxes', 'tax_total', 'status', 'credit_of',
] as const;

const split = (party: string) => party.split('*') as [string, string];

function values(cdr: SettlementCdr): unknown[] {
  const [ownerCountry, ownerParty] = split(cdr.owner);
  const [emspCountry, emspParty] = split(cdr.emsp);
  return [
    ownerCountry, ownerParty, cdr.cdrId, emspCountry, emspParty, cdr.currency, cdr.sessionId,
    cdr.invoiceReferenceId, cdr.startAt, cdr.endAt, cdr.timeZone, cdr.evseUid, cdr.city, cdr.state, cdr.country,
    cdr.contractId, cdr.tariffId, cdr.tariffVersion, cdr.energyKwh, cdr.chargingMinutes, cdr.idleMinutes,
    cdr.energyCost, cdr.timeCost, cdr.parkingCost, cdr.fixedCost, cdr.reservationCost, cdr.claimedTotal,
    cdr.computedTotal, JSON.stringify(cdr.taxes), cdr.taxTotal, cdr.status, cdr.creditOf,
  ];
}

/**
 * Records CDRs for settlement. A CDR already known keeps its facts (CDRs never change in OCPI);
 * only its status follows the audit, until the period of its statement closes.
 */
export async function recordSettlementCdrs(db: Queryable, cdrs: SettlementCdr[]): Promise<void> {
  if (cdrs.length === 0) return;
  const width = COLUMNS.length;
  const placeholders = cdrs.map((_, row) => `(${COLUMNS.map((__, col) => `$${row * width + col + 1}`).join(', ')})`);
  await db.query(
    `INSERT INTO settlement_cdrs (${COLUMNS.join(', ')}) VALUES ${placeholders.join(', ')}
     ON CONFLICT (owner_country, owner_party, cdr_id) DO UPDATE SET status = EXCLUDED.status
     WHERE settlement_cdrs.status <> EXCLUDED.status AND NOT EXISTS (
       SELECT 1 FROM statement_ranges r JOIN settlement_periods p ON p.label = r.period AND p.status = 'CLOSED'
       WHERE ${inRange('settlement_cdrs', 'r')})`,
    cdrs.flatMap(values),
  );
}
