import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { Decimal } from 'decimal.js';
import { statementCsv } from '../../clearing/invoices/csv.js';
import { statementPdf } from '../../clearing/invoices/pdf.js';
import { reconciliationOf, sendInvoiceRecords } from '../../clearing/reconciliation/records.js';
import { closePeriod } from '../../clearing/settlement/close.js';
import { moneyText } from '../../clearing/settlement/money.js';
import { paymentsOf, recordPayment } from '../../clearing/settlement/payments.js';
import { netPositions } from '../../clearing/settlement/positions.js';
import { getRun, periodOf, SettlementError, startRun, type RunRecord } from '../../clearing/settlement/run.js';
import { getStatement, invoiceParties, listStatements, statementLines, totalsView, type PaymentStatus, type Statement } from '../../clearing/settlement/statements.js';
import {
  billingDetails,
  createFeeSchedule,
  deleteFeeSchedule,
  listFeeSchedules,
  listTerms,
  saveBillingDetails,
  saveTerms,
  type BillingDetails,
  type SettlementTerms,
} from '../../clearing/settlement/terms.js';
import type { FeeSchedule } from '../../clearing/settlement/fees.js';
import type { HubContext } from '../../hub/context.js';
import { formatParty } from '../../ocpi/headers.js';
import type { ScopeOf } from './journal.js';
import { badRequest, ErrorReply, Nullable, PartyText, partyArgument } from './schemas.js';

const Period = Type.String({ description: 'A month (2026-11) or an ISO week (2026-W47)', examples: ['2026-11'] });
const Currency = Type.String({ enum: ['USD', 'CAD'] });
const Amount = Type.String({ pattern: '^-?\\d+(\\.\\d+)?$', description: 'A decimal amount as a string', examples: ['12.50'] });
const Day = Type.String({ format: 'date', examples: ['2026-12-01'] });
const Loose = Type.Object({}, { additionalProperties: true });

const party = (text: string, field: string) => formatParty(partyArgument(text, field));
const optionalParty = (text: string | null | undefined, field: string) => (text ? party(text, field) : null);

/** The answer to a settlement error: 400 for what the operator wrote, 409 for the state of the period. */
function settlementFailure(reply: FastifyReply, error: unknown) {
  if (!(error instanceof SettlementError)) throw error;
  return reply.code(error.code === 'invalid_period' ? 400 : 409).send({ error: error.code, message: error.message });
}

function checkTimeZone(zone: string): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
  } catch {
    throw badRequest(`time_zone must be an IANA time zone (e.g. America/Toronto), not "${zone}"`);
  }
}

const runView = (run: RunRecord) => ({
  id: run.id,
  period: run.period,
  status: run.status,
  steps_done: run.steps_done,
  steps_total: run.steps_total,
  error: run.error,
  started_at: new Date(run.started_at).toISOString(),
  finished_at: run.finished_at ? new Date(run.finished_at).toISOString() : null,
});

function statementView(statement: Statement) {
  const { issuer, recipient } = invoiceParties(statement);
  return {
    id: statement.id,
    period: statement.period,
    period_status: statement.periodStatus,
    cpo: statement.cpo,
    emsp: statement.emsp,
    currency: statement.currency,
    time_zone: statement.timeZone,
    billing: statement.billing,
    issuer,
    recipient,
    invoice_number: statement.invoiceNumber,
    issued_on: statement.issuedOn,
    due_on: statement.dueOn,
    payment_status: statement.paymentStatus,
    paid: moneyText(statement.paid, statement.currency),
    totals: totalsView(statement.totals, statement.currency),
  };
}

const termsView = (t: SettlementTerms) => ({
  cpo: t.cpo,
  emsp: t.emsp,
  cadence: t.cadence,
  time_zone: t.timeZone,
  billing: t.billing,
  payment_terms_days: t.paymentTermsDays,
  hub_issues_invoices: t.hubIssuesInvoices,
});

