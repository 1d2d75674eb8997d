import { getObject } from '../../hub/objects.js';
import type { PartyRef } from '../../ocpi/headers.js';
import type { Cdr, Location } from '../../ocpi/v2_2_1/index.js';
import type { Queryable } from '../../store/database.js';
import { toRecord, type ClearingCdrRecord, type DimensionAmounts } from '../cdr-records.js';
import type { CostKey, PricedSession } from '../pricing/breakdown.js';
import { pricedJson } from '../pricing/breakdown.js';
import { priceSession } from '../pricing/engine.js';
import { Exact } from '../pricing/exact.js';
import { fromCanonicalTariff, sessionOfCdr, type PricingTariff } from '../pricing/input.js';
import { tariffInForce } from '../tariff-history.js';
import { termsFor, type ClearingTerms } from '../terms.js';
import type { Divergence } from './divergences.js';
import { recordTransition } from './transitions.js';
import { verifyConsistency, verifyCosts, verifyCredit } from './verify.js';

/**
 * The audit of one received CDR: re-priced by the tariff in force when its session started (its own
 * embedded tariffs first), compared claimed against computed, checked against itself and against
 * the other CDRs of its session and EVSE. Credit CDRs are linked to the CDR they credit and checked
 * to negate it. The verdict: ACCEPTED when nothing diverges beyond the tolerance, else FLAGGED.
 */

const HUB = 'hub';

export async function auditRecord(tx: Queryable, record: ClearingCdrRecord): Promise<ClearingCdrRecord> {
  const cdr = await storedCdr(tx, record.owner, record.cdrId);
  const terms = await termsFor(tx, record.owner, record.emsp);
  const tolerance = new Exact(terms.tolerance);
  let divergences: Divergence[];
  let priced: PricedSession | undefined;
  let tariffNote: Record<string, unknown> | undefined;
  if (!cdr) {
    divergences = [];
  } else if (record.credit) {
    divergences = await auditCredit(tx, record, cdr, tolerance);
  } else {
    const outcome = await reprice(tx, record, cdr, terms);
    priced = outcome.priced;
    tariffNote = outcome.tariff;
    divergences = [...outcome.divergences, ...verifyConsistency(cdr, tolerance), ...(await relatives(tx, record))];
  }
  const status = record.status === 'RECEIVED' ? (divergences.length ? 'FLAGGED' : 'ACCEPTED') : record.status;
  const audit = {
    divergences,
    warnings: priced?.warnings ?? [],
    tariff: tariffNote,
    tolerance: terms.tolerance,
    priced: priced && pricedJson(priced),
  };
  const [row] = await tx.query<Parameters<typeof toRecord>[0]>(
    `UPDATE clearing_cdrs SET computed = $2, computed_total_excl = $3, computed_total_incl = $4, divergences = $5,
       audit = $6, audited_at = now(), status = $7, updated_at = now()
     WHERE seq = $1 RETURNING *`,
    [
      record.seq,
      priced ? JSON.stringify(dimensionAmounts(priced)) : null,
      priced ? priced.costs.total_cost.before_taxes.toString() : null,
      priced ? priced.costs.total_cost.after_taxes.toString() : null,
      [...new Set(divergences.map((d) => d.code))],
      JSON.stringify(audit),
      status,
    ],
  );
  if (status !== record.status) {
    const comment = divergences.map((d) => d.code).join(', ') || 'within tolerance';
    await recordTransition(tx, record.seq, { actor: HUB, action: 'AUDIT', from: record.status, to: status, comment });
  }
  if (record.sessionId) {
    await tx.query(
      `UPDATE clearing_missing_cdrs SET resolved_at = now() WHERE country_code = $1 AND party_id = $2 AND session_id = $3 AND resolved_at IS NULL`,
      [record.owner.countryCode, record.owner.partyId, record.sessionId],
    );
  }
  return toRecord(row);
}

function dimensionAmounts(priced: PricedSession): DimensionAmounts {
  const out: DimensionAmounts = {};
  for (const [key, amount] of Object.entries(priced.costs) as [CostKey, PricedSession['costs'][CostKey]][]) {
    out[key] = { before_taxes: amount.before_taxes.toString(), after_taxes: amount.after_taxes.toString() };
  }
  return out;
}

