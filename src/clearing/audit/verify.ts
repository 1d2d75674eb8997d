import type { Cdr, Price } from '../../ocpi/v2_2_1/index.js';
import type { CostKey, PricedSession } from '../pricing/breakdown.js';
import { Exact, sum } from '../pricing/exact.js';
import type { Divergence, DivergenceCode } from './divergences.js';

/**
 * Claimed versus computed: the CDR's amounts against the hub's price of the same session, and the
 * CDR against itself (its totals against its periods and its times).
 */

const COST_CODES: [CostKey, DivergenceCode][] = [
  ['total_cost', 'TOTAL_COST'],
  ['total_energy_cost', 'ENERGY_COST'],
  ['total_time_cost', 'TIME_COST'],
  ['total_parking_cost', 'PARKING_COST'],
  ['total_fixed_cost', 'FIXED_COST'],
  ['total_reservation_cost', 'RESERVATION_COST'],
];

/** A minute, in hours: CDR times are commonly given to a few decimals of an hour. */
const TIME_TOLERANCE_HOURS = new Exact(1).div(60);
const ENERGY_TOLERANCE_KWH = new Exact('0.001');

/**
 * Cost divergences beyond the tolerance. `alternatives` are prices of the same session under other
 * readings of the tariff; a claim one of them reproduces is a difference of interpretation.
 */
export function verifyCosts(
  cdr: Cdr,
  computed: PricedSession,
  tolerance: Exact,
  alternatives: { name: string; priced: PricedSession }[],
): Divergence[] {
  const found: Divergence[] = [];
  for (const [key, code] of COST_CODES) {
    const claimed = cdr[key] as Price | undefined;
    if (!claimed) continue;
    const ours = computed.costs[key].before_taxes;
    if (new Exact(claimed.excl_vat).minus(ours).abs().lessThanOrEqualTo(tolerance)) continue;
    const reading = alternatives.find((a) => new Exact(claimed.excl_vat).minus(a.priced.costs[key].before_taxes).abs().lessThanOrEqualTo(tolerance));
    found.push({
      code,
      kind: reading ? 'INTERPRETATION' : 'CDR_DEFECT',
      message: reading
        ? `${key} ${claimed.excl_vat} matches the tariff read with ${reading.name}; the hub computes ${ours}`
        : `${key} is ${claimed.excl_vat} before taxes; the tariff gives ${ours}`,
      claimed: String(claimed.excl_vat),
      computed: ours.toString(),
    });
  }
  const claimedTotal = cdr.total_cost;
  if (claimedTotal.incl_vat !== undefined) {
    const claimedTax = new Exact(claimedTotal.incl_vat).minus(claimedTotal.excl_vat);
    const ourTax = sum(computed.costs.total_cost.taxes.map((t) => t.amount));
    if (claimedTax.minus(ourTax).abs().greaterThan(tolerance)) {
      found.push({
        code: 'TAX',
        kind: 'CDR_DEFECT',
        message: `Taxes on the total are ${claimedTax} as claimed; the tariff's tax treatment gives ${ourTax}`,
        claimed: claimedTax.toString(),
        computed: ourTax.toString(),
      });
    }
  }
  return found;
}

/** The CDR against itself: totals against periods, total_time against its start and end. */
export function verifyConsistency(cdr: Cdr, tolerance: Exact): Divergence[] {
  const found: Divergence[] = [];
  const volume = (type: string) => sum(cdr.charging_periods.flatMap((p) => p.dimensions.filter((d) => d.type === type).map((d) => new Exact(d.volume))));
  const energy = volume('ENERGY');
  if (energy.minus(cdr.total_energy).abs().greaterThan(ENERGY_TOLERANCE_KWH)) {
    found.push(defect('TOTAL_ENERGY', `total_energy ${cdr.total_energy} kWh, but its periods add up to ${energy} kWh`, cdr.total_energy, energy));
  }
  const hours = new Exact(Date.parse(cdr.end_date_time) - Date.parse(cdr.start_date_time)).div(3_600_000);
  if (hours.minus(cdr.total_time).abs().greaterThan(TIME_TOLERANCE_HOURS)) {
    found.push(defect('TOTAL_TIME', `total_time ${cdr.total_time} h, but the session lasted ${hours.toDecimalPlaces(4)} h`, cdr.total_time, hours.toDecimalPlaces(4)));
  }
  if (cdr.total_parking_time !== undefined) {
    const parking = volume('PARKING_TIME');
    if (parking.minus(cdr.total_parking_time).abs().greaterThan(TIME_TOLERANCE_HOURS)) {
      found.push(defect('TOTAL_PARKING_TIME', `total_parking_time ${cdr.total_parking_time} h, but its periods add up to ${parking} h`, cdr.total_parking_time, parking));
    }
  }
  const parts = (['total_fixed_cost', 'total_energy_cost', 'total_time_cost', 'total_parking_cost', 'total_reservation_cost'] as const)
    .map((key) => cdr[key])
    .filter((p): p is Price => p !== undefined);
  if (parts.length > 0) {
    const partsSum = sum(parts.map((p) => new Exact(p.excl_vat)));
    if (partsSum.minus(cdr.total_cost.excl_vat).abs().greaterThan(tolerance)) {
      found.push(defect('COST_SUM', `total_cost ${cdr.total_cost.excl_vat}, but its parts add up to ${partsSum}`, cdr.total_cost.excl_vat, partsSum));
    }
  }
  const start = Date.parse(cdr.start_date_time);
  const end = Date.parse(cdr.end_date_time);
  const outside = cdr.charging_periods.filter((p) => Date.parse(p.start_date_time) < start || Date.parse(p.start_date_time) > end);
  if (outside.length > 0) {
    found.push(defect('PERIOD_OUTSIDE_SESSION', `${outside.length} charging period(s) start outside the session (${outside[0].start_date_time})`));
  }
  return found;
}

/** A credit CDR negates the CDR it credits (mod_cdrs → Credit CDRs). */
export function verifyCredit(credit: Cdr, original: Cdr | undefined, tolerance: Exact): Divergence[] {
  if (!original) {
    return [defect('CREDIT_UNKNOWN_CDR', `credit_reference_id ${credit.credit_reference_id ?? '(missing)'} names no CDR the hub received`)];
  }
  const negates = (a: number | undefined, b: number | undefined) =>
    a === undefined || b === undefined || new Exact(a).plus(b).abs().lessThanOrEqualTo(tolerance);
  if (negates(credit.total_cost.excl_vat, original.total_cost.excl_vat) && negates(credit.total_cost.incl_vat, original.total_cost.incl_vat)) return [];
  return [
    defect(
      'CREDIT_MISMATCH',
      `The credit's total_cost ${credit.total_cost.excl_vat} does not negate CDR ${original.id}'s ${original.total_cost.excl_vat}`,
      credit.total_cost.excl_vat,
      new Exact(original.total_cost.excl_vat).negated(),
    ),
  ];
}

function defect(code: DivergenceCode, message: string, claimed?: number | Exact, computed?: number | Exact): Divergence {
  return {
    code,
    kind: 'CDR_DEFECT',
    message,
    ...(claimed === undefined ? {} : { claimed: String(claimed) }),
    ...(computed === undefined ? {} : { computed: String(computed) }),
  };
}
