import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { compileValidator } from './validation.js';
import { LocationPatchSchema, LocationSchema, OcpiResponseOf, TokenSchema, type Location } from './v2_2_1/index.js';

function location(): Location {
  const connector = (id: string) => ({
    id,
    standard: 'IEC_62196_T2' as const,
    format: 'SOCKET' as const,
    power_type: 'AC_3_PHASE' as const,
    max_voltage: 230,
    max_amperage: 16,
    last_updated: '2024-01-01T00:00:00Z',
  });
  return {
    country_code: 'NL',
    party_id: 'TNM',
    id: 'LOC1',
    publish: true,
    address: 'Street 1',
    city: 'Town',
    country: 'NLD',
    coordinates: { latitude: '52.123456', longitude: '4.123456' },
    evses: [
      {
        uid: 'EVSE1',
        status: 'AVAILABLE',
        connectors: [connector('1'), connector('2')],
        last_updated: '2024-01-01T00:00:00Z',
      },
    ],
    time_zone: 'Europe/Amsterdam',
    last_updated: '2024-01-01T00:00:00Z',
  };
}

const validateLocation = compileValidator(LocationSchema);

describe('compileValidator', () => {
  it('accepts a valid object and keeps unknown fields', () => {
    const value = { ...location(), x_custom: { kept: true } };
    expect(validateLocation(value)).toEqual({ ok: true, value });
  });

  it('names a missing required property by its own path', () => {
    const value = location() as Record<string, any>;
    delete value.evses[0].uid;
    expect(validateLocation(value)).toEqual({ ok: false, path: '$.evses[0].uid', message: 'is required' });
  });

  it('lists the allowed values of an enum, at the nested array index', () => {
    const value = location() as Record<string, any>;
    value.evses[0].connectors[1].standard = 'TYPE2';
    const result = validateLocation(value);
    expect(result).toMatchObject({ ok: false, path: '$.evses[0].connectors[1].standard' });
    if (result.ok) return;
    expect(result.message).toMatch(/^must be one of CHADEMO, CHAOJI, DOMESTIC_A, /);
    expect(result.message).toContain('IEC_62196_T2, IEC_62196_T2_COMBO');
  });

  it('reports a string that is too long', () => {
    const value = { ...location(), id: 'x'.repeat(37) };
    expect(validateLocation(value)).toEqual({ ok: false, path: '$.id', message: 'must be at most 36 characters' });
  });

  it('rejects non-printable characters in a CiString', () => {
    const value = { ...location(), party_id: 'T\nM' };
    expect(validateLocation(value)).toEqual({
      ok: false,
      path: '$.party_id',
      message: 'must contain only printable ASCII characters',
    });
  });

  it.each(['2015-06-29 20:39:09', '2015-06-29', '2015-13-29T20:39:09Z', '29-06-2015T20:39:09Z', ''])(
    'rejects the date-time %j',
    (last_updated) => {
      expect(validateLocation({ ...location(), last_updated })).toEqual({
        ok: false,
        path: '$.last_updated',
        message: 'must be an RFC 3339 date-time',
      });
    },
  );

  it.each([
    '2015-06-29T20:39:09Z',
    '2015-06-29T20:39:09',
    '2016-12-29T17:45:09.2Z',
    '2018-01-01T01:08:01.123',
    '2018-01-01T01:08:01.123456+02:00',
  ])(
    'accepts the date-time %j',
    (last_updated) => {
      expect(validateLocation({ ...location(), last_updated })).toMatchObject({ ok: true });
    },
  );

  it('reports wrong JSON types, minimum cardinality and coordinates', () => {
    expect(validateLocation({ ...location(), publish: 'yes' })).toEqual({
      ok: false,
      path: '$.publish',
      message: 'must be a boolean',
    });
    const noConnectors = location() as Record<string, any>;
    noConnectors.evses[0].connectors = [];
    expect(validateLocation(noConnectors)).toEqual({
      ok: false,
      path: '$.evses[0].connectors',
      message: 'must have at least 1 item',
    });
    const coordinates = { latitude: '52.1', longitude: '4.123456' };
    expect(validateLocation({ ...location(), coordinates })).toEqual({
      ok: false,
      path: '$.coordinates.latitude',
      message: 'must be decimal degrees with 5 to 7 decimals, e.g. 50.770774',
    });
    expect(validateLocation([])).toEqual({ ok: false, path: '$', message: 'must be an object' });
  });

  it('requires last_updated on a PATCH body and nothing else', () => {
    const validatePatch = compileValidator(LocationPatchSchema);
    expect(validatePatch({ name: 'New name' })).toEqual({ ok: false, path: '$.last_updated', message: 'is required' });
    expect(validatePatch({ name: 'New name', last_updated: '2024-01-01T00:00:00Z' })).toMatchObject({ ok: true });
  });

  it('points inside the data of a response envelope', () => {
    const validate = compileValidator(OcpiResponseOf(Type.Array(TokenSchema)));
    const result = validate({ status_code: 1000, timestamp: '2024-01-01T00:00:00Z', data: [{ uid: '1' }] });
    expect(result).toEqual({ ok: false, path: '$.data[0].country_code', message: 'is required' });
  });

  it('quotes keys that are not identifiers, and tells object keys from array indexes', () => {
    const validate = compileValidator(Type.Object({ 'a-b': Type.Object({ '0': Type.String() }) }));
    expect(validate({ 'a-b': { '0': 1 } })).toEqual({ ok: false, path: '$["a-b"]["0"]', message: 'must be a string' });
  });

  it('descends into the union member that matched best when members are objects', () => {
    const schema = Type.Union([
      Type.Object({ a: Type.String() }),
      Type.Object({ b: Type.Object({ c: Type.Integer() }) }),
    ]);
    expect(compileValidator(schema)({ b: { c: 'x' } })).toEqual({
      ok: false,
      path: '$.b.c',
      message: 'must be an integer',
    });
  });

  it('compiles each schema once', () => {
    expect(compileValidator(LocationSchema)).toBe(validateLocation);
  });
});
