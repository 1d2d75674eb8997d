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
