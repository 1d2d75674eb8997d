import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgreement } from '../../src/hub/agreements.js';
import { emaidCheckDigit } from '../../src/pnc/emaid.js';
import type { OpcpClient } from '../../src/sim/opcp-client.js';
import {
  certificateInstallationReq,
  createPki,
  issueContract,
  issueProvisioning,
  signedContractDataXml,
  type Pki,
} from '../../src/sim/pki.js';
import { admin, databaseLabel, eventually } from '../support/hub.js';
import { startRoamingNetwork, type RoamingNetwork } from '../support/network.js';
import { addTrustedRoot, opcpClient, SETUP_TIMEOUT_MS, trustedPki, webhookReceiver } from './support.js';

const ISO2 = 'urn:iso:15118:2:2013:MsgDef';
/** An EMAID of a provider with its check digit: the provider, a 9-character instance. */
const emaidOf = (provider: string, instance: string) => `${provider}${instance}${emaidCheckDigit(provider + instance)}`;

describe(`the Plug & Charge certificate pools (${databaseLabel})`, () => {
  let net: RoamingNetwork;
  let pki: Pki;
  let ms1: OpcpClient;
  let ms2: OpcpClient;
  let cp1: OpcpClient;
  let cp2: OpcpClient;

  beforeAll(async () => {
    net = await startRoamingNetwork();
    // CP2 and MS1 do not roam: a suspended bilateral agreement overrides the standard one.
    await createAgreement(net.hub.hub.db, { cpo: { countryCode: 'CA', partyId: 'CP2' }, emsp: { countryCode: 'US', partyId: 'MS1' }, status: 'SUSPENDED' });
    pki = await trustedPki(net.hub);
    [ms1, ms2, cp1, cp2] = await Promise.all([
      opcpClient(net.hub, 'US*MS1', 'EMSP'),
      opcpClient(net.hub, 'CA*MS2', 'EMSP'),
      opcpClient(net.hub, 'US*CP1', 'CPO'),
      opcpClient(net.hub, 'CA*CP2', 'CPO'),
    ]);
  }, SETUP_TIMEOUT_MS);
  afterAll(async () => net?.close());

  /** An MO publishes signed contract data for an EMAID and a PCID. */
  async function publish(mo: OpcpClient, emaid: string, pcid: string, contract?: Awaited<ReturnType<typeof issueContract>>) {
    const certificate = contract ?? (await issueContract(pki, emaid));
    return mo.call('PUT', '/v1/ccp/signedContractData', {
      body: { xsdMsgDefNamespace: ISO2, emaid, pcid, signedContractDataXML: signedContractDataXml(pki, certificate, emaid) },
    });
  }

  describe('the root certificate pool', () => {
    it('lets partners read the trusted roots, filtered by type', async () => {
      const all = await cp1.call('GET', '/v1/root/rootCerts');
      expect(all.status).toBe(200);
      expect(all.body.RootCertificateCollection.rootCertificates.map((r: any) => r.rootType).sort()).toEqual(['OEM', 'V2G']);
      const v2g = await ms1.call('GET', '/v1/root/rootCerts?rootType=v2g');
      const [root] = v2g.body.RootCertificateCollection.rootCertificates;
      expect(root).toMatchObject({ rootType: 'V2G', caCertificate: pki.v2gRoot.base64, commonName: 'V2G Root CA' });
      const one = await ms1.call('GET', `/v1/root/rootCerts/${root.rootCertificateId}`);
      expect(one.body.RootResponse.caCertificate).toBe(pki.v2gRoot.base64);
    });

    it('lets only the operator add and remove roots, and refuses a certificate that is no root', async () => {
      const other = await createPki();
      const byPartner = await cp1.call('PUT', '/v1/root/rootCerts', { body: { caCertificate: other.v2gRoot.base64, rootType: 'V2G' } });
      expect(byPartner.status).toBe(401);
      const subCa = await addTrustedRoot(net.hub, other.moSubCa1.base64, 'MO');
      expect(subCa.status).toBe(400);
      expect(subCa.body.errorMessages[0]).toMatch(/not self-signed/);
      const added = await addTrustedRoot(net.hub, other.v2gRoot.base64, 'MO');
      expect(added.status).toBe(200);
      const id = added.body.RootResponse.rootCertificateId;
      const removed = await fetch(`${net.hub.url}/opcp/v1/root/rootCerts/${id}`, { method: 'DELETE', headers: { authorization: `Bearer ${net.hub.adminToken}` } });
      expect(removed.status).toBe(200);
      expect((await cp1.call('GET', `/v1/root/rootCerts/${id}`)).status).toBe(404);
    });

    it('refuses calls without a valid access token', async () => {
      const response = await fetch(`${net.hub.url}/opcp/v1/root/rootCerts`, { headers: { authorization: 'Bearer forged.token.here' } });
      expect(response.status).toBe(401);
      expect((await response.json()).errorMessages).toEqual(['The access token is not valid']);
      const unparseable = await fetch(`${net.hub.url}/opcp/v1/ccp/signedContractData`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${await ms1.token()}`, 'content-type': 'application/json' },
        body: '{"emaid": ',
      });
      expect(unparseable.status).toBe(400);
      expect((await unparseable.json()).errorMessages[0]).toMatch(/^Unparseable JSON/);
    });
  });

  describe('the contract certificate pool', () => {
    it('stores an MO’s contracts for a vehicle and gives a CPO the contracts of the MOs it roams with', async () => {
      const pcid = 'WMIVEHICLE0000001';
      const emaid1 = emaidOf('USMS1', 'C00000001');
      const emaid2 = emaidOf('CAMS2', 'C00000001');
      expect((await publish(ms1, emaid1, pcid)).status).toBe(201);
      expect((await publish(ms2, emaid2, pcid)).status).toBe(201);

      const lookup = await ms1.call('GET', `/v1/ccp/lookupContract/${emaid1}`);
      expect(lookup.body.XMLContracts).toEqual([expect.objectContaining({ emaid: emaid1, pcid, defaultContract: true, xsdMsgDefNamespace: ISO2 })]);

      // CP1 roams with both MOs; CP2 only with MS2.
      const forCp1 = await cp1.call('GET', `/v1/ccp/signedContractData/${pcid}`);
      expect(forCp1.body.XMLContracts.map((c: any) => [c.emaid, c.defaultContract])).toEqual([[emaid1, true], [emaid2, false]]);
      const forCp2 = await cp2.call('GET', `/v1/ccp/signedContractData/${pcid}`);
      expect(forCp2.body.XMLContracts.map((c: any) => c.emaid)).toEqual([emaid2]);

      // The MO chooses which contract a vehicle installs by default.
      expect((await ms2.call('POST', `/v1/ccp/signedContractData/${pcid}/${emaid2}/default`)).status).toBe(200);
      const reordered = await cp1.call('GET', `/v1/ccp/signedContractData/${pcid}`);
      expect(reordered.body.XMLContracts.map((c: any) => [c.emaid, c.defaultContract])).toEqual([[emaid2, true], [emaid1, false]]);
    });

    it('answers a CertificateInstallationReq with the signed contract data, and gives a CPO without an agreement nothing', async () => {
      const provisioning = await issueProvisioning(pki, 'WMIVEHICLE0000002');
      const emaid = emaidOf('USMS1', 'C00000002');
      const published = await publish(ms1, emaid, 'WMIVEHICLE0000002');
      expect(published.status).toBe(201);
      const request = { certificateInstallationReq: certificateInstallationReq(provisioning), xsdMsgDefNamespace: ISO2 };

      const answer = await cp1.call('POST', '/v1/ccp/signedContractData', { body: request });
      expect(answer.status).toBe(200);
      const [content] = answer.body.CCPResponse.emaidContent;
      expect(content.messageDef.emaid).toBe(emaid);
      expect(Buffer.from(content.messageDef.certificateInstallationRes, 'base64').toString()).toContain(`>${emaid}</v2gci_b:eMAID>`);
      const one = await cp1.call('GET', `/v1/ccp/provideSignedContractData/${emaid}/WMIVEHICLE0000002`);
      expect(one.body).toMatchObject({ emaid, xsdMsgDefNamespace: ISO2, certificateInstallationRes: content.messageDef.certificateInstallationRes });

      const refused = await cp2.call('POST', '/v1/ccp/signedContractData', { body: request });
      expect(refused.status).toBe(404);
      expect(refused.body.errorMessages).toEqual(['No contract for PCID WMIVEHICLE0000002 that this CPO may install']);
      expect((await cp2.call('GET', `/v1/ccp/provideSignedContractData/${emaid}/WMIVEHICLE0000002`)).status).toBe(404);
      expect((await cp2.call('GET', '/v1/ccp/signedContractData/WMIVEHICLE0000002')).body.XMLContracts).toEqual([]);
    });

    it('refuses a contract whose chain leads to an untrusted root, and stores nothing', async () => {
      const rogue = await createPki();
      const emaid = emaidOf('USMS1', 'C00000003');
      const contract = await issueContract(rogue, emaid);
      const reply = await ms1.call('PUT', '/v1/ccp/signedContractData', {
        body: { xsdMsgDefNamespace: ISO2, emaid, pcid: 'WMIVEHICLE0000003', signedContractDataXML: signedContractDataXml(pki, contract, emaid, [rogue.moSubCa2, rogue.moSubCa1]) },
      });
      expect(reply.status).toBe(400);
      expect(reply.body.errorMessages[0]).toMatch(/^the chain of the contract certificate does not lead to a trusted root/);
      expect(reply.body.traceId).toMatch(/^[0-9a-f-]{36}$/);
      expect((await ms1.call('GET', `/v1/ccp/lookupContract/${emaid}`)).status).toBe(404);
    });

    it('refuses an expired contract certificate', async () => {
      const emaid = emaidOf('USMS1', 'C00000004');
      const expired = await issueContract(pki, emaid, { notBefore: new Date(Date.now() - 20 * 86_400_000), notAfter: new Date(Date.now() - 86_400_000) });
      const reply = await publish(ms1, emaid, 'WMIVEHICLE0000004', expired);
      expect(reply.status).toBe(400);
      expect(reply.body.errorMessages[0]).toMatch(/^the contract certificate expired on /);
    });

    it('keeps each MO to its own EMAIDs and the certificate to the published EMAID', async () => {
      const foreign = emaidOf('CAMS2', 'C00000005');
      const byOtherMo = await publish(ms1, foreign, 'WMIVEHICLE0000005');
      expect(byOtherMo.status).toBe(403);
      expect(byOtherMo.body.errorMessages[0]).toMatch(/belongs to provider CAMS2, which is not one of this client's \(USMS1\)/);
      expect((await ms1.call('DELETE', `/v1/ccp/signedContractData/${emaidOf('CAMS2', 'C00000001')}`)).status).toBe(403);
      expect((await ms1.call('GET', `/v1/ccp/lookupContract/${emaidOf('CAMS2', 'C00000001')}`)).status).toBe(403);

      const own = emaidOf('USMS1', 'C00000005');
      const mismatch = await publish(ms1, own, 'WMIVEHICLE0000005', await issueContract(pki, emaidOf('USMS1', 'C00000006')));
      expect(mismatch.status).toBe(400);
      expect(mismatch.body.errorMessages[0]).toMatch(/The contract certificate is issued to EMAID USMS1C00000006/);

      expect((await publish(cp1 as OpcpClient, own, 'WMIVEHICLE0000005')).status).toBe(403);
      const badDigit = await publish(ms1, `${own.slice(0, 14)}${own[14] === 'A' ? 'B' : 'A'}`, 'WMIVEHICLE0000005');
      expect(badDigit.status).toBe(400);
      expect(badDigit.body.errorMessages[0]).toMatch(/wrong check digit/);
    });

    it('revokes a deleted contract’s certificate unless told not to', async () => {
      const emaid = emaidOf('USMS1', 'C00000007');
      const contract = await issueContract(pki, emaid);
      expect((await publish(ms1, emaid, 'WMIVEHICLE0000007', contract)).status).toBe(201);
      expect((await ms1.call('DELETE', `/v1/ccp/signedContractData/${emaid}`)).status).toBe(200);
      expect((await ms1.call('DELETE', `/v1/ccp/signedContractData/${emaid}`)).status).toBe(404);
      const again = await publish(ms1, emaid, 'WMIVEHICLE0000007', contract);
      expect(again.status).toBe(400);
      expect(again.body.errorMessages).toEqual([`The contract certificate of ${emaid} was revoked`]);

      const renewed = await publish(ms1, emaid, 'WMIVEHICLE0000007');
      expect(renewed.status).toBe(201);
      const skipped = await ms1.call('DELETE', `/v1/ccp/signedContractData/${emaid}`, { headers: { 'X-Skip-Revocation': 'true' } });
      expect(skipped.status).toBe(200);
    });

    it('journals every call with the caller, without secrets', async () => {
      const emaid = emaidOf('USMS1', 'C00000001');
      const reply = await ms1.call('GET', `/v1/ccp/lookupContract/${emaid}`);
      expect(reply.status).toBe(200);
      // The entry is written once the answer is sent.
      const rows = await eventually(async () => {
        const all = await net.hub.hub.db.query<{ from_party: string; object_id: string; http_status: number; request_body: any }>(
          `SELECT from_party, object_id, http_status, request_body FROM journal WHERE module = 'pnc' ORDER BY id`,
        );
        return all.some((row) => row.from_party === 'US*MS1' && row.object_id === emaid && row.http_status === 200) && all;
      });
      const tokenCalls = rows.filter((row) => row.request_body?.grant_type === 'client_credentials');
      expect(tokenCalls.length).toBeGreaterThan(0);
      expect(tokenCalls.every((row) => row.request_body.client_secret === '[redacted]')).toBe(true);
    });
  });

  describe('webhooks', () => {
    it('delivers contract events, signed, to entitled subscribers, retrying after a server error', async () => {
      net.hub.hub.config.webhookRetryMs = 100;
      const receiver = await webhookReceiver([503]);
      const otherCpo = await webhookReceiver();
      try {
        const subscribed = await cp1.call('POST', '/v1/webhook/endpoints', {
          body: { url: receiver.url, enabledEvents: ['oem.contract.created', 'oem.contract.deleted'] },
        });
        expect(subscribed.status).toBe(201);
        const { secret, id } = subscribed.body;
        // CP2 roams with MS2 only: it hears nothing of MS1's contracts.
        await cp2.call('POST', '/v1/webhook/endpoints', { body: { url: otherCpo.url, enabledEvents: ['oem.contract.created'] } });
        const unknown = await cp1.call('POST', '/v1/webhook/endpoints', { body: { url: receiver.url, enabledEvents: ['mo.prov.cert.deleted'] } });
        expect(unknown.status).toBe(400);

        const emaid = emaidOf('USMS1', 'C00000008');
        expect((await publish(ms1, emaid, 'WMIVEHICLE0000008')).status).toBe(201);
        await eventually(() => receiver.received.length >= 2, 10_000, 'the retried webhook');
        const [failed, delivered] = receiver.received;
        expect(failed.body).toBe(delivered.body);
        const event = JSON.parse(delivered.body);
        expect(event).toMatchObject({ eventType: 'oem.contract.created', xsdMsgDefNamespace: ISO2, payload: { emaid, pcid: 'WMIVEHICLE0000008' } });
        const expected = createHmac('sha256', secret).update(delivered.body).digest('hex');
        expect(delivered.headers['x-hubject-signature']).toBe(`sha256=${expected}`);
        const deliveryOf = async () =>
          (await net.hub.hub.db.query<{ status: string; attempts: number }>('SELECT status, attempts FROM pnc_webhook_deliveries WHERE webhook_id = $1', [id]))[0];
        await eventually(async () => (await deliveryOf()).status === 'DELIVERED', 10_000, 'the delivery to be recorded');
        expect(await deliveryOf()).toEqual({ status: 'DELIVERED', attempts: 2 });
        expect(otherCpo.received).toEqual([]);

        expect((await cp1.call('GET', `/v1/webhook/endpoints/${id}`)).body.enabledEvents).toEqual(['oem.contract.created', 'oem.contract.deleted']);
        expect((await cp2.call('GET', `/v1/webhook/endpoints/${id}`)).status).toBe(404);
      } finally {
        await receiver.close();
        await otherCpo.close();
      }
    });
  });

  it('issues no credentials to an unknown party', async () => {
    const reply = await admin(net.hub, 'POST', '/api/pnc/clients', { party: 'ZZ*NOP', role: 'EMSP' });
    expect(reply.status).toBe(404);
  });
});
