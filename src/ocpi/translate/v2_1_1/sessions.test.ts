import { describe, expect, it } from 'vitest';
import * as v211 from '../../v2_1_1/index.js';
import * as v221 from '../../v2_2_1/index.js';
import { compileValidator } from '../../validation.js';
import { fixtures, testContext } from '../test-support.js';
import { locationTo211 } from './locations.js';
import { sessionFrom211, sessionPatchFrom211, sessionPatchTo211, sessionTo211, UNKNOWN_PARTY } from './sessions.js';

const stores = { locations: [fixtures.location()], tokens: [fixtures.token()] };
const ctx = testContext(stores);

describe('Sessions to 2.1.1', () => {
  it('rebuild the Location from the store, with just the session EVSE and connector', () => {
    const other = fixtures.evse({ uid: 'EVSE-2' });
    const evse = fixtures.evse({ connectors: [fixtures.connector({ id: '0' }), fixtures.connector()] });
    const context = testContext({ ...stores, locations: [fixtures.location({ evses: [other, evse] })] });
    const { value, losses } = sessionTo211(fixtures.session({ total_cost: { excl_vat: 2.5 } }), context);
    expect(value.location).toEqual(locationTo211(fixtures.location(), ctx).value);
    expect(value).toMatchObject({
      start_datetime: '2024-01-01T10:00:00Z',
      auth_id: 'NL-TNM-C12345678-X',
      total_cost: 2.5,
    });
    expect(losses).toEqual([]);
    expect(compileValidator(v211.SessionSchema)(value)).toMatchObject({ ok: true });
  });

  it('build a placeholder Location when the store has none, reported as defaulted', () => {
    const { value, losses } = sessionTo211(fixtures.session(), testContext({ tokens: stores.tokens }));
    expect(value.location).toMatchObject({
      id: 'LOC-1',
      type: 'UNKNOWN',
      evses: [{ uid: 'EVSE-1', status: 'UNKNOWN', connectors: [{ id: '1', voltage: 0, amperage: 0 }] }],
    });
    expect(losses).toEqual([{ path: '$.location', kind: 'defaulted', reason: expect.stringContaining('LOC-1') }]);
    expect(compileValidator(v211.SessionSchema)(value)).toMatchObject({ ok: true });
  });

  it('report what 2.1.1 cannot say: RESERVATION, COMMAND, authorization_reference, new dimensions, incl_vat', () => {
    const session = fixtures.session({
      status: 'RESERVATION',
      auth_method: 'COMMAND',
      authorization_reference: 'AUTH-1',
      total_cost: { excl_vat: 1, incl_vat: 1.21 },
      charging_periods: [
        { start_date_time: '2024-01-01T10:00:00Z', dimensions: [{ type: 'STATE_OF_CHARGE', volume: 80 }] },
        {
          start_date_time: '2024-01-01T10:10:00Z',
          dimensions: [{ type: 'POWER', volume: 11 }, { type: 'ENERGY', volume: 1.5 }],
          tariff_id: 'T1',
        },
      ],
    });
    const { value, losses } = sessionTo211(session, ctx);
    expect(value).toMatchObject({ status: 'PENDING', auth_method: 'AUTH_REQUEST', total_cost: 1 });
    expect(value.charging_periods).toEqual([
      { start_date_time: '2024-01-01T10:10:00Z', dimensions: [{ type: 'ENERGY', volume: 1.5 }] },
    ]);
    expect(losses.map((loss) => `${loss.kind} ${loss.path}`)).toEqual([
      'approximated $.auth_method',
      'dropped $.authorization_reference',
      'dropped $.charging_periods[0].dimensions[0]',
      'dropped $.charging_periods[0]',
      'dropped $.charging_periods[1].tariff_id',
      'dropped $.charging_periods[1].dimensions[0]',
      'dropped $.total_cost.incl_vat',
      'approximated $.status',
    ]);
  });

  it('report the cdr_token as lost when the store would not give it back from the contract id', () => {
    const { losses } = sessionTo211(fixtures.session(), testContext({ locations: stores.locations }));
    expect(losses).toEqual([{ path: '$.cdr_token', kind: 'dropped', reason: expect.any(String) }]);
  });
});

