import { createHash } from 'node:crypto';
import { PncError } from './errors.js';
import * as x509 from './x509.js';

/**
 * X.509 checks of the pools: parsing base64 DER or PEM, and building a certificate's chain up to
 * one of the trusted roots with every signature and validity period checked (ISO 15118-2 §7.9.2:
 * leaf, at most two sub-CAs, a self-signed root).
 */

export type Certificate = x509.X509Certificate;

export function parseCertificate(text: string, what: string): Certificate {
  try {
    return new x509.X509Certificate(text.trim());
  } catch (error) {
    throw PncError.invalid(`${what} is no X.509 certificate (base64 DER or PEM): ${(error as Error).message}`);
  }
}

/** The certificate as OPCP carries it: base64 of the DER encoding. */
export function base64Der(certificate: Certificate): string {
  return Buffer.from(certificate.rawData).toString('base64');
}

/** SHA-256 over the DER encoding, as lowercase hex. */
export function fingerprint(certificate: Certificate): string {
  return createHash('sha256').update(Buffer.from(certificate.rawData)).digest('hex');
}

export function commonName(certificate: Certificate): string | undefined {
  return certificate.subjectName.getField('CN')[0];
}

/** Why a certificate is not valid at `at`, if it is not. */
export function validityProblem(certificate: Certificate, at: Date, what: string): string | undefined {
  if (certificate.notAfter.getTime() < at.getTime()) return `${what} expired on ${certificate.notAfter.toISOString()}`;
  if (certificate.notBefore.getTime() > at.getTime()) return `${what} is not valid before ${certificate.notBefore.toISOString()}`;
  return undefined;
}

function isCa(certificate: Certificate): boolean {
  return certificate.getExtension(x509.BasicConstraintsExtension)?.ca === true;
}

async function signedBy(certificate: Certificate, issuer: Certificate): Promise<boolean> {
  if (certificate.issuer !== issuer.subject) return false;
  try {
    return await certificate.verify({ publicKey: issuer.publicKey, signatureOnly: true });
  } catch {
    return false;
  }
}

/**
 * The trusted root the leaf's chain ends at, through the given sub-CAs. Every link is checked: the
 * issuer's name and signature, the issuer being a CA, and each certificate valid at `at`.
 * Throws a 400 saying which link failed.
 */
export async function verifyChain<Root extends { certificate: Certificate }>(
  leaf: Certificate,
  subCas: Certificate[],
  roots: Root[],
  at: Date,
  what: string,
): Promise<Root> {
  let current = leaf;
  let name = what;
  const remaining = [...subCas];
  for (let depth = 0; depth <= subCas.length; depth++) {
    const problem = validityProblem(current, at, name);
    if (problem) throw PncError.invalid(problem);
    for (const root of roots) {
      if (await signedBy(current, root.certificate)) {
        const rootProblem = validityProblem(root.certificate, at, 'the trusted root');
        if (rootProblem) throw PncError.invalid(rootProblem);
        return root;
      }
    }
    const index = await findIndex(remaining, (candidate) => signedBy(current, candidate));
    if (index < 0) break;
    const [issuer] = remaining.splice(index, 1);
    if (!isCa(issuer)) throw PncError.invalid(`the issuer of ${name} (${issuer.subject}) is no CA`);
    current = issuer;
    name = `sub-CA ${issuer.subject}`;
  }
  throw PncError.invalid(`the chain of ${what} does not lead to a trusted root (it ends at ${current.issuer})`);
}

async function findIndex<T>(items: T[], test: (item: T) => Promise<boolean>): Promise<number> {
  for (let i = 0; i < items.length; i++) if (await test(items[i])) return i;
  return -1;
}
