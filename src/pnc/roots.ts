import { randomUUID } from 'node:crypto';
import { isUuid } from '../hub/registry.js';
import type { Queryable } from '../store/database.js';
import { base64Der, commonName, fingerprint, parseCertificate, validityProblem, type Certificate } from './certificates.js';
import { PncError } from './errors.js';

/**
 * The Root Certificate Pool (OPCP rcp.v1): the trust store of every check the hub makes. The
 * operator adds and removes roots (OPCP "Deliver Root Certificates" is an organisational process;
 * only administrators write); partners read them.
 */

export const ROOT_TYPES = ['V2G', 'MO', 'OEM', 'PE'] as const;
export type RootType = (typeof ROOT_TYPES)[number];

export interface TrustedRoot {
  id: string;
  rootType: RootType;
  certificate: Certificate;
  fingerprint: string;
}

interface RootRow {
  id: string;
  root_type: RootType;
  certificate: string;
  fingerprint: string;
}

const toRoot = (row: RootRow): TrustedRoot => ({
  id: row.id,
  rootType: row.root_type,
  certificate: parseCertificate(row.certificate, 'stored root'),
  fingerprint: row.fingerprint,
});

/** Adds a self-signed, currently valid CA certificate; adding the same certificate again returns it. */
export async function addRoot(db: Queryable, input: { caCertificate?: unknown; rootType?: unknown }): Promise<TrustedRoot> {
  if (typeof input.caCertificate !== 'string') throw PncError.invalid('caCertificate: a base64 DER certificate is required');
  if (!ROOT_TYPES.includes(input.rootType as RootType)) throw PncError.invalid(`rootType: one of ${ROOT_TYPES.join(', ')} is required`);
  const certificate = parseCertificate(input.caCertificate, 'caCertificate');
  if (!(await certificate.isSelfSigned())) throw PncError.invalid('caCertificate is not self-signed, so it is no root');
  const problem = validityProblem(certificate, new Date(), 'caCertificate');
  if (problem) throw PncError.invalid(problem);
  const print = fingerprint(certificate);
  await db.query(
    `INSERT INTO pnc_root_certificates (id, root_type, distinguished_name, common_name, fingerprint, certificate, valid_from, valid_to)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (fingerprint) DO NOTHING`,
    [randomUUID(), input.rootType, certificate.subject, commonName(certificate) ?? null, print, base64Der(certificate), certificate.notBefore, certificate.notAfter],
  );
  const [row] = await db.query<RootRow>('SELECT id, root_type, certificate, fingerprint FROM pnc_root_certificates WHERE fingerprint = $1', [print]);
  return toRoot(row);
}

export async function removeRoot(db: Queryable, id: string): Promise<boolean> {
  if (!isUuid(id)) return false;
  const rows = await db.query('DELETE FROM pnc_root_certificates WHERE id = $1 RETURNING id', [id]);
  return rows.length > 0;
}

export async function listRoots(db: Queryable, types?: readonly RootType[]): Promise<TrustedRoot[]> {
  const rows = await db.query<RootRow>(
    `SELECT id, root_type, certificate, fingerprint FROM pnc_root_certificates
     WHERE $1::text[] IS NULL OR root_type = ANY($1::text[]) ORDER BY created_at, id`,
    [types ?? null],
  );
  return rows.map(toRoot);
}

export async function getRoot(db: Queryable, id: string): Promise<TrustedRoot | undefined> {
  if (!isUuid(id)) return undefined;
  const [row] = await db.query<RootRow>('SELECT id, root_type, certificate, fingerprint FROM pnc_root_certificates WHERE id = $1', [id]);
  return row && toRoot(row);
}

/** A root as OPCP's RootCertV2 describes it. */
export function rootView(root: TrustedRoot): Record<string, unknown> {
  const { certificate } = root;
  return {
    rootCertificateId: root.id,
    rootType: root.rootType,
    caCertificate: base64Der(certificate),
    distinguishedName: certificate.subject,
    commonName: commonName(certificate),
    organizationName: certificate.subjectName.getField('O')[0],
    rootIssuerSerialNumber: certificate.serialNumber,
    validFrom: certificate.notBefore.toISOString(),
    validTo: certificate.notAfter.toISOString(),
    fingerprint: root.fingerprint,
  };
}
