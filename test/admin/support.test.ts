import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAgreement } from '../../src/hub/agreements.js';
import { success } from '../../src/ocpi/envelope.js';
import type { OcpiPlatform } from '../../src/sim/platform.js';
import { admin, databaseLabel, eventually } from '../support/hub.js';
import { location, session, token } from '../support/fixtures.js';
import { startRoamingNetwork, type RoamingNetwork } from '../support/network.js';

const CP1 = { countryCode: 'US', partyId: 'CP1' };
const CP2 = { countryCode: 'CA', partyId: 'CP2' };
const MS1 = { countryCode: 'US', partyId: 'MS1' };
const BUDGET_MS = 400;

describe(`support: search, timelines and verdicts (${databaseLabel})`, () => {
  let net: RoamingNetwork;
  const call = (method: string, path: string, body?: unknown) => admin(net.hub, method, path, body);

  beforeAll(async () => {
    net = await startRoamingNetwork({ authorizationTimeoutMs: BUDGET_MS });
    await createAgreement(net.hub.hub.db, { cpo: CP2, emsp: MS1, status: 'SUSPENDED' });
  });
  afterAll(async () => net.close());
  afterEach(() => net.emsp1.handle('tokens', () => undefined));

  async function pushToken(uid: string, overrides: Record<string, unknown> = {}) {
    const reply = await net.emsp1.send({
      method: 'PUT',
      url: `${net.emsp1.hubUrl('tokens', undefined, 'RECEIVER')}/US/MS1/${uid}?type=RFID`,
      body: token(MS1, uid, overrides),
    });
    expect(reply.envelope?.status_code).toBe(1000);
  }

  const tap = (cpo: OcpiPlatform, uid: string) =>
    cpo.send<any>({ method: 'POST', url: `${cpo.hubUrl('tokens', undefined, 'SENDER')}/${uid}/authorize?type=RFID` });

  const search = async (q: string) => (await call('GET', `/api/search?q=${encodeURIComponent(q)}`)).body.matches as any[];
  /** A tap's authorization decision is stored after the answer: its search waits for it. */
  const searchTap = (q: string) =>
    eventually(
      async () => {
        const matches = await search(q);
        return matches.length > 0 && matches;
      },
      30_000,
      `a tap found by ${q}`,
    );
  const story = async (correlationId: string) =>
    eventually(async () => {
      const { status, body } = await call('GET', `/api/journal/story/${correlationId}`);
      return status === 200 && body.hops.some((hop: any) => hop.kind === 'TAP') && body;
    });

  it('finds a tap refused under a suspended agreement by contract id and printed number, and says so', async () => {
    await pushToken('TOK-SUSP', { contract_id: 'US-MS1-CSUSP0001', visual_number: '7001-2002' });
    const reply = await tap(net.cpo2, 'TOK-SUSP');
    expect(reply.envelope?.data.allowed).toBe('NOT_ALLOWED');

    const [byContract] = await searchTap('us-ms1-csusp0001');
    expect(byContract).toMatchObject({ kind: 'TAP', cpo: 'CA*CP2', emsp: 'US*MS1', matched: 'contract id', correlation_id: reply.correlationId });
    expect((await search('7001-2002'))[0]).toMatchObject({ kind: 'TAP', matched: 'visual number' });
    expect((await search('RFID:TOK-SUSP'))[0]).toMatchObject({ kind: 'TAP', matched: 'token uid' });
    expect(await search('APP_USER:TOK-SUSP')).toEqual([]);

    const told = await story(reply.correlationId);
    expect(told.verdict).toMatchObject({ failed: true, blame: 'HUB', rule: 'AGREEMENT_SUSPENDED' });
    expect(told.verdict.driver).toMatch(/refused.*suspended/);
    expect(told.verdict.action).toMatch(/resume the agreement/);
    // The refusal is a failure the journal lists.
    const failed = (await call('GET', '/api/journal?failed=true&party=CA*CP2')).body.entries;
    expect(failed.map((e: any) => e.correlation_id)).toContain(reply.correlationId);
  });

  it('puts an unknown card on the eMSP side, not on the CPO that passed the tap on', async () => {
    const reply = await tap(net.cpo1, 'ZZ0NOBODY');
    expect(reply.envelope?.status_code).toBe(2004);
    const [match] = await searchTap('ZZ0NOBODY');
    expect(match).toMatchObject({ kind: 'TAP', cpo: 'US*CP1', emsp: null });
    const told = await story(reply.correlationId);
    expect(told.verdict).toMatchObject({ failed: true, blame: 'EMSP', rule: 'UNKNOWN_TOKEN' });
    expect(told.verdict.reason).toContain('No eMSP on the hub has this card');
  });

  it('calls a slow eMSP a timeout of that eMSP, and says the fallback refused the driver', async () => {
    await pushToken('TOK-SLOW', { whitelist: 'NEVER' });
    let release: () => void = () => undefined;
    const answered = new Promise<void>((resolve) => (release = resolve));
    net.emsp1.handle('tokens', async () => {
      await answered;
      return success({ allowed: 'ALLOWED', token: token(MS1, 'TOK-SLOW') });
    });
    const reply = await tap(net.cpo1, 'TOK-SLOW');
    release();
    expect(reply.envelope?.data.allowed).toBe('NOT_ALLOWED');

    const told = await story(reply.correlationId);
    expect(told.verdict).toMatchObject({ failed: true, blame: 'EMSP', rule: 'FALLBACK_WHITELIST_NEVER' });
    expect(told.verdict.driver).toMatch(/refused at US\*CP1 by the hub's fallback, because US\*MS1 did not answer/);
    const forwarded = told.hops.find((hop: any) => hop.direction === 'OUT' && hop.to === 'US*MS1');
    expect(forwarded).toMatchObject({ blame: 'EMSP' });
    // In time order, durations in whole milliseconds.
    const starts = told.hops.map((hop: any) => Date.parse(hop.at));
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
    expect(told.hops.every((hop: any) => hop.duration_ms === null || Number.isInteger(hop.duration_ms))).toBe(true);
  });

  it('finds a session by its id, EVSE, location or card, and tells its timeline from the tap on', async () => {
    await pushToken('TOK-SESS', { contract_id: 'US-MS1-CSESS0001' });
    net.emsp1.handle('tokens', () => success({ allowed: 'ALLOWED', token: token(MS1, 'TOK-SESS') }));
    const authorized = await tap(net.cpo1, 'TOK-SESS');
    expect(authorized.envelope?.data.allowed).toBe('ALLOWED');
    const put = (url: string, body: unknown) => net.cpo1.send({ method: 'PUT', url, body });
    const receiver = (module: string) => net.cpo1.hubUrl(module, undefined, 'RECEIVER');
    expect((await put(`${receiver('locations')}/US/CP1/LOC-SUP`, location(CP1, 'LOC-SUP'))).envelope?.status_code).toBe(1000);
    const started = session(CP1, MS1, 'SESS-SUP-1', {
      location_id: 'LOC-SUP',
      start_date_time: new Date().toISOString(),
      cdr_token: { country_code: 'US', party_id: 'MS1', uid: 'TOK-SESS', type: 'RFID', contract_id: 'US-MS1-CSESS0001' },
    });
    expect((await put(`${receiver('sessions')}/US/CP1/SESS-SUP-1`, started)).envelope?.status_code).toBe(1000);

    for (const [q, matched] of [
      ['sess-sup-1', 'session id'],
      ['US*CP1*EEVSE1', 'EVSE'],
      ['LOC-SUP', 'location id'],
      ['US-MS1-CSESS0001', 'token uid'],
    ]) {
      const sessions = (await search(q)).filter((m) => m.kind === 'SESSION');
      expect(sessions[0], q).toMatchObject({ session: { country_code: 'US', party_id: 'CP1', id: 'SESS-SUP-1' } });
      if (q !== 'US-MS1-CSESS0001') expect(sessions[0].matched, q).toBe(matched);
    }

    const timeline = await eventually(async () => {
      const { body } = await call('GET', '/api/sessions/US/CP1/SESS-SUP-1/timeline');
      return body?.hops?.some((hop: any) => hop.kind === 'SESSION') && body;
    });
    expect(timeline.session).toMatchObject({ cpo: 'US*CP1', emsp: 'US*MS1', token_uid: 'TOK-SESS' });
    const kinds = timeline.hops.map((hop: any) => hop.kind);
    expect(kinds.indexOf('TAP')).toBeLessThan(kinds.indexOf('SESSION'));
    expect(timeline.verdict).toMatchObject({ failed: false, blame: null });
    expect(timeline.verdict.driver).toMatch(/allowed to charge/);
    expect((await call('GET', '/api/sessions/US/CP1/NOPE/timeline')).status).toBe(404);
    expect((await call('GET', '/api/search?q=')).status).toBe(400);
  });
});
