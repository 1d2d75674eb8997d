import type { OcpiVersion } from '../ocpi/translate/index.js';
import type { PartyRef } from '../ocpi/headers.js';
import type { Tariff } from '../ocpi/v2_2_1/index.js';
import type { Queryable } from '../store/database.js';
import { fromCanonicalTariff, pricingTariff, type PricingTariff } from './pricing/input.js';

/**
 * The tariff in force when a session started, from every version the CPO pushed (tariff_versions):
 * the latest version valid from before the start. A tariff changed mid-month still prices last
 * week's sessions by last week's prices.
 */
export type TariffLookup =
  | { found: true; tariff: PricingTariff; validFrom: Date }
  | { found: false; reason: 'NO_TARIFF' | 'TARIFF_NOT_IN_FORCE' };

interface VersionRow {
  data: Tariff;
  source_version: OcpiVersion | null;
  original_body: unknown;
  valid_from: Date | string;
  valid_until: Date | string | null;
  deleted: boolean;
}

export async function tariffInForce(db: Queryable, owner: PartyRef, tariffId: string, at: Date): Promise<TariffLookup> {
  const rows = await db.query<VersionRow>(
    `SELECT data, source_version, original_body, valid_from, valid_until, deleted FROM tariff_versions
     WHERE country_code = $1 AND party_id = $2 AND tariff_id = $3
     ORDER BY valid_from DESC, seq DESC`,
    [owner.countryCode, owner.partyId, tariffId.toUpperCase()],
  );
  if (rows.length === 0) return { found: false, reason: 'NO_TARIFF' };
  const row = rows.find((r) => new Date(r.valid_from).getTime() <= at.getTime());
  if (!row || row.deleted || (row.valid_until && new Date(row.valid_until).getTime() <= at.getTime())) {
    return { found: false, reason: 'TARIFF_NOT_IN_FORCE' };
  }
  return { found: true, tariff: asPricingTariff(row), validFrom: new Date(row.valid_from) };
}

/** A 2.3.0 tariff is priced from the body the CPO sent, which says whether its prices include taxes. */
function asPricingTariff(row: VersionRow): PricingTariff {
  if (row.source_version === '2.3.0' && row.original_body) {
    try {
      return pricingTariff(row.original_body, '2.3.0');
    } catch {
      // The body was accepted through the same schema; fall back to the canonical copy regardless.
    }
  }
  return fromCanonicalTariff(row.data);
}
