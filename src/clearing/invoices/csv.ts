import { Decimal } from 'decimal.js';
import type { Queryable } from '../../store/database.js';
import { statementLines, type Statement, type StatementLine } from '../settlement/statements.js';
import { amountsByColumn, taxColumns } from './tax-columns.js';

/**
 * A statement as CSV: one row per CDR with every field of its line, then one row per hub fee (class
 * hub_fee), one column per tax and rate, amounts as plain decimals in the statement's currency.
 * The `total` column of the payable rows sums to the amount payable; each tax column of a class
 * sums to that tax's subtotal. Streamed row by row.
 */
const LINE_FIELDS: Array<keyof StatementLine> = [
  'cdr_id', 'session_id', 'invoice_reference_id', 'start_local', 'end_local', 'time_zone', 'evse_uid', 'city', 'state',
  'country', 'contract_id', 'tariff_id', 'tariff_version', 'energy_kwh', 'charging_minutes', 'idle_minutes', 'energy_cost',
  'time_cost', 'parking_cost', 'fixed_cost', 'reservation_cost', 'claimed_total', 'computed_total',
];

// RFC 4180: quote a field holding a comma, quote or line break; double the quotes inside.
const field = (value: unknown) => {
  const text = value === null || value === undefined ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};
const row = (values: unknown[]) => `${values.map(field).join(',')}\r\n`;

export async function* statementCsv(db: Queryable, statement: Statement): AsyncGenerator<string> {
  const columns = taxColumns(statement);
  const byColumn = (taxes: Parameters<typeof amountsByColumn>[1]) => amountsByColumn(columns, taxes);
  const first = [statement.id, statement.invoiceNumber, statement.period, statement.cpo, statement.emsp, statement.currency];
  yield row([
    'statement_id', 'invoice_number', 'period', 'cpo', 'emsp', 'currency', ...LINE_FIELDS,
    ...columns.map((column) => `tax:${column.label}`), 'tax_total', 'total', 'status', 'class', 'credit_of', 'prior_period',
  ]);
  for await (const line of statementLines(db, statement.id)) {
    yield row([
      ...first, ...LINE_FIELDS.map((name) => line[name]),
      ...byColumn(line.taxes), line.tax_total, line.total, line.status, line.class, line.credit_of, line.prior_period,
    ]);
  }
  // The hub's fees, after the CDRs: class hub_fee, charged to their payer, not part of the amount payable.
  for (const fee of statement.totals.fees) {
    const taxTotal = fee.taxes.reduce((total, tax) => total.plus(tax.amount), new Decimal(0)).toFixed(2);
    yield row([
      ...first, ...LINE_FIELDS.map((name) => (name === 'claimed_total' ? fee.net : '')),
      ...byColumn(fee.taxes), taxTotal, fee.total, `FEE ${fee.payer} ${fee.party}`, 'hub_fee', '', '',
    ]);
  }
}
