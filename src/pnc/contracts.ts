import { agreementBetween } from '../hub/agreements.js';
import type { Database, Queryable } from '../store/database.js';
import type { PncClient } from './access.js';
import { base64Der, commonName, fingerprint, verifyChain } from './certificates.js';
import { EmaidError, isPcid, parseEmaid, type Emaid } from './emaid.js';
import { PncError } from './errors.js';
import { listRoots } from './roots.js';
import { readSignedContractData } from './signed-contract-data.js';
import { enqueueEvent, type PncEventType } from './webhooks.js';

/**
 * The Contract Certificate Pool (OPCP ccp.v1). An MO publishes the signed contract data of its
 * own EMAIDs for a vehicle's PCID (several per PCID, one of them the default); CPOs read the
 * contracts of the MOs they have a roaming agreement with. The hub checks what it stores: both
 * chains lead to trusted roots, the certificate's EMAID is the published one and belongs to the
 * MO, and everything is valid now. It never signs contract data itself.
 */

export const ISO_NAMESPACES = ['urn:iso:15118:2:2013:MsgDef', 'urn:iso:15118:20:2022:MsgDef'];

export interface Contract {
  emaid: string;
  emaidKey: string;
  provider: string;
  owner: { countryCode: string; partyId: string };
  pcid: string;
  xsdNamespace: string;
  signedContractData: string;
  contractCertificate: string;
  isDefault: boolean;
  validFrom: Date;
  validTo: Date;
}

interface ContractRow {
  emaid_key: string;
  emaid: string;
  provider: string;
  owner_country: string;
  owner_party: string;
  pcid: string;
  xsd_namespace: string;
  signed_contract_data: string;
  contract_certificate: string;
  is_default: boolean;
  valid_from: Date;
  valid_to: Date;
}

const toContract = (row: ContractRow): Contract => ({
  emaid: row.emaid,
  emaidKey: row.emaid_key,
  provider: row.provider,
  owner: { countryCode: row.owner_country, partyId: row.owner_party },
  pcid: row.pcid,
  xsdNamespace: row.xsd_namespace,
  signedContractData: row.signed_contract_data,
  contractCertificate: row.contract_certificate,
  isDefault: row.is_default,
  validFrom: new Date(row.valid_from),
  validTo: new Date(row.valid_to),
});

export function emaidParam(text: unknown, field = 'emaid'): Emaid {
  if (typeof text !== 'string') throw PncError.invalid(`${field}: an EMAID is required`);
  try {
    return parseEmaid(text);
  } catch (error) {
    if (error instanceof EmaidError) throw PncError.invalid(`${field}: ${error.message}`);
    throw error;
  }
}

export function pcidParam(text: unknown): string {
  if (typeof text !== 'string' || !isPcid(text)) throw PncError.invalid('pcid: 17 or 18 letters and digits are required');
  return text.toUpperCase();
}

/** An MO acts only for its own provider ids (OPCP "Roles & Rights": first five characters of the EMAID). */
function requireProvider(client: PncClient, emaid: Emaid): void {
  if (!client.providerIds.includes(emaid.provider)) {
    throw PncError.forbidden(`EMAID ${emaid.id} belongs to provider ${emaid.provider}, which is not one of this client's (${client.providerIds.join(', ')})`);
  }
}

export interface PublishRequest {
  xsdMsgDefNamespace?: unknown;
  emaid?: unknown;
  pcid?: unknown;
  signedContractDataXML?: unknown;
}

