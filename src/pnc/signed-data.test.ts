import { beforeAll, describe, expect, it } from 'vitest';
import { certificateInstallationReq, createPki, issueContract, issueProvisioning, signedContractDataXml, type Pki } from '../sim/pki.js';
import { verifyChain } from './certificates.js';
import { PncError } from './errors.js';
import { provisioningCertificateOf } from './installation-request.js';
import { readSignedContractData } from './signed-contract-data.js';

describe('what the pools read from Plug & Charge messages', () => {
  let pki: Pki;
  beforeAll(async () => {
    pki = await createPki();
  });

  it('finds the PCID in a CertificateInstallationReq whose certificate is not byte-aligned', async () => {
    const provisioning = await issueProvisioning(pki, 'WMI12345678901234');
    const found = provisioningCertificateOf(certificateInstallationReq(provisioning));
    expect(found.pcid).toBe('WMI12345678901234');
    expect(() => provisioningCertificateOf(Buffer.from('no certificate in here').toString('base64'))).toThrow(PncError);
  });

  it('reads both chains and the eMAID of signed contract data, and verifies them to the V2G root', async () => {
    const contract = await issueContract(pki, 'USMS1C000000019');
    const data = readSignedContractData(signedContractDataXml(pki, contract, 'USMS1C000000019'));
    expect(data.emaid).toBe('USMS1C000000019');
    expect(data.contract.subCas.map((c) => c.subject)).toEqual([pki.moSubCa2.certificate.subject, pki.moSubCa1.certificate.subject]);
    const roots = [{ certificate: pki.v2gRoot.certificate, name: 'V2G' }];
    expect((await verifyChain(data.contract.leaf, data.contract.subCas, roots, new Date(), 'the contract certificate')).name).toBe('V2G');
    expect((await verifyChain(data.cps.leaf, data.cps.subCas, roots, new Date(), 'the CPS signing certificate')).name).toBe('V2G');
    // Without its sub-CAs the contract certificate reaches no root.
    await expect(verifyChain(data.contract.leaf, [], roots, new Date(), 'the contract certificate')).rejects.toThrow(/does not lead to a trusted root/);
  });

  it('refuses signed contract data that is no XML or lacks an element', () => {
    expect(() => readSignedContractData(Buffer.from('<a><b></a>').toString('base64'))).toThrow(/no base64 XML document/);
    expect(() => readSignedContractData(Buffer.from('<CertificateInstallationRes/>').toString('base64'))).toThrow(/has no eMAID/);
  });
});
