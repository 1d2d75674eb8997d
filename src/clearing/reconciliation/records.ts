import { randomUUID } from 'node:crypto';
import type { HubContext } from '../../hub/context.js';
import { forward } from '../../hub/forward.js';
import { findParty } from '../../hub/routing.js';
import { formatParty, parseParty, type PartyRef } from '../../ocpi/headers.js';
import { OcpiStatus } from '../../ocpi/status.js';
import { ocpiTimestamp } from '../../ocpi/time.js';
import type { InvoiceReconciliationRecord } from '../../ocpi/v2_3_0/invoicereconciliation.js';
import type { Queryable } from '../../store/database.js';
import { inRange } from '../settlement/ranges.js';
import { invoiceParties, statementCdrIds, type Statement } from '../settlement/statements.js';

/**
 * OCPI 2.3.0 invoice reconciliation on the hub's side: records it sends for the invoices it issues
 * on a party's behalf, and records partners push, checked against the hub's own statement.
 */

/** How a record differs from the statement it is about. */
export interface RecordDifferences {
  statement_id: string | null;
  /** On the statement, not in the record. */
  missing: string[];
  /** In the record, not on the statement. */
  unlisted: string[];
  /** The statement's credit CDRs, and which of them the record leaves out. */
  credits: { on_statement: string[]; missing: string[] };
  matches: boolean;
}

/** Compares the CDR ids a record lists with a statement's (CiStrings: case-insensitive). */
export function compareWithStatement(statementId: string | null, listed: string[], onStatement: Array<{ cdrId: string; credit: boolean }>): RecordDifferences {
  const listedSet = new Set(listed.map((id) => id.toUpperCase()));
  const statementSet = new Set(onStatement.map((c) => c.cdrId.toUpperCase()));
  const missing = onStatement.filter((c) => !listedSet.has(c.cdrId.toUpperCase())).map((c) => c.cdrId);
  const unlisted = listed.filter((id) => !statementSet.has(id.toUpperCase()));
  const credits = onStatement.filter((c) => c.credit).map((c) => c.cdrId);
  return {
    statement_id: statementId,
    missing,
    unlisted,
    credits: { on_statement: credits, missing: credits.filter((id) => missing.includes(id)) },
    matches: statementId !== null && missing.length === 0 && unlisted.length === 0,
  };
}

/**
 * The statement a record is about: the one whose invoice number is the record's invoice_id, else
 * the statement between the two parties that holds most of the listed CDRs.
 */
async function statementFor(db: Queryable, record: InvoiceReconciliationRecord, recipient: PartyRef): Promise<string | null> {
  const [byNumber] = await db.query<{ id: string }>('SELECT id FROM statements WHERE invoice_number = $1', [record.invoice_id]);
  if (byNumber) return byNumber.id;
  const parties = [formatParty({ countryCode: record.country_code, partyId: record.party_id }), formatParty(recipient)].map((p) => p.toUpperCase());
  const [byCdrs] = await db.query<{ statement_id: string }>(
    `SELECT r.statement_id FROM statement_ranges r JOIN settlement_cdrs c ON ${inRange('c', 'r')} JOIN statements s ON s.id = r.statement_id
     WHERE upper(c.cdr_id) = ANY($1::text[])
       AND s.cpo_country || '*' || s.cpo_party = ANY($2::text[]) AND s.emsp_country || '*' || s.emsp_party = ANY($2::text[])
     GROUP BY r.statement_id ORDER BY count(*) DESC, r.statement_id LIMIT 1`,
    [record.cdrs.map((id) => id.toUpperCase()), parties],
  );
  return byCdrs?.statement_id ?? null;
}

async function store(db: Queryable, record: InvoiceReconciliationRecord, direction: 'IN' | 'OUT', recipient: PartyRef, statementId: string | null, differences: RecordDifferences | null) {
  await db.query(
    `INSERT INTO reconciliation_records (owner_country, owner_party, id, direction, recipient_country, recipient_party, invoice_id, cdrs, last_updated, statement_id, differences, deleted)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, false)
     ON CONFLICT (owner_country, owner_party, id, direction) DO UPDATE SET recipient_country = EXCLUDED.recipient_country,
       recipient_party = EXCLUDED.recipient_party, invoice_id = EXCLUDED.invoice_id, cdrs = EXCLUDED.cdrs,
       last_updated = EXCLUDED.last_updated, statement_id = EXCLUDED.statement_id, differences = EXCLUDED.differences, deleted = false`,
    [
      record.country_code.toUpperCase(), record.party_id.toUpperCase(), record.id, direction, recipient.countryCode, recipient.partyId,
      record.invoice_id, JSON.stringify(record.cdrs), record.last_updated, statementId, differences && JSON.stringify(differences),
    ],
  );
}

/** A record a partner pushed (POST or PUT): kept, and checked against the hub's statement. */
export async function receiveRecord(db: Queryable, record: InvoiceReconciliationRecord, recipient: PartyRef): Promise<RecordDifferences> {
  const statementId = await statementFor(db, record, recipient);
  const differences = compareWithStatement(statementId, record.cdrs, statementId ? await statementCdrIds(db, statementId) : []);
  await store(db, record, 'IN', recipient, statementId, differences);
  return differences;
}

