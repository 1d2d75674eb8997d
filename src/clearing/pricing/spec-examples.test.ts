import { describe, expect, it } from 'vitest';
import type { TariffElement } from '../../ocpi/v2_2_1/index.js';
import { priceSession } from './engine.js';
import type { PricedSession } from './breakdown.js';
import { charge, park, reserve, sessionOf, tariffOf } from './test-support.js';
import { policyWith } from './policy.js';
import { Exact } from './exact.js';

/**
 * The worked examples of mod_tariffs and mod_cdrs (OCPI 2.2.1 and 2.3.0 edition 2), as facts: the
 * tariff each describes, the session it prices, and the totals the text gives.
 */

const total = (priced: PricedSession) => [priced.costs.total_cost.before_taxes.toNumber(), priced.costs.total_cost.after_taxes.toNumber()];
const cents = (priced: PricedSession) => total(priced).map((n) => Math.round(n * 100) / 100);

const FLAT_050 = { type: 'FLAT', price: 0.5, vat: 20, step_size: 1 } as const;
const ENERGY_025 = { type: 'ENERGY', price: 0.25, vat: 10, step_size: 1 } as const;

describe('mod_tariffs examples (2.2.1)', () => {
  it('€0.25 per kWh: 20 kWh cost 5.00 / 5.50', () => {
    expect(total(priceSession(tariffOf([{ price_components: [ENERGY_025] }]), sessionOf('2026-01-05T10:00:00Z', [charge(60, 20)])))).toEqual([5, 5.5]);
  });

  it('€0.25 per kWh + start fee: 20 kWh cost 5.50 / 6.10', () => {
    const priced = priceSession(tariffOf([{ price_components: [FLAT_050, ENERGY_025] }]), sessionOf('2026-01-05T10:00:00Z', [charge(60, 20)]));
    expect(total(priced)).toEqual([5.5, 6.1]);
    expect(priced.costs.total_fixed_cost.before_taxes.toNumber()).toBe(0.5);
  });

  it('€0.25 per kWh + min price: 20 kWh cost 5.00 / 5.50; under 2 kWh, 0.50 / 0.55', () => {
    const tariff = tariffOf([{ price_components: [ENERGY_025] }], { minPrice: { beforeTaxes: new Exact(0.5), afterTaxes: new Exact(0.55) } });
    expect(total(priceSession(tariff, sessionOf('2026-01-05T10:00:00Z', [charge(60, 20)])))).toEqual([5, 5.5]);
    const small = priceSession(tariff, sessionOf('2026-01-05T10:00:00Z', [charge(10, 1.2)]));
    expect(total(small)).toEqual([0.5, 0.55]);
    expect(small.warnings.map((w) => w.code)).toContain('MIN_PRICE_APPLIED');
  });

  it('€0.25 per kWh + parking per 15 min: 20 kWh and 40 min parked cost 7.00 / 7.90', () => {
    const tariff = tariffOf([{ price_components: [FLAT_050, ENERGY_025, { type: 'PARKING_TIME', price: 2, vat: 20, step_size: 900 }] }]);
    const priced = priceSession(tariff, sessionOf('2026-01-05T10:00:00Z', [charge(60, 20), park(40)]));
    expect(total(priced)).toEqual([7, 7.9]);
    expect(priced.total_parking_time.toNumber()).toBe(0.75);
  });

  it('start fee + max price: 50 kWh cost 10.00 / 11.00; 30 kWh cost 8.00 / 8.85', () => {
    const tariff = tariffOf([{ price_components: [FLAT_050, ENERGY_025] }], { maxPrice: { beforeTaxes: new Exact(10), afterTaxes: new Exact(11) } });
    expect(total(priceSession(tariff, sessionOf('2026-01-05T10:00:00Z', [charge(120, 50)])))).toEqual([10, 11]);
    expect(total(priceSession(tariff, sessionOf('2026-01-05T10:00:00Z', [charge(90, 30)])))).toEqual([8, 8.85]);
  });

  it('€2 per hour: 2.5 hours cost 5.00 / 5.50', () => {
    const tariff = tariffOf([{ price_components: [{ type: 'TIME', price: 2, vat: 10, step_size: 60 }] }]);
    expect(total(priceSession(tariff, sessionOf('2026-01-05T10:00:00Z', [charge(150, 30)])))).toEqual([5, 5.5]);
  });

  it('€3 per hour + €5 per hour parking: 150 min charging and 42 min parked cost 11.25 / 12.75', () => {
    const tariff = tariffOf([
      { price_components: [{ type: 'TIME', price: 3, vat: 10, step_size: 60 }, { type: 'PARKING_TIME', price: 5, vat: 20, step_size: 300 }] },
    ]);
    expect(total(priceSession(tariff, sessionOf('2026-01-05T10:00:00Z', [charge(150, 30), park(42)])))).toEqual([11.25, 12.75]);
  });

  it('€1.90 per hour at 5.2% VAT per 5 minutes: 2.5 hours cost 4.75 / 5.00', () => {
    const tariff = tariffOf([{ price_components: [{ type: 'TIME', price: 1.9, vat: 5.2, step_size: 300 }] }]);
    expect(cents(priceSession(tariff, sessionOf('2026-01-05T10:00:00Z', [charge(150, 30)])))).toEqual([4.75, 5]);
  });

  it('alt_url tariff as its elements say: 20.45 kWh per 0.1 kWh cost 5.63 / 6.24', () => {
    const tariff = tariffOf([{ price_components: [FLAT_050, { ...ENERGY_025, step_size: 100 }] }]);
    const priced = priceSession(tariff, sessionOf('2026-01-05T10:00:00Z', [charge(60, 20.45)]));
    expect(cents(priced)).toEqual([5.63, 6.24]);
    expect(priced.total_energy.toNumber()).toBe(20.5);
  });

  const reservationTariff15: TariffElement[] = [
    { price_components: [{ type: 'TIME', price: 5, vat: 20, step_size: 60 }], restrictions: { reservation: 'RESERVATION' } },
    { price_components: [FLAT_050, ENERGY_025] },
  ];

  it('reservation price: 15 min reserved, 20 kWh cost 6.75 / 7.60', () => {
    const priced = priceSession(tariffOf(reservationTariff15), sessionOf('2026-01-05T10:00:00Z', [reserve(15), charge(60, 20)]));
    expect(total(priced)).toEqual([6.75, 7.6]);
    expect(priced.costs.total_reservation_cost.before_taxes.toNumber()).toBe(1.25);
  });

  it('reservation fee + price per 5 min: 13 min reserved, 20 kWh cost 8.75 / 10.00', () => {
    const tariff = tariffOf([
      { price_components: [{ type: 'FLAT', price: 2, vat: 20, step_size: 1 }, { type: 'TIME', price: 5, vat: 20, step_size: 300 }], restrictions: { reservation: 'RESERVATION' } },
      { price_components: [FLAT_050, ENERGY_025] },
    ]);
    expect(total(priceSession(tariff, sessionOf('2026-01-05T10:00:00Z', [reserve(13), charge(60, 20)])))).toEqual([8.75, 10]);
  });

  const expiring17: TariffElement[] = [
    { price_components: [{ type: 'FLAT', price: 4, vat: 20, step_size: 1 }], restrictions: { reservation: 'RESERVATION_EXPIRES' } },
    { price_components: [{ type: 'TIME', price: 2, vat: 20, step_size: 600 }], restrictions: { reservation: 'RESERVATION' } },
    { price_components: [FLAT_050, ENERGY_025] },
  ];

  it('reservation with expiry fee: used after 22 min cost 6.50 / 7.30; expired after 1 hour 6.00 / 7.20', () => {
    expect(total(priceSession(tariffOf(expiring17), sessionOf('2026-01-05T10:00:00Z', [reserve(22), charge(60, 20)])))).toEqual([6.5, 7.3]);
    expect(total(priceSession(tariffOf(expiring17), sessionOf('2026-01-05T10:00:00Z', [reserve(60)])))).toEqual([6, 7.2]);
  });

  it('reservation with expiry time price: used after 22 min cost 7.00 / 7.90; expired after 1.5 hours 9.00 / 10.80', () => {
    const tariff = tariffOf([
      { price_components: [{ type: 'TIME', price: 6, vat: 20, step_size: 600 }], restrictions: { reservation: 'RESERVATION_EXPIRES' } },
      { price_components: [{ type: 'TIME', price: 3, vat: 20, step_size: 600 }], restrictions: { reservation: 'RESERVATION' } },
      { price_components: [FLAT_050, ENERGY_025] },
    ]);
    expect(total(priceSession(tariff, sessionOf('2026-01-05T10:00:00Z', [reserve(22), charge(60, 20)])))).toEqual([7, 7.9]);
    expect(total(priceSession(tariff, sessionOf('2026-01-05T10:00:00Z', [reserve(90)])))).toEqual([9, 10.8]);
  });
});

