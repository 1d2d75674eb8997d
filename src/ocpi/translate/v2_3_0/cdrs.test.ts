import { describe, expect, it } from 'vitest';
import type * as v221 from '../../v2_2_1/index.js';
import * as v230 from '../../v2_3_0/index.js';
import { compileValidator } from '../../validation.js';
import { fixtures, testContext } from '../test-support.js';
import { cdrFrom230, cdrTo230 } from './cdrs.js';

const ctx = testContext();

describe('CDRs 2.3.0 ⇄ 2.2.1', () => {
  const cdr: v221.Cdr = {
    country_code: 'BE',
    party_id: 'BEC',
    id: 'CDR-1',
    start_date_time: '2024-01-01T10:00:00Z',
    end_date_time: '2024-01-01T11:00:00Z',
    cdr_token: fixtures.session().cdr_token,
    auth_method: 'WHITELIST',
    cdr_location: {
      id: 'LOC-1',
      address: 'Main Street 1',
      city: 'Gent',
      country: 'BEL',
      coordinates: { latitude: '51.047599', longitude: '3.729944' },
      evse_uid: 'EVSE-1',
      evse_id: 'BE*BEC*E1',
      connector_id: '1',
      connector_standard: 'IEC_62196_T2',
      connector_format: 'SOCKET',
      connector_power_type: 'AC_3_PHASE',
    },
    currency: 'EUR',
    tariffs: [fixtures.tariff()],
    charging_periods: [{ start_date_time: '2024-01-01T10:00:00Z', dimensions: [{ type: 'ENERGY', volume: 10 }] }],
    total_cost: { excl_vat: 2.5, incl_vat: 3.025 },
    total_energy_cost: { excl_vat: 2.5, incl_vat: 2.5 },
    total_energy: 10,
    total_time: 1,
    last_updated: '2024-01-01T11:00:00Z',
  };

  it('convert every cost and the tariffs, and come back the same', () => {
    const there = cdrTo230(cdr, ctx);
    expect(there.value).toMatchObject({
      total_cost: { before_taxes: 2.5, taxes: [{ name: 'VAT', amount: 0.525 }] },
      total_energy_cost: { before_taxes: 2.5, taxes: [] },
      tariffs: [{ tax_included: 'NO' }],
    });
    expect(there.losses.map((loss) => loss.path)).toEqual(['$.total_cost.incl_vat']);
    expect(compileValidator(v230.CdrSchema)(there.value)).toMatchObject({ ok: true });
    expect(cdrFrom230(there.value, ctx)).toEqual({ value: cdr, losses: [] });
  });

  it('report a connector standard 2.2.1 lacks', () => {
    const cdr230 = cdrTo230(cdr, ctx).value;
    const { value, losses } = cdrFrom230({ ...cdr230, cdr_location: { ...cdr230.cdr_location, connector_standard: 'MCS' } }, ctx);
    expect(value.cdr_location).not.toHaveProperty('connector_standard');
    expect(losses).toEqual([{ path: '$.cdr_location.connector_standard', kind: 'dropped', reason: expect.any(String) }]);
  });
});
