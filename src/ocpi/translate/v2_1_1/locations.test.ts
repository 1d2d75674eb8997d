import { describe, expect, it } from 'vitest';
import * as v211 from '../../v2_1_1/index.js';
import * as v221 from '../../v2_2_1/index.js';
import { compileValidator } from '../../validation.js';
import { fixtures, TEST_NOW, testContext } from '../test-support.js';
import {
  connectorFrom211,
  connectorPatchFrom211,
  connectorPatchTo211,
  connectorTo211,
  evsePatchFrom211,
  evseTo211,
  FALLBACK_TIME_ZONE,
  locationFrom211,
  locationPatchFrom211,
  locationPatchTo211,
  locationTo211,
} from './locations.js';

const ctx = testContext();

function location211(overrides: Partial<v211.Location> = {}): v211.Location {
  return {
    id: 'LOC-1',
    type: 'PARKING_LOT',
    address: 'Main Street 1',
    city: 'Gent',
    postal_code: '9000',
    country: 'BEL',
    coordinates: { latitude: '51.047599', longitude: '3.729944' },
    evses: [
      {
        uid: 'EVSE-1',
        status: 'AVAILABLE',
        connectors: [
          {
            id: '1',
            standard: 'IEC_62196_T2',
            format: 'SOCKET',
            power_type: 'AC_3_PHASE',
            voltage: 230,
            amperage: 32,
            tariff_id: 'T1',
            last_updated: '2024-01-01T10:00:00Z',
          },
        ],
        last_updated: '2024-01-01T10:00:00Z',
      },
    ],
    time_zone: 'Europe/Brussels',
    last_updated: '2024-01-01T10:00:00Z',
    ...overrides,
  };
}

describe('connectors to 2.1.1', () => {
  it('drop a NEMA_5_20 connector with the reason, as 2.1.1 has no such ConnectorType', () => {
    const { value, losses } = connectorTo211(fixtures.connector({ standard: 'NEMA_5_20' }), ctx);
    expect(losses).toEqual([
      { path: '$.standard', kind: 'dropped', reason: 'ConnectorType NEMA_5_20 does not exist in 2.1.1' },
    ]);
    expect(value).not.toHaveProperty('standard');
    expect(compileValidator(v211.ConnectorSchema)(value)).toMatchObject({ ok: false, path: '$.standard' });
  });

  it('leave such a connector out of its EVSE, and an EVSE without connectors out of its Location', () => {
    const nema = fixtures.connector({ id: '2', standard: 'NEMA_5_20' });
    const evse = evseTo211(fixtures.evse({ connectors: [nema, fixtures.connector()] }), ctx);
    expect(evse.value.connectors.map((connector) => connector.id)).toEqual(['1']);
    expect(evse.losses).toEqual([
      { path: '$.connectors[0]', kind: 'dropped', reason: 'connector left out: ConnectorType NEMA_5_20 does not exist in 2.1.1' },
    ]);

    const onlyNema = fixtures.evse({ uid: 'EVSE-2', connectors: [nema] });
    const location = locationTo211(fixtures.location({ evses: [onlyNema, fixtures.evse()] }), ctx);
    expect(location.value.evses?.map((each) => each.uid)).toEqual(['EVSE-1']);
    expect(location.losses.map((loss) => loss.path)).toEqual(['$.evses[0].connectors[0]', '$.evses[0]']);
    expect(compileValidator(v211.LocationSchema)(location.value)).toMatchObject({ ok: true });
  });

  it('rename max_voltage/max_amperage, keep one tariff_id, drop max_electric_power', () => {
    const { value, losses } = connectorTo211(fixtures.connector({ max_electric_power: 22000 }), ctx);
    expect(value).toEqual({
      id: '1',
      standard: 'IEC_62196_T2',
      format: 'SOCKET',
      power_type: 'AC_3_PHASE',
      voltage: 230,
      amperage: 16,
      tariff_id: 'T1',
      last_updated: '2024-01-01T10:00:00Z',
    });
    expect(losses).toEqual([{ path: '$.max_electric_power', kind: 'dropped', reason: expect.any(String) }]);
  });

  it('pick the REGULAR tariff of several, when the store can tell, and report the others', () => {
    const tariffs = [fixtures.tariff({ id: 'GREEN', type: 'PROFILE_GREEN' }), fixtures.tariff({ id: 'REG', type: 'REGULAR' })];
    const connector = fixtures.connector({ tariff_ids: ['GREEN', 'REG'] });
    const { value, losses } = connectorTo211(connector, testContext({ tariffs }));
    expect(value.tariff_id).toBe('REG');
    expect(losses).toEqual([
      { path: '$.tariff_ids', kind: 'dropped', reason: '2.1.1 has a single tariff_id: kept REG, dropped GREEN' },
    ]);
    expect(connectorTo211(connector, ctx).value.tariff_id).toBe('GREEN');
  });

  it('report an empty tariff_ids list, which a 2.1.1 PATCH could not express', () => {
    const { value, losses } = connectorPatchTo211({ tariff_ids: [], last_updated: '2024-01-02T00:00:00Z' }, ctx);
    expect(value).toEqual({ last_updated: '2024-01-02T00:00:00Z' });
    expect(losses).toEqual([{ path: '$.tariff_ids', kind: 'dropped', reason: expect.any(String) }]);
  });

  it('map the two-phase power types to AC_1_PHASE, approximated', () => {
    const { value, losses } = connectorTo211(fixtures.connector({ power_type: 'AC_2_PHASE_SPLIT' }), ctx);
    expect(value.power_type).toBe('AC_1_PHASE');
    expect(losses).toEqual([{ path: '$.power_type', kind: 'approximated', reason: expect.stringContaining('AC_2_PHASE_SPLIT') }]);
  });
});

