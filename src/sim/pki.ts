import { randomBytes } from 'node:crypto';
import * as x509 from '../pnc/x509.js';

/**
 * A throw-away ISO 15118-2 PKI for simulations and tests (secp256r1, SHA-256, as ISO 15118-2
 * §7.9.2 prescribes): a V2G root with the MO and CPS sub-CA pairs below it, an OEM root with a
 * sub-CA for provisioning certificates, and the leaves: contract certificates (CN = EMAID), a CPS
 * signer and OEM provisioning certificates (CN = PCID). Its private keys never leave the process.
 */

export interface Issued {
  certificate: x509.X509Certificate;
  keys: CryptoKeyPair;
  /** Base64 DER, as OPCP carries certificates. */
  base64: string;
}

export interface Pki {
  v2gRoot: Issued;
  moSubCa1: Issued;
  moSubCa2: Issued;
  cpsSubCa1: Issued;
  cpsSubCa2: Issued;
  cpsSigner: Issued;
  oemRoot: Issued;
  oemSubCa: Issued;
}

/** The message definitions of ISO 15118-2, as OPCP names them. */
export const ISO_15118_2 = 'urn:iso:15118:2:2013:MsgDef';

const EC = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY_MS = 86_400_000;

export interface Validity {
  notBefore?: Date;
  notAfter?: Date;
}

function window(validity: Validity, days: number): { notBefore: Date; notAfter: Date } {
  return {
    notBefore: validity.notBefore ?? new Date(Date.now() - DAY_MS),
    notAfter: validity.notAfter ?? new Date(Date.now() + days * DAY_MS),
  };
}

const issued = (certificate: x509.X509Certificate, keys: CryptoKeyPair): Issued => ({
  certificate,
  keys,
  base64: Buffer.from(certificate.rawData).toString('base64'),
});

const newKeys = () => crypto.subtle.generateKey(EC, true, ['sign', 'verify']) as Promise<CryptoKeyPair>;

/** A self-signed root CA. */
export async function createRoot(name: string, validity: Validity = {}): Promise<Issued> {
  const keys = await newKeys();
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    name,
    keys,
    serialNumber: randomBytes(8).toString('hex'),
    signingAlgorithm: EC,
    ...window(validity, 3650),
    extensions: [
      new x509.BasicConstraintsExtension(true, 2, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    ],
  });
  return issued(certificate, keys);
}

/** A certificate signed by `issuer`: a sub-CA when `ca`, else an end-entity. */
export async function issue(issuer: Issued, subject: string, options: Validity & { ca?: boolean } = {}): Promise<Issued> {
  const keys = await newKeys();
  const usage = options.ca
    ? x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign
    : x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyAgreement;
  const certificate = await x509.X509CertificateGenerator.create({
    subject,
    issuer: issuer.certificate.subject,
    publicKey: keys.publicKey,
    signingKey: issuer.keys.privateKey,
    serialNumber: randomBytes(8).toString('hex'),
    signingAlgorithm: EC,
    ...window(options, options.ca ? 1460 : 730),
    extensions: [new x509.BasicConstraintsExtension(options.ca === true, options.ca ? 1 : undefined, true), new x509.KeyUsagesExtension(usage, true)],
  });
  return issued(certificate, keys);
}

export async function createPki(): Promise<Pki> {
  const v2gRoot = await createRoot('CN=V2G Root CA, O=Switchyard Test PKI, DC=V2G');
  const moSubCa1 = await issue(v2gRoot, 'CN=MO Sub-CA 1, O=Switchyard Test PKI, DC=MO', { ca: true });
  const moSubCa2 = await issue(moSubCa1, 'CN=MO Sub-CA 2, O=Switchyard Test PKI, DC=MO', { ca: true });
  const cpsSubCa1 = await issue(v2gRoot, 'CN=CPS Sub-CA 1, O=Switchyard Test PKI, DC=V2G', { ca: true });
  const cpsSubCa2 = await issue(cpsSubCa1, 'CN=CPS Sub-CA 2, O=Switchyard Test PKI, DC=V2G', { ca: true });
  const cpsSigner = await issue(cpsSubCa2, 'CN=CPS Leaf, O=Switchyard Test PKI, DC=CPS');
  const oemRoot = await createRoot('CN=OEM Root CA, O=Switchyard Test PKI, DC=OEM');
  const oemSubCa = await issue(oemRoot, 'CN=OEM Sub-CA, O=Switchyard Test PKI, DC=OEM', { ca: true });
  return { v2gRoot, moSubCa1, moSubCa2, cpsSubCa1, cpsSubCa2, cpsSigner, oemRoot, oemSubCa };
}

