import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paymentStatus } from '../../src/clearing/settlement/statements.js';
import { OcpiPlatform, type ModuleEndpoint } from '../../src/sim/platform.js';
import type { RunningHub } from '../../src/switchyard.js';
import { cdrFixture } from '../clearing/fixtures.js';
import { admin, databaseLabel, eventually, startTestHub } from '../support/hub.js';
import { onboard } from '../support/network.js';

const CP1 = { countryCode: 'US', partyId: 'CP1' };
const MS1 = { countryCode: 'US', partyId: 'MS1' };
const RECONCILIATION: ModuleEndpoint[] = [
  { identifier: 'invoicereconciliation', role: 'RECEIVER' },
  { identifier: 'invoicereconciliation', role: 'SENDER' },
];

describe(`settlement over the admin API and invoice reconciliation over OCPI 2.3.0 (${databaseLabel})`, () => {
  let hub: RunningHub;
  let cpo: OcpiPlatform;
  let emsp: OcpiPlatform;
  let statementId: string;
  let invoiceNumber: string;

  beforeAll(async () => {
    hub = await startTestHub();
    // 2.3.0 platforms whose own logic works in 2.2.1 objects (the CDR fixture), with both interfaces of the module.
    const start = (name: string, role: 'CPO' | 'EMSP', party: typeof CP1, modules: ModuleEndpoint[]) =>
      OcpiPlatform.start({ name, version: '2.3.0', thinksIn221: true, roles: [{ role, ...party, name }], modules: [...modules, ...RECONCILIATION] });
    [cpo, emsp] = await Promise.all([
      start('Volt Street', 'CPO', CP1, [{ identifier: 'locations', role: 'SENDER' }, { identifier: 'cdrs', role: 'SENDER' }]),
      start('DriveOn', 'EMSP', MS1, [{ identifier: 'tokens', role: 'SENDER' }, { identifier: 'cdrs', role: 'RECEIVER' }]),
    ]);
    await onboard(hub, cpo);
    await onboard(hub, emsp);
    for (const id of ['C-1', 'C-2', 'C-3']) {
      const reply = await cpo.send({ method: 'POST', url: cpo.hubUrl('cdrs', undefined, 'RECEIVER'), body: cdrFixture({ id }), routing: { from: CP1, to: MS1 } });
      expect(reply.envelope?.status_code).toBe(1000);
    }
    const terms = { cpo: 'US*CP1', emsp: 'US*MS1', cadence: 'MONTHLY', time_zone: 'America/New_York', billing: 'DIRECT', payment_terms_days: 15, hub_issues_invoices: true };
    expect((await admin(hub, 'PUT', '/api/settlement/terms', terms)).status).toBe(200);
    expect((await admin(hub, 'PUT', '/api/settlement/billing/US*CP1', { legal_name: 'Volt Street Inc.', country: 'US', province: 'MA', us_sales_tax_permit: 'MA-123' })).status).toBe(200);
    // Migrating an embedded database takes a while on a busy machine.
  }, 180_000);
  afterAll(async () => {
    await Promise.all([cpo?.close(), emsp?.close()]);
    await hub?.close();
  });

  it('settles a period in a background run whose progress can be followed', async () => {
    const started = await admin(hub, 'POST', '/api/settlement/runs', { period: '2026-03' });
    expect(started.status).toBe(202);
    const run = await eventually(async () => {
      const { body } = await admin(hub, 'GET', `/api/settlement/runs/${started.body.id}`);
      return body.status !== 'RUNNING' && body;
    }, 30_000, 'the run to finish');
    expect(run).toMatchObject({ status: 'DONE', steps_done: 5, steps_total: 5 });
    const { body: statements } = await admin(hub, 'GET', '/api/statements?period=2026-03&party=US*MS1');
    expect(statements).toHaveLength(1);
    statementId = statements[0].id;
    expect(statements[0]).toMatchObject({ cpo: 'US*CP1', emsp: 'US*MS1', currency: 'USD', payment_status: 'DRAFT', issuer: 'US*CP1', recipient: 'US*MS1' });
    expect(statements[0].totals.amount_payable).toEqual({ amount: '24.00', currency: 'USD' });
  });

  it('refuses a period that is not one, and filters statements by counterparty', async () => {
    const bad = await admin(hub, 'POST', '/api/settlement/runs', { period: '2026-13' });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/month \(2026-11\) or an ISO week/);
    expect((await admin(hub, 'GET', '/api/statements?party=US*CP1&counterparty=CA*XYZ')).body).toEqual([]);
  });

  it('closes the period: invoice number, invoice_reference_id on its CDRs, and the record sent to the eMSP', async () => {
    const closed = await admin(hub, 'POST', '/api/settlement/periods/2026-03/close', { issued_on: '2099-01-01' });
    expect(closed.status).toBe(200);
    expect(closed.body.reconciliation_records_sent).toBe(1);
    invoiceNumber = closed.body.statements[0].invoice_number;
    expect(closed.body.statements[0]).toMatchObject({ due_on: '2099-01-16', payment_status: 'ISSUED', period_status: 'CLOSED' });

    const pushed = emsp.received.find((r) => r.module === 'invoicereconciliation');
    expect(pushed).toMatchObject({ method: 'POST', interfaceRole: 'RECEIVER' });
    expect(pushed!.body).toMatchObject({ country_code: 'US', party_id: 'CP1', id: invoiceNumber, invoice_id: invoiceNumber, cdrs: ['C-1', 'C-2', 'C-3'] });
    expect(pushed!.headers['ocpi-from-party-id']).toBe('CP1');

    const { body: statement } = await admin(hub, 'GET', `/api/statements/${statementId}`);
    expect(statement.lines.map((l: { invoice_reference_id: string }) => l.invoice_reference_id)).toEqual([invoiceNumber, invoiceNumber, invoiceNumber]);
    expect((await admin(hub, 'POST', '/api/settlement/runs', { period: '2026-03' })).status).toBe(409);
  });

  it('routes a record the eMSP pushes to the CPO and shows how it differs from the statement', async () => {
    const record = { country_code: 'US', party_id: 'MS1', id: 'IRR-1', invoice_id: invoiceNumber, cdrs: ['C-1', 'c-2', 'X-9'], last_updated: '2026-04-02T10:00:00Z' };
    const reply = await emsp.send({ method: 'POST', url: emsp.hubUrl('invoicereconciliation', undefined, 'RECEIVER'), body: record, routing: { from: MS1, to: CP1 } });
    expect(reply.envelope?.status_code).toBe(1000);
    const relayed = await eventually(() => cpo.received.find((r) => r.module === 'invoicereconciliation'));
    expect(relayed).toMatchObject({ method: 'POST', body: record });
    expect(relayed.headers['ocpi-from-party-id']).toBe('MS1');

    const { body: statement } = await admin(hub, 'GET', `/api/statements/${statementId}`);
    const received = statement.reconciliation.find((r: { direction: string }) => r.direction === 'IN');
    expect(received.differences).toEqual({ statement_id: statementId, missing: ['C-3'], unlisted: ['X-9'], credits: { on_statement: [], missing: [] }, matches: false });
    expect(statement.reconciliation.find((r: { direction: string }) => r.direction === 'OUT').record.cdrs).toEqual(['C-1', 'C-2', 'C-3']);

    // The CPO can also pull what is addressed to it.
    const pulled = await cpo.send({ method: 'GET', url: cpo.hubUrl('invoicereconciliation', undefined, 'SENDER'), routing: { from: CP1 } });
    expect(pulled.envelope?.data).toEqual([record]);
  });

  it('rejects a record without CDRs with the JSON path at fault, and stores nothing', async () => {
    const record = { country_code: 'US', party_id: 'MS1', id: 'IRR-2', invoice_id: 'X', cdrs: [], last_updated: '2026-04-02T10:00:00Z' };
    const reply = await emsp.send({ method: 'POST', url: emsp.hubUrl('invoicereconciliation', undefined, 'RECEIVER'), body: record, routing: { from: MS1, to: CP1 } });
    expect(reply.envelope?.status_code).toBe(2001);
    expect(reply.envelope?.status_message).toContain('$.cdrs');
    const [row] = await hub.hub.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM reconciliation_records WHERE id = 'IRR-2'`);
    expect(row.n).toBe(0);
  });

  it('tracks payments: partially paid, then paid', async () => {
    const partial = await admin(hub, 'POST', `/api/statements/${statementId}/payments`, { amount: '10.00', paid_on: '2099-01-05', reference: 'WIRE-1' });
    expect(partial.body).toMatchObject({ payment_status: 'PARTIALLY_PAID', paid: { amount: '10.00', currency: 'USD' } });
    const paid = await admin(hub, 'POST', `/api/statements/${statementId}/payments`, { amount: '14.00', paid_on: '2099-01-10' });
    expect(paid.body.payment_status).toBe('PAID');
    expect((await admin(hub, 'POST', `/api/statements/${statementId}/payments`, { amount: '-1', paid_on: '2099-01-10' })).status).toBe(400);
    expect(paymentStatus({ invoice_number: 'N', due_on: '2026-04-16', paid: '0', amount: '24.00' }, '2026-04-17')).toBe('OVERDUE');
  });

  it('serves the invoice as CSV and PDF, and the net positions', async () => {
    const csv = await fetch(`${hub.url}/api/statements/${statementId}.csv`, { headers: { Authorization: `Bearer ${hub.adminToken}` } });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect((await csv.text()).trimEnd().split('\r\n')).toHaveLength(4);
    const pdf = await fetch(`${hub.url}/api/statements/${statementId}.pdf`, { headers: { Authorization: `Bearer ${hub.adminToken}` } });
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(Buffer.from(await pdf.arrayBuffer()).subarray(0, 5).toString()).toBe('%PDF-');
    const { body: positions } = await admin(hub, 'GET', '/api/settlement/positions?period=2026-03');
    expect(positions).toContainEqual({ company: 'Volt Street', counterparty: 'DriveOn', currency: 'USD', receivable: { amount: '24.00', currency: 'USD' }, payable: { amount: '0.00', currency: 'USD' }, net: { amount: '24.00', currency: 'USD' } });
  });
});
