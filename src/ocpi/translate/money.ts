/**
 * Money between the versions, in exact decimal arithmetic (JSON numbers are read through their
 * shortest decimal form, so 0.1 + 0.2 is 0.3 here).
 *   2.1.1  a bare number, the amount excluding VAT
 *   2.2.1  Price {excl_vat, incl_vat?}
 *   2.3.0  Price {before_taxes, taxes?: TaxAmount[]}, and PriceLimit {before_taxes, after_taxes?} on Tariffs
 */
import { Decimal } from './decimal.js';
import type { LossLog } from './context.js';
import type { Price } from '../v2_2_1/index.js';
import type { Price as Price230, PriceLimit, TaxAmount } from '../v2_3_0/index.js';

/** The name of the one tax line made from a 2.2.1 Price. */
export const VAT_TAX_NAME = 'VAT';

/** Decimal places of OCPI numbers ("numbers use 4 decimals", types). */
const OCPI_DECIMALS = 4;

export function priceFrom211(amount: number): Price {
  return { excl_vat: amount };
}

/** A bare number in 2.1.1: incl_vat, and any field added to the Price, have no place there. */
export function priceTo211(price: Price, log: LossLog): number {
  const { excl_vat, incl_vat, ...rest } = price;
  if (incl_vat !== undefined) {
    log.dropped('incl_vat', '2.1.1 amounts exclude VAT and have no field for the amount including it');
  }
  for (const key of Object.keys(rest)) log.dropped(key, '2.1.1 amounts are bare numbers');
  return excl_vat;
}

/**
 * 2.3.0 → 2.2.1: incl_vat is before_taxes plus every tax amount. Without a taxes list the amount after
 * taxes is unknown, so incl_vat stays out. Names, percentages and account numbers of the tax lines
 * have no place in 2.2.1, unless the list is just the one plain "VAT" line the reverse would rebuild.
 */
export function priceFrom230(price: Price230, log: LossLog): Price {
  const { before_taxes, taxes, ...rest } = price;
  const result: Price = { ...rest, excl_vat: before_taxes };
  if (taxes === undefined) return result;
  result.incl_vat = Decimal.sum(before_taxes, ...taxes.map((tax) => tax.amount)).toNumber();
  if (taxes.length > 1 || !taxes.every(isPlainVat)) {
    log.approximated('taxes', '2.2.1 has only the total including taxes: the tax lines were summed into incl_vat');
  }
  return result;
}

/**
 * 2.2.1 → 2.3.0: one tax line named "VAT" for incl_vat − excl_vat when that is not zero (the split over
 * several taxes is unknown), an empty list when it is zero, and no list when incl_vat is absent.
 */
export function priceTo230(price: Price, log: LossLog): Price230 {
  const { excl_vat, incl_vat, ...rest } = price;
  const result: Price230 = { ...rest, before_taxes: excl_vat };
  if (incl_vat === undefined) return result;
  const tax = new Decimal(incl_vat).minus(excl_vat);
  if (tax.isZero()) {
    result.taxes = [];
  } else {
    result.taxes = [{ name: VAT_TAX_NAME, amount: tax.toNumber() }];
    const reason = `2.2.1 has only the total including VAT: one "${VAT_TAX_NAME}" tax line of the difference`;
    log.approximated('incl_vat', reason);
  }
  return result;
}

/** The one tax line `priceTo230` makes: named "VAT", with nothing but the amount. */
function isPlainVat(tax: TaxAmount): boolean {
  return tax.name === VAT_TAX_NAME && Object.keys(tax).every((key) => key === 'name' || key === 'amount');
}

export function priceLimitFrom230(limit: PriceLimit): Price {
  const { before_taxes, after_taxes, ...rest } = limit;
  return after_taxes === undefined
    ? { ...rest, excl_vat: before_taxes }
    : { ...rest, excl_vat: before_taxes, incl_vat: after_taxes };
}

export function priceLimitTo230(price: Price): PriceLimit {
  const { excl_vat, incl_vat, ...rest } = price;
  return incl_vat === undefined
    ? { ...rest, before_taxes: excl_vat }
    : { ...rest, before_taxes: excl_vat, after_taxes: incl_vat };
}

/** A price including `vatPercent` % VAT, without it; rounded half-up to OCPI's 4 decimals. */
export function excludeVat(price: number, vatPercent: number): number {
  const factor = new Decimal(vatPercent).dividedBy(100).plus(1);
  return new Decimal(price).dividedBy(factor).toDecimalPlaces(OCPI_DECIMALS, Decimal.ROUND_HALF_UP).toNumber();
}
