import { describe, expect, it } from 'vitest';
import { LossLog } from './context.js';
import {
  excludeVat,
  priceFrom211,
  priceFrom230,
  priceLimitFrom230,
  priceLimitTo230,
  priceTo211,
  priceTo230,
} from './money.js';

describe('2.3.0 Price → 2.2.1 Price', () => {
  it('adds the tax lines exactly: 0.1 + 0.2 of tax on 1 is 1.3, not 1.3000000000000003', () => {
    const log = new LossLog();
    const price = priceFrom230(
      { before_taxes: 1, taxes: [{ name: 'GST', amount: 0.1 }, { name: 'PST', amount: 0.2 }] },
      log,
    );
    expect(price).toEqual({ excl_vat: 1, incl_vat: 1.3 });
    expect(0.1 + 0.2).not.toBe(0.3);
    expect(priceFrom230({ before_taxes: 0, taxes: [{ name: 'A', amount: 0.1 }, { name: 'B', amount: 0.2 }] }, log)).toEqual({
      excl_vat: 0,
      incl_vat: 0.3,
    });
  });

  it('reports the tax lines as approximated unless they are the single plain VAT line', () => {
    const split = new LossLog();
    priceFrom230({ before_taxes: 10, taxes: [{ name: 'GST', amount: 0.5 }, { name: 'QST', amount: 1 }] }, split);
    expect(split.entries).toEqual([
      { path: '$.taxes', kind: 'approximated', reason: expect.stringContaining('summed into incl_vat') },
    ]);

    const withRate = new LossLog();
    priceFrom230({ before_taxes: 10, taxes: [{ name: 'VAT', percentage: 21, amount: 2.1 }] }, withRate);
    expect(withRate.entries).toHaveLength(1);

    const plain = new LossLog();
    expect(priceFrom230({ before_taxes: 8.5, taxes: [{ name: 'VAT', amount: 0.85 }] }, plain)).toEqual({
      excl_vat: 8.5,
      incl_vat: 9.35,
    });
    expect(plain.entries).toEqual([]);
  });

  it('leaves incl_vat out when no taxes are given, and equal to excl_vat for an empty list', () => {
    const log = new LossLog();
    expect(priceFrom230({ before_taxes: 4 }, log)).toEqual({ excl_vat: 4 });
    expect(priceFrom230({ before_taxes: 4, taxes: [] }, log)).toEqual({ excl_vat: 4, incl_vat: 4 });
    expect(log.entries).toEqual([]);
  });
});

describe('2.2.1 Price → 2.3.0 Price', () => {
  it('makes one VAT line of the exact difference, reported as approximated', () => {
    const log = new LossLog('$.total_cost');
    expect(priceTo230({ excl_vat: 0.7, incl_vat: 0.91 }, log)).toEqual({
      before_taxes: 0.7,
      taxes: [{ name: 'VAT', amount: 0.21 }],
    });
    expect(0.91 - 0.7).not.toBe(0.21);
    expect(log.entries).toEqual([
      { path: '$.total_cost.incl_vat', kind: 'approximated', reason: expect.stringContaining('one "VAT" tax line') },
    ]);
  });

  it('gives an empty tax list for a zero difference and none without incl_vat, without losses', () => {
    const log = new LossLog();
    expect(priceTo230({ excl_vat: 5, incl_vat: 5 }, log)).toEqual({ before_taxes: 5, taxes: [] });
    expect(priceTo230({ excl_vat: 5 }, log)).toEqual({ before_taxes: 5 });
    expect(log.entries).toEqual([]);
  });

  it('keeps unknown fields of the price', () => {
    const price = { excl_vat: 1, x_note: 'kept' } as Parameters<typeof priceTo230>[0];
    expect(priceTo230(price, new LossLog())).toEqual({ before_taxes: 1, x_note: 'kept' });
  });
});

describe('2.1.1 amounts', () => {
  it('are the amount excluding VAT; incl_vat is reported as dropped', () => {
    expect(priceFrom211(2.5)).toEqual({ excl_vat: 2.5 });
    const log = new LossLog('$.total_cost');
    expect(priceTo211({ excl_vat: 2.5, incl_vat: 3.03 }, log)).toBe(2.5);
    expect(log.entries).toEqual([{ path: '$.total_cost.incl_vat', kind: 'dropped', reason: expect.any(String) }]);
    const none = new LossLog();
    priceTo211({ excl_vat: 2.5 }, none);
    expect(none.entries).toEqual([]);
  });
});

describe('PriceLimit ⇄ Price', () => {
  it('renames before/after taxes to excl/incl VAT both ways', () => {
    expect(priceLimitFrom230({ before_taxes: 0.5, after_taxes: 0.55 })).toEqual({ excl_vat: 0.5, incl_vat: 0.55 });
    expect(priceLimitFrom230({ before_taxes: 10 })).toEqual({ excl_vat: 10 });
    expect(priceLimitTo230({ excl_vat: 0.5, incl_vat: 0.55 })).toEqual({ before_taxes: 0.5, after_taxes: 0.55 });
  });
});

describe('excludeVat', () => {
  it('divides exactly and rounds half up to 4 decimals', () => {
    expect(excludeVat(2.1, 5)).toBe(2);
    expect(excludeVat(1.21, 21)).toBe(1);
    expect(excludeVat(1, 21)).toBe(0.8264);
    expect(excludeVat(0.3, 0)).toBe(0.3);
  });
});