/** A contract certificate for an EMAID, issued by the MO sub-CA 2 (or another issuer). */
export function issueContract(pki: Pki, emaid: string, options: Validity & { issuer?: Issued } = {}): Promise<Issued> {
  return issue(options.issuer ?? pki.moSubCa2, `CN=${emaid}, O=Switchyard Test PKI`, options);
}

/** An OEM provisioning certificate for a vehicle's PCID. */
export function issueProvisioning(pki: Pki, pcid: string): Promise<Issued> {
  return issue(pki.oemSubCa, `CN=${pcid}, O=Switchyard Test PKI, DC=OEM`);
}

/**
 * Signed contract data as a CPS hands it to an MO (ISO 15118-2 CertificateInstallationRes
 * elements), base64. The contract's private key is not really encrypted here: the hub never
 * reads it, and a simulation has no vehicle to decrypt it.
 */
export function signedContractDataXml(pki: Pki, contract: Issued, emaid: string, subCas: Issued[] = [pki.moSubCa2, pki.moSubCa1]): string {
  const certificates = (list: Issued[]) => list.map((cert) => `<v2gci_t:Certificate>${cert.base64}</v2gci_t:Certificate>`).join('');
  const xml =
    '<?xml version="1.0" encoding="UTF-8"?>' +
    '<v2gci_b:CertificateInstallationRes xmlns:v2gci_b="urn:iso:15118:2:2013:MsgBody" xmlns:v2gci_t="urn:iso:15118:2:2013:MsgDataTypes">' +
    '<v2gci_b:ResponseCode>OK</v2gci_b:ResponseCode>' +
    `<v2gci_b:SAProvisioningCertificateChain><v2gci_t:Certificate>${pki.cpsSigner.base64}</v2gci_t:Certificate>` +
    `<v2gci_t:SubCertificates>${certificates([pki.cpsSubCa2, pki.cpsSubCa1])}</v2gci_t:SubCertificates></v2gci_b:SAProvisioningCertificateChain>` +
    `<v2gci_b:ContractSignatureCertChain Id="id1"><v2gci_t:Certificate>${contract.base64}</v2gci_t:Certificate>` +
    `<v2gci_t:SubCertificates>${certificates(subCas)}</v2gci_t:SubCertificates></v2gci_b:ContractSignatureCertChain>` +
    `<v2gci_b:ContractSignatureEncryptedPrivateKey Id="id2">${randomBytes(48).toString('base64')}</v2gci_b:ContractSignatureEncryptedPrivateKey>` +
    `<v2gci_b:DHpublickey Id="id3">${randomBytes(65).toString('base64')}</v2gci_b:DHpublickey>` +
    `<v2gci_b:eMAID Id="id4">${emaid}</v2gci_b:eMAID>` +
    '</v2gci_b:CertificateInstallationRes>';
  return Buffer.from(xml, 'utf8').toString('base64');
}

/**
 * A stand-in for an EXI-encoded CertificateInstallationReq: a few header bits, then the OEM
 * provisioning certificate not aligned to a byte, as in a bit-packed EXI stream.
 */
export function certificateInstallationReq(provisioning: Issued): string {
  const header = [0x80, 0x98, 0x02, 0x10];
  const bytes = [...header, ...Buffer.from(provisioning.certificate.rawData), 0x00, 0x00];
  const shift = 3;
  const out = Buffer.alloc(bytes.length + 1);
  bytes.forEach((byte, i) => {
    out[i] |= byte >> shift;
    out[i + 1] |= (byte << (8 - shift)) & 0xff;
  });
  return out.toString('base64');
}
