import type { Statement } from '../settlement/statements.js';

/** A tax as the exports show it in a column of its own: its name and rate (GST 5%, QST 9.975%). */
export interface TaxColumn {
  key: string;
  label: string;
}

interface TaxLike {
  name: string;
  percentage: string | null;
}

const taxKey = (tax: TaxLike) => `${tax.name}|${tax.percentage ?? ''}`;

/** One column per tax and rate the statement carries on its lines and, unless told not to, on its hub fees. */
export function taxColumns(statement: Statement, options: { fees: boolean } = { fees: true }): TaxColumn[] {
  const { classes, fees } = statement.totals;
  const taxes = [classes.payable, classes.held_back, classes.written_off, ...(options.fees ? fees : [])].flatMap((c) => c.taxes);
  const columns = new Map(taxes.map((t) => [taxKey(t), { key: taxKey(t), label: `${t.name}${t.percentage ? ` ${t.percentage}%` : ''}` }]));
  return [...columns.values()].sort((a, b) => a.label.localeCompare(b.label));
}

/** A line's (or a fee's) tax amounts in the order of the columns, 0.00 where it bears none. */
export function amountsByColumn(columns: TaxColumn[], taxes: Array<TaxLike & { amount: string }>): string[] {
  const amounts = new Map(taxes.map((t) => [taxKey(t), t.amount]));
  return columns.map((column) => amounts.get(column.key) ?? '0.00');
}
