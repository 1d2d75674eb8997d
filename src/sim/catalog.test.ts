import { describe, expect, it } from 'vitest';
import { compileValidator } from '../ocpi/validation.js';
import { LocationSchema, TariffSchema, TokenSchema } from '../ocpi/v2_2_1/index.js';
import { driversFor } from './drivers.js';
import { CITIES } from './geo.js';
import { locationsFor } from './locations.js';
import { cpoOperator, emspOperator } from './operators.js';
import { Random } from './random.js';
import { SITES } from './sites.js';
import { tariffsFor } from './tariffs.js';

const STAMP = '2026-11-23T18:00:00Z';

function expectValid(schema: Parameters<typeof compileValidator>[0], value: unknown): void {
  const result = compileValidator(schema)(value);
  expect(result.ok ? 'valid' : `${result.path}: ${result.message}`).toBe('valid');
}

describe('what the simulated partners publish', () => {
  it('makes the same choices for the same seed, and other choices for another', () => {
    const run = (seed: number) => {
      const rng = new Random(seed);
      return { locations: locationsFor(cpoOperator(0), 6, rng.fork('cpo'), STAMP), drivers: driversFor(emspOperator(0), 10, rng.fork('emsp'), STAMP) };
    };
    expect(run(1)).toEqual(run(1));
    expect(run(1)).not.toEqual(run(2));
  });

  it('publishes valid OCPI 2.2.1 locations at real sites, with North American connectors', () => {
    for (let i = 0; i < 6; i++) {
      const operator = cpoOperator(i);
      const locations = locationsFor(operator, 20, new Random(i), STAMP);
      for (const location of locations) {
        expectValid(LocationSchema, location);
        expect(location.country).toBe(operator.countryCode === 'US' ? 'USA' : 'CAN');
        expect(CITIES.map((c) => c.timeZone)).toContain(location.time_zone);
      }
      const standards = new Set(locations.flatMap((l) => l.evses!.flatMap((e) => e.connectors.map((c) => c.standard))));
      expect(standards).toContain('IEC_62196_T1_COMBO');
      expect(standards).toContain('IEC_62196_T1');
      if (operator.countryCode === 'US') expect(standards).toContain('TESLA_S');
      expect(new Set(locations.map((l) => l.id)).size).toBe(20);
    }
    // Every site is in one of the cities.
    for (const site of SITES) expect(CITIES.find((c) => c.code === site.city)).toBeTruthy();
  });

  it('publishes valid tariffs in USD in the US and CAD with GST in Canada', () => {
    const us = tariffsFor({ countryCode: 'US', partyId: 'VST' }, STAMP);
    const ca = tariffsFor({ countryCode: 'CA', partyId: 'MPL' }, STAMP);
    for (const tariff of [...us, ...ca]) expectValid(TariffSchema, tariff);
    expect(us.every((t) => t.currency === 'USD' && t.elements.every((e) => e.price_components.every((c) => c.vat === undefined)))).toBe(true);
    expect(ca.every((t) => t.currency === 'CAD' && t.elements.every((e) => e.price_components.every((c) => c.vat === 5)))).toBe(true);
    const dimensions = new Set([...us, ...ca].flatMap((t) => t.elements.flatMap((e) => e.price_components.map((c) => c.type))));
    expect([...dimensions].sort()).toEqual(['ENERGY', 'FLAT', 'PARKING_TIME', 'TIME']);
  });

  it("gives an eMSP's drivers valid cards and app accounts, a few of them blocked, with varied whitelists", () => {
    const drivers = driversFor(emspOperator(1), 200, new Random(5), STAMP);
    const tokens = drivers.flatMap((d) => [d.rfid, d.app].filter((t) => t !== undefined));
    for (const token of tokens) expectValid(TokenSchema, token);
    expect(drivers.every((d) => d.rfid || d.app)).toBe(true);
    expect(new Set(tokens.map((t) => t.uid)).size).toBe(tokens.length);
    expect(tokens.some((t) => !t.valid)).toBe(true);
    expect(new Set(drivers.map((d) => d.status))).toEqual(new Set(['ACTIVE', 'BLOCKED', 'EXPIRED']));
    expect(new Set(drivers.flatMap((d) => (d.rfid ? [d.rfid.whitelist] : [])))).toEqual(new Set(['ALWAYS', 'ALLOWED', 'ALLOWED_OFFLINE', 'NEVER']));
  });

  it('numbers operators past the list so that names and parties stay unique', () => {
    const parties = Array.from({ length: 30 }, (_, i) => cpoOperator(i));
    expect(new Set(parties.map((p) => p.name)).size).toBe(30);
    expect(new Set(parties.map((p) => `${p.countryCode}*${p.partyId}`)).size).toBe(30);
    expect(parties.every((p) => /^[A-Z0-9]{3}$/.test(p.partyId))).toBe(true);
  });
});
