import { Decimal } from 'decimal.js';

/** Settlement's money: decimals only, invoice amounts at the currency's minor unit, half-up. */

export type Currency = 'USD' | 'CAD' | string;

/** An amount as the API and the exports write it: a string, never a float, with its currency. */
export interface MoneyText {
  amount: string;
  currency: Currency;
}

/** Minor units per currency (ISO 4217); settlement handles USD and CAD, both in cents. */
const MINOR_DIGITS: Record<string, number> = { USD: 2, CAD: 2 };

export const minorDigits = (currency: Currency): number => MINOR_DIGITS[currency] ?? 2;

export const dec = (value: Decimal.Value | null | undefined): Decimal => new Decimal(value ?? 0);

/** Rounds half-up to the currency's minor unit (the invoice policy). */
export const toMinor = (value: Decimal.Value, currency: Currency): Decimal =>
  dec(value).toDecimalPlaces(minorDigits(currency), Decimal.ROUND_HALF_UP);

export const amountText = (value: Decimal.Value, currency: Currency): string => toMinor(value, currency).toFixed(minorDigits(currency));

export const moneyText = (value: Decimal.Value, currency: Currency): MoneyText => ({ amount: amountText(value, currency), currency });

export const sum = (values: Decimal.Value[]): Decimal => values.reduce<Decimal>((total, v) => total.plus(v), dec(0));

/**
 * Splits an amount into shares proportional to the weights (equal shares when every weight is
 * zero) at the currency's minor unit: each share rounded towards zero, the units left over going
 * to the largest remainders, so that the shares add up to the amount exactly.
 */
export function shareOut(amount: Decimal, weights: Decimal[], currency: Currency): Decimal[] {
  if (amount.isNegative()) return shareOut(amount.negated(), weights, currency).map((share) => share.negated());
  const unit = new Decimal(10).pow(-minorDigits(currency));
  const parts = weights.map((w) => w.abs());
  const total = sum(parts);
  const exact = parts.map((w) => (total.isZero() ? amount.dividedBy(parts.length) : amount.times(w).dividedBy(total)));
  const shares = exact.map((x) => x.dividedBy(unit).floor().times(unit));
  let left = amount.minus(sum(shares)).dividedBy(unit).round().toNumber();
  const byRemainder = exact.map((x, i) => ({ i, remainder: x.minus(shares[i]) })).sort((a, b) => b.remainder.comparedTo(a.remainder) || a.i - b.i);
  for (const { i } of byRemainder) {
    if (left <= 0) break;
    shares[i] = shares[i].plus(unit);
    left -= 1;
  }
  return shares;
}