describe('EVSEs to 2.1.1', () => {
  it('drop the capabilities 2.1.1 does not know, each at its index', () => {
    const capabilities: v221.Capability[] = ['RESERVABLE', 'CHIP_CARD_SUPPORT', 'RFID_READER', 'TOKEN_GROUP_CAPABLE'];
    const { value, losses } = evseTo211(fixtures.evse({ capabilities }), ctx);
    expect(value.capabilities).toEqual(['RESERVABLE', 'RFID_READER']);
    expect(losses).toEqual([
      { path: '$.capabilities[1]', kind: 'dropped', reason: 'Capability CHIP_CARD_SUPPORT does not exist in the target version' },
      { path: '$.capabilities[3]', kind: 'dropped', reason: 'Capability TOKEN_GROUP_CAPABLE does not exist in the target version' },
    ]);
  });
});

describe('Locations to 2.1.1', () => {
  it('turn parking_type into type, and report what 2.1.1 lacks', () => {
    const location = fixtures.location({
      country_code: 'NL',
      party_id: 'ABC',
      publish: false,
      publish_allowed_to: [{ visual_number: '12345' }],
      state: 'Oost-Vlaanderen',
      parking_type: 'ALONG_MOTORWAY',
      facilities: ['HOTEL', 'METRO_STATION'],
    });
    const { value, losses } = locationTo211(location, ctx);
    expect(value.type).toBe('OTHER');
    expect(value.facilities).toEqual(['HOTEL']);
    for (const field of ['country_code', 'party_id', 'publish', 'publish_allowed_to', 'state', 'parking_type']) {
      expect(value).not.toHaveProperty(field);
    }
    expect(losses.map(({ path, kind }) => `${kind} ${path}`)).toEqual([
      'dropped $.country_code',
      'dropped $.party_id',
      'dropped $.publish',
      'dropped $.publish_allowed_to',
      'dropped $.state',
      'approximated $.parking_type',
      'dropped $.facilities[1]',
    ]);
    expect(losses[0].reason).toBe('2.1.1 has no owner field; the receiver attributes the object to BE/BEC');
  });

  it('default what 2.1.1 requires: type UNKNOWN without parking_type (not a loss), postal_code empty', () => {
    const { parking_type, postal_code, ...location } = fixtures.location();
    const { value, losses } = locationTo211(location, ctx);
    expect(value.type).toBe('UNKNOWN');
    expect(value.postal_code).toBe('');
    expect(losses).toEqual([{ path: '$.postal_code', kind: 'defaulted', reason: expect.any(String) }]);
    expect(compileValidator(v211.LocationSchema)(value)).toMatchObject({ ok: true });
  });

  it('rewrite date-times, coordinates and non-ASCII text into what 2.1.1 accepts, without touching the input', () => {
    const location = fixtures.location({
      city: 'Malmö',
      coordinates: { latitude: '55.59032', longitude: '13.0083071' },
      last_updated: '2024-01-01T10:00:00.123Z',
      opening_times: {
        twentyfourseven: true,
        exceptional_closings: [{ period_begin: '2024-12-25T00:00:00+01:00', period_end: '2024-12-26T00:00:00.5' }],
      },
    });
    const before = structuredClone(location);
    const { value, losses } = locationTo211(location, ctx);
    expect(location).toEqual(before);
    expect(value.city).toBe('Malmo');
    expect(value.coordinates).toEqual({ latitude: '55.590320', longitude: '13.008307' });
    expect(value.last_updated).toBe('2024-01-01T10:00:00Z');
    expect(value.opening_times?.exceptional_closings).toEqual([
      { period_begin: '2024-12-24T23:00:00Z', period_end: '2024-12-26T00:00:00' },
    ]);
    expect(losses.every((loss) => loss.kind === 'approximated')).toBe(true);
    expect(losses.map((loss) => loss.path).sort()).toEqual([
      '$.city',
      '$.coordinates.latitude',
      '$.coordinates.longitude',
      '$.last_updated',
      '$.opening_times.exceptional_closings[0].period_begin',
      '$.opening_times.exceptional_closings[0].period_end',
    ]);
    expect(compileValidator(v211.LocationSchema)(value)).toMatchObject({ ok: true });
  });

  it('carry unknown fields over unchanged', () => {
    const location = { ...fixtures.location(), x_custom: { kept: 'ü' } } as v221.Location;
    expect(locationTo211(location, ctx).value).toMatchObject({ x_custom: { kept: 'ü' } });
  });
});

