import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgreement } from '../../src/hub/agreements.js';
import { success } from '../../src/ocpi/envelope.js';
import type { OcpiReply } from '../../src/ocpi/client.js';
import { emaidCheckDigit } from '../../src/pnc/emaid.js';
import type { OpcpClient } from '../../src/sim/opcp-client.js';
import { issueContract, signedContractDataXml, type Pki } from '../../src/sim/pki.js';
import type { OcpiPlatform } from '../../src/sim/platform.js';
import { connector, evse, location, token } from '../support/fixtures.js';
import { databaseLabel, eventually } from '../support/hub.js';
import { startRoamingNetwork, type RoamingNetwork } from '../support/network.js';
import { SETUP_TIMEOUT_MS, opcpClient, trustedPki } from './support.js';

const MS1 = { countryCode: 'US', partyId: 'MS1' };
const emaidOf = (instance: string) => `USMS1${instance}${emaidCheckDigit(`USMS1${instance}`)}`;
const VALID = emaidOf('PNC000001');
const REVOKED = emaidOf('PNC000002');
const EXPIRED = emaidOf('PNC000003');
const ANSWERED = emaidOf('PNC000004');
/** Generous: an eMSP that is down answers 503 at once, so only the answering eMSP's case waits. */
const ANSWER_BUDGET_MS = 5_000;
/** Deliveries retry fast, but a loaded machine runs them late. */
const DELIVERY_WAIT_MS = 30_000;

/**
 * Plug & Charge authorization end to end: a 2.3.0 CPO (US*CP1) and a 2.2.1 CPO (CA*CP2) ask for
 * EMAIDs of a 2.3.0 eMSP (US*MS1) that publishes its contracts in the hub's pool.
 */
