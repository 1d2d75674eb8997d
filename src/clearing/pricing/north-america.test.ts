import { describe, expect, it } from 'vitest';
import type { TariffElement } from '../../ocpi/v2_2_1/index.js';
import type { PricedSession } from './breakdown.js';
import { priceSession } from './engine.js';
import { pricingTariff } from './input.js';
import { policyWith } from './policy.js';
import { jurisdictionOf } from './taxes.js';
import { charge, park, sessionOf } from './test-support.js';

/** Hand-computed North American sessions: USD and CAD, per kWh and per minute, idle fees, DST, HST, GST+QST. */

function tariff230(currency: 'USD' | 'CAD', elements: TariffElement[], taxIncluded: 'YES' | 'NO' = 'NO') {
  return pricingTariff(
    { country_code: 'US', party_id: 'CP1', id: 'NA', currency, elements, tax_included: taxIncluded, last_updated: '2025-01-01T00:00:00Z' },
    '2.3.0',
  );
}
const where = (country: string, state: string) => ({ jurisdiction: jurisdictionOf(country, state) });
const amounts = (priced: PricedSession) => ({
  before: priced.costs.total_cost.before_taxes.toString(),
  taxes: priced.costs.total_cost.taxes.map((t) => `${t.name} ${t.percentage}% ${t.amount.toString()}`),
  after: priced.costs.total_cost.after_taxes.toString(),
});

