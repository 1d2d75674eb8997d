import { writeFile } from 'node:fs/promises';
import { SingleBar, Presets } from 'cli-progress';
import { Command, Option } from 'commander';
import { AdminClient, CliError } from './admin-client.js';
import { print, withClientOptions, type ClientOptions } from './partner.js';

interface Money {
  amount: string;
  currency: string;
}

interface Run {
  id: string;
  period: string;
  status: 'RUNNING' | 'DONE' | 'FAILED';
  steps_done: number;
  steps_total: number;
  error: string | null;
}

interface StatementSummary {
  id: string;
  period: string;
  cpo: string;
  emsp: string;
  currency: string;
  invoice_number: string | null;
  due_on: string | null;
  payment_status: string;
  paid: Money;
  totals: { amount_payable: Money; held_back: { count: number; gross: Money }; hub_fees: Array<{ party: string; total: Money }> };
}

const client = (options: ClientOptions) => new AdminClient(options);
const money = (m: Money) => `${m.amount} ${m.currency}`;

/** Follows a run with a progress bar until it ends. */
async function followRun(api: AdminClient, run: Run, quiet: boolean): Promise<Run> {
  const bar = quiet ? undefined : new SingleBar({ format: `settling ${run.period} [{bar}] {value}/{total}`, stream: process.stderr }, Presets.shades_classic);
  bar?.start(run.steps_total || 1, run.steps_done);
  let current = run;
  while (current.status === 'RUNNING') {
    await new Promise((resolve) => setTimeout(resolve, 250));
    current = await api.get<Run>(`/api/settlement/runs/${run.id}`);
    bar?.setTotal(current.steps_total || 1);
    bar?.update(current.steps_done);
  }
  bar?.stop();
  return current;
}

interface SettleOptions extends ClientOptions {
  period: string;
  close?: boolean;
  issuedOn?: string;
}

/** `switchyard settle --period 2026-11 [--close]`: settles a period, following the run. */
export function settleCommand(): Command {
  return withClientOptions(
    new Command('settle')
      .description('settle a period into statements (re-running an open period is safe); --close issues the invoices and freezes it')
      .requiredOption('--period <period>', 'a month (2026-11) or an ISO week (2026-W47)')
      .option('--close', 'close the period afterwards: invoice numbers, due dates, reconciliation records')
      .option('--issued-on <date>', 'issue date of the invoices when closing (default today)'),
  ).action(async (options: SettleOptions) => {
    const api = client(options);
    const run = await followRun(api, await api.post<Run>('/api/settlement/runs', { period: options.period }), Boolean(options.json));
    if (run.status === 'FAILED') throw new CliError(`Settlement of ${run.period} failed: ${run.error}`);
    const statements = options.close
      ? (await api.post<{ statements: StatementSummary[] }>(`/api/settlement/periods/${options.period}/close`, options.issuedOn ? { issued_on: options.issuedOn } : {})).statements
      : await api.get<StatementSummary[]>(`/api/statements?period=${encodeURIComponent(options.period)}`);
    print(options, statements, () => describeStatements(statements));
  });
}

function describeStatements(statements: StatementSummary[]): string {
  if (statements.length === 0) return 'No statements.';
  return statements
    .map((s) =>
      [
        s.id.padEnd(32),
        `${s.cpo} ← ${s.emsp}`,
        `payable ${money(s.totals.amount_payable)}`.padEnd(24),
        s.totals.held_back.count ? `held back ${money(s.totals.held_back.gross)}` : '',
        s.invoice_number ? `${s.invoice_number} due ${s.due_on} ${s.payment_status}` : s.payment_status,
      ].filter(Boolean).join('  '),
    )
    .join('\n');
}

interface ListOptions extends ClientOptions {
  party?: string;
  counterparty?: string;
  period?: string;
  currency?: string;
  status?: string;
}

