import { Decimal } from 'decimal.js';
import type { TaxRate } from './taxes.js';

/**
 * Every choice OCPI leaves open, as a parameter with a documented default. A pricing policy belongs
 * to an agreement between a CPO and an eMSP (clearing_terms); absent terms mean these defaults.
 */
export interface PricingPolicy {
  /** Decimals of the amounts the engine answers (OCPI numbers carry 4: types → number). */
  decimals: number;
  /** Rounding of amounts and of invoice amounts (to the currency's minor unit). */
  rounding: 'HALF_UP' | 'HALF_EVEN';
  /**
   * step_size (mod_cdrs → step_size): once per session on the total (the spec), ignored, or per
   * charging period (a common misreading, kept to recognise CDRs priced that way).
   */
  stepSize: 'PER_SESSION' | 'OFF' | 'PER_PERIOD';
  /**
   * Where taxes come from a tax table (2.3.0 tax_included NO without vat): each tax line is computed
   * on the net rounded to the currency's minor unit and rounded itself, as an invoice shows it.
   */
  taxOnRoundedNet: boolean;
  /** US states (ISO 3166-2, e.g. "US-CA") where energy must be sold per kWh: a TIME price there is flagged. */
  perKwhStates: string[];
  /** Tax rates the operator adds to the shipped table (US states have none by default). */
  extraTaxRates: TaxRate[];
}

export const DEFAULT_POLICY: PricingPolicy = {
  decimals: 4,
  rounding: 'HALF_UP',
  stepSize: 'PER_SESSION',
  taxOnRoundedNet: true,
  perKwhStates: [],
  extraTaxRates: [],
};

export function policyWith(overrides: Partial<PricingPolicy> = {}): PricingPolicy {
  return { ...DEFAULT_POLICY, ...overrides };
}

export function roundingMode(policy: PricingPolicy): Decimal.Rounding {
  return policy.rounding === 'HALF_EVEN' ? Decimal.ROUND_HALF_EVEN : Decimal.ROUND_HALF_UP;
}