describe('mod_tariffs complex tariff (2.2.1 and 2.3.0)', () => {
  const complex: TariffElement[] = [
    { price_components: [{ type: 'FLAT', price: 2.5, vat: 15, step_size: 1 }] },
    { price_components: [{ type: 'TIME', price: 1, vat: 20, step_size: 900 }], restrictions: { max_current: 32 } },
    { price_components: [{ type: 'TIME', price: 2, vat: 20, step_size: 600 }], restrictions: { min_current: 32, day_of_week: ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY'] } },
    { price_components: [{ type: 'TIME', price: 1.25, vat: 20, step_size: 600 }], restrictions: { min_current: 32, day_of_week: ['SATURDAY', 'SUNDAY'] } },
    { price_components: [{ type: 'PARKING_TIME', price: 5, vat: 10, step_size: 300 }], restrictions: { start_time: '09:00', end_time: '18:00', day_of_week: ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY'] } },
    { price_components: [{ type: 'PARKING_TIME', price: 6, vat: 10, step_size: 300 }], restrictions: { start_time: '10:00', end_time: '17:00', day_of_week: ['SATURDAY'] } },
  ];

  it('Monday 09:30, 165 min at 16 A and 42 min parked: 9.00 / 10.30', () => {
    const session = sessionOf('2026-01-05T09:30:00+01:00', [charge(165, 10, { current: 16 }), park(42)], { timeZone: 'Europe/Amsterdam' });
    const priced = priceSession(tariffOf(complex), session);
    expect(total(priced)).toEqual([9, 10.3]);
    expect(priced.periods[1].lines[0]).toMatchObject({ dimension: 'PARKING_TIME', element: 4, restrictions: ['start_time', 'day_of_week'] });
  });

  it('Saturday 13:30, 114 min at 43 A and 71 min parked: parking 75 min at 6.00 (the text prices the charging at 1.20, not the 1.25 its tariff says)', () => {
    const session = sessionOf('2026-01-10T13:30:00+01:00', [charge(114, 30, { current: 43 }), park(71)], { timeZone: 'Europe/Amsterdam' });
    const priced = priceSession(tariffOf(complex), session);
    expect(priced.costs.total_parking_cost.before_taxes.toNumber()).toBe(7.5);
    expect(priced.costs.total_fixed_cost.before_taxes.toNumber()).toBe(2.5);
    expect(priced.costs.total_time_cost.before_taxes.toNumber()).toBe(2.375);
    expect(total(priced)).toEqual([12.375, 13.975]);
  });
});

describe('step_size (2.2.1 mod_cdrs; 2.3.0 edition 2 mod_tariffs)', () => {
  const perHalfHourThenQuarter: TariffElement[] = [
    { price_components: [{ type: 'TIME', price: 1.2, step_size: 1800 }, { type: 'PARKING_TIME', price: 1, step_size: 900 }], restrictions: { start_time: '00:00', end_time: '17:00' } },
    { price_components: [{ type: 'TIME', price: 2.4, step_size: 900 }, { type: 'PARKING_TIME', price: 1, step_size: 900 }], restrictions: { start_time: '17:00', end_time: '20:00' } },
    { price_components: [{ type: 'TIME', price: 2.4, step_size: 900 }], restrictions: { start_time: '20:00', end_time: '00:00' } },
  ];
  const withVat = perHalfHourThenQuarter.map((e) => ({ ...e, price_components: e.price_components.map((c) => ({ ...c, vat: 20 })) }));

  it('16:55, 10 min charging and 2 min parked: 0.55 (parking rounded to 15 min)', () => {
    const session = sessionOf('2026-01-05T16:55:00Z', [charge(5, 1), charge(5, 1), park(2)]);
    expect(total(priceSession(tariffOf(perHalfHourThenQuarter), session))[0]).toBe(0.55);
  });

  it('16:35, 35 min charging: 1.30 (the total 35 min rounded to 45, the extra billed after 17:00)', () => {
    const session = sessionOf('2026-01-05T16:35:00Z', [charge(25, 5), charge(10, 2)]);
    const priced = priceSession(tariffOf(perHalfHourThenQuarter), session);
    expect(total(priced)[0]).toBe(1.3);
    expect(priced.periods[1].lines[0].billed_volume.times(60).toDecimalPlaces(6).toNumber()).toBe(20);
  });

  it('19:40, 12 min charging and 20 min parked, parking free after 20:00: 0.73 excl., 0.88 at 20% VAT', () => {
    const session = sessionOf('2026-01-05T19:40:00Z', [charge(12, 3), park(8), park(12)]);
    expect(total(priceSession(tariffOf(perHalfHourThenQuarter), session))[0]).toBe(0.73);
    expect(cents(priceSession(tariffOf(withVat), session))).toEqual([0.73, 0.88]);
  });

  it('energy 4.3 kWh before 17:00 and 1.1 kWh after, per 500 Wh: 5.5 kWh billed, not 5.8', () => {
    const tariff = tariffOf([
      { price_components: [{ type: 'ENERGY', price: 0.2, step_size: 500 }], restrictions: { end_time: '17:00' } },
      { price_components: [{ type: 'ENERGY', price: 0.27, step_size: 500 }], restrictions: { start_time: '17:00' } },
    ]);
    const priced = priceSession(tariff, sessionOf('2026-01-05T16:00:00Z', [charge(60, 4.3), charge(30, 1.1)]));
    expect(priced.total_energy.toNumber()).toBe(5.5);
    expect(total(priced)[0]).toBe(0.86 + 0.324);
  });

  it('time 6 min before 17:00 and 22 after, per 10 min: 30 min billed, 24 of them after 17:00', () => {
    const tariff = tariffOf([
      { price_components: [{ type: 'TIME', price: 5, step_size: 600 }], restrictions: { end_time: '17:00' } },
      { price_components: [{ type: 'TIME', price: 7, step_size: 600 }], restrictions: { start_time: '17:00' } },
    ]);
    const priced = priceSession(tariff, sessionOf('2026-01-05T16:54:00Z', [charge(6, 1), charge(22, 4)]));
    expect(priced.total_time.times(60).toNumber()).toBe(30);
    expect(total(priced)[0]).toBe(0.5 + 2.8);
  });

  it('21 min charging then 16 min parked, both per 10 min: charging 21 min, parking 20 min', () => {
    const tariff = tariffOf([{ price_components: [{ type: 'TIME', price: 1, step_size: 600 }, { type: 'PARKING_TIME', price: 2, step_size: 600 }] }]);
    const priced = priceSession(tariff, sessionOf('2026-01-05T10:00:00Z', [charge(21, 5), park(16)]));
    expect(priced.total_parking_time.times(60).toNumber()).toBe(20);
    expect(priced.total_time.times(60).toNumber()).toBe(41);
  });

  it('per period, as some CPOs misread it, when the policy says so', () => {
    const session = sessionOf('2026-01-05T16:35:00Z', [charge(25, 5), charge(10, 2)]);
    expect(total(priceSession(tariffOf(perHalfHourThenQuarter), session, policyWith({ stepSize: 'PER_PERIOD' })))[0]).toBe(0.6 + 0.6);
    expect(total(priceSession(tariffOf(perHalfHourThenQuarter), session, policyWith({ stepSize: 'OFF' })))[0]).toBe(0.5 + 0.4);
  });
});
