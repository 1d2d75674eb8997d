/**
 * Valid OCPI 2.2.1 objects for tests, built per owner. Each builder takes overrides so a test says
 * only what matters to it.
 */
export const NOW = '2026-11-22T10:00:00Z';

export function connector(id = '1', overrides: Record<string, unknown> = {}) {
  return {
    id,
    standard: 'IEC_62196_T1_COMBO',
    format: 'CABLE',
    power_type: 'DC',
    max_voltage: 920,
    max_amperage: 200,
    max_electric_power: 150000,
    tariff_ids: ['TARIFF-DC'],
    last_updated: NOW,
    ...overrides,
  };
}

export function evse(uid = 'EVSE-1', overrides: Record<string, unknown> = {}) {
  return {
    uid,
    evse_id: `US*CP1*E${uid.replace(/\W/g, '')}`,
    status: 'AVAILABLE',
    capabilities: ['REMOTE_START_STOP_CAPABLE', 'RFID_READER'],
    connectors: [connector()],
    last_updated: NOW,
    ...overrides,
  };
}

export function location(owner: { countryCode: string; partyId: string }, id = 'LOC-1', overrides: Record<string, unknown> = {}) {
  return {
    country_code: owner.countryCode,
    party_id: owner.partyId,
    id,
    publish: true,
    name: 'Pike Place Garage',
    address: '1531 Western Ave',
    city: 'Seattle',
    postal_code: '98101',
    state: 'WA',
    country: 'USA',
    coordinates: { latitude: '47.609100', longitude: '-122.342000' },
    parking_type: 'PARKING_GARAGE',
    evses: [evse()],
    operator: { name: 'Volt Street' },
    time_zone: 'America/Los_Angeles',
    last_updated: NOW,
    ...overrides,
  };
}

export function tariff(owner: { countryCode: string; partyId: string }, id = 'TARIFF-DC', overrides: Record<string, unknown> = {}) {
  return {
    country_code: owner.countryCode,
    party_id: owner.partyId,
    id,
    currency: 'USD',
    type: 'REGULAR',
    elements: [{ price_components: [{ type: 'ENERGY', price: 0.45, vat: 0, step_size: 1 }] }],
    last_updated: NOW,
    ...overrides,
  };
}

export function token(owner: { countryCode: string; partyId: string }, uid = '04A1B2C3D4E5F6', overrides: Record<string, unknown> = {}) {
  return {
    country_code: owner.countryCode,
    party_id: owner.partyId,
    uid,
    type: 'RFID',
    contract_id: `${owner.countryCode}-${owner.partyId}-C00000001`,
    issuer: 'DriveOn',
    valid: true,
    whitelist: 'ALLOWED',
    last_updated: NOW,
    ...overrides,
  };
}

export function cdrToken(emsp: { countryCode: string; partyId: string }, uid = '04A1B2C3D4E5F6') {
  return {
    country_code: emsp.countryCode,
    party_id: emsp.partyId,
    uid,
    type: 'RFID',
    contract_id: `${emsp.countryCode}-${emsp.partyId}-C00000001`,
  };
}

export function session(
  cpo: { countryCode: string; partyId: string },
  emsp: { countryCode: string; partyId: string },
  id = 'SESSION-1',
  overrides: Record<string, unknown> = {},
) {
  return {
    country_code: cpo.countryCode,
    party_id: cpo.partyId,
    id,
    start_date_time: NOW,
    kwh: 0,
    cdr_token: cdrToken(emsp),
    auth_method: 'WHITELIST',
    location_id: 'LOC-1',
    evse_uid: 'EVSE-1',
    connector_id: '1',
    currency: 'USD',
    status: 'ACTIVE',
    last_updated: NOW,
    ...overrides,
  };
}

export function cdr(
  cpo: { countryCode: string; partyId: string },
  emsp: { countryCode: string; partyId: string },
  id = 'CDR-1',
  overrides: Record<string, unknown> = {},
) {
  return {
    country_code: cpo.countryCode,
    party_id: cpo.partyId,
    id,
    start_date_time: NOW,
    end_date_time: '2026-11-22T10:45:00Z',
    session_id: 'SESSION-1',
    cdr_token: cdrToken(emsp),
    auth_method: 'WHITELIST',
    cdr_location: {
      id: 'LOC-1',
      address: '1531 Western Ave',
      city: 'Seattle',
      postal_code: '98101',
      state: 'WA',
      country: 'USA',
      coordinates: { latitude: '47.609100', longitude: '-122.342000' },
      evse_uid: 'EVSE-1',
      evse_id: 'US*CP1*EEVSE1',
      connector_id: '1',
      connector_standard: 'IEC_62196_T1_COMBO',
      connector_format: 'CABLE',
      connector_power_type: 'DC',
    },
    currency: 'USD',
    charging_periods: [{ start_date_time: NOW, dimensions: [{ type: 'ENERGY', volume: 30 }] }],
    total_cost: { excl_vat: 13.5, incl_vat: 13.5 },
    total_energy: 30,
    total_time: 0.75,
    last_updated: '2026-11-22T10:46:00Z',
    ...overrides,
  };
}

export function startSession(
  emsp: { countryCode: string; partyId: string },
  responseUrl: string,
  overrides: Record<string, unknown> = {},
) {
  return {
    response_url: responseUrl,
    token: token(emsp),
    location_id: 'LOC-1',
    evse_uid: 'EVSE-1',
    connector_id: '1',
    ...overrides,
  };
}

export function chargingProfile(overrides: Record<string, unknown> = {}) {
  return {
    charging_rate_unit: 'W',
    min_charging_rate: 1400,
    charging_profile_period: [
      { start_period: 0, limit: 7400 },
      { start_period: 1800, limit: 11000 },
    ],
    ...overrides,
  };
}

export function activeChargingProfile(overrides: Record<string, unknown> = {}) {
  return { start_date_time: NOW, charging_profile: chargingProfile({ duration: 3600 }), ...overrides };
}
