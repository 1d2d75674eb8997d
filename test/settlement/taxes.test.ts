import { Decimal } from 'decimal.js';
import { extractText, getDocumentProxy } from 'unpdf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordReceivedCdr } from '../../src/clearing/intake.js';
import { statementCsv } from '../../src/clearing/invoices/csv.js';
import { statementPdf } from '../../src/clearing/invoices/pdf.js';
import { settlePeriod } from '../../src/clearing/settlement/run.js';
import { getStatement, statementLines } from '../../src/clearing/settlement/statements.js';
import { saveTerms } from '../../src/clearing/settlement/terms.js';
import type { Cdr } from '../../src/ocpi/v2_2_1/index.js';
import type { Database } from '../../src/store/database.js';
import { openMigratedDatabase } from '../clearing/database.js';
import { cdrFixture } from '../clearing/fixtures.js';
import { databaseLabel } from '../support/hub.js';

/**
 * Taxes per line: an OCPI 2.2.1 CDR claims one tax total (incl_vat − excl_vat); settlement shows
 * each tax on its own, from the audit's price of the CDR or else the tax table of the location's
 * province. Computed by hand below; CA*CP9 bills US*MS1 in CAD in November 2026.
 */
const canadian = (id: string, state: string, excl: number, incl: number): Cdr =>
  cdrFixture({
    id,
    country_code: 'CA',
    party_id: 'CP9',
    currency: 'CAD',
    start_date_time: '2026-11-10T14:00:00Z',
    end_date_time: '2026-11-10T15:00:00Z',
    cdr_location: { ...cdrFixture({ id }).cdr_location, city: 'Somewhere', state, country: 'CAN' },
    total_cost: { excl_vat: excl, incl_vat: incl },
  });

const CDRS = [
  // Audited: the tariff's price bears GST 1.00 and QST 1.995, which round to the claimed 3.00.
  canadian('K1', 'QC', 20, 23),
  // No price: the table of Ontario, HST 13 % of 10.00.
  canadian('K2', 'ON', 10, 11.3),
  // No price: British Columbia, GST 5 % (0.50) and PST 7 % (0.70) of 10.00.
  canadian('K3', 'British Columbia', 10, 11.2),
  // No price, Quebec, and a claimed total a cent short of the table's (1.00 + 1.995 → 3.00):
  // 2.99 shared 1.00 : 1.995 → 0.998 and 1.992 → 0.99 and 1.99, the cent left to GST → 1.00 and 1.99.
  canadian('K5', 'QC', 20, 22.99),
  // Audited: three taxes on one line, GST 0.50, PST 0.70 and a levy of 1 % (an operator's rate), 0.10.
  canadian('K6', 'BC', 10, 11.3),
];