/** Adds or replaces (same EMAID) an MO's signed contract data; `created` tells which. */
export async function publishContract(db: Database, client: PncClient, body: PublishRequest, now = new Date()): Promise<{ contract: Contract; created: boolean }> {
  if (body === null || typeof body !== 'object') throw PncError.invalid('A SignedContractData object is required');
  const emaid = emaidParam(body.emaid);
  const pcid = pcidParam(body.pcid);
  if (!ISO_NAMESPACES.includes(body.xsdMsgDefNamespace as string)) throw PncError.invalid(`xsdMsgDefNamespace: one of ${ISO_NAMESPACES.join(', ')}`);
  if (typeof body.signedContractDataXML !== 'string') throw PncError.invalid('signedContractDataXML: base64 XML is required');
  requireProvider(client, emaid);

  const data = readSignedContractData(body.signedContractDataXML);
  if (emaidParam(data.emaid, 'signedContractDataXML eMAID').key !== emaid.key) {
    throw PncError.invalid(`The signed contract data is for EMAID ${data.emaid}, not ${emaid.id}`);
  }
  const certificateEmaid = emaidParam(commonName(data.contract.leaf) ?? '', 'the contract certificate’s common name');
  if (certificateEmaid.key !== emaid.key) throw PncError.invalid(`The contract certificate is issued to EMAID ${certificateEmaid.id}, not ${emaid.id}`);
  // Contract certificates chain to an MO root or, for MOs without their own PKI, the V2G root.
  const root = await verifyChain(data.contract.leaf, data.contract.subCas, await listRoots(db, ['MO', 'V2G']), now, 'the contract certificate');
  await verifyChain(data.cps.leaf, data.cps.subCas, await listRoots(db, ['V2G']), now, 'the CPS signing certificate');
  const print = fingerprint(data.contract.leaf);

  const owner = client.party.ref;
  const result = await db.transaction(async (tx) => {
    const revoked = await tx.query('SELECT 1 FROM pnc_revoked_certificates WHERE fingerprint = $1', [print]);
    if (revoked.length > 0) throw PncError.invalid(`The contract certificate of ${emaid.id} was revoked`);
    const [existing] = await tx.query<ContractRow>('SELECT * FROM pnc_contracts WHERE emaid_key = $1 FOR UPDATE', [emaid.key]);
    if (existing && (existing.owner_country !== owner.countryCode || existing.owner_party !== owner.partyId)) {
      throw PncError.forbidden(`EMAID ${emaid.id} was published by another mobility operator`);
    }
    const [otherDefault] = await tx.query('SELECT 1 FROM pnc_contracts WHERE pcid = $1 AND is_default AND emaid_key <> $2', [pcid, emaid.key]);
    const [row] = await tx.query<ContractRow>(
      `INSERT INTO pnc_contracts (emaid_key, emaid, provider, owner_country, owner_party, pcid, xsd_namespace, signed_contract_data,
         contract_certificate, certificate_fingerprint, root_fingerprint, is_default, valid_from, valid_to)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
       ON CONFLICT (emaid_key) DO UPDATE SET emaid = $2, pcid = $6, xsd_namespace = $7, signed_contract_data = $8,
         contract_certificate = $9, certificate_fingerprint = $10, root_fingerprint = $11, is_default = $12,
         valid_from = $13, valid_to = $14, updated_at = now()
       RETURNING *`,
      [
        emaid.key, emaid.id, emaid.provider, owner.countryCode, owner.partyId, pcid, body.xsdMsgDefNamespace,
        body.signedContractDataXML, base64Der(data.contract.leaf), print, root.fingerprint, !otherDefault,
        data.contract.leaf.notBefore, data.contract.leaf.notAfter,
      ],
    );
    // A contract moved to another vehicle leaves that vehicle's default behind.
    if (existing?.is_default && existing.pcid !== pcid) await promoteDefault(tx, existing.pcid);
    const contract = toContract(row);
    await announce(tx, existing ? 'oem.contract.updated' : 'oem.contract.created', contract);
    return { contract, created: !existing };
  });
  return result;
}

/** Deletes an MO's contract; unless told to skip it, its certificate is revoked in the pool. */
export async function deleteContract(db: Database, client: PncClient, emaidText: string, skipRevocation: boolean): Promise<void> {
  const emaid = emaidParam(emaidText);
  requireProvider(client, emaid);
  await db.transaction(async (tx) => {
    const [row] = await tx.query<ContractRow & { certificate_fingerprint: string }>(
      'DELETE FROM pnc_contracts WHERE emaid_key = $1 RETURNING *',
      [emaid.key],
    );
    if (!row) throw PncError.notFound('The contract for the given EMAID not found.');
    if (!skipRevocation) {
      await tx.query('INSERT INTO pnc_revoked_certificates (fingerprint, emaid_key) VALUES ($1, $2) ON CONFLICT DO NOTHING', [
        row.certificate_fingerprint,
        emaid.key,
      ]);
    }
    if (row.is_default) await promoteDefault(tx, row.pcid);
    await announce(tx, 'oem.contract.deleted', toContract(row));
  });
}

