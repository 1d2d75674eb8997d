import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAgreement } from '../../src/hub/agreements.js';
import { setAuthorizationFallback } from '../../src/hub/party-settings.js';
import { envelope, success } from '../../src/ocpi/envelope.js';
import type { OcpiReply } from '../../src/ocpi/client.js';
import type { OcpiPlatform } from '../../src/sim/platform.js';
import { databaseLabel, eventually } from '../support/hub.js';
import { token } from '../support/fixtures.js';
import { startRoamingNetwork, type RoamingNetwork } from '../support/network.js';

const CP1 = { countryCode: 'US', partyId: 'CP1' };
const CP2 = { countryCode: 'CA', partyId: 'CP2' };
const MS1 = { countryCode: 'US', partyId: 'MS1' };
const MS2 = { countryCode: 'CA', partyId: 'MS2' };
/** The hub's authorization budget in this suite: short, so slow eMSPs are quick to test. */
const BUDGET_MS = 300;

describe(`real-time authorization through the hub (${databaseLabel})`, () => {
  let net: RoamingNetwork;

  beforeAll(async () => {
    net = await startRoamingNetwork({ authorizationTimeoutMs: BUDGET_MS });
    // CP2 and MS1 do not roam: a suspended bilateral agreement overrides the standard one.
    await createAgreement(net.hub.hub.db, { cpo: CP2, emsp: MS1, status: 'SUSPENDED' });
  });
  afterAll(async () => net.close());
  afterEach(() => {
    net.emsp1.available = true;
    net.emsp1.handle('tokens', () => undefined);
  });

  /** The eMSP pushes its token to the hub, which keeps a copy. */
  async function pushToken(emsp: OcpiPlatform, owner: typeof MS1, uid: string, overrides: Record<string, unknown> = {}) {
    const reply = await emsp.send({
      method: 'PUT',
      url: `${emsp.hubUrl('tokens', undefined, 'RECEIVER')}/${owner.countryCode}/${owner.partyId}/${uid}?type=RFID`,
      body: token(owner, uid, overrides),
    });
    expect(reply.envelope?.status_code).toBe(1000);
  }

  function authorizeAt(cpo: OcpiPlatform, uid: string, options: { body?: unknown; to?: typeof MS1 } = {}): Promise<OcpiReply<any>> {
    return cpo.send({
      method: 'POST',
      url: `${cpo.hubUrl('tokens', undefined, 'SENDER')}/${uid}/authorize?type=RFID`,
      body: options.body,
      routing: options.to && { to: options.to },
    });
  }

  /** The recorded decision: written after the answer, so awaited. */
  async function decisionOf(reply: OcpiReply) {
    return eventually(async () => {
      const [row] = await net.hub.hub.db.query<{ rule: string; allowed: string | null; cpo: string; emsp: string | null; detail: string }>(
        'SELECT rule, allowed, cpo, emsp, detail FROM authorizations WHERE correlation_id = $1',
        [reply.correlationId],
      );
      return row;
    });
  }

  async function journaledRule(reply: OcpiReply) {
    // The journal is written in batches: flush what was recorded so far.
    await net.hub.hub.journalWriter.flush();
    const rows = await net.hub.hub.db.query<{ notes: { rule?: string } }>(
      `SELECT notes FROM journal WHERE correlation_id = $1 AND notes->>'rule' IS NOT NULL`,
      [reply.correlationId],
    );
    return rows.map((r) => r.notes.rule);
  }

  const authorizeCalls = (emsp: OcpiPlatform, uid: string) =>
    emsp.receivedFor('tokens').filter((r) => r.method === 'POST' && r.path === `/${uid}/authorize`);

  describe('when the eMSP answers', () => {
    it('relays ALLOWED with the eMSP’s own reference, found through the token store', async () => {
      await pushToken(net.emsp1, MS1, 'TOK-OK');
      net.emsp1.handle('tokens', (request) =>
        success({ allowed: 'ALLOWED', token: token(MS1, 'TOK-OK'), location: request.body, authorization_reference: 'MS1-REF-1' }),
      );

      const reply = await authorizeAt(net.cpo1, 'TOK-OK', { body: { location_id: 'LOC-1', evse_uids: ['EVSE-1'] } });

      expect(reply.httpStatus).toBe(200);
      expect(reply.envelope?.status_code).toBe(1000);
      expect(reply.envelope?.data).toMatchObject({ allowed: 'ALLOWED', authorization_reference: 'MS1-REF-1', location: { location_id: 'LOC-1' } });
      const [call] = authorizeCalls(net.emsp1, 'TOK-OK');
      expect(call.query).toEqual({ type: 'RFID' });
      expect(call.body).toEqual({ location_id: 'LOC-1', evse_uids: ['EVSE-1'] });
      expect(call.headers['ocpi-from-party-id']).toBe('CP1');
      expect(call.headers['ocpi-to-party-id']).toBe('MS1');
      expect(call.headers['x-correlation-id']).toBe(reply.correlationId);
      expect(await decisionOf(reply)).toMatchObject({ rule: 'EMSP_ANSWERED', allowed: 'ALLOWED', cpo: 'US*CP1', emsp: 'US*MS1' });
      expect(await journaledRule(reply)).toEqual(['EMSP_ANSWERED']);
    });

    it('records the decisions of taps made together in shared statements, each with its rule', async () => {
      const TAPS = 12;
      await pushToken(net.emsp1, MS1, 'TOK-MANY');
      // Answered at once: holding every answer until the last tap arrives would race the suite's
      // short budget on a loaded machine. Taps sent together still end within the writer's interval.
      net.emsp1.handle('tokens', () => success({ allowed: 'ALLOWED', token: token(MS1, 'TOK-MANY') }));

      const replies = await Promise.all(Array.from({ length: TAPS }, () => authorizeAt(net.cpo1, 'TOK-MANY')));
      expect(replies.map((reply) => reply.envelope?.data?.allowed)).toEqual(Array(TAPS).fill('ALLOWED'));

      await net.hub.hub.journalWriter.flush();
      const rows = await net.hub.hub.db.query<{ correlation_id: string; rule: string; emsp: string; writer: string }>(
        'SELECT correlation_id, rule, emsp, xmin::text AS writer FROM authorizations WHERE correlation_id = ANY($1::text[])',
        [replies.map((reply) => reply.correlationId)],
      );
      expect(rows.map((row) => row.correlation_id).sort()).toEqual(replies.map((reply) => reply.correlationId).sort());
      expect(rows.every((row) => row.rule === 'EMSP_ANSWERED' && row.emsp === 'US*MS1')).toBe(true);
      // Batched with the journal: fewer transactions than decisions.
      expect(new Set(rows.map((row) => row.writer)).size).toBeLessThan(TAPS);
    });

    it('relays BLOCKED', async () => {
      await pushToken(net.emsp1, MS1, 'TOK-BLOCKED', { whitelist: 'ALLOWED_OFFLINE' });
      net.emsp1.handle('tokens', () => success({ allowed: 'BLOCKED', token: token(MS1, 'TOK-BLOCKED') }));

      const reply = await authorizeAt(net.cpo1, 'TOK-BLOCKED');

      expect(reply.envelope?.data.allowed).toBe('BLOCKED');
      expect(await decisionOf(reply)).toMatchObject({ rule: 'EMSP_ANSWERED', allowed: 'BLOCKED' });
    });

    it('relays the eMSP’s HTTP status and envelope as they are', async () => {
      await pushToken(net.emsp1, MS1, 'TOK-FORGOTTEN');
      net.emsp1.handle('tokens', (_request, reply) => reply.code(404).send(envelope(2004, undefined, 'Not ours')));

      const reply = await authorizeAt(net.cpo1, 'TOK-FORGOTTEN');

      expect(reply.httpStatus).toBe(404);
      expect(reply.envelope).toMatchObject({ status_code: 2004, status_message: 'Not ours' });
      expect(await decisionOf(reply)).toMatchObject({ rule: 'EMSP_ANSWERED', allowed: null });
    });
  });

  describe('when the eMSP is down', () => {
    it('allows an ALLOWED_OFFLINE token from the hub’s copy, and says so', async () => {
      await pushToken(net.emsp1, MS1, 'TOK-OFFLINE', { whitelist: 'ALLOWED_OFFLINE' });
      net.emsp1.available = false;

      const reply = await authorizeAt(net.cpo1, 'TOK-OFFLINE', { body: { location_id: 'LOC-1' } });

      expect(reply.httpStatus).toBe(200);
      expect(reply.envelope?.status_code).toBe(1000);
      const info = reply.envelope?.data;
      expect(info.allowed).toBe('ALLOWED');
      expect(info.token).toEqual(token(MS1, 'TOK-OFFLINE', { whitelist: 'ALLOWED_OFFLINE' }));
      expect(info.location).toEqual({ location_id: 'LOC-1' });
      expect(info.authorization_reference).toMatch(/^[0-9a-f-]{36}$/);
      expect(info.info).toEqual({ language: 'en', text: expect.stringMatching(/US\*MS1 did not answer/) });
      const decision = await decisionOf(reply);
      expect(decision).toMatchObject({ rule: 'FALLBACK_WHITELIST_ALLOWED_OFFLINE', allowed: 'ALLOWED', emsp: 'US*MS1' });
      expect(decision.detail).toMatch(/TOKEN_STORE/);
      expect(await journaledRule(reply)).toEqual(['FALLBACK_WHITELIST_ALLOWED_OFFLINE']);
      // The hub's decision id is the reference it gave, so a later session can be traced to it.
      const [row] = await net.hub.hub.db.query('SELECT 1 FROM authorizations WHERE id = $1', [info.authorization_reference]);
      expect(row).toBeDefined();
    });

    it('refuses a NEVER token: it may only be authorized by the eMSP', async () => {
      await pushToken(net.emsp1, MS1, 'TOK-NEVER', { whitelist: 'NEVER' });
      net.emsp1.available = false;

      const reply = await authorizeAt(net.cpo1, 'TOK-NEVER', { body: { location_id: 'LOC-1' } });

      expect(reply.envelope?.data).toMatchObject({ allowed: 'NOT_ALLOWED', token: { uid: 'TOK-NEVER' } });
      expect(reply.envelope?.data.location).toBeUndefined();
      expect(await decisionOf(reply)).toMatchObject({ rule: 'FALLBACK_WHITELIST_NEVER', allowed: 'NOT_ALLOWED' });
    });

    it('refuses an invalid token whatever its whitelist', async () => {
      await pushToken(net.emsp1, MS1, 'TOK-INVALID', { whitelist: 'ALWAYS', valid: false });
      net.emsp1.available = false;

      const reply = await authorizeAt(net.cpo1, 'TOK-INVALID');

      expect(reply.envelope?.data.allowed).toBe('NOT_ALLOWED');
      expect(await decisionOf(reply)).toMatchObject({ rule: 'FALLBACK_TOKEN_INVALID', allowed: 'NOT_ALLOWED' });
    });

    it('follows the eMSP’s DENY policy', async () => {
      await pushToken(net.emsp1, MS1, 'TOK-DENY', { whitelist: 'ALWAYS' });
      await setAuthorizationFallback(net.hub.hub.db, MS1, 'DENY');
      net.emsp1.available = false;
      try {
        const reply = await authorizeAt(net.cpo1, 'TOK-DENY');
        expect(reply.envelope?.data.allowed).toBe('NOT_ALLOWED');
        expect(await decisionOf(reply)).toMatchObject({ rule: 'FALLBACK_DENY' });
      } finally {
        await setAuthorizationFallback(net.hub.hub.db, MS1, 'TOKEN_WHITELIST');
      }
    });

    it('answers unknown token when it holds no copy to decide from', async () => {
      net.emsp1.available = false;

      const reply = await authorizeAt(net.cpo1, 'US-MS1-C00000404');

      expect(reply.httpStatus).toBe(404);
      expect(reply.envelope?.status_code).toBe(2004);
      expect(reply.envelope?.data).toBeUndefined();
      expect(await decisionOf(reply)).toMatchObject({ rule: 'FALLBACK_NO_TOKEN', emsp: 'US*MS1', allowed: null });
    });
  });

  it('decides by the fallback when the eMSP answers later than the budget', async () => {
    await pushToken(net.emsp1, MS1, 'TOK-SLOW', { whitelist: 'ALLOWED_OFFLINE' });
    net.emsp1.handle('tokens', async () => {
      await new Promise((resolve) => setTimeout(resolve, BUDGET_MS * 4));
      return success({ allowed: 'BLOCKED', token: token(MS1, 'TOK-SLOW') });
    });

    const started = Date.now();
    const reply = await authorizeAt(net.cpo1, 'TOK-SLOW');

    expect(Date.now() - started).toBeLessThan(BUDGET_MS * 4);
    expect(reply.envelope?.data.allowed).toBe('ALLOWED');
    const decision = await decisionOf(reply);
    expect(decision).toMatchObject({ rule: 'FALLBACK_WHITELIST_ALLOWED_OFFLINE' });
    expect(decision.detail).toMatch(/in time/);
  });

  it('answers 404 / 2004 for a token no eMSP can be found for, and asks nobody', async () => {
    const reply = await authorizeAt(net.cpo1, '04FFFFFFFFFFFF');

    expect(reply.httpStatus).toBe(404);
    expect(reply.envelope?.status_code).toBe(2004);
    expect(await decisionOf(reply)).toMatchObject({ rule: 'UNKNOWN_TOKEN', emsp: null });
    expect(authorizeCalls(net.emsp1, '04FFFFFFFFFFFF')).toEqual([]);
    expect(authorizeCalls(net.emsp2, '04FFFFFFFFFFFF')).toEqual([]);
  });

  it('finds the eMSP from the contract prefix of a token it has not pushed', async () => {
    net.emsp2.handle('tokens', () => success({ allowed: 'ALLOWED', token: token(MS2, 'CAMS2C0000007') }));

    const reply = await authorizeAt(net.cpo1, 'CAMS2C0000007');

    expect(reply.envelope?.data.allowed).toBe('ALLOWED');
    expect(authorizeCalls(net.emsp2, 'CAMS2C0000007')).toHaveLength(1);
    const decision = await decisionOf(reply);
    expect(decision).toMatchObject({ rule: 'EMSP_ANSWERED', emsp: 'CA*MS2' });
    expect(decision.detail).toMatch(/CONTRACT_PREFIX/);
  });

  it('forwards to the eMSP the OCPI-to headers name, and answers 4001 for a party it does not know', async () => {
    net.emsp2.handle('tokens', () => success({ allowed: 'ALLOWED', token: token(MS2, '04C0FFEE000001') }));

    const addressed = await authorizeAt(net.cpo1, '04C0FFEE000001', { to: MS2 });
    expect(addressed.envelope?.data.allowed).toBe('ALLOWED');
    expect(authorizeCalls(net.emsp2, '04C0FFEE000001')).toHaveLength(1);
    expect((await decisionOf(addressed)).detail).toMatch(/HEADERS/);

    const unknown = await authorizeAt(net.cpo1, '04C0FFEE000001', { to: { countryCode: 'NL', partyId: 'XXX' } });
    expect(unknown.envelope?.status_code).toBe(4001);
    expect(await decisionOf(unknown)).toMatchObject({ rule: 'UNKNOWN_RECEIVER' });
  });

  it('refuses without asking the eMSP when their agreement is suspended', async () => {
    await pushToken(net.emsp1, MS1, 'TOK-NO-DEAL', { whitelist: 'ALWAYS' });

    const cached = await authorizeAt(net.cpo2, 'TOK-NO-DEAL');
    expect(cached.envelope?.status_code).toBe(1000);
    expect(cached.envelope?.data).toMatchObject({ allowed: 'NOT_ALLOWED', token: { uid: 'TOK-NO-DEAL' }, info: { language: 'en' } });
    expect(await decisionOf(cached)).toMatchObject({ rule: 'AGREEMENT_SUSPENDED', allowed: 'NOT_ALLOWED', cpo: 'CA*CP2', emsp: 'US*MS1' });
    expect((await decisionOf(cached)).detail).toContain('suspended');
    expect(await journaledRule(cached)).toEqual(['AGREEMENT_SUSPENDED']);

    const uncached = await authorizeAt(net.cpo2, 'US-MS1-C00000001');
    expect(uncached.httpStatus).toBe(404);
    expect(uncached.envelope?.status_code).toBe(2004);
    expect(await decisionOf(uncached)).toMatchObject({ rule: 'AGREEMENT_SUSPENDED' });

    expect(authorizeCalls(net.emsp1, 'TOK-NO-DEAL')).toEqual([]);
    expect(authorizeCalls(net.emsp1, 'US-MS1-C00000001')).toEqual([]);
  });

  it('rejects invalid LocationReferences with 2001 naming the JSON path, and a CPO only may ask', async () => {
    const invalid = await authorizeAt(net.cpo1, 'TOK-OK', { body: { evse_uids: ['EVSE-1'] } });
    expect(invalid.envelope?.status_code).toBe(2001);
    expect(invalid.envelope?.status_message).toMatch(/\$\.location_id/);

    const fromEmsp = await authorizeAt(net.emsp2, 'TOK-OK');
    expect(fromEmsp.envelope?.status_code).toBe(2001);
  });
});