/** The record a partner pushed, to read it back or to find whom to tell of its deletion. */
export async function receivedRecord(db: Queryable, owner: PartyRef, id: string): Promise<{ record: InvoiceReconciliationRecord; recipient: PartyRef } | undefined> {
  const [row] = await db.query<RecordRow>(
    `SELECT * FROM reconciliation_records WHERE owner_country = $1 AND owner_party = $2 AND upper(id) = upper($3) AND direction = 'IN' AND NOT deleted`,
    [owner.countryCode, owner.partyId, id],
  );
  return row && { record: toRecord(row), recipient: { countryCode: row.recipient_country, partyId: row.recipient_party } };
}

export async function deleteReceivedRecord(db: Queryable, owner: PartyRef, id: string): Promise<void> {
  await db.query(
    `UPDATE reconciliation_records SET deleted = true WHERE owner_country = $1 AND owner_party = $2 AND upper(id) = upper($3) AND direction = 'IN'`,
    [owner.countryCode, owner.partyId, id],
  );
}

interface RecordRow {
  owner_country: string;
  owner_party: string;
  id: string;
  direction: 'IN' | 'OUT';
  recipient_country: string;
  recipient_party: string;
  invoice_id: string;
  cdrs: string[];
  last_updated: Date | string;
  statement_id: string | null;
  differences: RecordDifferences | null;
}

const toRecord = (row: RecordRow): InvoiceReconciliationRecord => ({
  country_code: row.owner_country,
  party_id: row.owner_party,
  id: row.id,
  invoice_id: row.invoice_id,
  cdrs: row.cdrs,
  last_updated: ocpiTimestamp(new Date(row.last_updated)),
});

/** The records addressed to a party (its Sender view through the hub), oldest first. */
export async function recordsFor(
  db: Queryable,
  recipient: PartyRef,
  page: { dateFrom?: Date; dateTo?: Date; offset: number; limit: number },
): Promise<{ records: InvoiceReconciliationRecord[]; total: number }> {
  const where = `recipient_country = $1 AND recipient_party = $2 AND NOT deleted
    AND ($3::timestamptz IS NULL OR last_updated >= $3) AND ($4::timestamptz IS NULL OR last_updated < $4)`;
  const params = [recipient.countryCode, recipient.partyId, page.dateFrom ?? null, page.dateTo ?? null];
  const [count] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM reconciliation_records WHERE ${where}`, params);
  const rows = await db.query<RecordRow>(
    `SELECT * FROM reconciliation_records WHERE ${where} ORDER BY last_updated, owner_country, owner_party, id OFFSET $5 LIMIT $6`,
    [...params, page.offset, page.limit],
  );
  return { records: rows.map(toRecord), total: count.n };
}

/** The records about a statement, both ways, with the differences found in those received. */
export async function reconciliationOf(db: Queryable, statementId: string) {
  const rows = await db.query<RecordRow>(
    'SELECT * FROM reconciliation_records WHERE statement_id = $1 AND NOT deleted ORDER BY last_updated, direction',
    [statementId],
  );
  return rows.map((row) => ({ direction: row.direction, record: toRecord(row), differences: row.differences }));
}

/** The record of an invoice the hub issued on the issuer's behalf. */
export async function invoiceRecord(db: Queryable, statement: Statement): Promise<InvoiceReconciliationRecord> {
  const issuer = parseParty(invoiceParties(statement).issuer)!;
  return {
    country_code: issuer.countryCode,
    party_id: issuer.partyId,
    id: statement.invoiceNumber!,
    invoice_id: statement.invoiceNumber!,
    cdrs: (await statementCdrIds(db, statement.id)).map((c) => c.cdrId),
    last_updated: ocpiTimestamp(),
  };
}

/**
 * Sends the reconciliation record of each invoice the hub issued to the invoice's recipient
 * (POST to its Receiver interface, from the issuer). Statements without CDRs have no record (the
 * record lists one or more). Returns how many recipients accepted theirs.
 */
export async function sendInvoiceRecords(hub: HubContext, statements: Statement[]): Promise<number> {
  let accepted = 0;
  for (const statement of statements) {
    const record = await invoiceRecord(hub.db, statement);
    if (record.cdrs.length === 0) continue;
    const { issuer, recipient } = invoiceParties(statement);
    const issuerRole = statement.billing === 'DIRECT' ? 'CPO' : 'EMSP';
    const recipientRole = issuerRole === 'CPO' ? 'EMSP' : 'CPO';
    const to = await findParty(hub.db, parseParty(recipient)!, [recipientRole]);
    await store(hub.db, record, 'OUT', parseParty(recipient)!, statement.id, null);
    if (!to) continue;
    const result = await forward(hub, {
      from: { ref: parseParty(issuer)!, role: issuerRole },
      to,
      module: 'invoicereconciliation',
      interfaceRole: 'RECEIVER',
      method: 'POST',
      path: '',
      body: record,
      correlationId: randomUUID(),
      objectId: record.id,
      timeoutMs: hub.config.callTimeoutMs,
    });
    if (result.body.status_code === OcpiStatus.SUCCESS) accepted += 1;
  }
  return accepted;
}
