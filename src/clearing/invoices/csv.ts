import type { Queryable } from '../../store/database.js';
import { statementLines, type Statement, type StatementLine } from '../settlement/statements.js';

/**
 * A statement as CSV: one row per CDR with every field of its line, one column per tax, amounts as
 * plain decimals in the statement's currency. The `total` column of the payable rows sums to the
 * amount payable; each tax column sums to that tax's subtotal. Streamed row by row.
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

/** The names of the taxes a statement carries, in a stable order. */
export function taxNames(statement: Statement): string[] {
  const { classes } = statement.totals;
  return [...new Set([classes.payable, classes.held_back, classes.written_off].flatMap((c) => c.taxes.map((t) => t.name)))].sort();
}

export async function* statementCsv(db: Queryable, statement: Statement): AsyncGenerator<string> {
  const taxes = taxNames(statement);
  yield row([
    'statement_id', 'invoice_number', 'period', 'cpo', 'emsp', 'currency', ...LINE_FIELDS,
    ...taxes.map((name) => `tax:${name}`), 'tax_total', 'total', 'status', 'class', 'credit_of', 'prior_period',
  ]);
  for await (const line of statementLines(db, statement.id)) {
    const amounts = new Map(line.taxes.map((t) => [t.name, t.amount]));
    yield row([
      statement.id, statement.invoiceNumber, statement.period, statement.cpo, statement.emsp, statement.currency,
      ...LINE_FIELDS.map((name) => line[name]),
      ...taxes.map((name) => amounts.get(name) ?? '0.00'), line.tax_total, line.total, line.status, line.class,
      line.credit_of, line.prior_period,
    ]);
  }
}
