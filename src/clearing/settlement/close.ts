import type { Database } from '../../store/database.js';
import { inRange } from './ranges.js';
import { periodOf, settleInTransaction, SettlementError } from './run.js';
import { invoiceParties, listStatements, type Statement } from './statements.js';
import { listTerms, termsFor } from './terms.js';

export interface ClosedPeriod {
  period: string;
  /** The statements the hub issued invoices for on the issuer's behalf (reconciliation records to send). */
  issuedByHub: Statement[];
  statements: Statement[];
}

/**
 * Closes a period: settles it one last time and freezes it, in one transaction. Each statement
 * gets its invoice number, issue date and due date (the agreement's payment terms). Where the agreement says the
 * hub issues the invoices, the CDRs get the invoice number as `invoice_reference_id`. From now on
 * nothing changes the period: late CDRs and credits go to the next one.
 */
export async function closePeriod(db: Database, label: string, issuedOn: string): Promise<ClosedPeriod> {
  const period = periodOf(label);
  await db.transaction(async (tx) => {
    const [state] = await tx.query<{ status: string }>('SELECT status FROM settlement_periods WHERE label = $1', [label]);
    if (state?.status === 'CLOSED') throw new SettlementError(`period ${label} is already closed`, 'period_closed');
    await settleInTransaction(tx, period);
    const terms = await listTerms(tx);
    for (const statement of await listStatements(tx, { period: label })) {
      const pairTerms = termsFor(terms, statement.cpo, statement.emsp);
      const { issuer } = invoiceParties(statement);
      const [number] = await tx.query<{ n: string }>(`SELECT nextval('invoice_numbers')::text AS n`);
      const invoiceNumber = `${issuer.replace('*', '')}-${label}-${number.n.padStart(6, '0')}`;
      await tx.query(
        `UPDATE statements SET invoice_number = $2, issued_on = $3::date, due_on = $3::date + $4::int WHERE id = $1`,
        [statement.id, invoiceNumber, issuedOn, pairTerms.paymentTermsDays],
      );
      if (!pairTerms.hubIssuesInvoices) continue;
      await tx.query(
        `UPDATE settlement_cdrs c SET invoice_reference_id = $2 FROM statement_ranges r WHERE r.statement_id = $1 AND ${inRange('c', 'r')}`,
        [statement.id, invoiceNumber],
      );
      await tx.query(
        `UPDATE clearing_cdrs k SET invoice_reference_id = $2 FROM statement_ranges r JOIN settlement_cdrs c ON ${inRange('c', 'r')}
         WHERE r.statement_id = $1 AND k.country_code = c.owner_country AND k.party_id = c.owner_party AND k.cdr_id = c.cdr_id`,
        [statement.id, invoiceNumber],
      );
    }
    await tx.query(`UPDATE settlement_periods SET status = 'CLOSED', closed_at = now() WHERE label = $1`, [label]);
  });
  const statements = await listStatements(db, { period: label });
  const terms = await listTerms(db);
  return {
    period: label,
    statements,
    issuedByHub: statements.filter((s) => termsFor(terms, s.cpo, s.emsp).hubIssuesInvoices),
  };
}
