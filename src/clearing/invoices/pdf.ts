import PDFDocument from 'pdfkit';
import type { Queryable } from '../../store/database.js';
import { amountText } from '../settlement/money.js';
import { parsePeriod } from '../settlement/periods.js';
import { invoiceParties, statementLines, type Statement } from '../settlement/statements.js';
import type { ClassTotals } from '../settlement/statement-model.js';
import { billingDetails, type BillingDetails } from '../settlement/terms.js';
import { amountsByColumn, taxColumns, type TaxColumn } from './tax-columns.js';

/**
 * A statement as a PDF invoice (pdfkit): issuer and recipient with their tax registrations, the
 * invoice number, period, currency, issue and due dates, the charges with each tax on a line of its
 * own, the amount payable, what is held back or written off, the hub's fees with their taxes, then
 * one row per CDR with a column per tax. A DIRECT statement is
 * the CPO's invoice; a SELF_BILLING one is issued by the eMSP on the CPO's behalf.
 */
type Doc = InstanceType<typeof PDFDocument>;

const MARGIN = 48;

function party(doc: Doc, heading: string, partyText: string, details: BillingDetails | undefined, x: number, y: number): void {
  const lines = [
    details?.legalName ?? partyText,
    `OCPI party ${partyText}`,
    details?.address,
    [details?.city, details?.province, details?.postalCode].filter(Boolean).join(', ') || undefined,
    details?.country,
    details?.gstHstNumber && `GST/HST registration: ${details.gstHstNumber}`,
    details?.qstNumber && `QST registration: ${details.qstNumber}`,
    details?.usSalesTaxPermit && `Sales tax permit: ${details.usSalesTaxPermit}`,
    details?.email,
  ].filter((line): line is string => Boolean(line));
  doc.font('Helvetica-Bold').fontSize(10).text(heading, x, y);
  doc.font('Helvetica').fontSize(9);
  for (const line of lines) doc.text(line, x);
}

/** One label and amount per row, the amount right-aligned. */
function amountRow(doc: Doc, label: string, amount: string, bold = false): void {
  const y = doc.y;
  doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(10);
  doc.text(label, MARGIN, y, { width: 360 });
  doc.text(amount, MARGIN + 360, y, { width: 150, align: 'right' });
}

/** The CDR table: fixed-width columns in Courier, one text run per row (thousands of rows stay fast). */
type Column = [heading: string, width: number, align: 'left' | 'right'];

/** The table's columns: the CDR's facts, then one column per tax and rate, then the total. */
const lineColumns = (taxes: TaxColumn[]): Column[] => [
  ['CDR', 20, 'left'], ['Ended (local)', 16, 'left'], ['Place', 14, 'left'], ['kWh', 8, 'right'], ['Net', 9, 'right'],
  ...taxes.map((tax): Column => [tax.label, Math.max(8, tax.label.length), 'right']), ['Total', 9, 'right'], ['Status', 12, 'left'],
];

/** Courier's every glyph advances 600/1000 of the font size. */
const COURIER_ADVANCE = 0.6;
const TABLE_FONT_SIZE = 7;
const TABLE_LINE_HEIGHT = 9 / 7;

interface Table {
  columns: Column[];
  fontSize: number;
}

/**
 * The table at 7 pt, or smaller when its columns would not fit between the margins: each tax and
 * rate has a column of its own, and a Canadian statement can carry five or more.
 */
function table(doc: Doc, columns: Column[]): Table {
  const characters = columns.reduce((sum, [, width]) => sum + width, 0) + columns.length - 1;
  const fitting = (doc.page.width - 2 * MARGIN) / (characters * COURIER_ADVANCE);
  return { columns, fontSize: Math.min(TABLE_FONT_SIZE, Math.floor(fitting * 10) / 10) };
}

const cell = (value: string, width: number, align: 'left' | 'right') => {
  const text = value.length > width ? `${value.slice(0, width - 1)}…` : value;
  return align === 'left' ? text.padEnd(width) : text.padStart(width);
};

function lineRow(doc: Doc, { columns, fontSize }: Table, values: string[], font = 'Courier'): void {
  const lineHeight = fontSize * TABLE_LINE_HEIGHT;
  if (doc.y > doc.page.height - MARGIN - lineHeight - 3) doc.addPage();
  doc.font(font).fontSize(fontSize);
  doc.text(values.map((value, i) => cell(value, columns[i][1], columns[i][2])).join(' '), MARGIN, doc.y, { lineBreak: false });
  doc.y += lineHeight;
}

/** A class of lines: its net, then each of its taxes on a line of its own. */
function classRows(doc: Doc, label: string, totals: ClassTotals, money: (value: string) => string): void {
  amountRow(doc, `${label}, excluding taxes`, money(totals.net));
  for (const tax of totals.taxes) amountRow(doc, `    ${tax.name}${tax.percentage ? ` ${tax.percentage} %` : ''}`, money(tax.amount));
}

