import { describe, expect, it } from 'vitest';
import type { Cdr } from '../../ocpi/v2_2_1/index.js';
import { priceSession } from '../pricing/engine.js';
import { Exact } from '../pricing/exact.js';
import { policyWith } from '../pricing/policy.js';
import { charge, sessionOf, tariffOf } from '../pricing/test-support.js';
import { verifyConsistency, verifyCosts, verifyCredit } from './verify.js';

// 16:35, 25 min at 1.20 per hour (per 30 min) then 10 min at 2.40 (per 15 min): 1.30 as the spec
// reads step_size, 1.20 per period, 0.90 without it.
const tariff = tariffOf([
  { price_components: [{ type: 'TIME', price: 1.2, step_size: 1800 }], restrictions: { end_time: '17:00' } },
  { price_components: [{ type: 'TIME', price: 2.4, step_size: 900 }], restrictions: { start_time: '17:00' } },
]);
const session = sessionOf('2026-01-05T16:35:00Z', [charge(25, 5), charge(10, 2)]);
const computed = priceSession(tariff, session);
const alternatives = (['OFF', 'PER_PERIOD'] as const).map((mode) => ({ name: `step_size ${mode}`, priced: priceSession(tariff, session, policyWith({ stepSize: mode })) }));

const claim = (excl: number, extra: Partial<Cdr> = {}) =>
  ({
    id: 'C',
    start_date_time: '2026-01-05T16:35:00Z',
    end_date_time: '2026-01-05T17:10:00Z',
    charging_periods: session.periods,
    total_cost: { excl_vat: excl },
    total_energy: 7,
    total_time: 35 / 60,
    ...extra,
  }) as Cdr;
const tolerance = new Exact('0.01');

describe('claimed against computed', () => {
  it('accepts a claim within the tolerance', () => {
    expect(verifyCosts(claim(1.305), computed, tolerance, alternatives)).toEqual([]);
  });

  it('calls a claim another reading of step_size reproduces an interpretation difference', () => {
    expect(verifyCosts(claim(1.2), computed, tolerance, alternatives)).toMatchObject([{ code: 'TOTAL_COST', kind: 'INTERPRETATION', claimed: '1.2', computed: '1.3' }]);
  });

  it('calls any other difference a CDR defect, and checks the taxes on the total', () => {
    expect(verifyCosts(claim(2.3), computed, tolerance, alternatives)).toMatchObject([{ code: 'TOTAL_COST', kind: 'CDR_DEFECT' }]);
    const taxed = claim(1.3, { total_cost: { excl_vat: 1.3, incl_vat: 1.56 } });
    expect(verifyCosts(taxed, computed, tolerance, alternatives).map((d) => d.code)).toEqual(['TAX']);
  });

  it('checks the CDR against itself: energy, time, the sum of its parts, its periods', () => {
    const broken = claim(1.3, {
      total_energy: 8,
      total_time: 1,
      total_time_cost: { excl_vat: 1 },
      charging_periods: [...session.periods, { start_date_time: '2026-01-05T18:00:00Z', dimensions: [{ type: 'TIME', volume: 0 }] }],
    });
    expect(verifyConsistency(broken, tolerance).map((d) => d.code)).toEqual(['TOTAL_ENERGY', 'TOTAL_TIME', 'COST_SUM', 'PERIOD_OUTSIDE_SESSION']);
    expect(verifyConsistency(claim(1.3), tolerance)).toEqual([]);
  });

  it('checks that a credit negates the CDR it credits', () => {
    const original = claim(1.3, { total_cost: { excl_vat: 1.3, incl_vat: 1.56 } });
    expect(verifyCredit(claim(-1.3, { total_cost: { excl_vat: -1.3, incl_vat: -1.56 } }), original, tolerance)).toEqual([]);
    expect(verifyCredit(claim(-1, { total_cost: { excl_vat: -1 } }), original, tolerance).map((d) => d.code)).toEqual(['CREDIT_MISMATCH']);
    expect(verifyCredit(claim(-1.3), undefined, tolerance).map((d) => d.code)).toEqual(['CREDIT_UNKNOWN_CDR']);
  });
});