describe('Sessions from 2.1.1', () => {
  it('round-trip losslessly when the store holds the location and token the session names', () => {
    const session = sessionTo211(fixtures.session({ end_date_time: '2024-01-01T11:00:00Z' }), ctx).value;
    const canonical = sessionFrom211(session, ctx);
    expect(canonical.losses).toEqual([]);
    expect(canonical.value).toEqual(fixtures.session({ end_date_time: '2024-01-01T11:00:00Z' }));
    expect(sessionTo211(canonical.value, ctx).value).toEqual(session);
  });

  it('report the embedded Location where it differs from what the hub would send back', () => {
    const session = sessionTo211(fixtures.session(), ctx).value;
    const snapshot = structuredClone(session);
    snapshot.location.evses![0].status = 'CHARGING';
    const { value, losses } = sessionFrom211(snapshot, ctx);
    expect(value).toMatchObject({ location_id: 'LOC-1', evse_uid: 'EVSE-1', connector_id: '1' });
    expect(losses).toEqual([
      { path: '$.location', kind: 'dropped', reason: expect.stringContaining('location.evses[0].status') },
    ]);
  });

  it('build the cdr_token from an eMA-ID shaped contract id when the token is unknown, reported as defaulted', () => {
    const session = { ...sessionTo211(fixtures.session(), ctx).value, auth_id: 'DE8ACC12E46L89' };
    const { value, losses } = sessionFrom211(session, ctx);
    expect(value.cdr_token).toEqual({
      country_code: 'DE',
      party_id: '8AC',
      uid: 'DE8ACC12E46L89',
      type: 'OTHER',
      contract_id: 'DE8ACC12E46L89',
    });
    expect(losses).toEqual([{ path: '$.auth_id', kind: 'defaulted', reason: expect.any(String) }]);
    const odd = sessionFrom211({ ...session, auth_id: '12345' }, ctx).value.cdr_token;
    expect(odd).toMatchObject(UNKNOWN_PARTY);
    expect(compileValidator(v221.SessionSchema)(value)).toMatchObject({ ok: true });
  });

  it('drop FLAT dimensions, which 2.2.1 removed from CDRs', () => {
    const session = {
      ...sessionTo211(fixtures.session(), ctx).value,
      charging_periods: [
        {
          start_date_time: '2024-01-01T10:00:00Z',
          dimensions: [
            { type: 'FLAT' as const, volume: 1 },
            { type: 'TIME' as const, volume: 0.5 },
          ],
        },
      ],
    };
    const { value, losses } = sessionFrom211(session, ctx);
    expect(value.charging_periods).toEqual([
      { start_date_time: '2024-01-01T10:00:00Z', dimensions: [{ type: 'TIME', volume: 0.5 }] },
    ]);
    expect(losses).toEqual([{ path: '$.charging_periods[0].dimensions[0]', kind: 'dropped', reason: expect.any(String) }]);
  });
});

describe('Session PATCH bodies', () => {
  it('map the fields present, and add last_updated on the way to 2.2.1', () => {
    expect(sessionPatchFrom211({ total_cost: 0.6 }, ctx).value).toEqual({
      total_cost: { excl_vat: 0.6 },
      last_updated: '2024-01-01T00:00:00Z',
    });
    const patch = { end_date_time: '2024-01-01T11:00:00Z', status: 'COMPLETED' as const, last_updated: '2024-01-01T11:00:00Z' };
    expect(sessionPatchTo211(patch, ctx)).toEqual({
      value: { end_datetime: '2024-01-01T11:00:00Z', status: 'COMPLETED', last_updated: '2024-01-01T11:00:00Z' },
      losses: [],
    });
  });

  it('to 2.1.1 cannot send a connector change without the location', () => {
    const { losses } = sessionPatchTo211({ connector_id: '2', last_updated: '2024-01-01T11:00:00Z' }, ctx);
    expect(losses).toEqual([{ path: '$.connector_id', kind: 'dropped', reason: expect.any(String) }]);
  });
});
