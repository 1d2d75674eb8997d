import { Decimal } from 'decimal.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordSettlementCdrs } from '../../src/clearing/settlement/cdrs.js';
import { settlePeriod } from '../../src/clearing/settlement/run.js';
import { listStatements } from '../../src/clearing/settlement/statements.js';
import { createFeeSchedule, saveBillingDetails, saveTerms } from '../../src/clearing/settlement/terms.js';
import type { Database } from '../../src/store/database.js';
import { openMigratedDatabase } from '../clearing/database.js';
import { databaseLabel } from '../support/hub.js';
import { cdr } from './fixtures.js';

/**
 * Hub fees as finance reads a fee schedule: the minimum, the cap and the flat amount hold per
 * schedule, per payer and per period, however many statements the payer has in the period.
 * Computed by hand below. November 2026, CAD, settled in UTC:
 *
 *   CA*CP3 ← CA*MA1   3 CDRs of 100.00
 *   CA*CP3 ← CA*MB2   2 CDRs of 50.00
 *   CA*CP4 ← CA*MB2   1 CDR of 200.00
 */
describe(`hub fees per schedule, payer and period, computed by hand (${databaseLabel})`, () => {
  let db: Database;
  const none = { perSession: new Decimal(0), perKwh: new Decimal(0), percent: new Decimal(0), flat: new Decimal(0), minimum: null, cap: null };

  beforeAll(async () => {
    db = await openMigratedDatabase();
    await saveTerms(db, { cpo: null, emsp: null, cadence: 'MONTHLY', timeZone: 'UTC', billing: 'DIRECT', paymentTermsDays: 30, hubIssuesInvoices: false });
    const billing = (party: string, province: string) => ({
      party, legalName: party, address: null, city: null, province, postalCode: null, country: 'CA',
      gstHstNumber: null, qstNumber: null, usSalesTaxPermit: null, email: null,
    });
    await saveBillingDetails(db, billing('CA*CP3', 'ON'));
    await saveBillingDetails(db, billing('CA*MB2', 'QC'));
    // CA*CP3 pays 0.50 a session, at least 5.00 a month.
    await createFeeSchedule(db, { ...none, cpo: 'CA*CP3', emsp: null, currency: 'CAD', payer: 'CPO', perSession: new Decimal('0.50'), minimum: new Decimal(5) });
    // CA*MB2 pays 2 % of its volume, at most 4.00 a month.
    await createFeeSchedule(db, { ...none, cpo: null, emsp: 'CA*MB2', currency: 'CAD', payer: 'EMSP', percent: new Decimal(2), cap: new Decimal(4) });
    const cad = { currency: 'CAD', city: 'Toronto', state: 'ON', country: 'CAN' };
    await recordSettlementCdrs(db, [
      ...['F1', 'F2', 'F3'].map((id) => cdr(id, { ...cad, owner: 'CA*CP3', emsp: 'CA*MA1', claimedTotal: '100.00' })),
      ...['F4', 'F5'].map((id) => cdr(id, { ...cad, owner: 'CA*CP3', emsp: 'CA*MB2', claimedTotal: '50.00' })),
      cdr('F6', { ...cad, owner: 'CA*CP4', emsp: 'CA*MB2', claimedTotal: '200.00' }),
    ]);
    await settlePeriod(db, '2026-11');
  }, 180_000);
  afterAll(() => db?.close());

  const feesOf = async () =>
    Object.fromEntries((await listStatements(db, { period: '2026-11' })).map((s) => [s.id, s.totals.fees.map((f) => [f.party, f.net, f.taxes.map((t) => `${t.name} ${t.amount}`), f.total])]));

  it('raises a payer to its minimum once for the period, shared over its statements', async () => {
    // CA*CP3: 5 sessions × 0.50 = 2.50 for November, raised to the 5.00 minimum (not 5.00 per
    // statement). Shared 1.50 : 1.00 → 3.00 and 2.00; HST 13 % (Ontario) on each: 0.39 and 0.26.
    const fees = await feesOf();
    expect(fees['2026-11-CACP3-CAMA1-CAD']).toEqual([['CA*CP3', '3.00', ['HST 0.39'], '3.39']]);
    expect(fees['2026-11-CACP3-CAMB2-CAD'][0]).toEqual(['CA*CP3', '2.00', ['HST 0.26'], '2.26']);
  });

  it('caps a payer once for the period, the cents going to the largest remainder', async () => {
    // CA*MB2: 2 % of (100.00 + 200.00) = 6.00 for November, capped at 4.00 (not 2.00 + 4.00).
    // Shared 2.00 : 4.00 → 1.333… and 2.666… → 1.33 and 2.67. Quebec: GST 5 % and QST 9.975 %,
    // each on the share: 1.33 → 0.0665 → 0.07 and 0.1327 → 0.13; 2.67 → 0.1335 → 0.13 and 0.2663 → 0.27.
    const fees = await feesOf();
    expect(fees['2026-11-CACP3-CAMB2-CAD'][1]).toEqual(['CA*MB2', '1.33', ['GST 0.07', 'QST 0.13'], '1.53']);
    expect(fees['2026-11-CACP4-CAMB2-CAD']).toEqual([['CA*MB2', '2.67', ['GST 0.13', 'QST 0.27'], '3.07']]);
  });

  it('describes a shared fee with the period’s figures', async () => {
    const [statement] = await listStatements(db, { period: '2026-11', party: 'CA*MA1' });
    expect(statement.totals.fees[0].detail).toBe('share of 5.00 for the period over 2 statements: 5 sessions × 0.5; minimum 5');
  });
});