describe(`EMAID authorization through the hub (${databaseLabel})`, () => {
  let net: RoamingNetwork;
  let pki: Pki;
  let ms1: OpcpClient;

  beforeAll(async () => {
    net = await startRoamingNetwork({ authorizationTimeoutMs: ANSWER_BUDGET_MS }, { cpo1: { version: '2.3.0' }, emsp1: { version: '2.3.0' } });
    pki = await trustedPki(net.hub);
    ms1 = await opcpClient(net.hub, 'US*MS1', 'EMSP');
    for (const [emaid, pcid] of [[VALID, 'WMIPNCVEHICLE0001'], [REVOKED, 'WMIPNCVEHICLE0002'], [EXPIRED, 'WMIPNCVEHICLE0003']]) {
      const signed = signedContractDataXml(pki, await issueContract(pki, emaid), emaid);
      const reply = await ms1.call('PUT', '/v1/ccp/signedContractData', {
        body: { xsdMsgDefNamespace: 'urn:iso:15118:2:2013:MsgDef', emaid, pcid, signedContractDataXML: signed },
      });
      expect(reply.status).toBe(201);
    }
    expect((await ms1.call('DELETE', `/v1/ccp/signedContractData/${REVOKED}`)).status).toBe(200);
    // Time passes: the third contract's certificate runs out.
    await net.hub.hub.db.query(`UPDATE pnc_contracts SET valid_to = now() - interval '1 day' WHERE emaid = $1`, [EXPIRED]);
  }, SETUP_TIMEOUT_MS);
  afterAll(async () => net?.close());

  function authorizeAt(cpo: OcpiPlatform, uid: string, type: string): Promise<OcpiReply<any>> {
    return cpo.send({
      method: 'POST',
      url: `${cpo.hubUrl('tokens', undefined, 'SENDER')}/${uid}/authorize?type=${type}`,
      body: { location_id: 'LOC-PNC', evse_uids: ['EVSE-PNC'] },
    });
  }

  /** The recorded decision, written just after the answer went out. */
  function decisionOf(reply: OcpiReply) {
    return eventually(async () => {
      const [row] = await net.hub.hub.db.query<{ rule: string; allowed: string | null; emsp: string | null; detail: string }>(
        'SELECT rule, allowed, emsp, detail FROM authorizations WHERE correlation_id = $1',
        [reply.correlationId],
      );
      return row;
    }, 10_000, 'the recorded decision');
  }

  /** The journal entry of the CPO's request, written once the hub has answered. */
  function inboundEntry(reply: OcpiReply) {
    return eventually(async () => {
      const [row] = await net.hub.hub.db.query<{ notes: any }>(`SELECT notes FROM journal WHERE correlation_id = $1 AND direction = 'IN'`, [reply.correlationId]);
      return row;
    });
  }

  describe('when the eMSP answers', () => {
    it('routes a 2.3.0 EMAID to the MO the pool names, as EMAID, and journals the canonical OTHER', async () => {
      net.emsp1.handle('tokens', (request) =>
        success({ allowed: 'ALLOWED', token: token(MS1, ANSWERED, { type: 'EMAID', contract_id: ANSWERED }), location: request.body, authorization_reference: 'MS1-PNC-1' }),
      );
      try {
        const reply = await authorizeAt(net.cpo1, ANSWERED, 'EMAID');
        expect(reply.envelope?.status_code).toBe(1000);
        expect(reply.envelope?.data).toMatchObject({ allowed: 'ALLOWED', authorization_reference: 'MS1-PNC-1' });
        const asked = net.emsp1.receivedFor('tokens').filter((r) => r.path === `/${ANSWERED}/authorize`);
        expect(asked.map((r) => r.query.type)).toEqual(['EMAID']);
        expect(await decisionOf(reply)).toMatchObject({ rule: 'EMSP_ANSWERED', emsp: 'US*MS1' });

        const inbound = await inboundEntry(reply);
        expect(inbound.notes.losses).toEqual([{ path: '$.type', kind: 'approximated', reason: '2.2.1 TokenType has no EMAID; OTHER is used' }]);

        // A 2.2.1 CPO sends the same EMAID as OTHER; the 2.3.0 eMSP still hears EMAID.
        const older = await authorizeAt(net.cpo2, ANSWERED, 'OTHER');
        expect(older.envelope?.data).toMatchObject({ allowed: 'ALLOWED' });
        expect(net.emsp1.receivedFor('tokens').filter((r) => r.path === `/${ANSWERED}/authorize`).map((r) => r.query.type)).toEqual(['EMAID', 'EMAID']);
      } finally {
        net.emsp1.handle('tokens', () => undefined);
      }
    });

    it('refuses an EMAID with a wrong check digit before asking anyone', async () => {
      const wrong = `${VALID.slice(0, 14)}${VALID[14] === '0' ? '1' : '0'}`;
      const reply = await authorizeAt(net.cpo1, wrong, 'EMAID');
      expect(reply.envelope?.status_code).toBe(2001);
      expect(reply.envelope?.status_message).toMatch(/wrong check digit/);
      expect(net.emsp1.receivedFor('tokens').filter((r) => r.path === `/${wrong}/authorize`)).toEqual([]);
    });
  });

  describe('when the eMSP is down, the contract pool decides', () => {
    beforeAll(() => {
      net.emsp1.available = false;
    });
    afterAll(() => {
      net.emsp1.available = true;
    });

    it('allows a contract whose certificate is valid', async () => {
      const reply = await authorizeAt(net.cpo1, VALID, 'EMAID');
      expect(reply.envelope?.status_code).toBe(1000);
      expect(reply.envelope?.data).toMatchObject({ allowed: 'ALLOWED', token: { uid: VALID, contract_id: VALID, party_id: 'MS1' }, location: { location_id: 'LOC-PNC' } });
      expect(await decisionOf(reply)).toMatchObject({ rule: 'FALLBACK_CONTRACT_VALID', allowed: 'ALLOWED', emsp: 'US*MS1' });
    });

    it('refuses a revoked and an expired contract', async () => {
      const revoked = await authorizeAt(net.cpo1, REVOKED, 'EMAID');
      expect(revoked.envelope?.data).toMatchObject({ allowed: 'NOT_ALLOWED' });
      expect(revoked.envelope?.data.info.text).toMatch(/was revoked by its mobility operator/);
      expect(await decisionOf(revoked)).toMatchObject({ rule: 'FALLBACK_CONTRACT_REVOKED', allowed: 'NOT_ALLOWED' });

      const expired = await authorizeAt(net.cpo2, EXPIRED, 'OTHER');
      expect(expired.envelope?.data).toMatchObject({ allowed: 'NOT_ALLOWED' });
      expect(await decisionOf(expired)).toMatchObject({ rule: 'FALLBACK_CONTRACT_EXPIRED', allowed: 'NOT_ALLOWED' });
    });

    it('keeps to the agreement: a CPO whose agreement with the eMSP is suspended is refused without asking it', async () => {
      await createAgreement(net.hub.hub.db, { cpo: { countryCode: 'CA', partyId: 'CP2' }, emsp: MS1, status: 'SUSPENDED' });
      const reply = await authorizeAt(net.cpo2, VALID, 'OTHER');
      expect(await decisionOf(reply)).toMatchObject({ rule: 'AGREEMENT_SUSPENDED', emsp: 'US*MS1' });
    });
  });

  it('carries Plug & Charge capabilities between 2.3.0 partners and journals them as lost for 2.2.1', async () => {
    const pncEvse = evse('EVSE-PNC', {
      accepted_service_providers: ['DriveOn'],
      connectors: [{ ...connector(), capabilities: ['ISO_15118_2_PLUG_AND_CHARGE', 'ISO_15118_20_PLUG_AND_CHARGE'] }],
    });
    const body = location({ countryCode: 'US', partyId: 'CP1' }, 'LOC-PNC', { evses: [pncEvse] });
    const reply = await net.cpo1.send({ method: 'PUT', url: `${net.cpo1.hubUrl('locations', undefined, 'RECEIVER')}/US/CP1/LOC-PNC`, body });
    expect(reply.envelope?.status_code).toBe(1000);

    const at230 = await eventually(() => net.emsp1.receivedFor('locations').find((r) => r.path === '/US/CP1/LOC-PNC'), DELIVERY_WAIT_MS);
    expect((at230.body as any).evses[0]).toMatchObject({ accepted_service_providers: ['DriveOn'], connectors: [{ capabilities: ['ISO_15118_2_PLUG_AND_CHARGE', 'ISO_15118_20_PLUG_AND_CHARGE'] }] });
    const at221 = await eventually(() => net.emsp2.receivedFor('locations').find((r) => r.path === '/US/CP1/LOC-PNC'), DELIVERY_WAIT_MS);
    expect((at221.body as any).evses[0].accepted_service_providers).toBeUndefined();
    expect((at221.body as any).evses[0].connectors[0].capabilities).toBeUndefined();

    const inbound = await inboundEntry(reply);
    expect(inbound.notes.losses).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: '$.evses[0].accepted_service_providers', kind: 'dropped' }),
        expect.objectContaining({ path: '$.evses[0].connectors[0].capabilities', kind: 'dropped' }),
      ]),
    );
  });
});
