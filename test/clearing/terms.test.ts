import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OcpiPlatform } from '../../src/sim/platform.js';
import type { RunningHub } from '../../src/switchyard.js';
import { admin, databaseLabel, eventually, startTestHub } from '../support/hub.js';
import { cdr, location, NOW, tariff } from '../support/fixtures.js';
import { FAST_DELIVERY, onboard, PARTIES } from '../support/network.js';

const CP1 = { countryCode: 'US', partyId: 'CP1' };
const MS1 = { countryCode: 'US', partyId: 'MS1' };
const MS2 = { countryCode: 'CA', partyId: 'MS2' };

describe(`clearing terms set by the operator, over the admin API (${databaseLabel})`, () => {
  let net: { hub: RunningHub; cpo1: OcpiPlatform; emsp1: OcpiPlatform; emsp2: OcpiPlatform };
  const receiver = (module: string) => net.cpo1.hubUrl(module, undefined, 'RECEIVER');
  const audited = (id: string) =>
    eventually(async () => {
      const { body } = await admin(net.hub, 'GET', `/api/cdrs/US/CP1/${id}`);
      return body?.audited_at ? body : undefined;
    }, 15_000, `CDR ${id} audited`);

  beforeAll(async () => {
    const hub = await startTestHub({ delivery: FAST_DELIVERY, audit: { pollIntervalMs: 200 } });
    const start = (key: 'cpo1' | 'emsp1' | 'emsp2') => OcpiPlatform.start({ name: PARTIES[key].name, roles: [PARTIES[key]] });
    const [cpo1, emsp1, emsp2] = await Promise.all([start('cpo1'), start('emsp1'), start('emsp2')]);
    net = { hub, cpo1, emsp1, emsp2 };
    for (const platform of [cpo1, emsp1, emsp2]) await onboard(hub, platform);
    // The location and its tariff: 0.45 USD per kWh, so the fixture CDR (30 kWh) costs 13.50.
    for (const [module, path, body] of [
      ['locations', '/US/CP1/LOC-1', location(CP1)],
      ['tariffs', '/US/CP1/TARIFF-DC', tariff(CP1)],
    ] as const) {
      const reply = await cpo1.send({ method: 'PUT', url: `${receiver(module)}${path}`, body });
      expect(reply.envelope?.status_code).toBe(1000);
    }
  }, 180_000);
  afterAll(async () => {
    await Promise.all([net?.cpo1.close(), net?.emsp1.close(), net?.emsp2.close()]);
    await net?.hub.close();
  });

  it('answers the defaults until terms are set, then the terms set for the pair', async () => {
    const before = await admin(net.hub, 'GET', '/api/clearing/terms/US*CP1/US*MS1');
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({ defaults: true, layers: [], terms: { tolerance: '0.01', dispute_deadline_days: 30, auto_resolve: 'WRITE_OFF' } });

    const set = await admin(net.hub, 'PUT', '/api/clearing/terms/US*CP1/US*MS1', { tolerance: '2.00', policy: { rounding: 'HALF_EVEN' } });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ cpo: 'US*CP1', emsp: 'US*MS1', defaults: false, layers: ['PAIR'], terms: { tolerance: '2.00', dispute_deadline_days: 30 } });
    expect(set.body.terms.policy).toMatchObject({ rounding: 'HALF_EVEN', step_size: 'PER_SESSION' });

    const list = await admin(net.hub, 'GET', '/api/clearing/terms');
    expect(list.body).toEqual([expect.objectContaining({ cpo: 'US*CP1', emsp: 'US*MS1', terms: { tolerance: '2.00', policy: { rounding: 'HALF_EVEN' } } })]);
    expect((await admin(net.hub, 'GET', '/api/clearing/terms/US*CP1/CA*MS2')).body.defaults).toBe(true);
  });

  it('accepts a CDR off by 1.00 within the pair tolerance, and flags the same CDR for a pair on the defaults', async () => {
    // 30 kWh by TARIFF-DC cost 13.50; both claim 14.50 (the second an hour later on the same EVSE).
    const offByOne = (start: string, end: string) => ({
      start_date_time: start,
      end_date_time: end,
      charging_periods: [{ start_date_time: start, tariff_id: 'TARIFF-DC', dimensions: [{ type: 'ENERGY', volume: 30 }] }],
      total_cost: { excl_vat: 14.5, incl_vat: 14.5 },
    });
    for (const body of [
      cdr(CP1, MS1, 'CDR-MS1', { session_id: 'SESSION-MS1', ...offByOne(NOW, '2026-11-22T10:45:00Z') }),
      cdr(CP1, MS2, 'CDR-MS2', { session_id: 'SESSION-MS2', ...offByOne('2026-11-22T11:00:00Z', '2026-11-22T11:45:00Z') }),
    ]) {
      const reply = await net.cpo1.send({ method: 'POST', url: receiver('cdrs'), body });
      expect(reply.envelope?.status_code).toBe(1000);
    }
    const within = await audited('CDR-MS1');
    expect(within).toMatchObject({ status: 'ACCEPTED', divergences: [], audit: { tolerance: '2.00' } });
    const outside = await audited('CDR-MS2');
    expect(outside).toMatchObject({ status: 'FLAGGED', divergences: ['TOTAL_COST'], audit: { tolerance: '0.01' } });
  });

  it('refuses bad terms with a readable 400 and changes nothing', async () => {
    const path = '/api/clearing/terms/US*CP1/US*MS1';
    const refusals: [string, unknown, RegExp][] = [
      [path, { tolerance: '-1' }, /tolerance/],
      [path, { tolerance: 'two' }, /tolerance/],
      [path, { tolerance: '1', tolerence: '3' }, /body\.tolerence is an unknown field/],
      [path, { policy: { rounding: 'HALF_DOWN' } }, /policy\.rounding must be one of/],
      [path, { policy: { step: 'OFF' } }, /body\.policy\.step is an unknown field/],
      [path, { auto_resolve: 'FORGET' }, /auto_resolve/],
      ['/api/clearing/terms/US*MS1/US*CP1', { tolerance: '1' }, /roles are swapped/],
      ['/api/clearing/terms/US*CP9/US*MS1', { tolerance: '1' }, /no party US\*CP9/],
      ['/api/clearing/terms/US*MS1', { tolerance: '1' }, /not a CPO/],
      ['/api/clearing/terms/CP1', { tolerance: '1' }, /CC\*PID/],
    ];
    for (const [url, body, message] of refusals) {
      const reply = await admin(net.hub, 'PUT', url, body);
      expect(reply.status, `${url} ${JSON.stringify(body)}`).toBe(400);
      expect(reply.body.message).toMatch(message);
    }
    const list = await admin(net.hub, 'GET', '/api/clearing/terms');
    expect(list.body.map((t: { terms: unknown }) => t.terms)).toEqual([{ tolerance: '2.00', policy: { rounding: 'HALF_EVEN' } }]);
    expect((await admin(net.hub, 'GET', '/api/clearing/terms/US*CP9')).status).toBe(404);
  });

  it('layers the pair terms over the CPO terms, and returns to the defaults on DELETE', async () => {
    await admin(net.hub, 'PUT', '/api/clearing/terms/US*CP1', { dispute_deadline_days: 10, auto_resolve: 'APPROVE' });
    const layered = await admin(net.hub, 'GET', '/api/clearing/terms/US*CP1/US*MS1');
    expect(layered.body).toMatchObject({ layers: ['CPO', 'PAIR'], terms: { tolerance: '2.00', dispute_deadline_days: 10, auto_resolve: 'APPROVE' } });

    expect((await admin(net.hub, 'DELETE', '/api/clearing/terms/US*CP1/US*MS1')).body).toMatchObject({ layers: ['CPO'], terms: { tolerance: '0.01' } });
    expect((await admin(net.hub, 'DELETE', '/api/clearing/terms/US*CP1')).body).toMatchObject({ defaults: true });
    const again = await admin(net.hub, 'DELETE', '/api/clearing/terms/US*CP1');
    expect(again.status).toBe(404);
    expect(again.body.error).toBe('not_found');
    expect((await admin(net.hub, 'GET', '/api/clearing/terms')).body).toEqual([]);
  });
});
