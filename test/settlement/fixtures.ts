import { randomUUID } from 'node:crypto';
import { Decimal } from 'decimal.js';
import type { SettlementCdr } from '../../src/clearing/settlement/cdrs.js';
import { createFeeSchedule, saveBillingDetails, saveTerms } from '../../src/clearing/settlement/terms.js';
import { createPlatform } from '../../src/hub/registry.js';
import type { Queryable } from '../../src/store/database.js';

/**
 * The settlement scenario, computed by hand. Companies: Volt Street (CPO US*CP1), DriveOn (eMSP
 * US*MS1) and Maple Group, in both roles (CPO CA*CP2, eMSP CA*MS2). The hub settles monthly in
 * Toronto time.
 */
export const COMPANIES = { 'Volt Street': [['US', 'CP1', 'CPO']], DriveOn: [['US', 'MS1', 'EMSP']], 'Maple Group': [['CA', 'CP2', 'CPO'], ['CA', 'MS2', 'EMSP']] } as const;

export async function registerCompanies(db: Queryable): Promise<void> {
  for (const [name, parties] of Object.entries(COMPANIES)) {
    const platform = await createPlatform(db, name);
    for (const [country, party, role] of parties) {
      await db.query(`INSERT INTO parties (id, platform_id, role, country_code, party_id, business_details) VALUES ($1, $2, $3, $4, $5, '{}')`, [
        randomUUID(), platform.id, role, country, party,
      ]);
    }
  }
}

export async function configureBilling(db: Queryable): Promise<void> {
  await saveTerms(db, { cpo: null, emsp: null, cadence: 'MONTHLY', timeZone: 'America/Toronto', billing: 'DIRECT', paymentTermsDays: 30, hubIssuesInvoices: false });
  const details = (party: string, legalName: string, country: string, province: string, extra: Record<string, string> = {}) => ({
    party, legalName, address: '1 Main Street', city: 'Somewhere', province, postalCode: '00000', country,
    gstHstNumber: null, qstNumber: null, usSalesTaxPermit: null, email: null, ...extra,
  });
  await saveBillingDetails(db, details('US*CP1', 'Volt Street Inc.', 'US', 'MA', { usSalesTaxPermit: 'MA-ST-1234' }));
  await saveBillingDetails(db, details('US*MS1', 'DriveOn LLC', 'US', 'CA'));
  await saveBillingDetails(db, details('CA*CP2', 'Maple Charge Ltd.', 'CA', 'ON', { gstHstNumber: '123456789 RT0001' }));
  await saveBillingDetails(db, details('CA*MS2', 'Northern Roam Inc.', 'CA', 'QC', { gstHstNumber: '987654321 RT0001', qstNumber: '1234567890 TQ0001' }));
  const none = { perSession: new Decimal(0), perKwh: new Decimal(0), percent: new Decimal(0), flat: new Decimal(0), minimum: null, cap: null };
  // Volt Street pays 0.30 per session plus 2 % of volume, capped at 0.50 per statement.
  await createFeeSchedule(db, { ...none, cpo: 'US*CP1', emsp: null, currency: 'USD', payer: 'CPO', perSession: new Decimal('0.30'), percent: new Decimal(2), cap: new Decimal('0.50') });
  // Northern Roam pays a flat 2.00 a month on its USD statements.
  await createFeeSchedule(db, { ...none, cpo: null, emsp: 'CA*MS2', currency: 'USD', payer: 'EMSP', flat: new Decimal(2) });
  // Maple Charge and DriveOn both pay 0.20 per session plus 1 %, at least 1.00.
  await createFeeSchedule(db, { ...none, cpo: 'CA*CP2', emsp: 'US*MS1', currency: 'CAD', payer: 'BOTH', perSession: new Decimal('0.20'), percent: new Decimal(1), minimum: new Decimal(1) });
}

const tax = (name: string, percentage: string, amount: string) => ({ name, percentage, amount });

