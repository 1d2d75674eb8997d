import { describe, expect, it } from 'vitest';
import type { ChargingPeriod, Tariff } from '../ocpi/v2_2_1/index.js';
import { priceSession } from './pricing.js';
import { AC_TARIFF, DC_TARIFF, tariffsFor } from './tariffs.js';

const US = tariffsFor({ countryCode: 'US', partyId: 'VST' }, '2026-11-01T00:00:00Z');
const CA = tariffsFor({ countryCode: 'CA', partyId: 'MPL' }, '2026-11-01T00:00:00Z');
const tariff = (list: Tariff[], id: string) => list.find((t) => t.id === id)!;

const period = (start: string, dimensions: Record<string, number>): ChargingPeriod => ({
  start_date_time: start,
  dimensions: Object.entries(dimensions).map(([type, volume]) => ({ type: type as 'ENERGY', volume })),
});

// Every expected amount below is worked out by hand in the comments.
describe('pricing a session by its tariff', () => {
  it('prices US DC fast charging: session fee, energy steps by kWh charged, idle fee rounded up per minute', () => {
    // Monday 23 Nov 2026, 10:00 in Seattle (UTC-8).
    const periods = [
      period('2026-11-23T18:00:00Z', { ENERGY: 3, TIME: 0.0333 }), // 3 kWh × 0.48 = 1.44
      period('2026-11-23T18:02:00Z', { ENERGY: 4.5, TIME: 0.05 }), // 3 kWh so far: 4.5 × 0.48 = 2.16
      period('2026-11-23T18:05:00Z', { ENERGY: 2.25, TIME: 0.025 }), // 7.5 kWh so far (≥ 5): 2.25 × 0.42 = 0.945
      period('2026-11-23T18:06:30Z', { PARKING_TIME: 0.1139 }), // 410.04 s → 7 whole minutes × 0.40 = 2.80
    ];
    const cost = priceSession(tariff(US, DC_TARIFF), periods, { start: new Date('2026-11-23T18:00:00Z'), timeZone: 'America/Los_Angeles' });
    expect(cost.fixed).toEqual({ excl_vat: 1, incl_vat: 1 });
    expect(cost.energy).toEqual({ excl_vat: 4.55, incl_vat: 4.55 }); // 4.545 rounds half up
    expect(cost.time).toEqual({ excl_vat: 0, incl_vat: 0 }); // the DC tariff has no TIME component
    expect(cost.parking).toEqual({ excl_vat: 2.8, incl_vat: 2.8 });
    expect(cost.total).toEqual({ excl_vat: 8.35, incl_vat: 8.35 });
  });

  it('applies the 4-9 pm peak price ahead of the kWh discount, and leaves it at 9 pm', () => {
    // Monday 23 Nov 2026, 16:30 in Los Angeles = 00:30Z on the 24th.
    const periods = [
      period('2026-11-24T00:30:00Z', { ENERGY: 6, TIME: 0.1667 }), // peak: 6 × 0.58 = 3.48
      period('2026-11-24T00:40:00Z', { ENERGY: 2, TIME: 0.05 }), // still peak, though past 5 kWh: 2 × 0.58 = 1.16
      period('2026-11-24T05:00:00Z', { ENERGY: 1, TIME: 0.02 }), // 21:00 local, end is exclusive: 1 × 0.42 = 0.42
    ];
    const cost = priceSession(tariff(US, DC_TARIFF), periods, { start: new Date('2026-11-24T00:30:00Z'), timeZone: 'America/Los_Angeles' });
    expect(cost.energy.excl_vat).toBe(5.06);
    expect(cost.total).toEqual({ excl_vat: 6.06, incl_vat: 6.06 });
  });

  it('prices US Level 2 by the hour, dearer after two hours, with daytime parking', () => {
    // Monday 23 Nov 2026, 09:00 in Chicago (UTC-6).
    const periods = [
      period('2026-11-23T15:00:00Z', { ENERGY: 7, TIME: 1 }), // 1 h × 1.80; energy is not priced
      period('2026-11-23T16:00:00Z', { ENERGY: 7, TIME: 1 }), // 1 h × 1.80
      period('2026-11-23T17:00:00Z', { ENERGY: 3.5, TIME: 0.5083 }), // 2 h in (min_duration 7200 inclusive): 0.5083 × 3.00 = 1.5249
      period('2026-11-23T17:30:30Z', { PARKING_TIME: 0.25 }), // 11:30 local: 900 s, already a multiple of 300 s: 0.25 × 3.00 = 0.75
    ];
    const cost = priceSession(tariff(US, AC_TARIFF), periods, { start: new Date('2026-11-23T15:00:00Z'), timeZone: 'America/Chicago' });
    expect(cost.energy.excl_vat).toBe(0);
    expect(cost.time.excl_vat).toBe(5.12); // 5.1249
    expect(cost.parking.excl_vat).toBe(0.75);
    expect(cost.total.excl_vat).toBe(5.87);
  });

  it('rounds charging time up by the step size when it is the last priced time (parking is free at night)', () => {
    // Monday 23 Nov 2026, 19:00 in Chicago = 01:00Z on the 24th; parking at 22:30 local costs nothing.
    const periods = [
      period('2026-11-24T01:00:00Z', { TIME: 1 }),
      period('2026-11-24T02:00:00Z', { TIME: 1 }),
      period('2026-11-24T03:00:00Z', { TIME: 0.5083 }),
      period('2026-11-24T04:30:30Z', { PARKING_TIME: 0.25 }),
    ];
    // 9029.88 s of charging → 151 minutes = 9060 s: the last line is billed 1829.88 + 30.12 = 1860 s × 3.00/h = 1.55.
    const cost = priceSession(tariff(US, AC_TARIFF), periods, { start: new Date('2026-11-24T01:00:00Z'), timeZone: 'America/Chicago' });
    expect(cost.time.excl_vat).toBe(5.15); // 1.80 + 1.80 + 1.55
    expect(cost.parking.excl_vat).toBe(0);
    expect(cost.total).toEqual({ excl_vat: 5.15, incl_vat: 5.15 });
  });

  it('prices Canadian DC charging with GST, weekday peak per-minute time and idle time', () => {
    // Friday 27 Nov 2026, 17:00 in Toronto (UTC-5).
    const periods = [
      period('2026-11-27T22:00:00Z', { ENERGY: 10.5, TIME: 0.25 }), // 10.5 × 0.25 = 2.625; peak 0.25 h × 15 = 3.75
      period('2026-11-27T22:15:00Z', { ENERGY: 4.25, TIME: 0.1 }), // 4.25 × 0.25 = 1.0625; 0.1 h × 15 = 1.50
      period('2026-11-27T22:21:00Z', { PARKING_TIME: 0.0417 }), // 150.12 s → 3 minutes × 12.00/h = 0.60
    ];
    const cost = priceSession(tariff(CA, DC_TARIFF), periods, { start: new Date('2026-11-27T22:00:00Z'), timeZone: 'America/Toronto' });
    expect(cost.fixed).toEqual({ excl_vat: 1.25, incl_vat: 1.31 }); // 1.3125
    expect(cost.energy).toEqual({ excl_vat: 3.69, incl_vat: 3.87 }); // 3.6875 and 3.871875
    expect(cost.time).toEqual({ excl_vat: 5.25, incl_vat: 5.51 }); // 5.5125
    expect(cost.parking).toEqual({ excl_vat: 0.6, incl_vat: 0.63 });
    expect(cost.total).toEqual({ excl_vat: 10.79, incl_vat: 11.32 }); // the sums of the rounded parts
  });

  it('uses the off-peak time price on a Saturday', () => {
    // Saturday 28 Nov 2026, 17:00 in Toronto: no weekday peak.
    const periods = [period('2026-11-28T22:00:00Z', { ENERGY: 10, TIME: 0.25 })]; // 10 × 0.25 = 2.50; 0.25 h × 12 = 3.00
    const cost = priceSession(tariff(CA, DC_TARIFF), periods, { start: new Date('2026-11-28T22:00:00Z'), timeZone: 'America/Toronto' });
    expect(cost.total).toEqual({ excl_vat: 6.75, incl_vat: 7.09 }); // 1.25 + 2.50 + 3.00; 1.31 + 2.63 + 3.15 (2.625 up)
  });

  it('bills Canadian Level 2 time per started quarter hour', () => {
    // 20 minutes of charging → 2 quarters = 0.5 h × 2.00 = 1.00, plus 5% GST.
    const periods = [period('2026-11-28T15:00:00Z', { ENERGY: 2.4, TIME: 0.3333 })];
    const cost = priceSession(tariff(CA, AC_TARIFF), periods, { start: new Date('2026-11-28T15:00:00Z'), timeZone: 'America/Vancouver' });
    expect(cost.total).toEqual({ excl_vat: 1, incl_vat: 1.05 });
  });
});
