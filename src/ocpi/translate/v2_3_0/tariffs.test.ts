import { describe, expect, it } from 'vitest';
import * as v221 from '../../v2_2_1/index.js';
import * as v230 from '../../v2_3_0/index.js';
import { compileValidator } from '../../validation.js';
import { fixtures, testContext } from '../test-support.js';
import { tariffFrom230, tariffTo230 } from './tariffs.js';

const ctx = testContext();

function tariff230(overrides: Partial<v230.Tariff> = {}): v230.Tariff {
  const { min_price, max_price, ...tariff } = fixtures.tariff();
  return { ...tariff, tax_included: 'NO', ...overrides };
}

describe('Tariffs 2.2.1 → 2.3.0', () => {
  it('say tax_included NO (2.2.1 prices exclude VAT) and turn min/max Price into PriceLimit', () => {
    const tariff = fixtures.tariff({ min_price: { excl_vat: 0.5, incl_vat: 0.55 }, max_price: { excl_vat: 10 } });
    const { value, losses } = tariffTo230(tariff, ctx);
    expect(value).toMatchObject({
      tax_included: 'NO',
      min_price: { before_taxes: 0.5, after_taxes: 0.55 },
      max_price: { before_taxes: 10 },
    });
    expect(losses).toEqual([]);
    expect(compileValidator(v230.TariffSchema)(value)).toMatchObject({ ok: true });
    expect(tariffFrom230(value, ctx)).toEqual({ value: tariff, losses: [] });
  });
});

describe('Tariffs 2.3.0 → 2.2.1', () => {
  it('convert prices that include VAT at a known rate to prices before VAT, approximated', () => {
    const elements = [{ price_components: [{ type: 'TIME' as const, price: 2.42, vat: 21, step_size: 60 }] }];
    const { value, losses } = tariffFrom230(tariff230({ tax_included: 'YES', elements }), ctx);
    expect(value.elements).toEqual([{ price_components: [{ type: 'TIME', price: 2, vat: 21, step_size: 60 }] }]);
    expect(value).not.toHaveProperty('tax_included');
    expect(losses).toEqual([
      {
        path: '$.elements[0].price_components[0].price',
        kind: 'approximated',
        reason: expect.stringContaining('2.42 incl. 21% VAT is 2'),
      },
    ]);
  });

  it('keep prices including taxes at an unknown rate (North America), and say so', () => {
    const elements = [{ price_components: [{ type: 'TIME' as const, price: 2.1, step_size: 1 }] }];
    const { value, losses } = tariffFrom230(tariff230({ currency: 'CAD', tax_included: 'YES', elements }), ctx);
    expect(value.elements).toEqual(elements);
    expect(losses).toEqual([{ path: '$.tax_included', kind: 'approximated', reason: expect.any(String) }]);
  });

  it('report tax_included N/A and preauthorize_amount as dropped, and map PriceLimits', () => {
    const { value, losses } = tariffFrom230(
      tariff230({ tax_included: 'N/A', preauthorize_amount: 50, max_price: { before_taxes: 10, after_taxes: 11 } }),
      ctx,
    );
    expect(value).toEqual(fixtures.tariff({ max_price: { excl_vat: 10, incl_vat: 11 } }));
    expect(losses.map((loss) => `${loss.kind} ${loss.path}`)).toEqual(['dropped $.preauthorize_amount', 'dropped $.tax_included']);
    expect(compileValidator(v221.TariffSchema)(value)).toMatchObject({ ok: true });
  });
});
