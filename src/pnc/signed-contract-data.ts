import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { parseCertificate, type Certificate } from './certificates.js';
import { PncError } from './errors.js';

/**
 * The signed contract data a CPS produces for an MO (OPCP `signedContractDataXML`, base64 XML):
 * the elements of an ISO 15118-2 CertificateInstallationRes (§8.4.3.11.3). The hub reads the two
 * certificate chains and the eMAID; it never decrypts the contract's private key.
 */

export interface CertificateChain {
  leaf: Certificate;
  subCas: Certificate[];
}

export interface SignedContractData {
  emaid: string;
  /** The contract certificate and its MO or V2G sub-CAs. */
  contract: CertificateChain;
  /** The CPS signer ("SAProvisioningCertificateChain") that signed the data. */
  cps: CertificateChain;
}

const parser = new XMLParser({ removeNSPrefix: true, ignoreAttributes: true, parseTagValue: false, isArray: (name) => name === 'Certificate' });

export function readSignedContractData(base64Xml: string): SignedContractData {
  const xml = Buffer.from(base64Xml, 'base64').toString('utf8');
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw PncError.invalid(`signedContractDataXML is no base64 XML document: ${valid.err.msg} (line ${valid.err.line})`);
  const document = parser.parse(xml) as Record<string, unknown>;
  const emaid = find(document, 'eMAID');
  if (typeof emaid !== 'string' || emaid.trim() === '') throw PncError.invalid('signedContractDataXML has no eMAID');
  for (const name of ['ContractSignatureEncryptedPrivateKey', 'DHpublickey']) {
    if (find(document, name) === undefined) throw PncError.invalid(`signedContractDataXML has no ${name}`);
  }
  return {
    emaid: emaid.trim(),
    contract: chain(document, 'ContractSignatureCertChain'),
    cps: chain(document, 'SAProvisioningCertificateChain'),
  };
}

function chain(document: Record<string, unknown>, name: string): CertificateChain {
  const element = find(document, name) as { Certificate?: unknown[]; SubCertificates?: { Certificate?: unknown[] } } | undefined;
  const [leaf] = element?.Certificate ?? [];
  if (typeof leaf !== 'string') throw PncError.invalid(`signedContractDataXML has no ${name} with a Certificate`);
  const subCas = (element?.SubCertificates?.Certificate ?? []).map((text, index) =>
    parseCertificate(String(text), `${name}.SubCertificates[${index}]`),
  );
  return { leaf: parseCertificate(leaf, `${name}.Certificate`), subCas };
}

/** The first element of that name, at any depth. */
function find(node: unknown, name: string): unknown {
  if (node === null || typeof node !== 'object') return undefined;
  const record = node as Record<string, unknown>;
  if (name in record) return record[name];
  for (const child of Object.values(record)) {
    const found = find(child, name);
    if (found !== undefined) return found;
  }
  return undefined;
}