export function cdr(id: string, overrides: Partial<SettlementCdr>): SettlementCdr {
  const taxes = overrides.taxes ?? [];
  return {
    owner: 'US*CP1', cdrId: id, emsp: 'US*MS1', currency: 'USD', sessionId: `S-${id}`, invoiceReferenceId: null,
    startAt: '2026-11-10T14:00:00Z', endAt: '2026-11-10T15:00:00Z', timeZone: 'America/Toronto', evseUid: 'EVSE-1',
    city: 'Toronto', state: 'ON', country: 'CAN', contractId: 'US-MS1-C1', tariffId: 'T1', tariffVersion: '2026-01-01T00:00:00Z',
    energyKwh: '10', chargingMinutes: '50', idleMinutes: '10', energyCost: overrides.claimedTotal ?? '0', timeCost: '0', parkingCost: '0',
    fixedCost: '0', reservationCost: '0', claimedTotal: '0', computedTotal: overrides.claimedTotal ?? '0',
    taxes, taxTotal: taxes.reduce((t, x) => t.plus(x.amount), new Decimal(0)).toFixed(2), status: 'APPROVED', creditOf: null,
    ...overrides,
  };
}

const cp2 = { owner: 'CA*CP2', emsp: 'US*MS1', currency: 'CAD' } as const;

/** CDRs of October, settled and closed before November's arrive. */
export const OCTOBER = [cdr('C1', { endAt: '2026-10-20T15:00:00Z', startAt: '2026-10-20T14:00:00Z', claimedTotal: '12.00', energyKwh: '24' })];

/** November, and the late arrivals. */
export const NOVEMBER = [
  cdr('A1', { ...cp2, claimedTotal: '10.00', energyKwh: '25', taxes: [tax('HST ON', '13', '1.30')] }),
  cdr('A2', { ...cp2, claimedTotal: '20.00', energyKwh: '40', city: 'Montréal', state: 'QC', taxes: [tax('GST', '5', '1.00'), tax('QST', '9.975', '2.00')] }),
  cdr('A3', { ...cp2, claimedTotal: '8.00', energyKwh: '16', city: 'Vancouver', state: 'BC', timeZone: 'America/Vancouver', status: 'DISPUTED', taxes: [tax('GST', '5', '0.40')] }),
  // Late: it ended on October 31 at 23:30 in Toronto (already November in UTC), after October closed.
  cdr('A4', { ...cp2, startAt: '2026-11-01T02:30:00Z', endAt: '2026-11-01T03:30:00Z', claimedTotal: '6.00', energyKwh: '12', taxes: [tax('HST ON', '13', '0.78')] }),
  cdr('B1', { emsp: 'CA*MS2', claimedTotal: '15.00', energyKwh: '30', city: 'Boston', state: 'MA', country: 'USA', timeZone: 'America/New_York' }),
  // Ends November 30 at 23:30 in Toronto: November, though December in UTC.
  cdr('B2', { emsp: 'CA*MS2', startAt: '2026-12-01T04:00:00Z', endAt: '2026-12-01T04:30:00Z', claimedTotal: '5.00', energyKwh: '10' }),
  // Ends December 1 at 00:30 in Toronto: December's.
  cdr('D1', { emsp: 'CA*MS2', startAt: '2026-12-01T05:00:00Z', endAt: '2026-12-01T05:30:00Z', claimedTotal: '7.00', energyKwh: '14' }),
  // C1 credited (in November, after October closed) and billed again.
  cdr('C1-CREDIT', { claimedTotal: '-12.00', energyKwh: '24', creditOf: 'C1', endAt: '2026-10-20T15:00:00Z', startAt: '2026-10-20T14:00:00Z' }),
  cdr('C2', { startAt: '2026-10-20T14:00:00Z', endAt: '2026-10-20T15:00:00Z', claimedTotal: '10.00', energyKwh: '24' }),
];