async function storedCdr(db: Queryable, owner: PartyRef, cdrId: string): Promise<Cdr | undefined> {
  const [row] = await db.query<{ data: Cdr }>(
    `SELECT data FROM objects WHERE module = 'cdrs' AND country_code = $1 AND party_id = $2 AND object_id = $3`,
    [owner.countryCode, owner.partyId, cdrId],
  );
  return row?.data;
}

/** The location with its EVSEs, which are stored as rows of their own (location-store.ts). */
async function storedLocation(db: Queryable, owner: PartyRef, locationId: string): Promise<Location | undefined> {
  const stored = await getObject(db, 'locations', owner, locationId.toUpperCase());
  return stored && !stored.deleted ? (stored.data as unknown as Location) : undefined;
}

interface Repriced {
  priced?: PricedSession;
  tariff?: Record<string, unknown>;
  divergences: Divergence[];
}

async function reprice(db: Queryable, record: ClearingCdrRecord, cdr: Cdr, terms: ClearingTerms): Promise<Repriced> {
  const location = await storedLocation(db, record.owner, cdr.cdr_location.id);
  const resolved = await tariffFor(db, record, cdr, location);
  if ('divergence' in resolved) return { divergences: [resolved.divergence] };
  if (!location?.time_zone) {
    const message = `The hub has no time zone for location ${cdr.cdr_location.id}: its time restrictions cannot be evaluated`;
    return { divergences: [{ code: 'NO_TIME_ZONE', kind: 'CDR_DEFECT', message }], tariff: resolved.note };
  }
  const session = sessionOfCdr(cdr, { timeZone: location.time_zone });
  const priced = priceSession(resolved.tariff, session, terms.policy);
  const divergences: Divergence[] = [];
  if (resolved.tariff.currency !== cdr.currency) {
    const message = `The CDR is in ${cdr.currency}, its tariff in ${resolved.tariff.currency}`;
    divergences.push({ code: 'CURRENCY', kind: 'CDR_DEFECT', message, claimed: cdr.currency, computed: resolved.tariff.currency });
  }
  const stepped = resolved.tariff.elements.some((e) => e.price_components.some((c) => c.step_size > 1));
  const alternatives = stepped
    ? (['OFF', 'PER_PERIOD'] as const)
        .filter((mode) => mode !== terms.policy.stepSize)
        .map((mode) => ({ name: `step_size ${mode === 'OFF' ? 'ignored' : 'applied per period'}`, priced: priceSession(resolved.tariff, session, { ...terms.policy, stepSize: mode }) }))
    : [];
  divergences.push(...verifyCosts(cdr, priced, new Exact(terms.tolerance), alternatives));
  return { priced, tariff: resolved.note, divergences };
}

type ResolvedTariff = { tariff: PricingTariff; note: Record<string, unknown> } | { divergence: Divergence };

/** The CDR's own tariffs take precedence; else the version in force at the session's start. */
async function tariffFor(db: Queryable, record: ClearingCdrRecord, cdr: Cdr, location: Location | undefined): Promise<ResolvedTariff> {
  const named = cdr.charging_periods.find((p) => p.tariff_id)?.tariff_id;
  if (cdr.tariffs?.length) {
    const embedded = cdr.tariffs.find((t) => named && t.id.toUpperCase() === named.toUpperCase()) ?? cdr.tariffs[0];
    return { tariff: fromCanonicalTariff(embedded), note: { id: embedded.id, source: 'CDR' } };
  }
  const ids = named ? [named] : connectorTariffIds(location, cdr);
  if (ids.length === 0) {
    return { divergence: { code: 'NO_TARIFF', kind: 'CDR_DEFECT', message: 'Neither the CDR nor its connector names a tariff' } };
  }
  const found = await tariffInForce(db, record.owner, ids[0], record.start);
  if (!found.found) {
    const message =
      found.reason === 'NO_TARIFF'
        ? `The CPO never pushed tariff ${ids[0]}`
        : `Tariff ${ids[0]} was not in force at ${record.start.toISOString()}`;
    return { divergence: { code: found.reason, kind: 'CDR_DEFECT', message } };
  }
  return { tariff: found.tariff, note: { id: found.tariff.id, source: 'HISTORY', valid_from: found.validFrom.toISOString() } };
}

