import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { serviceTaxRates, taxesOn } from './services.js';

const names = (country: string | null, province: string | null, date = '2026-11-30') =>
  serviceTaxRates(country, province, date).map((r) => `${r.name} ${r.percentage}`);

describe('sales taxes on the hub’s services', () => {
  it('charges HST in the harmonized provinces, GST elsewhere, GST and QST in Quebec', () => {
    expect(names('CA', 'ON')).toEqual(['HST 13']);
    expect(names('CA', 'BC')).toEqual(['GST 5']);
    expect(names('CA', 'QC')).toEqual(['GST 5', 'QST 9.975']);
    expect(names('CA', 'NB')).toEqual(['HST 15']);
  });

  it('follows Nova Scotia from 15 % to 14 % on 2025-04-01', () => {
    expect(names('CA', 'NS', '2025-03-31')).toEqual(['HST 15']);
    expect(names('CA', 'NS', '2025-04-01')).toEqual(['HST 14']);
  });

  it('taxes no US payer by default, and no payer without a country', () => {
    expect(names('US', 'CA')).toEqual([]);
    expect(names(null, null)).toEqual([]);
  });

  it('computes GST and QST on the same base, each rounded half-up to the cent', () => {
    const taxes = taxesOn(new Decimal('2.00'), serviceTaxRates('CA', 'QC', '2026-11-30'));
    expect(taxes.map((t) => t.amount.toFixed(2))).toEqual(['0.10', '0.20']);
  });
});