describe('Locations from 2.1.1', () => {
  it('fill the owner from the context, default publish, map type and the connector fields', () => {
    const { value, losses } = locationFrom211(location211(), ctx);
    expect(value).toMatchObject({ country_code: 'BE', party_id: 'BEC', publish: true, parking_type: 'PARKING_LOT' });
    expect(value).not.toHaveProperty('type');
    expect(value.evses?.[0].connectors[0]).toEqual({
      id: '1',
      standard: 'IEC_62196_T2',
      format: 'SOCKET',
      power_type: 'AC_3_PHASE',
      max_voltage: 230,
      max_amperage: 32,
      tariff_ids: ['T1'],
      last_updated: '2024-01-01T10:00:00Z',
    });
    expect(losses).toEqual([{ path: '$.publish', kind: 'defaulted', reason: expect.any(String) }]);
    expect(compileValidator(v221.LocationSchema)(value)).toMatchObject({ ok: true });
  });

  it('derive a missing time_zone from the coordinates, else use UTC; both reported as defaulted', () => {
    const { time_zone, ...noZone } = location211();
    const derived = locationFrom211(noZone, testContext({ timeZone: 'Europe/Brussels' }));
    expect(derived.value.time_zone).toBe('Europe/Brussels');
    expect(derived.losses).toContainEqual({ path: '$.time_zone', kind: 'defaulted', reason: expect.stringContaining('derived') });
    const fallback = locationFrom211(noZone, ctx);
    expect(fallback.value.time_zone).toBe(FALLBACK_TIME_ZONE);
    expect(fallback.losses).toContainEqual({ path: '$.time_zone', kind: 'defaulted', reason: expect.stringContaining('UTC') });
  });

  it('drop LocationType OTHER (2.2.1 has no such ParkingType) and leave UNKNOWN out silently', () => {
    expect(locationFrom211(location211({ type: 'OTHER' }), ctx).losses).toContainEqual({
      path: '$.type',
      kind: 'dropped',
      reason: expect.any(String),
    });
    const unknown = locationFrom211(location211({ type: 'UNKNOWN' }), ctx);
    expect(unknown.value).not.toHaveProperty('parking_type');
    expect(unknown.losses.map((loss) => loss.path)).toEqual(['$.publish']);
  });

  it('default twentyfourseven, which 2.2.1 requires, from whether regular_hours are given', () => {
    const regular = [{ weekday: 1, period_begin: '08:00', period_end: '20:00' }];
    const withHours = locationFrom211(location211({ opening_times: { regular_hours: regular } }), ctx);
    expect(withHours.value.opening_times).toEqual({ regular_hours: regular, twentyfourseven: false });
    expect(withHours.losses).toContainEqual({
      path: '$.opening_times.twentyfourseven',
      kind: 'defaulted',
      reason: expect.any(String),
    });
    const empty = locationFrom211(location211({ opening_times: {} }), ctx);
    expect(empty.value.opening_times).toEqual({ twentyfourseven: true });
  });

  it('round-trip a 2.1.1 Location with no losses but the publish default', () => {
    const original = location211();
    const canonical = locationFrom211(original, ctx);
    const back = locationTo211(canonical.value, ctx);
    expect(back.losses).toEqual([]);
    expect(back.value).toEqual(original);
  });
});

