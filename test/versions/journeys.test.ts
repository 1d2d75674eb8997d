import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OcpiPlatform, type PlatformRole } from '../../src/sim/platform.js';
import { compileValidator } from '../../src/ocpi/validation.js';
import * as v211 from '../../src/ocpi/v2_1_1/index.js';
import * as v221 from '../../src/ocpi/v2_2_1/index.js';
import * as v230 from '../../src/ocpi/v2_3_0/index.js';
import type { RunningHub } from '../../src/switchyard.js';
import { admin, databaseLabel, eventually, startTestHub } from '../support/hub.js';
import { cdrToken, location, session, tariff, token } from '../support/fixtures.js';
import { FAST_DELIVERY, onboard } from '../support/network.js';

/** A 2.1.1 location of the legacy CPO: one EVSE, one 220 V connector priced by tariff 11. */
const location211 = () => ({
  id: 'LOC1',
  type: 'ON_STREET',
  name: 'Market Square',
  address: 'Marktplein 3',
  city: 'Leuven',
  postal_code: '3000',
  country: 'BEL',
  coordinates: { latitude: '50.879602', longitude: '4.700823' },
  evses: [
    {
      uid: '3256',
      evse_id: 'BE*C11*E3256',
      status: 'AVAILABLE',
      capabilities: ['RFID_READER'],
      connectors: [
        { id: '1', standard: 'IEC_62196_T2', format: 'SOCKET', power_type: 'AC_3_PHASE', voltage: 220, amperage: 16, tariff_id: '11', last_updated: '2026-11-20T08:00:00Z' },
      ],
      last_updated: '2026-11-20T08:00:00Z',
    },
  ],
  operator: { name: 'Legacy CPO' },
  last_updated: '2026-11-20T08:00:00Z',
});
/** A 2.1.1 tariff: a price per hour, charged by the 5 minutes. */
const tariff211 = () => ({
  id: '12',
  currency: 'EUR',
  elements: [{ price_components: [{ type: 'TIME', price: 2.5, step_size: 300 }] }],
  last_updated: '2026-11-20T08:00:00Z',
});
const valid = (schema: Parameters<typeof compileValidator>[0], value: unknown) => {
  const result = compileValidator(schema)(value);
  return result.ok ? 'valid' : `${result.path}: ${result.message}`;
};

const CPO_211: PlatformRole = { role: 'CPO', countryCode: 'BE', partyId: 'C11', name: 'Legacy CPO' };
const CPO_221: PlatformRole = { role: 'CPO', countryCode: 'US', partyId: 'C22', name: 'Current CPO' };
const CPO_230: PlatformRole = { role: 'CPO', countryCode: 'CA', partyId: 'C23', name: 'Newest CPO' };
const EMSP_211: PlatformRole = { role: 'EMSP', countryCode: 'BE', partyId: 'M11', name: 'Legacy eMSP' };
const EMSP_221: PlatformRole = { role: 'EMSP', countryCode: 'US', partyId: 'M22', name: 'Current eMSP' };
const EMSP_230: PlatformRole = { role: 'EMSP', countryCode: 'CA', partyId: 'M23', name: 'Newest eMSP' };
const ref = (role: PlatformRole) => ({ countryCode: role.countryCode, partyId: role.partyId });