const feeView = (f: FeeSchedule) => ({
  id: f.id,
  cpo: f.cpo,
  emsp: f.emsp,
  currency: f.currency,
  payer: f.payer,
  per_session: f.perSession.toFixed(),
  per_kwh: f.perKwh.toFixed(),
  percent: f.percent.toFixed(),
  flat: f.flat.toFixed(),
  minimum: f.minimum?.toFixed() ?? null,
  cap: f.cap?.toFixed() ?? null,
});

const BillingBody = Type.Object({
  legal_name: Type.String({ minLength: 1, maxLength: 200 }),
  address: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
  city: Type.Optional(Nullable(Type.String({ maxLength: 100 }))),
  province: Type.Optional(Nullable(Type.String({ maxLength: 3, description: 'State or province code, e.g. ON, QC, CA' }))),
  postal_code: Type.Optional(Nullable(Type.String({ maxLength: 20 }))),
  country: Type.Optional(Nullable(Type.String({ minLength: 2, maxLength: 2, description: 'ISO 3166 alpha-2: US or CA' }))),
  gst_hst_number: Type.Optional(Nullable(Type.String({ maxLength: 30 }))),
  qst_number: Type.Optional(Nullable(Type.String({ maxLength: 30 }))),
  us_sales_tax_permit: Type.Optional(Nullable(Type.String({ maxLength: 30 }))),
  email: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
});

const billingView = (b: BillingDetails) => ({
  party: b.party,
  legal_name: b.legalName,
  address: b.address,
  city: b.city,
  province: b.province,
  postal_code: b.postalCode,
  country: b.country,
  gst_hst_number: b.gstHstNumber,
  qst_number: b.qstNumber,
  us_sales_tax_permit: b.usSalesTaxPermit,
  email: b.email,
});

const notFound = { error: 'not_found', message: 'No such statement' };

const onStatement = (statement: Statement, scope: string[] | undefined) => !scope || scope.includes(statement.cpo) || scope.includes(statement.emsp);

/** A statement as a partner sees it: the hub fees of its own parties only (the other side's are between that side and the hub). */
const seenBy = (statement: Statement, scope: string[] | undefined): Statement =>
  scope ? { ...statement, totals: { ...statement.totals, fees: statement.totals.fees.filter((fee) => scope.includes(fee.party)) } } : statement;