/** Makes one of the MO's contracts its vehicle's default (OPCP setDefaultContract). */
export async function setDefaultContract(db: Database, client: PncClient, pcidText: string, emaidText: string): Promise<void> {
  const pcid = pcidParam(pcidText);
  const emaid = emaidParam(emaidText);
  requireProvider(client, emaid);
  await db.transaction(async (tx) => {
    const [row] = await tx.query<ContractRow>('SELECT * FROM pnc_contracts WHERE emaid_key = $1 AND pcid = $2 FOR UPDATE', [emaid.key, pcid]);
    if (!row) throw PncError.notFound(`No contract ${emaid.id} for PCID ${pcid}`);
    await tx.query('UPDATE pnc_contracts SET is_default = false WHERE pcid = $1 AND is_default', [pcid]);
    await tx.query('UPDATE pnc_contracts SET is_default = true, updated_at = now() WHERE emaid_key = $1', [emaid.key]);
  });
}

/** The latest remaining contract of a vehicle becomes its default. */
async function promoteDefault(tx: Queryable, pcid: string): Promise<void> {
  await tx.query(
    `UPDATE pnc_contracts SET is_default = true WHERE emaid_key =
       (SELECT emaid_key FROM pnc_contracts WHERE pcid = $1 ORDER BY updated_at DESC, emaid_key LIMIT 1)
     AND NOT EXISTS (SELECT 1 FROM pnc_contracts WHERE pcid = $1 AND is_default)`,
    [pcid],
  );
}

function announce(tx: Queryable, type: PncEventType, contract: Contract): Promise<void> {
  const payload = { emaid: contract.emaid, pcid: contract.pcid, contractCert: contract.contractCertificate, signatureAlgorithm: 'secp256r1' };
  return enqueueEvent(tx, type, contract.xsdNamespace, payload, { kind: 'CONTRACT', owner: contract.owner, provider: contract.provider });
}

/** An MO's own contract (OPCP lookupContract). */
export async function lookupContract(db: Queryable, client: PncClient, emaidText: string): Promise<Contract> {
  const emaid = emaidParam(emaidText);
  requireProvider(client, emaid);
  const [row] = await db.query<ContractRow>('SELECT * FROM pnc_contracts WHERE emaid_key = $1', [emaid.key]);
  if (!row) throw PncError.notFound('The contract for the given EMAID not found.');
  return toContract(row);
}

/**
 * The vehicle's contracts a CPO may install: those of MOs it has a roaming agreement with (for
 * tokens) that are valid now, the default first. Without an agreement a CPO gets nothing.
 */
export async function contractsForCpo(db: Queryable, cpo: PncClient, pcidText: string, now = new Date()): Promise<Contract[]> {
  const pcid = pcidParam(pcidText);
  const rows = await db.query<ContractRow>(
    `SELECT * FROM pnc_contracts WHERE pcid = $1 AND valid_from <= $2 AND valid_to >= $2 ORDER BY is_default DESC, updated_at DESC, emaid_key`,
    [pcid, now],
  );
  const allowed: Contract[] = [];
  for (const row of rows) {
    const contract = toContract(row);
    if ((await agreementBetween(db, cpo.party.ref, contract.owner, 'tokens')).allowed) allowed.push(contract);
  }
  return allowed;
}

/** How the pool stands on an EMAID, for authorization when its MO does not answer. */
export type ContractStanding = 'VALID' | 'EXPIRED' | 'REVOKED' | 'NOT_YET_VALID';

export async function contractStanding(db: Queryable, emaid: Emaid, now = new Date()): Promise<{ standing: ContractStanding; contract?: Contract } | undefined> {
  const [row] = await db.query<ContractRow>('SELECT * FROM pnc_contracts WHERE emaid_key = $1', [emaid.key]);
  if (row) {
    const contract = toContract(row);
    if (contract.validTo < now) return { standing: 'EXPIRED', contract };
    if (contract.validFrom > now) return { standing: 'NOT_YET_VALID', contract };
    return { standing: 'VALID', contract };
  }
  const revoked = await db.query('SELECT 1 FROM pnc_revoked_certificates WHERE emaid_key = $1 LIMIT 1', [emaid.key]);
  return revoked.length > 0 ? { standing: 'REVOKED' } : undefined;
}

/** A contract as OPCP's LookupContractResponse lists it. */
export function contractView(contract: Contract) {
  return {
    pcid: contract.pcid,
    emaid: contract.emaid,
    xsdMsgDefNamespace: contract.xsdNamespace,
    contractCertificate: contract.contractCertificate,
    defaultContract: contract.isDefault,
    certValidFrom: contract.validFrom.toISOString(),
    certValidTo: contract.validTo.toISOString(),
  };
}
