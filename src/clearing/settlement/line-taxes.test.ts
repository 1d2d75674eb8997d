import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { estimate, itemizeTax, tableEstimates, unnamedTax } from './line-taxes.js';
import { shareOut } from './money.js';

const view = (taxes: ReturnType<typeof itemizeTax>) => taxes.map((t) => `${t.name} ${t.percentage ?? '-'} ${t.amount}`);
const d = (value: string) => new Decimal(value);

describe('itemizing a CDR’s tax total', () => {
  it('keeps the estimates when they round to the claimed total', () => {
    // GST 1.00 and QST 1.995 → 1.00 + 2.00 = 3.00.
    expect(view(itemizeTax(d('3.00'), [estimate('GST', 5, '1'), estimate('QST', 9.975, '1.995')], 'Sales tax', 'CAD'))).toEqual(['GST 5 1.00', 'QST 9.975 2.00']);
  });

  it('shares a claimed total that differs in the estimates’ proportions, to the cent', () => {
    // 2.99 × 1 / 2.995 = 0.9983 and 2.99 × 1.995 / 2.995 = 1.9917: 0.99 and 1.99, the cent left to
    // the larger remainder (0.0083): 1.00 and 1.99.
    expect(view(itemizeTax(d('2.99'), [estimate('GST', 5, '1'), estimate('QST', 9.975, '1.995')], 'Sales tax', 'CAD'))).toEqual(['GST 5 1.00', 'QST 9.975 1.99']);
  });

  it('itemizes a credit’s negative total the same way', () => {
    expect(view(itemizeTax(d('-2.99'), [estimate('GST', 5, '-1'), estimate('QST', 9.975, '-1.995')], 'Sales tax', 'CAD'))).toEqual(['GST 5 -1.00', 'QST 9.975 -1.99']);
  });

  it('reads the tax table of the location’s province by code or name', () => {
    const bc = tableEstimates(d('10.00'), 'CAN', 'British Columbia', '2026-11-10', []);
    expect(view(itemizeTax(d('1.20'), bc, 'Sales tax', 'CAD'))).toEqual(['GST 5 0.50', 'PST 7 0.70']);
    expect(view(itemizeTax(d('1.30'), tableEstimates(d('10.00'), 'CAN', 'ON', '2026-11-10', []), 'Sales tax', 'CAD'))).toEqual(['HST 13 1.30']);
  });

  it('leaves a total nothing itemizes on one line named for the region', () => {
    expect(tableEstimates(d('10.00'), 'USA', 'MA', '2026-11-10', [])).toEqual([]);
    expect(view(itemizeTax(d('0.63'), [], unnamedTax('USA'), 'USD'))).toEqual(['Sales tax - 0.63']);
    expect(unnamedTax('NLD')).toBe('VAT');
    expect(itemizeTax(d('0'), [estimate('GST', 5, '1')], 'Sales tax', 'CAD')).toEqual([]);
  });
});

describe('sharing an amount out to the cent', () => {
  it('adds up exactly, the cents left over going to the largest remainders', () => {
    expect(shareOut(d('4.00'), [d('2'), d('4')], 'CAD').map((x) => x.toFixed(2))).toEqual(['1.33', '2.67']);
    expect(shareOut(d('0.50'), [d('1.00'), d('0.26')], 'USD').map((x) => x.toFixed(2))).toEqual(['0.40', '0.10']);
    expect(shareOut(d('1.00'), [d('0'), d('0'), d('0')], 'USD').map((x) => x.toFixed(2))).toEqual(['0.34', '0.33', '0.33']);
  });
});