function connectorTariffIds(location: Location | undefined, cdr: Cdr): string[] {
  const evse = location?.evses?.find((e) => e.uid.toUpperCase() === cdr.cdr_location.evse_uid.toUpperCase());
  const connector = evse?.connectors.find((c) => c.id.toUpperCase() === cdr.cdr_location.connector_id.toUpperCase());
  return connector?.tariff_ids ?? [];
}

/**
 * Other CDRs of this one's session or EVSE. A CDR for a session whose earlier CDR was credited
 * revises it (the two are linked); any other is a near-duplicate.
 */
async function relatives(db: Queryable, record: ClearingCdrRecord): Promise<Divergence[]> {
  const rows = await db.query<Parameters<typeof toRecord>[0]>(
    `SELECT * FROM clearing_cdrs
     WHERE country_code = $1 AND party_id = $2 AND seq < $3 AND NOT credit AND status <> 'REVISED'
       AND ((session_id IS NOT NULL AND session_id = $4)
         OR (evse_uid IS NOT NULL AND evse_uid = $5 AND start_date_time < $7 AND end_date_time > $6))
     ORDER BY seq LIMIT 50`,
    [record.owner.countryCode, record.owner.partyId, record.seq, record.sessionId ?? null, record.evseUid ?? null, record.start, record.end],
  );
  const duplicates: ClearingCdrRecord[] = [];
  for (const other of rows.map(toRecord)) {
    if (other.status === 'CREDITED' && !other.revisedByCdrId) await linkRevision(db, other, record);
    else if (other.status !== 'CREDITED') duplicates.push(other);
  }
  if (duplicates.length === 0) return [];
  const first = duplicates[0];
  const why = first.sessionId && first.sessionId === record.sessionId ? `the same session ${first.sessionId}` : 'the same EVSE at overlapping times';
  const ids = duplicates.slice(0, 5).map((d) => d.cdrId);
  const more = duplicates.length > ids.length ? ` and ${duplicates.length - ids.length} more` : '';
  const message = `CDR ${ids.join(', ')}${more} already received for ${why}`;
  return [{ code: 'NEAR_DUPLICATE', kind: 'CDR_DEFECT', message, claimed: record.cdrId, computed: ids.join(',') }];
}

async function linkRevision(db: Queryable, original: ClearingCdrRecord, replacement: ClearingCdrRecord): Promise<void> {
  await db.query(`UPDATE clearing_cdrs SET revises_cdr_id = $2, updated_at = now() WHERE seq = $1`, [replacement.seq, original.cdrId]);
  await db.query(`UPDATE clearing_cdrs SET revised_by_cdr_id = $2, status = 'REVISED', updated_at = now() WHERE seq = $1`, [original.seq, replacement.cdrId]);
  const actor = `${replacement.owner.countryCode}*${replacement.owner.partyId}`;
  await recordTransition(db, original.seq, { actor, action: 'REVISE', from: original.status, to: 'REVISED', comment: `replaced by CDR ${replacement.cdrId}` });
}

async function auditCredit(db: Queryable, credit: ClearingCdrRecord, cdr: Cdr, tolerance: Exact): Promise<Divergence[]> {
  const [row] = credit.creditsCdrId
    ? await db.query<Parameters<typeof toRecord>[0]>(
        `SELECT * FROM clearing_cdrs WHERE country_code = $1 AND party_id = $2 AND cdr_id = $3 AND NOT credit FOR UPDATE`,
        [credit.owner.countryCode, credit.owner.partyId, credit.creditsCdrId],
      )
    : [];
  const original = row && toRecord(row);
  const originalCdr = original && (await storedCdr(db, original.owner, original.cdrId));
  const divergences = verifyCredit(cdr, originalCdr, tolerance);
  if (original && !original.creditedByCdrId) {
    await db.query(`UPDATE clearing_cdrs SET credited_by_cdr_id = $2, status = 'CREDITED', updated_at = now() WHERE seq = $1`, [original.seq, credit.cdrId]);
    const actor = `${credit.owner.countryCode}*${credit.owner.partyId}`;
    await recordTransition(db, original.seq, { actor, action: 'CREDIT', from: original.status, to: 'CREDITED', comment: `credited by CDR ${credit.cdrId}` });
  }
  return divergences;
}
