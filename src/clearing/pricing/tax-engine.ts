import type { Amount, Bucket, CostKey, LineBreakdown, PricingWarning, TaxLine } from './breakdown.js';
import { Exact, minorUnitOf, sum, ZERO } from './exact.js';
import type { PriceLimit, PricingSession, PricingTariff } from './input.js';
import { localClock } from './local-time.js';
import { roundingMode, type PricingPolicy } from './policy.js';
import { taxRatesFor, type TaxRate } from './taxes.js';

/**
 * Amounts before and after taxes per CDR cost field, by the tariff's tax treatment (see TaxTreatment):
 * 2.2.1 VAT per price component; a jurisdiction's tax table on prices that exclude taxes; taxes taken
 * out of prices that include them; none. Amounts are at the policy's decimals.
 */

const BUCKETS: Bucket[] = ['total_fixed_cost', 'total_energy_cost', 'total_time_cost', 'total_parking_cost', 'total_reservation_cost'];
const VAT = 'VAT';

export function taxAmounts(
  tariff: PricingTariff,
  session: PricingSession,
  lines: readonly LineBreakdown[],
  policy: PricingPolicy,
  warnings: PricingWarning[],
): Record<CostKey, Amount> {
  const round = (x: Exact) => x.toDecimalPlaces(policy.decimals, roundingMode(policy));
  const rates = tableRates(tariff, session, policy, warnings);
  const costs = {} as Record<CostKey, Amount>;
  for (const bucket of BUCKETS) {
    const own = lines.filter((l) => l.bucket === bucket);
    const cost = sum(own.map((l) => l.cost));
    switch (tariff.taxes) {
      case 'VAT':
        costs[bucket] = withTaxes(round(cost), vatLines(own).map((t) => ({ ...t, amount: round(t.amount) })));
        break;
      case 'EXCLUDED':
        costs[bucket] = withTaxes(round(cost), tableLines(round(cost), rates, tariff.currency, policy));
        break;
      case 'INCLUDED':
        costs[bucket] = takenOut(round(cost), own, rates, round);
        break;
      case 'NONE':
        costs[bucket] = withTaxes(round(cost), []);
    }
  }
  const parts = BUCKETS.map((b) => costs[b]);
  const before = sum(parts.map((p) => p.before_taxes));
  const taxes = mergeTaxes(parts.flatMap((p) => p.taxes));
  costs.total_cost =
    tariff.taxes === 'EXCLUDED' && policy.taxOnRoundedNet
      ? withTaxes(before, tableLines(before, rates, tariff.currency, policy))
      : withTaxes(before, taxes);
  if (tariff.taxes === 'INCLUDED') costs.total_cost.after_taxes = sum(parts.map((p) => p.after_taxes));
  return costs;
}

function withTaxes(before: Exact, taxes: TaxLine[]): Amount {
  return { before_taxes: before, taxes, after_taxes: before.plus(sum(taxes.map((t) => t.amount))) };
}

/** One VAT line per rate (2.2.1 PriceComponent.vat; absent means no VAT applies). */
function vatLines(lines: readonly LineBreakdown[]): TaxLine[] {
  const byRate = new Map<number, Exact>();
  for (const l of lines) {
    if (l.vat === undefined) continue;
    byRate.set(l.vat, (byRate.get(l.vat) ?? ZERO).plus(l.cost.times(l.vat).div(100)));
  }
  return [...byRate].map(([rate, amount]) => ({ name: VAT, percentage: String(rate), amount }));
}

function tableRates(tariff: PricingTariff, session: PricingSession, policy: PricingPolicy, warnings: PricingWarning[]): TaxRate[] {
  if (tariff.taxes !== 'EXCLUDED' && tariff.taxes !== 'INCLUDED') return [];
  if (!session.jurisdiction) {
    warnings.push({ code: 'NO_TAX_JURISDICTION', message: 'The location gives no country and state: no taxes could be looked up' });
    return [];
  }
  const day = localClock(session.start, session.timeZone).date;
  return taxRatesFor(session.jurisdiction, day, policy.extraTaxRates);
}

