import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningHub } from '../../src/switchyard.js';
import { admin, databaseLabel, startTestHub } from '../support/hub.js';
import { cdr } from '../support/fixtures.js';

const BIN = fileURLToPath(new URL('../../bin/switchyard.js', import.meta.url));
const run = promisify(execFile);

const CP2 = { countryCode: 'CA', partyId: 'CP2' };
const MS2 = { countryCode: 'CA', partyId: 'MS2' };

/** The 2.3.0 North American example: C$2.00 per charging hour, per minute, taxes not included. */
const TARIFF_230 = {
  country_code: 'CA',
  party_id: 'CP2',
  id: 'TIME-2',
  currency: 'CAD',
  elements: [{ price_components: [{ type: 'TIME', price: 2, step_size: 60 }] }],
  tax_included: 'NO',
  last_updated: '2026-01-01T00:00:00Z',
};

/** 2.5 hours of charging in Toronto. */
const CDR_221 = cdr(CP2, MS2, 'CDR-ON', {
  start_date_time: '2026-02-02T15:00:00Z',
  end_date_time: '2026-02-02T17:30:00Z',
  currency: 'CAD',
  cdr_location: { ...cdr(CP2, MS2).cdr_location, state: 'ON', country: 'CAN', city: 'Toronto' },
  charging_periods: [{ start_date_time: '2026-02-02T15:00:00Z', dimensions: [{ type: 'TIME', volume: 2.5 }, { type: 'ENERGY', volume: 25 }] }],
  total_cost: { excl_vat: 5, incl_vat: 5.65 },
  total_energy: 25,
  total_time: 2.5,
});

describe(`pricing API and CLI (${databaseLabel})`, () => {
  let hub: RunningHub;
  beforeAll(async () => {
    hub = await startTestHub();
  }, 180_000);
  afterAll(async () => hub?.close());

  it('answers how the hub reads a tariff: totals with tax lines, the billed volumes, the breakdown', async () => {
    const priced = await admin(hub, 'POST', '/api/pricing/price', { tariffs: [TARIFF_230], cdr: { ...CDR_221, total_cost: { before_taxes: 5 }, total_time_cost: undefined }, version: '2.3.0', time_zone: 'America/Toronto' });
    expect(priced.status).toBe(200);
    expect(priced.body.total_cost).toEqual({ before_taxes: 5, taxes: [{ name: 'HST', percentage: 13, amount: 0.65 }], after_taxes: 5.65 });
    expect(priced.body.total_time_cost).toMatchObject({ before_taxes: 5, after_taxes: 5.65 });
    expect(priced.body.total_energy_cost).toEqual({ before_taxes: 0, taxes: [{ name: 'HST', percentage: 13, amount: 0 }], after_taxes: 0 });
    expect(priced.body).toMatchObject({ total_energy: 25, total_time: 2.5, total_parking_time: 0, warnings: [] });
    expect(priced.body.periods[0]).toMatchObject({ local_start: '2026-02-02 10:00 MONDAY', lines: [{ dimension: 'TIME', element: 0, cost: 5 }] });
  });

  it('says what is wrong with the input, and where', async () => {
    const noZone = await admin(hub, 'POST', '/api/pricing/price', { tariff: { ...TARIFF_230, tax_included: undefined }, cdr: CDR_221 });
    expect(noZone.status).toBe(400);
    const badZone = await admin(hub, 'POST', '/api/pricing/price', { tariff: { ...TARIFF_230, tax_included: undefined }, cdr: CDR_221, time_zone: 'Mars/Olympus' });
    expect(badZone.body).toMatchObject({ path: '$.time_zone' });
    const badCdr = await admin(hub, 'POST', '/api/pricing/price', { tariff: { ...TARIFF_230, tax_included: undefined }, cdr: { ...CDR_221, charging_periods: [] }, time_zone: 'UTC' });
    expect(badCdr.body.path).toBe('$.cdr.charging_periods');
    const noTimeZoneStored = await admin(hub, 'POST', '/api/pricing/price', { tariff: { ...TARIFF_230, tax_included: undefined }, cdr: CDR_221 });
    expect(noTimeZoneStored.body).toMatchObject({ path: '$.time_zone' });
  });

  it('prices from files on the command line, no hub needed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'switchyard-price-'));
    try {
      await writeFile(join(dir, 't.json'), JSON.stringify(TARIFF_230));
      await writeFile(join(dir, 'c.json'), JSON.stringify({ ...CDR_221, total_cost: { before_taxes: 5 }, total_time_cost: undefined }));
      const args = ['price', '--tariff', join(dir, 't.json'), '--cdr', join(dir, 'c.json'), '--version', '2.3.0', '--time-zone', 'America/Toronto'];
      const text = (await run('node', [BIN, ...args])).stdout;
      expect(text).toMatch(/total_cost\s+5\s+5\.65\s+\(HST 13% 0\.65\)/);
      const cdrs = (await run('node', [BIN, 'cdrs', 'list', '--hub-url', hub.url, '--admin-token', hub.adminToken])).stdout;
      expect(cdrs).toContain('0 of 0');
    } finally {
      await rm(dir, { recursive: true });
    }
  }, 120_000);
});