async function render(doc: Doc, db: Queryable, statement: Statement): Promise<void> {
  const money = (value: string) => `${amountText(value, statement.currency)} ${statement.currency}`;
  const { issuer, recipient } = invoiceParties(statement);
  const [issuerDetails, recipientDetails] = [await billingDetails(db, issuer), await billingDetails(db, recipient)];
  const period = parsePeriod(statement.period);
  const { totals } = statement;

  doc.font('Helvetica-Bold').fontSize(18).text(statement.billing === 'DIRECT' ? 'INVOICE' : 'SELF-BILLING INVOICE', MARGIN, MARGIN);
  doc.font('Helvetica').fontSize(9);
  if (statement.billing === 'SELF_BILLING') doc.text('Issued by the recipient of the service on behalf of the supplier.');
  doc.moveDown(0.5);
  const facts = [
    `Invoice number: ${statement.invoiceNumber ?? 'DRAFT (period open)'}`,
    `Period: ${statement.period}${period ? ` (${period.startLocal.slice(0, 10)} to ${period.endLocal.slice(0, 10)}, exclusive, ${statement.timeZone})` : ''}`,
    `Currency: ${statement.currency}`,
    `Issued: ${statement.issuedOn ?? '-'}    Due: ${statement.dueOn ?? '-'}`,
    `Statement: ${statement.id}`,
  ];
  for (const fact of facts) doc.text(fact);
  const top = doc.y + 10;
  party(doc, 'From', issuer, issuerDetails, MARGIN, top);
  const afterIssuer = doc.y;
  party(doc, 'To', recipient, recipientDetails, MARGIN + 270, top);
  doc.y = Math.max(afterIssuer, doc.y) + 14;

  doc.font('Helvetica-Bold').fontSize(12).text('Charging sessions', MARGIN);
  doc.moveDown(0.3);
  const payable = totals.classes.payable;
  classRows(doc, `Charging sessions (${payable.count} CDRs)`, payable, money);
  if (totals.credits.count > 0) amountRow(doc, `of which credits (${totals.credits.count}), taxes included`, money(totals.credits.gross));
  if (totals.prior_period_adjustments.count > 0) {
    amountRow(doc, `of which prior-period adjustments (${totals.prior_period_adjustments.count})`, money(totals.prior_period_adjustments.gross));
  }
  amountRow(doc, 'Total payable', money(totals.amount_payable), true);
  const held = totals.classes.held_back;
  const off = totals.classes.written_off;
  for (const [label, notPayable] of [['Held back, disputed', held], ['Written off', off]] as const) {
    if (notPayable.count === 0) continue;
    doc.moveDown(0.5);
    classRows(doc, `${label} (${notPayable.count} CDRs, not payable)`, notPayable, money);
    amountRow(doc, `${label}, not payable`, money(notPayable.gross), true);
  }

  if (totals.fees.length > 0) {
    doc.moveDown(0.8);
    doc.font('Helvetica-Bold').fontSize(12).text('Hub fees (invoiced by the hub, not part of the total above)', MARGIN);
    doc.moveDown(0.3);
    for (const fee of totals.fees) {
      amountRow(doc, `${fee.payer} ${fee.party}: ${fee.detail}`, money(fee.net));
      for (const tax of fee.taxes) amountRow(doc, `    ${tax.name} ${tax.percentage} %`, money(tax.amount));
      amountRow(doc, `    Hub fee total, ${fee.party}`, money(fee.total), true);
    }
  }

  doc.moveDown(1);
  doc.font('Helvetica-Bold').fontSize(12).text('Charge detail records', MARGIN);
  doc.moveDown(0.3);
  const taxes = taxColumns(statement, { fees: false });
  const cdrTable = table(doc, lineColumns(taxes));
  lineRow(doc, cdrTable, cdrTable.columns.map(([heading]) => heading), 'Courier-Bold');
  for await (const line of statementLines(db, statement.id)) {
    lineRow(doc, cdrTable, [
      line.cdr_id,
      line.end_local.replace('T', ' '),
      [line.city, line.state].filter(Boolean).join(', '),
      line.energy_kwh,
      line.claimed_total,
      ...amountsByColumn(taxes, line.taxes),
      line.total,
      line.credit_of ? `CREDIT ${line.credit_of}` : line.status,
    ]);
  }
}

/** Renders the statement's invoice; resolves with the PDF's bytes. */
export async function statementPdf(db: Queryable, statement: Statement): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'LETTER', margin: MARGIN, info: { Title: `Invoice ${statement.invoiceNumber ?? statement.id}`, Producer: 'Switchyard' } });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  try {
    await render(doc, db, statement);
  } finally {
    doc.end();
  }
  return done;
}
