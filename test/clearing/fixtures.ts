import type { Cdr, Tariff } from '../../src/ocpi/v2_2_1/index.js';

/** A CDR of CPO US*CP1 for eMSP US*MS1, one charging period of `kwh` at the given cost. */
export function cdrFixture(overrides: Partial<Cdr> & { id: string }): Cdr {
  return {
    country_code: 'US',
    party_id: 'CP1',
    start_date_time: '2026-03-02T14:00:00Z',
    end_date_time: '2026-03-02T15:00:00Z',
    session_id: `S-${overrides.id}`,
    cdr_token: { country_code: 'US', party_id: 'MS1', uid: 'TOKEN1', type: 'RFID', contract_id: 'US-MS1-C1' },
    auth_method: 'WHITELIST',
    cdr_location: {
      id: 'LOC1',
      address: '1 Main St',
      city: 'Boston',
      state: 'MA',
      country: 'USA',
      coordinates: { latitude: '42.360000', longitude: '-71.058000' },
      evse_uid: 'EVSE1',
      evse_id: 'US*CP1*E1',
      connector_id: '1',
      connector_standard: 'IEC_62196_T1_COMBO',
      connector_format: 'CABLE',
      connector_power_type: 'DC',
    },
    currency: 'USD',
    charging_periods: [{ start_date_time: '2026-03-02T14:00:00Z', dimensions: [{ type: 'ENERGY', volume: 20 }] }],
    total_cost: { excl_vat: 8, incl_vat: 8 },
    total_energy: 20,
    total_time: 1,
    last_updated: '2026-03-02T15:00:00Z',
    ...overrides,
  };
}

/** A tariff of US*CP1: 0.40 USD per kWh. */
export function tariffFixture(overrides: Partial<Tariff> = {}): Tariff {
  return {
    country_code: 'US',
    party_id: 'CP1',
    id: 'T1',
    currency: 'USD',
    elements: [{ price_components: [{ type: 'ENERGY', price: 0.4, step_size: 1 }] }],
    last_updated: '2026-01-01T00:00:00Z',
    ...overrides,
  };
}