/** Settlement: runs, periods, terms, hub fees, billing details, statements, invoices, payments, positions. */
export async function settlementRoutes(app: FastifyInstance, hub: HubContext, scopeOf: ScopeOf): Promise<void> {
  app.post(
    '/settlement/runs',
    {
      schema: {
        summary: 'Settle a period',
        description:
          "Starts a run in the background: feeds the latest audited CDRs, puts every CDR due on the period's statements (by list: late CDRs of a closed period join as prior-period adjustments) and writes the statements. Re-running an open period is idempotent; a closed period is 409.",
        tags: ['settlement'],
        body: Type.Object({ period: Period }),
        response: { 202: Loose, 400: ErrorReply, 409: ErrorReply },
      },
    },
    async (request, reply) => {
      try {
        return reply.code(202).send(runView(await startRun(hub.db, (request.body as { period: string }).period)));
      } catch (error) {
        return settlementFailure(reply, error);
      }
    },
  );

  app.get(
    '/settlement/runs/:id',
    { schema: { summary: "A run's progress", tags: ['settlement'], params: Type.Object({ id: Type.String() }), response: { 200: Loose, 404: ErrorReply } } },
    async (request, reply) => {
      const run = await getRun(hub.db, (request.params as { id: string }).id);
      return run ? runView(run) : reply.code(404).send({ error: 'not_found', message: 'No such run' });
    },
  );

  app.post(
    '/settlement/periods/:period/close',
    {
      schema: {
        summary: 'Close a period and issue its invoices',
        description:
          "Settles the period one last time and freezes it: each statement gets its invoice number, issue date and due date (payment terms). Where the agreement says the hub issues invoices, its CDRs get the invoice number as invoice_reference_id and the recipient gets an OCPI 2.3.0 InvoiceReconciliationRecord.",
        tags: ['settlement'],
        params: Type.Object({ period: Period }),
        body: Type.Optional(Type.Object({ issued_on: Type.Optional(Day) })),
        response: { 200: Loose, 400: ErrorReply, 409: ErrorReply },
      },
    },
    async (request, reply) => {
      const { period } = request.params as { period: string };
      const issuedOn = (request.body as { issued_on?: string } | undefined)?.issued_on ?? new Date().toISOString().slice(0, 10);
      try {
        const closed = await closePeriod(hub.db, period, issuedOn);
        const sent = await sendInvoiceRecords(hub, closed.issuedByHub);
        return { period: closed.period, statements: closed.statements.map(statementView), reconciliation_records_sent: sent };
      } catch (error) {
        return settlementFailure(reply, error);
      }
    },
  );

  app.get(
    '/settlement/positions',
    {
      schema: {
        summary: 'Net positions per company, counterparty and currency',
        description: 'A company (a partner platform) in both roles gets one net amount per counterparty company and currency, with both gross sides. Currencies are never netted.',
        tags: ['settlement'],
        querystring: Type.Object({ period: Period }),
        response: { 200: Type.Array(Loose), 400: ErrorReply },
      },
    },
    async (request, reply) => {
      const { period } = request.query as { period: string };
      try {
        periodOf(period);
      } catch (error) {
        return settlementFailure(reply, error);
      }
      return netPositions(hub.db, period);
    },
  );

  app.get('/settlement/terms', { schema: { summary: 'Settlement terms: the hub defaults and per agreement', tags: ['settlement'], response: { 200: Type.Array(Loose) } } }, async () =>
    (await listTerms(hub.db)).map(termsView),
  );

  app.put(
    '/settlement/terms',
    {
      schema: {
        summary: 'Set the settlement terms of a CPO and an eMSP, or the hub defaults (no parties)',
        tags: ['settlement'],
        body: Type.Object({
          cpo: Type.Optional(Nullable(PartyText('The CPO party'))),
          emsp: Type.Optional(Nullable(PartyText('The eMSP party'))),
          cadence: Type.String({ enum: ['MONTHLY', 'WEEKLY'] }),
          time_zone: Type.String({ examples: ['America/Toronto'] }),
          billing: Type.String({ enum: ['DIRECT', 'SELF_BILLING'], description: 'DIRECT: the CPO invoices; SELF_BILLING: the eMSP issues a self-billing invoice' }),
          payment_terms_days: Type.Integer({ minimum: 0, maximum: 365 }),
          hub_issues_invoices: Type.Boolean({ description: 'The hub issues invoices on the issuer’s behalf, sets invoice_reference_id and sends the reconciliation record' }),
        }),
        response: { 200: Type.Array(Loose), 400: ErrorReply },
      },
    },
    async (request) => {
      const body = request.body as { cpo?: string | null; emsp?: string | null; cadence: 'MONTHLY' | 'WEEKLY'; time_zone: string; billing: 'DIRECT' | 'SELF_BILLING'; payment_terms_days: number; hub_issues_invoices: boolean };
      const [cpo, emsp] = [optionalParty(body.cpo, 'cpo'), optionalParty(body.emsp, 'emsp')];
      if ((cpo === null) !== (emsp === null)) throw badRequest('terms name both parties (an agreement) or neither (the hub defaults)');
      checkTimeZone(body.time_zone);
      await saveTerms(hub.db, { cpo, emsp, cadence: body.cadence, timeZone: body.time_zone, billing: body.billing, paymentTermsDays: body.payment_terms_days, hubIssuesInvoices: body.hub_issues_invoices });
      return (await listTerms(hub.db)).map(termsView);
    },
  );

  app.get('/settlement/fees', { schema: { summary: 'Hub fee schedules', tags: ['settlement'], response: { 200: Type.Array(Loose) } } }, async () =>
    (await listFeeSchedules(hub.db)).map(feeView),
  );

  app.post(
    '/settlement/fees',
    {
      schema: {
        summary: 'Add a hub fee schedule',
        description:
          "Per agreement (cpo and emsp) or per party (one of them). Per payer and period, over all the payer's statements of the period it covers: per_session × sessions + per_kwh × kWh + percent % of the volume, plus flat once, then at least minimum and at most cap; charged to the CPO, the eMSP or both, shared over those statements in proportion to what each adds, each share with GST/HST (and QST) by the payer's province.",
        tags: ['settlement'],
        body: Type.Object({
          cpo: Type.Optional(Nullable(PartyText('The CPO party'))),
          emsp: Type.Optional(Nullable(PartyText('The eMSP party'))),
          currency: Currency,
          payer: Type.String({ enum: ['CPO', 'EMSP', 'BOTH'] }),
          per_session: Type.Optional(Amount),
          per_kwh: Type.Optional(Amount),
          percent: Type.Optional(Amount),
          flat: Type.Optional(Amount),
          minimum: Type.Optional(Nullable(Amount)),
          cap: Type.Optional(Nullable(Amount)),
        }),
        response: { 201: Loose, 400: ErrorReply },
      },
    },
    async (request, reply) => {
      const body = request.body as Record<string, string | null | undefined>;
      const [cpo, emsp] = [optionalParty(body.cpo, 'cpo'), optionalParty(body.emsp, 'emsp')];
      if (!cpo && !emsp) throw badRequest('a fee schedule names a cpo, an emsp or both');
      const amount = (name: string) => {
        const value = new Decimal(body[name] ?? '0');
        if (value.isNegative()) throw badRequest(`${name} must not be negative`);
        return value;
      };
      const optional = (name: string) => (body[name] === undefined || body[name] === null ? null : amount(name));
      const [minimum, cap] = [optional('minimum'), optional('cap')];
      if (minimum && cap && minimum.gt(cap)) throw badRequest('minimum must not exceed cap');
      const schedule = await createFeeSchedule(hub.db, {
        cpo,
        emsp,
        currency: body.currency!,
        payer: body.payer as FeeSchedule['payer'],
        perSession: amount('per_session'),
        perKwh: amount('per_kwh'),
        percent: amount('percent'),
        flat: amount('flat'),
        minimum,
        cap,
      });
      return reply.code(201).send(feeView(schedule));
    },
  );

  app.delete(
    '/settlement/fees/:id',
    { schema: { summary: 'Remove a hub fee schedule', tags: ['settlement'], params: Type.Object({ id: Type.String() }), response: { 204: Type.Null(), 404: ErrorReply } } },
    async (request, reply) =>
      (await deleteFeeSchedule(hub.db, (request.params as { id: string }).id))
        ? reply.code(204).send()
        : reply.code(404).send({ error: 'not_found', message: 'No such fee schedule' }),
  );

  app.put(
    '/settlement/billing/:party',
    {
      schema: {
        summary: "Set a party's business details for its invoices",
        tags: ['settlement'],
        params: Type.Object({ party: PartyText('The party') }),
        body: BillingBody,
        response: { 200: Loose, 400: ErrorReply },
      },
    },
    async (request) => {
      const body = request.body as Record<string, string | null | undefined>;
      const details: BillingDetails = {
        party: party((request.params as { party: string }).party, 'party'),
        legalName: body.legal_name!,
        address: body.address ?? null,
        city: body.city ?? null,
        province: body.province?.toUpperCase() ?? null,
        postalCode: body.postal_code ?? null,
        country: body.country?.toUpperCase() ?? null,
        gstHstNumber: body.gst_hst_number ?? null,
        qstNumber: body.qst_number ?? null,
        usSalesTaxPermit: body.us_sales_tax_permit ?? null,
        email: body.email ?? null,
      };
      await saveBillingDetails(hub.db, details);
      return billingView((await billingDetails(hub.db, details.party))!);
    },
  );

  app.get(
    '/statements',
    {
      schema: {
        summary: 'List statements',
        description: 'A partner account gets only the statements its parties are on.',
        tags: ['statements'],
        querystring: Type.Object({
          party: Type.Optional(PartyText('Statements this party is on')),
          counterparty: Type.Optional(PartyText('…whose other side is this party')),
          period: Type.Optional(Period),
          currency: Type.Optional(Currency),
          status: Type.Optional(Type.String({ enum: ['DRAFT', 'ISSUED', 'PARTIALLY_PAID', 'PAID', 'OVERDUE'] })),
        }),
        response: { 200: Type.Array(Loose), 400: ErrorReply },
      },
    },
    async (request) => {
      const query = request.query as { party?: string; counterparty?: string; period?: string; currency?: string; status?: PaymentStatus };
      const scope = await scopeOf(request);
      const statements = await listStatements(hub.db, {
        party: query.party && party(query.party, 'party'),
        counterparty: query.counterparty && party(query.counterparty, 'counterparty'),
        period: query.period,
        currency: query.currency,
        status: query.status,
        scope,
      });
      return statements.map((statement) => statementView(seenBy(statement, scope)));
    },
  );

  // One route for the statement and its exports: /statements/{id}, {id}.csv and {id}.pdf.
  app.get(
    '/statements/:file',
    {
      schema: {
        summary: 'One statement: JSON with its lines, or its invoice as .csv or .pdf',
        description: 'A partner account reads only the statements its parties are on.',
        tags: ['statements'],
        params: Type.Object({ file: Type.String() }),
        querystring: Type.Object({ after: Type.Optional(Type.String()), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })) }),
      },
    },
    async (request, reply) => {
      const { file } = request.params as { file: string };
      const format = /\.(csv|pdf)$/.exec(file)?.[1];
      const scope = await scopeOf(request);
      const found = await getStatement(hub.db, format ? file.slice(0, -4) : file);
      if (!found || !onStatement(found, scope)) return reply.code(404).send(notFound);
      const statement = seenBy(found, scope);
      const name = statement.invoiceNumber ?? statement.id;
      if (format === 'pdf') {
        return reply.type('application/pdf').header('Content-Disposition', `inline; filename="${name}.pdf"`).send(await statementPdf(hub.db, statement));
      }
      if (format === 'csv') {
        reply.type('text/csv; charset=utf-8').header('Content-Disposition', `attachment; filename="${name}.csv"`);
        const { Readable } = await import('node:stream');
        return reply.send(Readable.from(statementCsv(hub.db, statement)));
      }
      const { after, limit = 1000 } = request.query as { after?: string; limit?: number };
      const lines = [];
      for await (const line of statementLines(hub.db, statement.id, { after, pageSize: limit })) {
        if (lines.length === limit) break;
        lines.push({ ...line, currency: statement.currency });
      }
      const next = lines.length === limit ? lines[lines.length - 1].cursor : null;
      return {
        ...statementView(statement),
        payments: (await paymentsOf(hub.db, statement.id)).map((p) => ({ amount: moneyText(p.amount, statement.currency), paid_on: p.paidOn, reference: p.reference })),
        reconciliation: await reconciliationOf(hub.db, statement.id),
        lines,
        next_after: next,
      };
    },
  );

  app.post(
    '/statements/:id/payments',
    {
      schema: {
        summary: 'Record a payment against an issued invoice',
        description: 'The statement becomes PARTIALLY_PAID or PAID; unpaid past its due date it is OVERDUE.',
        tags: ['statements'],
        params: Type.Object({ id: Type.String() }),
        body: Type.Object({ amount: Amount, paid_on: Day, reference: Type.Optional(Type.String({ maxLength: 200 })) }),
        response: { 201: Loose, 400: ErrorReply, 404: ErrorReply, 409: ErrorReply },
      },
    },
    async (request, reply) => {
      const statement = await getStatement(hub.db, (request.params as { id: string }).id);
      if (!statement) return reply.code(404).send(notFound);
      if (!statement.invoiceNumber) return reply.code(409).send({ error: 'not_issued', message: 'The period is open: the invoice is not issued yet' });
      const body = request.body as { amount: string; paid_on: string; reference?: string };
      if (!new Decimal(body.amount).isPositive() || new Decimal(body.amount).isZero()) throw badRequest('amount must be positive');
      await recordPayment(hub.db, { statementId: statement.id, amount: body.amount, paidOn: body.paid_on, reference: body.reference ?? null });
      return reply.code(201).send(statementView((await getStatement(hub.db, statement.id))!));
    },
  );
}
