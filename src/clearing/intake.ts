import type { PartyRef } from '../ocpi/headers.js';
import type { Cdr, Price, Tariff } from '../ocpi/v2_2_1/index.js';
import type { Queryable } from '../store/database.js';
import { recordTransition } from './audit/transitions.js';
import { COST_DIMENSIONS, type DimensionAmounts } from './cdr-records.js';

/**
 * What the routing core hands the clearing module inside the transaction that accepts a push, so
 * that clearing never misses one: every tariff version, and every CDR as a record waiting for its
 * audit (the audit itself runs after the commit, off the push path).
 */

export interface TariffPush {
  owner: PartyRef;
  tariffId: string;
  /** The canonical tariff; for a DELETE, the last one stored. */
  tariff: Tariff;
  deleted: boolean;
  sourceVersion?: string;
  originalBody?: unknown;
}

/** Keeps a tariff version, in force from its start_date_time, else from its last_updated. */
export async function recordTariffVersion(tx: Queryable, push: TariffPush): Promise<void> {
  const validFrom = push.deleted ? new Date().toISOString() : (push.tariff.start_date_time ?? push.tariff.last_updated);
  await tx.query(
    `INSERT INTO tariff_versions (country_code, party_id, tariff_id, data, source_version, original_body, valid_from, valid_until, deleted)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [
      push.owner.countryCode,
      push.owner.partyId,
      push.tariffId.toUpperCase(),
      JSON.stringify(push.tariff),
      push.sourceVersion ?? null,
      push.originalBody === undefined ? null : JSON.stringify(push.originalBody),
      validFrom,
      push.tariff.end_date_time ?? null,
      push.deleted,
    ],
  );
}

export interface ReceivedCdr {
  cdr: Cdr;
  /** Who pushed it (the CPO party), for the record's history. */
  from: PartyRef;
  sourceVersion?: string;
  originalBody?: unknown;
}


/** The CDR's own amounts, per dimension, as decimal strings. */
export function claimedAmounts(cdr: Cdr): DimensionAmounts {
  const out: DimensionAmounts = {};
  for (const dimension of COST_DIMENSIONS) {
    const price = cdr[dimension] as Price | undefined;
    if (!price) continue;
    out[dimension] = {
      before_taxes: String(price.excl_vat),
      ...(price.incl_vat === undefined ? {} : { after_taxes: String(price.incl_vat) }),
    };
  }
  return out;
}

/** Creates the CDR's clearing record (status RECEIVED, audit pending). */
export async function recordReceivedCdr(tx: Queryable, received: ReceivedCdr): Promise<void> {
  const { cdr } = received;
  const owner = { countryCode: cdr.country_code.toUpperCase(), partyId: cdr.party_id.toUpperCase() };
  const [row] = await tx.query<{ seq: number }>(
    `INSERT INTO clearing_cdrs (country_code, party_id, cdr_id, emsp_country, emsp_party, currency, session_id,
       start_date_time, end_date_time, location_id, evse_uid, total_energy, total_time, total_parking_time,
       claimed_total_excl, claimed_total_incl, claimed, credit, credits_cdr_id, invoice_reference_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)
     ON CONFLICT (country_code, party_id, cdr_id) DO NOTHING
     RETURNING seq`,
    [
      owner.countryCode,
      owner.partyId,
      cdr.id.toUpperCase(),
      cdr.cdr_token?.country_code?.toUpperCase() ?? null,
      cdr.cdr_token?.party_id?.toUpperCase() ?? null,
      cdr.currency,
      cdr.session_id?.toUpperCase() ?? null,
      cdr.start_date_time,
      cdr.end_date_time,
      cdr.cdr_location?.id?.toUpperCase() ?? null,
      cdr.cdr_location?.evse_uid?.toUpperCase() ?? null,
      String(cdr.total_energy),
      String(cdr.total_time),
      cdr.total_parking_time === undefined ? null : String(cdr.total_parking_time),
      String(cdr.total_cost.excl_vat),
      cdr.total_cost.incl_vat === undefined ? null : String(cdr.total_cost.incl_vat),
      JSON.stringify(claimedAmounts(cdr)),
      cdr.credit === true,
      cdr.credit ? (cdr.credit_reference_id?.toUpperCase() ?? null) : null,
      cdr.invoice_reference_id ?? null,
    ],
  );
  if (!row) return;
  await recordTransition(tx, row.seq, { actor: `${received.from.countryCode}*${received.from.partyId}`, action: 'RECEIVE', to: 'RECEIVED' });
}

/** A CDR pushed again under the same id is not stored twice; its record notes the repeat. */
export async function recordDuplicateCdr(tx: Queryable, owner: PartyRef, cdrId: string, from: PartyRef): Promise<void> {
  await tx.query(
    `INSERT INTO clearing_cdr_history (record_seq, actor, action, from_status, to_status, comment)
     SELECT seq, $4, 'DUPLICATE', status, status, 'the same CDR id was pushed again; the first copy stands'
     FROM clearing_cdrs WHERE country_code = $1 AND party_id = $2 AND cdr_id = $3`,
    [owner.countryCode, owner.partyId, cdrId.toUpperCase(), `${from.countryCode}*${from.partyId}`],
  );
}
