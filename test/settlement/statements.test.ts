import { Decimal } from 'decimal.js';
import { extractText, getDocumentProxy } from 'unpdf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordSettlementCdrs } from '../../src/clearing/settlement/cdrs.js';
import { statementCsv } from '../../src/clearing/invoices/csv.js';
import { statementPdf } from '../../src/clearing/invoices/pdf.js';
import { closePeriod } from '../../src/clearing/settlement/close.js';
import { netPositions } from '../../src/clearing/settlement/positions.js';
import { settlePeriod } from '../../src/clearing/settlement/run.js';
import { getStatement, listStatements, statementLines } from '../../src/clearing/settlement/statements.js';
import { saveTerms } from '../../src/clearing/settlement/terms.js';
import type { Database } from '../../src/store/database.js';
import { openMigratedDatabase } from '../clearing/database.js';
import { databaseLabel } from '../support/hub.js';
import { cdr, configureBilling, NOVEMBER, OCTOBER, registerCompanies } from './fixtures.js';

describe(`settlement statements, computed by hand (${databaseLabel})`, () => {
  let db: Database;

  beforeAll(async () => {
    db = await openMigratedDatabase();
    await registerCompanies(db);
    await configureBilling(db);
    await recordSettlementCdrs(db, OCTOBER);
    await settlePeriod(db, '2026-10');
    await closePeriod(db, '2026-10', '2026-11-01');
    await recordSettlementCdrs(db, NOVEMBER);
    await settlePeriod(db, '2026-11');
    // Migrating an embedded database takes a while on a busy machine.
  }, 180_000);
  afterAll(() => db?.close());

  it('bills the October CDR and freezes October with an invoice number and due date', async () => {
    const october = await getStatement(db, '2026-10-USCP1-USMS1-USD');
    expect(october).toMatchObject({ periodStatus: 'CLOSED', invoiceNumber: expect.stringMatching(/^USCP1-2026-10-\d{6}$/), issuedOn: '2026-11-01', dueOn: '2026-12-01', paymentStatus: expect.any(String) });
    expect(october!.totals.amount_payable).toBe('12.00');
    // 0.30 + 2 % of 12.00 = 0.54, capped at 0.50.
    expect(october!.totals.fees.map((f) => [f.party, f.net, f.total])).toEqual([['US*CP1', '0.50', '0.50']]);
    await expect(settlePeriod(db, '2026-10')).rejects.toThrow(/closed/);
  });

  it('keeps a closed period as it was when a verdict changes afterwards', async () => {
    await recordSettlementCdrs(db, [{ ...OCTOBER[0], status: 'DISPUTED' }]);
    const lines = [];
    for await (const line of statementLines(db, '2026-10-USCP1-USMS1-USD')) lines.push(line);
    expect(lines.map((l) => [l.cdr_id, l.status, l.class])).toEqual([['C1', 'APPROVED', 'payable']]);
  });

  it('holds back the disputed CDR and sums taxes per tax (CAD, Ontario, Quebec, BC)', async () => {
    const cad = (await getStatement(db, '2026-11-CACP2-USMS1-CAD'))!;
    const { payable, held_back } = cad.totals.classes;
    expect([payable.count, payable.net, payable.tax, payable.gross]).toEqual([3, '36.00', '5.08', '41.08']);
    expect(payable.taxes.map((t) => [t.name, t.amount])).toEqual([['GST', '1.00'], ['HST ON', '2.08'], ['QST', '2.00']]);
    expect([held_back.count, held_back.net, held_back.tax, held_back.gross]).toEqual([1, '8.00', '0.40', '8.40']);
    expect(cad.totals.amount_payable).toBe('41.08');
    // A4 ended on October 31 in Toronto, after October closed: a prior-period adjustment.
    expect(cad.totals.prior_period_adjustments).toEqual({ count: 1, gross: '6.78' });
  });

  it('charges hub fees with minimum and cap, taxed by the payer’s province', async () => {
    const cad = (await getStatement(db, '2026-11-CACP2-USMS1-CAD'))!;
    // 3 sessions × 0.20 + 1 % of 36.00 = 0.96, raised to the 1.00 minimum; HST 13 % for Ontario.
    expect(cad.totals.fees.map((f) => [f.party, f.net, f.taxes.map((t) => `${t.name} ${t.amount}`), f.total])).toEqual([
      ['CA*CP2', '1.00', ['HST 0.13'], '1.13'],
      ['US*MS1', '1.00', [], '1.00'],
    ]);
    const usd = (await getStatement(db, '2026-11-USCP1-CAMS2-USD'))!;
    // Volt Street's fee is capped per period, over both its November statements: 3 sessions × 0.30
    // + 2 % of (20.00 − 2.00) = 1.26, capped at 0.50. Shared in proportion to what each adds:
    // this one 2 × 0.30 + 2 % of 20.00 = 1.00, the other 0.30 + 2 % of −2.00 = 0.26, so
    // 0.50 × 1.00 / 1.26 = 0.397 → 0.40 and 0.50 × 0.26 / 1.26 = 0.103 → 0.10.
    // Northern Roam's flat 2.00 a month; Quebec: GST 5 % and QST 9.975 % on the same base.
    expect(usd.totals.fees.map((f) => [f.party, f.net, f.taxes.map((t) => `${t.name} ${t.amount}`), f.total])).toEqual([
      ['US*CP1', '0.40', [], '0.40'],
      ['CA*MS2', '2.00', ['GST 0.10', 'QST 0.20'], '2.30'],
    ]);
    expect(usd.totals.amount_payable).toBe('20.00');
  });

  it('places CDRs by the end of their session in the agreement’s time zone', async () => {
    const lines = [];
    for await (const line of statementLines(db, '2026-11-USCP1-CAMS2-USD')) lines.push(line);
    expect(lines.map((l) => [l.cdr_id, l.end_local])).toEqual([['B1', '2026-11-10T10:00:00'], ['B2', '2026-11-30T23:30:00']]);
  });

  it('credits a CDR of a closed period with a negative line linked to it, next to its re-bill', async () => {
    const usd = (await getStatement(db, '2026-11-USCP1-USMS1-USD'))!;
    const lines = [];
    for await (const line of statementLines(db, usd.id)) lines.push(line);
    expect(lines.map((l) => [l.cdr_id, l.total, l.credit_of, l.prior_period])).toEqual([
      ['C1-CREDIT', '-12.00', 'C1', '2026-10'],
      ['C2', '10.00', null, '2026-10'],
    ]);
    expect(usd.totals.amount_payable).toBe('-2.00');
    expect(usd.totals.credits).toEqual({ count: 1, gross: '-12.00' });
    // Its share of Volt Street's capped fee for November (see above): 0.10, not 0.26.
    expect(usd.totals.fees.map((f) => f.net)).toEqual(['0.10']);
    expect((await getStatement(db, '2026-10-USCP1-USMS1-USD'))!.totals.amount_payable).toBe('12.00');
  });

  it('re-running an open period changes nothing', async () => {
    const before = await listStatements(db, { period: '2026-11' });
    await settlePeriod(db, '2026-11');
    const after = await listStatements(db, { period: '2026-11' });
    expect(after.map((s) => [s.id, s.totals])).toEqual(before.map((s) => [s.id, s.totals]));
    expect(after.map((s) => s.id)).toEqual(['2026-11-CACP2-USMS1-CAD', '2026-11-USCP1-CAMS2-USD', '2026-11-USCP1-USMS1-USD']);
  });

  it('nets each company against each counterparty per currency, both gross sides shown', async () => {
    const positions = await netPositions(db, '2026-11');
    const view = positions.map((p) => [p.company, p.counterparty, p.currency, p.receivable.amount, p.payable.amount, p.net.amount]);
    expect(view).toEqual([
      ['DriveOn', 'Maple Group', 'CAD', '0.00', '41.08', '-41.08'],
      ['DriveOn', 'Volt Street', 'USD', '0.00', '-2.00', '2.00'],
      ['Maple Group', 'DriveOn', 'CAD', '41.08', '0.00', '41.08'],
      ['Maple Group', 'Volt Street', 'USD', '0.00', '20.00', '-20.00'],
      ['Volt Street', 'DriveOn', 'USD', '-2.00', '0.00', '-2.00'],
      ['Volt Street', 'Maple Group', 'USD', '20.00', '0.00', '20.00'],
    ]);
  });

  it('a CDR that arrives while the period is open joins it on the next run', async () => {
    await recordSettlementCdrs(db, [cdr('B3', { emsp: 'CA*MS2', claimedTotal: '1.00' })]);
    await settlePeriod(db, '2026-11');
    expect((await getStatement(db, '2026-11-USCP1-CAMS2-USD'))!.totals.amount_payable).toBe('21.00');
  });

  it('exports CSV rows that sum to the statement, per class and per tax', async () => {
    const statement = (await getStatement(db, '2026-11-CACP2-USMS1-CAD'))!;
    let text = '';
    for await (const chunk of statementCsv(db, statement)) text += chunk;
    const [header, ...rows] = text.trimEnd().split('\r\n').map((line) => line.split(','));
    const column = (name: string) => header.indexOf(name);
    const total = (cls: string, name: string) =>
      rows.filter((r) => r[column('class')] === cls).reduce((sum, r) => sum.plus(r[column(name)]), new Decimal(0)).toFixed(2);
    expect(rows.map((r) => r[column('class')])).toEqual(['payable', 'payable', 'held_back', 'payable', 'hub_fee', 'hub_fee']);
    expect(total('payable', 'total')).toBe(statement.totals.amount_payable);
    expect(total('held_back', 'total')).toBe(statement.totals.classes.held_back.gross);
    expect(header.filter((name) => name.startsWith('tax:'))).toEqual(['tax:GST 5%', 'tax:HST 13%', 'tax:HST ON 13%', 'tax:QST 9.975%']);
    for (const tax of statement.totals.classes.payable.taxes) expect(total('payable', `tax:${tax.name} ${tax.percentage}%`)).toBe(tax.amount);
    expect(total('held_back', 'tax:GST 5%')).toBe('0.40');
    // The hub fees' rows: each fee's taxes in their own columns (Maple Charge's HST on its fee).
    expect(total('hub_fee', 'tax:HST 13%')).toBe('0.13');
    expect(total('hub_fee', 'total')).toBe('2.13');
    expect(header).toEqual(expect.arrayContaining(['cdr_id', 'session_id', 'invoice_reference_id', 'start_local', 'end_local', 'time_zone', 'evse_uid', 'city', 'state', 'contract_id', 'tariff_id', 'tariff_version', 'energy_kwh', 'charging_minutes', 'idle_minutes', 'claimed_total', 'computed_total', 'status']));
  });

  it('renders the invoice PDF of a closed period with its parties, taxes and totals', async () => {
    await closePeriod(db, '2026-11', '2026-12-01');
    const statement = (await getStatement(db, '2026-11-CACP2-USMS1-CAD'))!;
    const pdf = await statementPdf(db, statement);
    const { text } = await extractText(await getDocumentProxy(new Uint8Array(pdf)), { mergePages: true });
    expect(text).toContain('INVOICE');
    expect(text).toContain(statement.invoiceNumber!);
    expect(text).toMatch(/Maple Charge Ltd\.[\s\S]*GST\/HST registration: 123456789 RT0001/);
    expect(text).toContain('DriveOn LLC');
    expect(text).toContain('Due: 2026-12-31');
    // Each tax on a line of its own: the CDRs' taxes per class, the hub fee's HST.
    expect(text).toMatch(/GST 5 %\s*1\.00 CAD\s*HST ON 13 %\s*2\.08 CAD\s*QST 9\.975 %\s*2\.00 CAD/);
    expect(text).toMatch(/Total payable\s*41\.08 CAD/);
    expect(text).toMatch(/Held back, disputed \(1 CDRs, not payable\), excluding taxes\s*8\.00 CAD\s*GST 5 %\s*0\.40 CAD/);
    expect(text).toMatch(/Held back, disputed, not payable\s*8\.40 CAD/);
    expect(text).toMatch(/HST 13 %\s*0\.13 CAD\s*Hub fee total, CA\*CP2\s*1\.13 CAD/);
    // The CDR table has a column per tax: A2's GST and QST.
    expect(text).toMatch(/A2\s.*\s1\.00\s+0\.00\s+2\.00\s+23\.00/);
  });

  it('settles an agreement weekly in its own time zone, self-billed by the eMSP', async () => {
    await saveTerms(db, { cpo: 'CA*CP2', emsp: 'CA*MS2', cadence: 'WEEKLY', timeZone: 'America/Regina', billing: 'SELF_BILLING', paymentTermsDays: 10, hubIssuesInvoices: false });
    // Sunday December 6, 23:30 in Regina (UTC−6 all year): week 49 there, week 50 in UTC.
    await recordSettlementCdrs(db, [cdr('W1', { owner: 'CA*CP2', emsp: 'CA*MS2', currency: 'CAD', startAt: '2026-12-07T05:00:00Z', endAt: '2026-12-07T05:30:00Z', claimedTotal: '4.00' })]);
    await settlePeriod(db, '2026-12');
    expect((await listStatements(db, { period: '2026-12', party: 'CA*MS2' })).map((s) => s.id)).toEqual(['2026-12-USCP1-CAMS2-USD']);
    // D1 arrived with November's CDRs but ended in December: November left it for December.
    const december = [];
    for await (const line of statementLines(db, '2026-12-USCP1-CAMS2-USD')) december.push(line);
    expect(december.map((l) => [l.cdr_id, l.prior_period])).toEqual([['D1', null]]);
    await closePeriod(db, '2026-W49', '2026-12-07');
    const [weekly] = await listStatements(db, { period: '2026-W49' });
    expect(weekly).toMatchObject({ id: '2026-W49-CACP2-CAMS2-CAD', billing: 'SELF_BILLING', dueOn: '2026-12-17', invoiceNumber: expect.stringMatching(/^CAMS2-2026-W49-/) });
    const { text } = await extractText(await getDocumentProxy(new Uint8Array(await statementPdf(db, weekly))), { mergePages: true });
    expect(text).toContain('SELF-BILLING INVOICE');
    expect(text).toMatch(/From[\s\S]*Northern Roam Inc\.[\s\S]*QST registration: 1234567890 TQ0001/);
  });
});