/** `switchyard statements list|show|export|pay|positions`. */
export function statementsCommand(): Command {
  const command = new Command('statements').description('settlement statements, their invoices, payments and net positions');

  command.addCommand(
    withClientOptions(
      new Command('list')
        .description('list statements')
        .option('--party <party>', 'statements this party is on (CC*PID)')
        .option('--counterparty <party>', '…whose other side is this party')
        .option('--period <period>', 'e.g. 2026-11')
        .addOption(new Option('--currency <currency>').choices(['USD', 'CAD']))
        .addOption(new Option('--status <status>').choices(['DRAFT', 'ISSUED', 'PARTIALLY_PAID', 'PAID', 'OVERDUE'])),
    ).action(async (options: ListOptions) => {
      const query = new URLSearchParams(
        Object.entries({ party: options.party, counterparty: options.counterparty, period: options.period, currency: options.currency, status: options.status })
          .filter((entry): entry is [string, string] => entry[1] !== undefined),
      );
      const statements = await client(options).get<StatementSummary[]>(`/api/statements?${query}`);
      print(options, statements, () => describeStatements(statements));
    }),
  );

  command.addCommand(
    withClientOptions(new Command('show').description('one statement, its totals and lines').argument('<id>')).action(async (id: string, options: ClientOptions) => {
      const statement = await client(options).get<StatementSummary & { lines: Array<{ cdr_id: string; end_local: string; total: string; status: string }> }>(`/api/statements/${encodeURIComponent(id)}`);
      print(options, statement, () =>
        [describeStatements([statement]), ...statement.totals.hub_fees.map((f) => `  hub fee ${f.party}: ${money(f.total)}`), ...statement.lines.map((l) => `  ${l.cdr_id.padEnd(36)} ${l.end_local}  ${l.total.padStart(10)}  ${l.status}`)].join('\n'),
      );
    }),
  );

  command.addCommand(
    withClientOptions(
      new Command('export')
        .description('write the invoice of a statement as CSV or PDF')
        .argument('<id>')
        .addOption(new Option('--format <format>').choices(['csv', 'pdf']).default('pdf'))
        .requiredOption('--out <file>', 'where to write it'),
    ).action(async (id: string, options: ClientOptions & { format: 'csv' | 'pdf'; out: string }) => {
      await writeFile(options.out, await client(options).download(`/api/statements/${encodeURIComponent(id)}.${options.format}`));
      console.log(`Wrote ${options.out}`);
    }),
  );

  command.addCommand(
    withClientOptions(
      new Command('pay')
        .description('record a payment against an issued invoice')
        .argument('<id>')
        .requiredOption('--amount <amount>', 'e.g. 120.50, in the statement currency')
        .requiredOption('--paid-on <date>', 'YYYY-MM-DD')
        .option('--reference <text>', 'the bank reference'),
    ).action(async (id: string, options: ClientOptions & { amount: string; paidOn: string; reference?: string }) => {
      const statement = await client(options).post<StatementSummary>(`/api/statements/${encodeURIComponent(id)}/payments`, { amount: options.amount, paid_on: options.paidOn, reference: options.reference });
      print(options, statement, () => `${statement.id}: paid ${money(statement.paid)} of ${money(statement.totals.amount_payable)}, ${statement.payment_status}`);
    }),
  );

  command.addCommand(
    withClientOptions(new Command('positions').description('net positions per company, counterparty and currency').requiredOption('--period <period>')).action(
      async (options: ClientOptions & { period: string }) => {
        const positions = await client(options).get<Array<{ company: string; counterparty: string; currency: string; receivable: Money; payable: Money; net: Money }>>(
          `/api/settlement/positions?period=${encodeURIComponent(options.period)}`,
        );
        print(options, positions, () =>
          positions.map((p) => `${p.company} ↔ ${p.counterparty} ${p.currency}: receivable ${p.receivable.amount}, payable ${p.payable.amount}, net ${p.net.amount}`).join('\n') || 'No positions.',
        );
      },
    ),
  );
  return command;
}