/** Each tax on the net rounded to the currency's minor unit, itself rounded, as an invoice line. */
function tableLines(net: Exact, rates: readonly TaxRate[], currency: string, policy: PricingPolicy): TaxLine[] {
  const minor = policy.taxOnRoundedNet ? minorUnitOf(currency) : policy.decimals;
  const base = net.toDecimalPlaces(minor, roundingMode(policy));
  return rates.map((rate) => ({
    name: rate.name,
    percentage: rate.percentage,
    amount: base.times(rate.percentage).div(100).toDecimalPlaces(minor, roundingMode(policy)),
  }));
}

/** Prices that include taxes: the amount before taxes is what remains at the known rates. */
function takenOut(gross: Exact, lines: readonly LineBreakdown[], rates: readonly TaxRate[], round: (x: Exact) => Exact): Amount {
  const vatKnown = lines.length > 0 && lines.every((l) => l.vat !== undefined);
  const percentages = vatKnown ? [...new Set(lines.map((l) => String(l.vat)))] : rates.map((r) => r.percentage);
  if (vatKnown && percentages.length > 1) {
    const taxes = vatLines(lines.map((l) => ({ ...l, cost: l.cost.div(new Exact(l.vat!).div(100).plus(1)) })));
    const rounded = taxes.map((t) => ({ ...t, amount: round(t.amount) }));
    return { before_taxes: gross.minus(sum(rounded.map((t) => t.amount))), taxes: rounded, after_taxes: gross };
  }
  const factor = sum(percentages.map((p) => new Exact(p))).div(100).plus(1);
  const before = round(gross.div(factor));
  const names = vatKnown ? percentages.map((p) => ({ name: VAT, percentage: p })) : rates;
  const taxes = names.map((r) => ({ name: r.name, percentage: r.percentage, amount: round(before.times(r.percentage).div(100)) }));
  return { before_taxes: gross.minus(sum(taxes.map((t) => t.amount))), taxes, after_taxes: gross };
}

function mergeTaxes(taxes: TaxLine[]): TaxLine[] {
  const merged = new Map<string, TaxLine>();
  for (const tax of taxes) {
    const key = `${tax.name}|${tax.percentage ?? ''}`;
    const seen = merged.get(key);
    merged.set(key, seen ? { ...seen, amount: seen.amount.plus(tax.amount) } : tax);
  }
  return [...merged.values()];
}

/**
 * min_price and max_price bound the session's total (mod_tariffs → Tariff object); before and after
 * taxes each by its own limit. The dimensions keep what they cost; the total says what is due.
 */
export function applyLimits(
  tariff: PricingTariff,
  costs: Record<CostKey, Amount>,
  session: PricingSession,
  policy: PricingPolicy,
  warnings: PricingWarning[],
): void {
  const bound = (limit: PriceLimit | undefined, kind: 'MIN' | 'MAX') => {
    if (!limit) return;
    const total = costs.total_cost;
    const beyond = (value: Exact, edge: Exact) => (kind === 'MIN' ? value.lessThan(edge) : value.greaterThan(edge));
    let changed = false;
    if (beyond(total.before_taxes, limit.beforeTaxes)) {
      const ratio = total.before_taxes.isZero() ? undefined : limit.beforeTaxes.div(total.before_taxes);
      total.taxes = total.taxes.map((t) => ({ ...t, amount: ratio ? round(t.amount.times(ratio), policy) : taxAt(t, limit.beforeTaxes, policy) }));
      total.before_taxes = limit.beforeTaxes;
      total.after_taxes = total.before_taxes.plus(sum(total.taxes.map((t) => t.amount)));
      changed = true;
    }
    if (limit.afterTaxes && beyond(total.after_taxes, limit.afterTaxes)) {
      total.after_taxes = limit.afterTaxes;
      changed = true;
    }
    if (changed) {
      const word = kind === 'MIN' ? 'min_price' : 'max_price';
      warnings.push({ code: `${kind}_PRICE_APPLIED`, message: `The tariff's ${word} sets the total (${session.currency})` });
    }
  };
  bound(tariff.minPrice, 'MIN');
  bound(tariff.maxPrice, 'MAX');
}

const round = (x: Exact, policy: PricingPolicy) => x.toDecimalPlaces(policy.decimals, roundingMode(policy));
const taxAt = (tax: TaxLine, net: Exact, policy: PricingPolicy) => (tax.percentage ? round(net.times(tax.percentage).div(100), policy) : ZERO);