describe(`partners on OCPI 2.1.1, 2.2.1 and 2.3.0 through one hub (${databaseLabel})`, () => {
  let hub: RunningHub;
  const platforms: Record<string, OcpiPlatform> = {};

  beforeAll(async () => {
    hub = await startTestHub({ delivery: FAST_DELIVERY, authorizationTimeoutMs: 2_000 });
    const specs = { cpo211: [CPO_211, '2.1.1'], cpo221: [CPO_221, '2.2.1'], cpo230: [CPO_230, '2.3.0'], emsp211: [EMSP_211, '2.1.1'], emsp221: [EMSP_221, '2.2.1'], emsp230: [EMSP_230, '2.3.0'] } as const;
    for (const [key, [role, version]] of Object.entries(specs)) {
      platforms[key] = await OcpiPlatform.start({ name: role.name, roles: [role], version });
      await onboard(hub, platforms[key]);
    }
  });
  afterAll(async () => {
    await Promise.all(Object.values(platforms).map((p) => p.close()));
    await hub.close();
  });

  it('completes the credentials handshake in each version', async () => {
    const { body } = await admin(hub, 'GET', '/api/partners');
    expect(Object.fromEntries(body.map((p: any) => [p.name, p.ocpi_version]))).toEqual({
      'Legacy CPO': '2.1.1',
      'Current CPO': '2.2.1',
      'Newest CPO': '2.3.0',
      'Legacy eMSP': '2.1.1',
      'Current eMSP': '2.2.1',
      'Newest eMSP': '2.3.0',
    });
    // 2.1.1 credentials describe the hub as one party.
    const legacy = await platforms.cpo211.send({ method: 'GET', url: platforms.cpo211.hubUrl('credentials') });
    expect(legacy.envelope?.data).toMatchObject({ party_id: 'SWY', country_code: 'US', business_details: { name: 'Switchyard' } });
    // 2.3.0: the hub names itself in hub_party_id and lists the parties reachable through it.
    const newest = await platforms.cpo230.send({ method: 'GET', url: platforms.cpo230.hubUrl('credentials') });
    const data = newest.envelope?.data as any;
    expect(data.hub_party_id).toBe('USSWY');
    expect(data.roles.map((r: any) => `${r.country_code}*${r.party_id}`)).toEqual(
      expect.arrayContaining(['BE*C11', 'US*M22', 'CA*M23']),
    );
  });

  it('carries a 2.1.1 location to 2.2.1 and 2.3.0 eMSPs, and unchanged to a 2.1.1 eMSP', async () => {
    const legacy = location211();
    const reply = await platforms.cpo211.send({
      method: 'PUT',
      url: `${platforms.cpo211.hubUrl('locations')}/BE/C11/LOC1`,
      body: legacy,
    });
    expect(reply.envelope?.status_code).toBe(1000);

    const at221 = await eventually(() => platforms.emsp221.receivedFor('locations').find((r) => r.path === '/BE/C11/LOC1'));
    expect(valid(v221.LocationSchema, at221.body)).toBe('valid');
    expect(at221.body).toMatchObject({ country_code: 'BE', party_id: 'C11', id: 'LOC1', publish: true });
    expect((at221.body as any).evses[0].connectors[0]).toMatchObject({ max_voltage: 220, max_amperage: 16, tariff_ids: ['11'] });

    const at230 = await eventually(() => platforms.emsp230.receivedFor('locations').find((r) => r.path === '/BE/C11/LOC1'));
    expect(valid(v230.LocationSchema, at230.body)).toBe('valid');

    const at211 = await eventually(() => platforms.emsp211.receivedFor('locations').find((r) => r.path === '/BE/C11/LOC1'));
    expect(at211.body).toEqual(legacy);
    // 2.1.1 carries no routing headers.
    expect(at211.headers['ocpi-to-party-id']).toBeUndefined();
  });

  it('merges a 2.1.1 tariff PATCH into the whole tariff for later versions', async () => {
    const tariffs = platforms.cpo211.hubUrl('tariffs');
    const put = await platforms.cpo211.send({
      method: 'PUT',
      url: `${tariffs}/BE/C11/12`,
      body: tariff211(),
    });
    expect(put.envelope?.status_code).toBe(1000);
    // Delivered before the PATCH is sent: two changes waiting together would go as one, coalesced.
    const ofTariff = () => platforms.emsp221.receivedFor('tariffs').filter((r) => r.path === '/BE/C11/12');
    await eventually(() => ofTariff().length === 1, 30_000, 'the tariff at the 2.2.1 eMSP');
    const patch = await platforms.cpo211.send({
      method: 'PATCH',
      url: `${tariffs}/BE/C11/12`,
      body: { currency: 'USD', last_updated: '2026-11-22T10:30:00Z' },
    });
    expect(patch.envelope?.status_code).toBe(1000);
    const received = await eventually(() => ofTariff().length === 2 && ofTariff(), 30_000, 'the patched tariff at the 2.2.1 eMSP');
    expect(received.map((r) => r.method)).toEqual(['PUT', 'PUT']);
    expect(valid(v221.TariffSchema, received[1].body)).toBe('valid');
    expect(received[1].body).toMatchObject({ id: '12', currency: 'USD', last_updated: '2026-11-22T10:30:00Z' });
    expect((received[1].body as any).elements).toEqual((received[0].body as any).elements);
  });

  it('delivers a 2.2.1 session to a 2.1.1 eMSP with its location rebuilt and the contract id', async () => {
    const cpo = ref(CPO_221);
    await platforms.cpo221.send({
      method: 'PUT',
      url: `${platforms.cpo221.hubUrl('locations', undefined, 'RECEIVER')}/US/C22/LOC-1`,
      body: location(cpo),
    });
    await platforms.emsp211.send({
      method: 'PUT',
      url: `${platforms.emsp211.hubUrl('tokens')}/BE/M11/04A1B2C3D4E5F6`,
      body: { uid: '04A1B2C3D4E5F6', type: 'RFID', auth_id: 'BE-M11-C00000001', issuer: 'Legacy eMSP', valid: true, whitelist: 'ALLOWED', last_updated: '2026-11-22T09:00:00Z' },
    });
    const reply = await platforms.cpo221.send({
      method: 'PUT',
      url: `${platforms.cpo221.hubUrl('sessions', undefined, 'RECEIVER')}/US/C22/S-X`,
      body: session(cpo, ref(EMSP_211), 'S-X', { cdr_token: { ...cdrToken(ref(EMSP_211)), contract_id: 'BE-M11-C00000001' } }),
    });
    expect(reply.envelope?.status_code).toBe(1000);
    const delivered = await eventually(() => platforms.emsp211.receivedFor('sessions').find((r) => r.path === '/US/C22/S-X'));
    expect(valid(v211.SessionSchema, delivered.body)).toBe('valid');
    expect(delivered.body).toMatchObject({ id: 'S-X', auth_id: 'BE-M11-C00000001', location: { id: 'LOC-1', city: 'Seattle' } });
  });

  it('carries a 2.1.1 CDR to the 2.2.1 eMSP of its driver', async () => {
    const legacyLocation = location211();
    const cdr211 = {
      id: 'CDR-211',
      start_date_time: '2026-11-22T08:00:00Z',
      stop_date_time: '2026-11-22T09:00:00Z',
      auth_id: 'US-M22-C00000001',
      auth_method: 'WHITELIST',
      location: { ...legacyLocation, evses: [legacyLocation.evses[0]] },
      currency: 'EUR',
      charging_periods: [{ start_date_time: '2026-11-22T08:00:00Z', dimensions: [{ type: 'ENERGY', volume: 12.5 }] }],
      total_cost: 4.25,
      total_energy: 12.5,
      total_time: 1,
      last_updated: '2026-11-22T09:01:00Z',
    };
    await platforms.emsp221.send({
      method: 'PUT',
      url: `${platforms.emsp221.hubUrl('tokens', undefined, 'RECEIVER')}/US/M22/TOK-CDR?type=RFID`,
      body: token(ref(EMSP_221), 'TOK-CDR', { contract_id: 'US-M22-C00000001' }),
    });
    const reply = await platforms.cpo211.send({ method: 'POST', url: platforms.cpo211.hubUrl('cdrs'), body: cdr211 });
    expect(reply.envelope?.status_code).toBe(1000);
    expect(reply.headers.location).toContain('/ocpi/2.1.1/receiver/cdrs/BE/C11/CDR-211');
    const delivered = await eventually(() => platforms.emsp221.receivedFor('cdrs').find((r) => (r.body as any).id === 'CDR-211'));
    expect(valid(v221.CdrSchema, delivered.body)).toBe('valid');
    expect(delivered.body).toMatchObject({
      country_code: 'BE',
      party_id: 'C11',
      end_date_time: '2026-11-22T09:00:00Z',
      cdr_token: { uid: 'TOK-CDR', country_code: 'US', party_id: 'M22', contract_id: 'US-M22-C00000001' },
      cdr_location: { id: 'LOC1', evse_uid: '3256' },
      total_cost: { excl_vat: 4.25 },
    });
    expect(platforms.emsp230.receivedFor('cdrs').find((r) => (r.body as any).id === 'CDR-211')).toBeUndefined();
  });

  it('answers a 2.1.1 CPO real-time authorization from a 2.2.1 eMSP, in 2.1.1', async () => {
    const emsp = ref(EMSP_221);
    await platforms.emsp221.send({
      method: 'PUT',
      url: `${platforms.emsp221.hubUrl('tokens', undefined, 'RECEIVER')}/US/M22/TOK-22?type=RFID`,
      body: token(emsp, 'TOK-22'),
    });
    platforms.emsp221.handle('tokens', (request) =>
      request.path === '/TOK-22/authorize'
        ? { status_code: 1000, data: { allowed: 'ALLOWED', token: token(emsp, 'TOK-22') }, timestamp: '2026-11-22T10:00:00Z' }
        : undefined,
    );
    const answer = await platforms.cpo211.send({
      method: 'POST',
      url: `${platforms.cpo211.hubUrl('tokens')}/TOK-22/authorize`,
      body: { location_id: 'LOC1' },
    });
    expect(answer.envelope?.status_code).toBe(1000);
    expect(valid(v211.AuthorizationInfoSchema, answer.envelope?.data)).toBe('valid');
    expect(answer.envelope?.data).toMatchObject({ allowed: 'ALLOWED' });
  });

  it('relays a 2.2.1 eMSP command to a 2.1.1 CPO and its result back, translated both ways', async () => {
    platforms.cpo211.handle('commands', () => ({ status_code: 1000, data: { result: 'ACCEPTED' }, timestamp: '2026-11-22T10:00:00Z' }));
    const responseUrl = `${platforms.emsp221.url}/2.2.1/sender/commands/START_SESSION/cmd-1`;
    const reply = await platforms.emsp221.send({
      method: 'POST',
      url: `${platforms.emsp221.hubUrl('commands', undefined, 'RECEIVER')}/START_SESSION`,
      body: { response_url: responseUrl, token: token(ref(EMSP_221), 'TOK-22'), location_id: 'LOC1', evse_uid: '3256' },
    });
    expect(reply.envelope?.status_code).toBe(1000);
    expect(valid(v221.CommandResponseSchema, reply.envelope?.data)).toBe('valid');
    expect(reply.envelope?.data).toMatchObject({ result: 'ACCEPTED' });

    const atCpo = platforms.cpo211.receivedFor('commands').at(-1)!;
    expect(valid(v211.StartSessionSchema, atCpo.body)).toBe('valid');
    const callback = (atCpo.body as any).response_url as string;
    expect(callback).toContain('/ocpi/2.1.1/sender/commands/START_SESSION/');

    const result = await platforms.cpo211.send({ method: 'POST', url: callback, body: { result: 'ACCEPTED' } });
    expect(result.envelope?.status_code).toBe(1000);
    const relayed = await eventually(() => platforms.emsp221.receivedFor('commands').find((r) => r.path === '/START_SESSION/cmd-1'));
    expect(valid(v221.CommandResultSchema, relayed.body)).toBe('valid');
    expect(relayed.body).toMatchObject({ result: 'ACCEPTED' });
  });

  it('prices in 2.3.0 taxes reach a 2.2.1 eMSP as excl/incl VAT, and the journal names what did not map', async () => {
    const cpo = ref(CPO_230);
    const newest = {
      ...tariff(cpo, 'T-TAX', { currency: 'CAD' }),
      tax_included: 'NO',
    };
    const reply = await platforms.cpo230.send({
      method: 'PUT',
      url: `${platforms.cpo230.hubUrl('tariffs', undefined, 'RECEIVER')}/CA/C23/T-TAX`,
      body: newest,
    });
    expect(reply.envelope?.status_code).toBe(1000);
    const at221 = await eventually(() => platforms.emsp221.receivedFor('tariffs').find((r) => r.path === '/CA/C23/T-TAX'));
    expect(valid(v221.TariffSchema, at221.body)).toBe('valid');
    const at230 = await eventually(() => platforms.emsp230.receivedFor('tariffs').find((r) => r.path === '/CA/C23/T-TAX'));
    expect(at230.body).toEqual(newest);

    // A 2.2.1 connector standard that 2.1.1 lacks is reported, not dropped silently.
    await platforms.cpo221.send({
      method: 'PUT',
      url: `${platforms.cpo221.hubUrl('locations', undefined, 'RECEIVER')}/US/C22/LOC-NEMA`,
      body: location(ref(CPO_221), 'LOC-NEMA', {
        evses: [{ uid: 'E1', status: 'AVAILABLE', connectors: [{ id: '1', standard: 'NEMA_14_50', format: 'SOCKET', power_type: 'AC_1_PHASE', max_voltage: 240, max_amperage: 50, last_updated: '2026-11-22T10:00:00Z' }, { id: '2', standard: 'IEC_62196_T1', format: 'CABLE', power_type: 'AC_1_PHASE', max_voltage: 240, max_amperage: 32, last_updated: '2026-11-22T10:00:00Z' }], last_updated: '2026-11-22T10:00:00Z' }],
      }),
    });
    await eventually(() => platforms.emsp211.receivedFor('locations').find((r) => r.path === '/US/C22/LOC-NEMA'));
    // The journal entry is written once the receiver's answer is in.
    const entry = await eventually(async () => {
      const [row] = await hub.hub.db.query<any>(
        `SELECT notes FROM journal WHERE direction = 'OUT' AND to_party = 'BE*M11' AND object_id = 'LOC-NEMA'`,
      );
      return row;
    });
    expect(entry.notes.losses).toEqual(
      expect.arrayContaining([expect.objectContaining({ kind: 'dropped', reason: expect.stringContaining('NEMA_14_50') })]),
    );
  });
});
