import { describe, expect, it } from 'vitest';
import * as v211 from '../../v2_1_1/index.js';
import * as v221 from '../../v2_2_1/index.js';
import { compileValidator } from '../../validation.js';
import { fixtures, TEST_NOW, testContext } from '../test-support.js';
import { mergeTariffPatch211, tariffFrom211, tariffTo211 } from './tariffs.js';

const ctx = testContext();

const tariff211: v211.Tariff = {
  id: 'T1',
  currency: 'EUR',
  elements: [{ price_components: [{ type: 'TIME', price: 2, step_size: 300 }], restrictions: { max_power: 32 } }],
  energy_mix: { is_green_energy: false, environ_impact: [{ source: 'CARBON_DIOXIDE', amount: 372 }] },
  last_updated: '2024-01-01T10:00:00Z',
};

describe('Tariffs from 2.1.1', () => {
  it('get the owner from the context and EnvironmentalImpact.category for source', () => {
    const { value, losses } = tariffFrom211(tariff211, ctx);
    expect(value).toMatchObject({ country_code: 'BE', party_id: 'BEC', id: 'T1' });
    expect(value.energy_mix?.environ_impact).toEqual([{ category: 'CARBON_DIOXIDE', amount: 372 }]);
    expect(losses).toEqual([]);
    expect(compileValidator(v221.TariffSchema)(value)).toMatchObject({ ok: true });
    expect(tariffTo211(value, ctx)).toEqual({ value: tariff211, losses: [] });
  });
});

describe('Tariffs to 2.1.1', () => {
  it('report every field 2.1.1 lacks', () => {
    const tariff = fixtures.tariff({
      type: 'AD_HOC_PAYMENT',
      min_price: { excl_vat: 1 },
      max_price: { excl_vat: 10 },
      start_date_time: '2024-01-01T00:00:00Z',
      end_date_time: '2025-01-01T00:00:00Z',
      elements: [
        {
          price_components: [{ type: 'ENERGY', price: 0.25, vat: 21, step_size: 1 }],
          restrictions: { min_current: 16, max_power: 11 },
        },
      ],
    });
    const { value, losses } = tariffTo211(tariff, ctx);
    expect(value.elements).toEqual([
      { price_components: [{ type: 'ENERGY', price: 0.25, step_size: 1 }], restrictions: { max_power: 11 } },
    ]);
    expect(losses.map((loss) => `${loss.kind} ${loss.path}`)).toEqual([
      'dropped $.type',
      'dropped $.min_price',
      'dropped $.max_price',
      'dropped $.start_date_time',
      'dropped $.end_date_time',
      'dropped $.elements[0].price_components[0].vat',
      'dropped $.elements[0].restrictions.min_current',
    ]);
    expect(compileValidator(v211.TariffSchema)(value)).toMatchObject({ ok: true });
  });

  it('leave out elements that price reservations, which 2.1.1 would apply to charging', () => {
    const reservation = {
      price_components: [{ type: 'TIME' as const, price: 5, step_size: 60 }],
      restrictions: { reservation: 'RESERVATION' as const },
    };
    const { value, losses } = tariffTo211(fixtures.tariff({ elements: [reservation, ...fixtures.tariff().elements] }), ctx);
    expect(value.elements).toEqual(fixtures.tariff().elements);
    expect(losses).toEqual([{ path: '$.elements[0]', kind: 'dropped', reason: expect.stringContaining('reservations') }]);
  });
});

describe('mergeTariffPatch211', () => {
  it('applies a 2.1.1 PATCH to the stored canonical Tariff, giving a whole Tariff to PUT', () => {
    const stored = fixtures.tariff({ type: 'REGULAR' });
    const patch: v211.TariffPatch = { elements: [{ price_components: [{ type: 'TIME', price: 2.5, step_size: 300 }] }] };
    const { value, losses } = mergeTariffPatch211(stored, patch, ctx);
    expect(value).toEqual({ ...stored, elements: patch.elements, last_updated: TEST_NOW });
    expect(losses).toEqual([{ path: '$.last_updated', kind: 'defaulted', reason: expect.any(String) }]);
    expect(compileValidator(v221.TariffSchema)(value)).toMatchObject({ ok: true });
  });

  it('takes last_updated from the PATCH when it has one', () => {
    const patch = { currency: 'USD', last_updated: '2024-02-01T00:00:00Z' };
    const { value, losses } = mergeTariffPatch211(fixtures.tariff(), patch, ctx);
    expect(value).toMatchObject({ currency: 'USD', last_updated: '2024-02-01T00:00:00Z' });
    expect(losses).toEqual([]);
  });
});