describe('PATCH bodies', () => {
  it('from 2.1.1 get the last_updated 2.2.1 requires, reported as defaulted', () => {
    const { value, losses } = evsePatchFrom211({ status: 'CHARGING' }, ctx);
    expect(value).toEqual({ status: 'CHARGING', last_updated: TEST_NOW });
    expect(losses).toEqual([{ path: '$.last_updated', kind: 'defaulted', reason: expect.any(String) }]);
    expect(compileValidator(v221.EvsePatchSchema)(value)).toMatchObject({ ok: true });
  });

  it('map only the fields present: tariff_id ⇄ tariff_ids, without owner or publish defaults', () => {
    expect(connectorPatchFrom211({ tariff_id: '15', last_updated: '2024-01-02T00:00:00Z' }, ctx)).toEqual({
      value: { tariff_ids: ['15'], last_updated: '2024-01-02T00:00:00Z' },
      losses: [],
    });
    expect(locationPatchFrom211({ name: 'Gent Zuid', last_updated: '2024-01-02T00:00:00Z' }, ctx).value).toEqual({
      name: 'Gent Zuid',
      last_updated: '2024-01-02T00:00:00Z',
    });
    expect(locationPatchTo211({ parking_type: 'ON_STREET', last_updated: '2024-01-02T00:00:00Z' }, ctx).value).toEqual({
      type: 'ON_STREET',
      last_updated: '2024-01-02T00:00:00Z',
    });
  });

  it('from 2.1.1 report type UNKNOWN as dropped, since a PATCH cannot remove parking_type', () => {
    const { value, losses } = locationPatchFrom211({ type: 'UNKNOWN', last_updated: '2024-01-02T00:00:00Z' }, ctx);
    expect(value).toEqual({ last_updated: '2024-01-02T00:00:00Z' });
    expect(losses).toEqual([{ path: '$.type', kind: 'dropped', reason: expect.any(String) }]);
  });

  it('connectors from 2.1.1 need nothing defaulted', () => {
    const connector = location211().evses![0].connectors[0];
    expect(connectorFrom211(connector, ctx).losses).toEqual([]);
  });
});