describe('North American sessions, computed by hand', () => {
  it('USD per kWh in Massachusetts: 23.456 kWh at 0.35 = 8.2096, no sales tax configured', () => {
    const tariff = tariff230('USD', [{ price_components: [{ type: 'ENERGY', price: 0.35, step_size: 1 }] }]);
    const session = sessionOf('2026-05-04T14:00:00Z', [charge(50, 23.456)], { currency: 'USD', timeZone: 'America/New_York', ...where('USA', 'MA') });
    expect(amounts(priceSession(tariff, session))).toEqual({ before: '8.2096', taxes: [], after: '8.2096' });
  });

  it('USD per minute with an idle fee per minute after charging: 45 min at 0.20 + 17 idle min at 0.40 = 15.80', () => {
    const tariff = tariff230('USD', [
      { price_components: [{ type: 'TIME', price: 12, step_size: 60 }, { type: 'PARKING_TIME', price: 24, step_size: 60 }] },
    ]);
    const session = sessionOf('2026-05-04T14:00:00Z', [charge(45, 30), park(17)], { currency: 'USD', timeZone: 'America/Chicago', ...where('USA', 'IL') });
    const priced = priceSession(tariff, session);
    expect(priced.costs.total_time_cost.before_taxes.toString()).toBe('9');
    expect(priced.costs.total_parking_cost.before_taxes.toString()).toBe('6.8');
    expect(amounts(priced).before).toBe('15.8');
  });

  it('a per-minute price where the state requires per-kWh sale is flagged', () => {
    const tariff = tariff230('USD', [{ price_components: [{ type: 'TIME', price: 12, step_size: 60 }] }]);
    const session = sessionOf('2026-05-04T14:00:00Z', [charge(45, 30)], { currency: 'USD', timeZone: 'America/Los_Angeles', ...where('USA', 'California') });
    expect(priceSession(tariff, session).warnings.map((w) => w.code)).not.toContain('PER_MINUTE_ENERGY_PRICE');
    const strict = priceSession(tariff, session, policyWith({ perKwhStates: ['US-CA'] }));
    expect(strict.warnings.map((w) => w.code)).toContain('PER_MINUTE_ENERGY_PRICE');
  });

  describe('time of use across the start of daylight saving time (New York, 2026-03-08)', () => {
    // Peak from 03:00 local; 02:00 EST jumps to 03:00 EDT, so 07:00Z is 03:00 local, not 02:00.
    const tariff = tariff230('USD', [
      { price_components: [{ type: 'ENERGY', price: 0.5, step_size: 1 }], restrictions: { start_time: '03:00', end_time: '23:00' } },
      { price_components: [{ type: 'ENERGY', price: 0.25, step_size: 1 }] },
    ]);
    const options = { currency: 'USD', timeZone: 'America/New_York', ...where('USA', 'NY') };

    it('prices 01:30 EST off-peak and 03:00 EDT peak: 5 kWh at 0.25 + 15 kWh at 0.50 = 8.75', () => {
      const priced = priceSession(tariff, sessionOf('2026-03-08T06:30:00Z', [charge(30, 5), charge(90, 15)], options));
      expect(priced.periods.map((p) => p.local_start)).toEqual(['2026-03-08 01:30 SUNDAY', '2026-03-08 03:00 SUNDAY']);
      expect(amounts(priced).before).toBe('8.75');
      expect(priced.warnings).toEqual([]);
    });

    it('warns when one period spans the change to peak (the CDR should have split it)', () => {
      const priced = priceSession(tariff, sessionOf('2026-03-08T06:30:00Z', [charge(120, 20)], options));
      expect(priced.warnings.map((w) => w.code)).toEqual(['PERIOD_SPANS_PRICE_CHANGE']);
    });

    it('prices the hour repeated at the end of DST (2026-11-01) by the local clock', () => {
      // 05:30Z is 01:30 EDT, 06:30Z is 01:30 EST: both off-peak; 08:00Z is 03:00 EST, peak.
      const priced = priceSession(tariff, sessionOf('2026-11-01T05:30:00Z', [charge(60, 4), charge(90, 6), charge(30, 2)], options));
      expect(priced.periods.map((p) => p.local_start.slice(11, 16))).toEqual(['01:30', '01:30', '03:00']);
      expect(amounts(priced).before).toBe('3.5');
    });
  });

  it('Ontario, taxes excluded: 2.5 h at C$2.00 = 5.00 + HST 13% 0.65 = 5.65', () => {
    const tariff = tariff230('CAD', [{ price_components: [{ type: 'TIME', price: 2, step_size: 60 }] }]);
    const session = sessionOf('2026-02-02T15:00:00Z', [charge(150, 25)], { currency: 'CAD', timeZone: 'America/Toronto', ...where('CAN', 'ON') });
    expect(amounts(priceSession(tariff, session))).toEqual({ before: '5', taxes: ['HST 13% 0.65'], after: '5.65' });
  });

  it('Ontario, taxes included: 2.5 h at C$2.10 = 5.25, of which HST 13%', () => {
    const tariff = tariff230('CAD', [{ price_components: [{ type: 'TIME', price: 2.1, step_size: 60 }] }], 'YES');
    const session = sessionOf('2026-02-02T15:00:00Z', [charge(150, 25)], { currency: 'CAD', timeZone: 'America/Toronto', ...where('CAN', 'Ontario') });
    expect(amounts(priceSession(tariff, session))).toEqual({ before: '4.646', taxes: ['HST 13% 0.604'], after: '5.25' });
  });

  it('Quebec: 40 kWh at C$0.3125 = 12.50 + GST 5% 0.63 + QST 9.975% 1.25 (both on the same base) = 14.38', () => {
    const tariff = tariff230('CAD', [{ price_components: [{ type: 'ENERGY', price: 0.3125, step_size: 1 }] }]);
    const session = sessionOf('2026-02-02T15:00:00Z', [charge(60, 40)], { currency: 'CAD', timeZone: 'America/Montreal', ...where('CAN', 'QC') });
    expect(amounts(priceSession(tariff, session))).toEqual({ before: '12.5', taxes: ['GST 5% 0.63', 'QST 9.975% 1.25'], after: '14.38' });
  });

  it('Nova Scotia: HST 15% until 2025-03-31 and 14% from 2025-04-01, by the local date', () => {
    const tariff = tariff230('CAD', [{ price_components: [{ type: 'ENERGY', price: 0.5, step_size: 1 }] }]);
    const options = { currency: 'CAD', timeZone: 'America/Halifax', ...where('CAN', 'NS') };
    // 2025-04-01T02:30Z is still March 31 in Halifax (UTC−3 in summer time).
    const lastDay = priceSession(tariff, sessionOf('2025-04-01T02:30:00Z', [charge(30, 10)], options));
    const firstDay = priceSession(tariff, sessionOf('2025-04-01T04:30:00Z', [charge(30, 10)], options));
    expect(amounts(lastDay).taxes).toEqual(['HST 15% 0.75']);
    expect(amounts(firstDay).taxes).toEqual(['HST 14% 0.7']);
  });
});