describe(`each tax on its own line, statement, CSV and PDF (${databaseLabel})`, () => {
  let db: Database;

  beforeAll(async () => {
    db = await openMigratedDatabase();
    await saveTerms(db, { cpo: null, emsp: null, cadence: 'MONTHLY', timeZone: 'America/Toronto', billing: 'DIRECT', paymentTermsDays: 30, hubIssuesInvoices: false });
    await db.transaction(async (tx) => {
      for (const cdr of CDRS) {
        await recordReceivedCdr(tx, { cdr, from: { countryCode: 'CA', partyId: 'CP9' } });
        await tx.query(
          `INSERT INTO objects (module, country_code, party_id, object_id, data, last_updated) VALUES ('cdrs', 'CA', 'CP9', $1, $2, $3)`,
          [cdr.id, JSON.stringify(cdr), cdr.last_updated],
        );
      }
      const priced = { priced: { total_cost: { before_taxes: 20, taxes: [{ name: 'GST', percentage: 5, amount: 1 }, { name: 'QST', percentage: 9.975, amount: 1.995 }], after_taxes: 22.995 } } };
      await tx.query(`UPDATE clearing_cdrs SET audit = $1, status = 'ACCEPTED' WHERE cdr_id = 'K1'`, [JSON.stringify(priced)]);
      const levied = { priced: { total_cost: { before_taxes: 10, taxes: [{ name: 'GST', percentage: 5, amount: 0.5 }, { name: 'PST', percentage: 7, amount: 0.7 }, { name: 'Levy', percentage: 1, amount: 0.1 }], after_taxes: 11.3 } } };
      await tx.query(`UPDATE clearing_cdrs SET audit = $1, status = 'ACCEPTED' WHERE cdr_id = 'K6'`, [JSON.stringify(levied)]);
    });
    await settlePeriod(db, '2026-11');
  }, 180_000);
  afterAll(() => db?.close());

  const ID = '2026-11-CACP9-USMS1-CAD';

  it('itemizes each CDR’s tax total', async () => {
    const lines = [];
    for await (const line of statementLines(db, ID)) lines.push(line);
    expect(lines.map((l) => [l.cdr_id, l.taxes.map((t) => `${t.name} ${t.percentage} ${t.amount}`), l.tax_total])).toEqual([
      ['K1', ['GST 5 1.00', 'QST 9.975 2.00'], '3.00'],
      ['K2', ['HST 13 1.30'], '1.30'],
      ['K3', ['GST 5 0.50', 'PST 7 0.70'], '1.20'],
      ['K5', ['GST 5 1.00', 'QST 9.975 1.99'], '2.99'],
      ['K6', ['GST 5 0.50', 'PST 7 0.70', 'Levy 1 0.10'], '1.30'],
    ]);
  });

  it('subtotals the statement per tax', async () => {
    const statement = (await getStatement(db, ID))!;
    // GST 1.00 + 0.50 + 1.00 + 0.50; HST 1.30; the levy 0.10; PST 0.70 + 0.70; QST 2.00 + 1.99.
    expect(statement.totals.classes.payable.taxes.map((t) => [t.name, t.percentage, t.amount])).toEqual([
      ['GST', '5', '3.00'],
      ['HST', '13', '1.30'],
      ['Levy', '1', '0.10'],
      ['PST', '7', '1.40'],
      ['QST', '9.975', '3.99'],
    ]);
    expect([statement.totals.classes.payable.net, statement.totals.classes.payable.tax, statement.totals.amount_payable]).toEqual(['70.00', '9.79', '79.79']);
  });

  it('gives each tax a CSV column that sums to its subtotal', async () => {
    const statement = (await getStatement(db, ID))!;
    let text = '';
    for await (const chunk of statementCsv(db, statement)) text += chunk;
    const [header, ...rows] = text.trimEnd().split('\r\n').map((line) => line.split(','));
    const sum = (name: string) => rows.reduce((total, r) => total.plus(r[header.indexOf(name)]), new Decimal(0)).toFixed(2);
    const columns = ['tax:GST 5%', 'tax:HST 13%', 'tax:Levy 1%', 'tax:PST 7%', 'tax:QST 9.975%'];
    expect(header.filter((name) => name.startsWith('tax:'))).toEqual(columns);
    expect(columns.map(sum)).toEqual(['3.00', '1.30', '0.10', '1.40', '3.99']);
    expect(sum('total')).toBe('79.79');
  });

  it('prints each tax on a line of its own in the PDF', async () => {
    const statement = (await getStatement(db, ID))!;
    const { text } = await extractText(await getDocumentProxy(new Uint8Array(await statementPdf(db, statement))), { mergePages: true });
    expect(text).toMatch(/GST 5 %\s*3\.00 CAD\s*HST 13 %\s*1\.30 CAD\s*Levy 1 %\s*0\.10 CAD\s*PST 7 %\s*1\.40 CAD\s*QST 9\.975 %\s*3\.99 CAD/);
    expect(text).not.toMatch(/\bTax\b/);
  });

  it('fits the CDR table, a column for each of the five taxes, between the page margins', async () => {
    const statement = (await getStatement(db, ID))!;
    const pdf = await getDocumentProxy(new Uint8Array(await statementPdf(db, statement)));
    const margin = 48;
    const lines = new Map<string, { x: number; text: string }[]>();
    for (let number = 1; number <= pdf.numPages; number++) {
      const page = await pdf.getPage(number);
      const [, , pageWidth] = page.view;
      for (const item of (await page.getTextContent()).items) {
        if (!('str' in item) || item.str.trim() === '') continue;
        const [, , , , x, y] = item.transform as number[];
        expect(x + item.width, `"${item.str}" on page ${number}`).toBeLessThanOrEqual(pageWidth - margin + 0.5);
        const line = `${number}/${Math.round(y)}`;
        lines.set(line, [...(lines.get(line) ?? []), { x, text: item.str }]);
      }
    }
    const texts = [...lines.values()].map((items) => items.sort((a, b) => a.x - b.x).map((item) => item.text).join(' '));
    // Every tax's heading whole, the rate included.
    expect(texts.find((text) => text.includes('Ended (local)'))).toMatch(/GST 5%\s+HST 13%\s+Levy 1%\s+PST 7%\s+QST 9\.975%\s+Total/);
  });
});
