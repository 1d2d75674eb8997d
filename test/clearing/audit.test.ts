import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setTerms } from '../../src/clearing/terms.js';
import { OcpiPlatform } from '../../src/sim/platform.js';
import type { RunningHub } from '../../src/switchyard.js';
import { admin, databaseLabel, eventually, startTestHub } from '../support/hub.js';
import { cdr, location, session, tariff } from '../support/fixtures.js';
import { FAST_DELIVERY, onboard, PARTIES } from '../support/network.js';

const CP1 = { countryCode: 'US', partyId: 'CP1' };
const MS1 = { countryCode: 'US', partyId: 'MS1' };

/** A second session on the same EVSE, 10:50 to 11:35: 30 kWh at 0.45. */
const cdr2 = (id: string, overrides: Record<string, unknown> = {}) =>
  cdr(CP1, MS1, id, {
    session_id: 'SESSION-2',
    start_date_time: '2026-11-22T10:50:00Z',
    end_date_time: '2026-11-22T11:35:00Z',
    charging_periods: [{ start_date_time: '2026-11-22T10:50:00Z', dimensions: [{ type: 'ENERGY', volume: 30 }] }],
    ...overrides,
  });

describe(`every CDR audited on arrival, over OCPI (${databaseLabel})`, () => {
  let net: { hub: RunningHub; cpo1: OcpiPlatform; emsp1: OcpiPlatform };
  const receiver = (platform: OcpiPlatform, module: string) => platform.hubUrl(module, undefined, 'RECEIVER');
  const pushCdr = (body: Record<string, unknown>) => net.cpo1.send({ method: 'POST', url: receiver(net.cpo1, 'cdrs'), body });
  const audited = (id: string, status?: string) =>
    eventually(async () => {
      const { body } = await admin(net.hub, 'GET', `/api/cdrs/US/CP1/${id}`);
      return body?.audited_at && (!status || body.status === status) ? body : undefined;
    }, 15_000, `CDR ${id} audited`);

  beforeAll(async () => {
    // One CPO and one eMSP, each onboarded through the real handshake.
    const hub = await startTestHub({ delivery: FAST_DELIVERY, audit: { pollIntervalMs: 200 } });
    const start = (key: 'cpo1' | 'emsp1') => OcpiPlatform.start({ name: PARTIES[key].name, roles: [PARTIES[key]] });
    const [cpo1, emsp1] = await Promise.all([start('cpo1'), start('emsp1')]);
    net = { hub, cpo1, emsp1 };
    await onboard(hub, cpo1);
    await onboard(hub, emsp1);
    // The location (Seattle) and its DC tariff: 0.45 USD per kWh, in force from 10:00 on 22 Nov 2026.
    for (const [module, path, body] of [
      ['locations', '/US/CP1/LOC-1', location(CP1)],
      ['tariffs', '/US/CP1/TARIFF-DC', tariff(CP1)],
      ['sessions', '/US/CP1/SESSION-1', session(CP1, MS1)],
    ] as const) {
      const reply = await net.cpo1.send({ method: 'PUT', url: `${receiver(net.cpo1, module)}${path}`, body });
      expect(reply.envelope?.status_code).toBe(1000);
    }
  }, 180_000);
  afterAll(async () => {
    await Promise.all([net?.cpo1.close(), net?.emsp1.close()]);
    await net?.hub.close();
  });

  it('flags a CDR whose total is off by 1.00 with TOTAL_COST, and delivers it all the same', async () => {
    const reply = await pushCdr(cdr(CP1, MS1, 'CDR-1', { total_cost: { excl_vat: 14.5, incl_vat: 14.5 } }));
    expect(reply.envelope?.status_code).toBe(1000);
    await eventually(() => net.emsp1.receivedFor('cdrs').find((r) => (r.body as { id?: string })?.id === 'CDR-1'));

    const record = await audited('CDR-1', 'FLAGGED');
    expect(record.divergences).toEqual(['TOTAL_COST']);
    expect(record.audit.divergences[0]).toMatchObject({ code: 'TOTAL_COST', kind: 'CDR_DEFECT', claimed: '14.5', computed: '13.5' });
    expect(record.claimed.total_cost).toEqual({ before_taxes: '14.5', after_taxes: '14.5' });
    expect(record.computed.total_energy_cost.before_taxes).toBe('13.5');
    expect(record.audit.tariff).toMatchObject({ id: 'TARIFF-DC', source: 'HISTORY' });
    expect(record.history.map((h: { action: string; to_status: string }) => `${h.action}:${h.to_status}`)).toEqual(['RECEIVE:RECEIVED', 'AUDIT:FLAGGED']);

    const flagged = await admin(net.hub, 'GET', '/api/cdrs?party=US*CP1&divergence=TOTAL_COST&status=FLAGGED');
    expect(flagged.body.items.map((r: { id: string }) => r.id)).toEqual(['CDR-1']);
  });

  it('accepts a CDR priced by the tariff in force at its start, though the tariff changed since', async () => {
    // From 11:00 energy costs 0.60; a session that started at 10:00 is still priced at 0.45.
    await net.cpo1.send({
      method: 'PUT',
      url: `${receiver(net.cpo1, 'tariffs')}/US/CP1/TARIFF-DC`,
      body: tariff(CP1, 'TARIFF-DC', { elements: [{ price_components: [{ type: 'ENERGY', price: 0.6, vat: 0, step_size: 1 }] }], last_updated: '2026-11-22T11:00:00Z' }),
    });
    await pushCdr(cdr2('CDR-2'));
    expect((await audited('CDR-2')).status).toBe('ACCEPTED');

    const later = '2026-11-22T12:00:00Z';
    await pushCdr(
      cdr(CP1, MS1, 'CDR-LATER', {
        session_id: 'SESSION-LATER',
        start_date_time: later,
        end_date_time: '2026-11-22T12:45:00Z',
        charging_periods: [{ start_date_time: later, dimensions: [{ type: 'ENERGY', volume: 30 }] }],
        total_cost: { excl_vat: 18, incl_vat: 18 },
      }),
    );
    expect((await audited('CDR-LATER')).status).toBe('ACCEPTED');
  });

  it('notes an exact duplicate without storing it twice, and flags a near-duplicate of the same session', async () => {
    const again = await pushCdr(cdr2('CDR-2'));
    expect(again.envelope?.status_code).toBe(1000);
    const near = await pushCdr(cdr2('CDR-2B'));
    expect(near.envelope?.status_code).toBe(1000);
    const record = await audited('CDR-2B', 'FLAGGED');
    expect(record.divergences).toEqual(['NEAR_DUPLICATE']);
    const first = await audited('CDR-2');
    expect(first.history.map((h: { action: string }) => h.action)).toContain('DUPLICATE');
  });

  it('links a credit CDR to the CDR it negates, and the re-billed CDR to both', async () => {
    await pushCdr(cdr(CP1, MS1, 'CDR-1-CREDIT', { credit: true, credit_reference_id: 'CDR-1', total_cost: { excl_vat: -14.5, incl_vat: -14.5 } }));
    const credit = await audited('CDR-1-CREDIT', 'ACCEPTED');
    expect(credit.credits_cdr_id).toBe('CDR-1');
    expect((await audited('CDR-1', 'CREDITED')).credited_by_cdr_id).toBe('CDR-1-CREDIT');

    await pushCdr(cdr(CP1, MS1, 'CDR-1-R', {}));
    const rebill = await audited('CDR-1-R', 'ACCEPTED');
    expect(rebill.revises_cdr_id).toBe('CDR-1');
    const original = await audited('CDR-1', 'REVISED');
    expect(original.revised_by_cdr_id).toBe('CDR-1-R');
    expect(original.history.map((h: { action: string }) => h.action)).toEqual(['RECEIVE', 'AUDIT', 'CREDIT', 'REVISE']);

    // A credit that does not negate its CDR is flagged.
    await pushCdr(cdr2('CDR-2-CREDIT', { credit: true, credit_reference_id: 'CDR-2', total_cost: { excl_vat: -10, incl_vat: -10 } }));
    expect((await audited('CDR-2-CREDIT', 'FLAGGED')).divergences).toEqual(['CREDIT_MISMATCH']);
  });

  it('carries a CDR through dispute and write-off, recording who and when, and refuses a move its status forbids', async () => {
    const disputed = await admin(net.hub, 'POST', '/api/cdrs/US/CP1/CDR-LATER/dispute', {
      on_behalf_of: 'US*MS1',
      reason: 'PRICE',
      comment: 'The driver saw 0.45 per kWh at the charger',
      evidence: { photo: 'https://example.com/charger.jpg' },
    });
    expect(disputed.status).toBe(200);
    expect(disputed.body.status).toBe('DISPUTED');
    expect(disputed.body.dispute_deadline).not.toBeNull();

    const noReason = await admin(net.hub, 'POST', '/api/cdrs/US/CP1/CDR-2B/dispute', {});
    expect(noReason.status).toBe(400);

    const writtenOff = await admin(net.hub, 'POST', '/api/cdrs/US/CP1/CDR-LATER/write-off', { actor: 'operator:ana', on_behalf_of: 'US*CP1' });
    expect(writtenOff.body.status).toBe('WRITTEN_OFF');
    const refused = await admin(net.hub, 'POST', '/api/cdrs/US/CP1/CDR-LATER/approve', {});
    expect(refused.status).toBe(409);

    const { body } = await admin(net.hub, 'GET', '/api/cdrs/US/CP1/CDR-LATER');
    const moves = body.history.slice(-2);
    expect(moves).toMatchObject([
      { action: 'DISPUTE', from_status: 'ACCEPTED', to_status: 'DISPUTED', actor: 'operator for US*MS1', reason: 'PRICE', evidence: { photo: 'https://example.com/charger.jpg' } },
      { action: 'WRITE_OFF', from_status: 'DISPUTED', to_status: 'WRITTEN_OFF', actor: 'operator:ana for US*CP1' },
    ]);
    expect(Date.parse(moves[1].at)).toBeGreaterThanOrEqual(Date.parse(moves[0].at));
  });

  it('filters CDRs on the server by counterparty, currency, session start and part of the id, as documented', async () => {
    const ids = async (query: string) => {
      const { status, body } = await admin(net.hub, 'GET', `/api/cdrs?${query}`);
      expect(status, query).toBe(200);
      return body.items.map((record: { id: string }) => record.id);
    };
    expect(await ids('cdr_id=later')).toEqual(['CDR-LATER']);
    expect(await ids('cdr_id=2-c')).toEqual(['CDR-2-CREDIT']);
    // LIKE's wildcards are plain characters in the search.
    expect(await ids('cdr_id=%25')).toEqual([]);
    expect(await ids('cdr_id=CDR_2')).toEqual([]);
    expect(await ids('from=2026-11-22T11:30:00Z&to=2026-11-22T12:30:00Z')).toEqual(['CDR-LATER']);
    expect(await ids('counterparty=US*MS1&currency=usd&cdr_id=cdr-1-')).toEqual(['CDR-1-CREDIT', 'CDR-1-R']);
    expect(await ids('counterparty=CA*MS2')).toEqual([]);
    expect(await ids('currency=CAD')).toEqual([]);

    for (const [query, field] of [['currency=dollars', 'currency'], ['from=yesterday', 'from'], ['counterparty=MS1', 'counterparty']]) {
      const refused = await admin(net.hub, 'GET', `/api/cdrs?${query}`);
      expect(refused, query).toMatchObject({ status: 400, body: { message: expect.stringContaining(field) } });
    }
    const openapi = await (await fetch(`${net.hub.url}/api/docs/json`)).json();
    const documented = openapi.paths['/api/cdrs'].get.parameters.map((p: { name: string }) => p.name);
    expect(documented).toEqual(expect.arrayContaining(['party', 'counterparty', 'currency', 'from', 'to', 'status', 'cdr_id']));
  });

  it('resolves a dispute left open past its deadline by the agreement rule', async () => {
    await setTerms(net.hub.hub.db, CP1, MS1, { disputeDeadlineDays: 0, autoResolve: 'APPROVE' });
    await admin(net.hub, 'POST', '/api/cdrs/US/CP1/CDR-2B/dispute', { reason: 'DUPLICATE' });
    await net.hub.hub.clearing.housekeeping(new Date(Date.now() + 1000));
    const { body } = await admin(net.hub, 'GET', '/api/cdrs/US/CP1/CDR-2B');
    expect(body.status).toBe('APPROVED');
    expect(body.history.at(-1)).toMatchObject({ actor: 'hub', action: 'AUTO_RESOLVE', to_status: 'APPROVED' });
  });

  it('flags a session that ended without a CDR after the allowed time', async () => {
    const ended = { status: 'COMPLETED', end_date_time: '2026-11-22T11:00:00Z', last_updated: '2026-11-22T11:00:00Z' };
    await net.cpo1.send({ method: 'PUT', url: `${receiver(net.cpo1, 'sessions')}/US/CP1/SESSION-LOST`, body: session(CP1, MS1, 'SESSION-LOST', ended) });
    await net.hub.hub.clearing.housekeeping(new Date('2026-11-24T11:00:01Z'));
    const { body } = await admin(net.hub, 'GET', '/api/cdrs/missing');
    expect(body.map((m: { session_id: string }) => m.session_id)).toContain('SESSION-LOST');
    expect(body.map((m: { session_id: string }) => m.session_id)).not.toContain('SESSION-1');
  });
});
