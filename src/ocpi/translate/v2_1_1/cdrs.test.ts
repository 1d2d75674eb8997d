import { describe, expect, it } from 'vitest';
import * as v211 from '../../v2_1_1/index.js';
import * as v221 from '../../v2_2_1/index.js';
import { compileValidator } from '../../validation.js';
import { fixtures, testContext } from '../test-support.js';
import { cdrFrom211, cdrTo211, UNKNOWN_EVSE_ID } from './cdrs.js';

/** The 2.1.1 spec's CDR example does not parse (trailing comma); this is it corrected, as our own fixture. */
const cdr211: v211.Cdr = {
  id: '12345',
  start_date_time: '2015-06-29T21:39:09Z',
  stop_date_time: '2015-06-29T23:37:32Z',
  auth_id: 'DE8ACC12E46L89',
  auth_method: 'WHITELIST',
  location: {
    id: 'LOC1',
    type: 'ON_STREET',
    name: 'Gent Zuid',
    address: 'F.Rooseveltlaan 3A',
    city: 'Gent',
    postal_code: '9000',
    country: 'BE',
    coordinates: { latitude: '3.729944', longitude: '51.047599' },
    evses: [
      {
        uid: '3256',
        evse_id: 'BE-BEC-E041503003',
        status: 'AVAILABLE',
        connectors: [
          {
            id: '1',
            standard: 'IEC_62196_T2',
            format: 'SOCKET',
            power_type: 'AC_1_PHASE',
            voltage: 230,
            amperage: 64,
            tariff_id: '11',
            last_updated: '2015-06-29T21:39:01Z',
          },
        ],
        last_updated: '2015-06-29T21:39:01Z',
      },
    ],
    last_updated: '2015-06-29T21:39:01Z',
  },
  currency: 'EUR',
  tariffs: [
    {
      id: '12',
      currency: 'EUR',
      elements: [{ price_components: [{ type: 'TIME', price: 2, step_size: 300 }] }],
      last_updated: '2015-02-02T14:15:01Z',
    },
  ],
  charging_periods: [{ start_date_time: '2015-06-29T21:39:09Z', dimensions: [{ type: 'TIME', volume: 1.973 }] }],
  total_cost: 4,
  total_energy: 15.342,
  total_time: 1.973,
  last_updated: '2015-06-29T22:01:13Z',
};

const ctx = testContext();

describe('CDRs from 2.1.1', () => {
  it('flatten the Location into a CdrLocation and rename the fields 2.2 renamed', () => {
    const { value, losses } = cdrFrom211(cdr211, ctx);
    expect(value).toMatchObject({
      country_code: 'BE',
      party_id: 'BEC',
      end_date_time: '2015-06-29T23:37:32Z',
      total_cost: { excl_vat: 4 },
      cdr_location: {
        id: 'LOC1',
        name: 'Gent Zuid',
        evse_uid: '3256',
        evse_id: 'BE-BEC-E041503003',
        connector_id: '1',
        connector_standard: 'IEC_62196_T2',
        connector_format: 'SOCKET',
        connector_power_type: 'AC_1_PHASE',
      },
      tariffs: [{ country_code: 'BE', party_id: 'BEC', id: '12' }],
    });
    expect(value).not.toHaveProperty('stop_date_time');
    expect(value).not.toHaveProperty('location');
    // The hub knows neither the token nor the location here.
    expect(losses.map((loss) => `${loss.kind} ${loss.path}`)).toEqual(['dropped $.location', 'defaulted $.auth_id']);
    expect(compileValidator(v221.CdrSchema)(value)).toMatchObject({ ok: true });
  });

  it('keep the snapshot when the stored location gives the same one back', () => {
    const canonical = cdrFrom211(cdr211, ctx).value;
    // A 2.1.1 CPO's location, as the hub stores it: without the time_zone the example lacks.
    const { time_zone, ...stored } = fixtures.location({
      id: 'LOC1',
      parking_type: 'ON_STREET',
      evses: [
        fixtures.evse({
          uid: '3256',
          evse_id: 'BE-BEC-E041503003',
          connectors: [
            fixtures.connector({ max_voltage: 230, max_amperage: 64, tariff_ids: ['11'], last_updated: '2015-06-29T21:39:01Z' }),
          ],
          last_updated: '2015-06-29T21:39:01Z',
        }),
      ],
      last_updated: '2015-06-29T21:39:01Z',
    });
    const token = fixtures.token({ contract_id: 'DE8ACC12E46L89', country_code: 'DE', party_id: 'TNM' });
    const known = testContext({ locations: [stored as v221.Location], tokens: [token] });
    const { value, losses } = cdrFrom211(cdr211, known);
    expect(losses).toEqual([]);
    expect(value.cdr_token).toEqual({
      country_code: 'DE',
      party_id: 'TNM',
      uid: '012345678',
      type: 'RFID',
      contract_id: 'DE8ACC12E46L89',
    });
    expect(cdrTo211(value, known)).toEqual({ value: cdr211, losses: [] });
    expect(canonical.cdr_location).toEqual(value.cdr_location);
  });

  it('default a missing evse_id to #NA, as 2.2.1 requires one', () => {
    const { evse_id, ...evse } = cdr211.location.evses![0];
    const cdr = { ...cdr211, location: { ...cdr211.location, evses: [evse] } };
    const { value, losses } = cdrFrom211(cdr, ctx);
    expect(value.cdr_location.evse_id).toBe(UNKNOWN_EVSE_ID);
    expect(losses).toContainEqual({ path: '$.location.evses[0].evse_id', kind: 'defaulted', reason: expect.any(String) });
  });
});

describe('CDRs to 2.1.1', () => {
  it('report the fields 2.2 added, and lay the CdrLocation over the stored Location', () => {
    const canonical = cdrFrom211(cdr211, ctx).value;
    const cdr: v221.Cdr = {
      ...canonical,
      session_id: 'S1',
      authorization_reference: 'A1',
      total_energy_cost: { excl_vat: 1 },
      credit: true,
      credit_reference_id: 'C0',
      home_charging_compensation: false,
      cdr_location: {
        ...canonical.cdr_location,
        address: 'Other Street 2',
        state: 'Oost-Vlaanderen',
        ...{ x_floor: 2 }, // a field 2.2.1 does not define
      },
    };
    const context = testContext({ locations: [fixtures.location({ id: 'LOC1', evses: [fixtures.evse({ uid: '3256' })] })] });
    const { value, losses } = cdrTo211(cdr, context);
    expect(value.location).toMatchObject({ id: 'LOC1', address: 'Other Street 2', type: 'ON_STREET' });
    expect(value.location.evses).toMatchObject([
      { uid: '3256', evse_id: 'BE-BEC-E041503003', connectors: [{ id: '1', power_type: 'AC_1_PHASE', voltage: 230 }] },
    ]);
    expect(losses.map((loss) => `${loss.kind} ${loss.path}`)).toEqual([
      'dropped $.session_id',
      'dropped $.authorization_reference',
      'dropped $.total_energy_cost',
      'dropped $.credit_reference_id',
      'dropped $.credit',
      'dropped $.cdr_location.state',
      'dropped $.cdr_location.x_floor',
    ]);
    expect(compileValidator(v211.CdrSchema)(value)).toMatchObject({ ok: true });
  });
});
