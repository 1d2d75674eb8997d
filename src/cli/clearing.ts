import { Command, Option } from 'commander';
import { priceRequest } from '../clearing/price-request.js';
import { PricingInputError } from '../clearing/pricing/input.js';
import { AdminClient, CliError } from './admin-client.js';
import { termsCommand } from './clearing-terms.js';
import { readJson } from './json-file.js';
import { print, withClientOptions, type ClientOptions } from './partner.js';

interface PriceOptions {
  tariff: string;
  cdr: string;
  version: string;
  timeZone?: string;
  country?: string;
  state?: string;
  json?: boolean;
}

type Priced = Awaited<ReturnType<typeof priceRequest>>;

const AMOUNTS = ['total_cost', 'total_fixed_cost', 'total_energy_cost', 'total_time_cost', 'total_parking_cost', 'total_reservation_cost'] as const;

function describePrice(priced: Priced): string {
  const lines = [`Tariff ${priced.tariff_id}, ${priced.currency}`];
  for (const key of AMOUNTS) {
    const a = priced[key];
    const taxes = a.taxes.map((t) => `${t.name}${t.percentage === undefined ? '' : ` ${t.percentage}%`} ${t.amount}`).join(', ');
    lines.push(`  ${key.padEnd(24)} ${String(a.before_taxes).padStart(10)}  ${String(a.after_taxes).padStart(10)}${taxes ? `  (${taxes})` : ''}`);
  }
  lines.push(`  billed: ${priced.total_energy} kWh, ${priced.total_time} h, of which parking ${priced.total_parking_time} h`);
  for (const period of priced.periods) {
    lines.push(`  period ${period.index}  ${period.local_start}`);
    for (const l of period.lines) {
      const why = l.restrictions.length ? ` (${l.restrictions.join(', ')})` : '';
      lines.push(`    ${l.dimension.padEnd(16)} ${l.billed_volume} × ${l.price} = ${l.cost}  element ${l.element}${why}`);
    }
  }
  for (const w of priced.warnings) lines.push(`  warning ${w.code}: ${w.message}`);
  return lines.join('\n');
}

/** `switchyard price`: how the hub reads a tariff, priced locally, no hub needed. */
export function priceCommand(): Command {
  return new Command('price')
    .description('price a CDR or session by a tariff as the hub reads it (totals, breakdown, warnings)')
    .requiredOption('--tariff <file>', 'a tariff (JSON), or a list of tariffs')
    .requiredOption('--cdr <file>', 'a CDR or a session (JSON)')
    .addOption(new Option('--version <version>', 'the OCPI version of both').choices(['2.1.1', '2.2.1', '2.3.0']).default('2.2.1'))
    .option('--time-zone <zone>', "the location's IANA time zone, e.g. America/Toronto")
    .option('--country <code>', 'for a session: the country its taxes follow')
    .option('--state <code>', 'for a session: the state or province its taxes follow')
    .option('--json', 'print JSON')
    .action(async (options: PriceOptions) => {
      const tariff = await readJson(options.tariff, 'tariff');
      const cdr = await readJson(options.cdr, 'CDR');
      try {
        const priced = await priceRequest({
          ...(Array.isArray(tariff) ? { tariffs: tariff } : { tariff }),
          cdr,
          version: options.version,
          time_zone: options.timeZone,
          country: options.country,
          state: options.state,
        });
        console.log(options.json ? JSON.stringify(priced, null, 2) : describePrice(priced));
      } catch (error) {
        if (error instanceof PricingInputError) throw new CliError(`${error.path}: ${error.message}`);
        throw error;
      }
    });
}

interface RecordView {
  country_code: string;
  party_id: string;
  id: string;
  emsp: string | null;
  currency: string;
  status: string;
  divergences: string[];
  claimed: { total_cost?: { before_taxes: string } };
  computed: { total_cost?: { before_taxes: string } } | null;
  start_date_time: string;
}

const describeRecord = (r: RecordView) =>
  [
    `${r.country_code}*${r.party_id} ${r.id}`,
    r.start_date_time,
    `→ ${r.emsp ?? '?'}`,
    r.status.padEnd(11),
    `claimed ${r.claimed.total_cost?.before_taxes ?? '-'} ${r.currency}`,
    `computed ${r.computed?.total_cost?.before_taxes ?? '-'}`,
    r.divergences.join(',') || '-',
  ].join('  ');

/** Splits "US*CP1/CDR-1" or takes the party and id as two words. */
function cdrPath(party: string, id: string): string {
  const [cc, pid] = party.split('*');
  if (!cc || !pid) throw new CliError(`The CPO must be written CC*PID (e.g. US*CP1), not "${party}"`);
  return `/api/cdrs/${encodeURIComponent(cc)}/${encodeURIComponent(pid)}/${encodeURIComponent(id)}`;
}

interface ListOptions extends ClientOptions {
  party?: string;
  counterparty?: string;
  currency?: string;
  status?: string;
  divergence?: string;
  cdrId?: string;
  from?: string;
  to?: string;
  after?: string;
  limit?: string;
}

interface ActOptions extends ClientOptions {
  actor?: string;
  onBehalfOf?: string;
  reason?: string;
  comment?: string;
}

/** `switchyard cdrs`: the audited CDRs and their dispute lifecycle on a running hub. */
export function cdrsCommand(): Command {
  const cdrs = new Command('cdrs').description('audited CDRs: list, show, approve, dispute, write off; clearing terms');
  cdrs.addCommand(termsCommand());

  cdrs.addCommand(
    withClientOptions(new Command('list'))
      .description('list CDRs with their audit status')
      .option('--party <party>', 'the CPO, as CC*PID')
      .option('--counterparty <party>', 'the eMSP, as CC*PID')
      .option('--currency <code>', 'a currency, e.g. CAD')
      .option('--status <statuses>', 'comma-separated statuses, e.g. FLAGGED,DISPUTED')
      .option('--divergence <code>', 'a divergence code, e.g. TOTAL_COST')
      .option('--cdr-id <text>', 'CDR ids containing this text')
      .option('--from <date-time>', 'sessions started at or after')
      .option('--to <date-time>', 'sessions started before')
      .option('--after <cursor>', 'the `next` of the previous page')
      .option('--limit <n>', 'page size', '100')
      .action(async (options: ListOptions) => {
        const query = new URLSearchParams();
        for (const key of ['party', 'counterparty', 'currency', 'status', 'divergence', 'from', 'to', 'after', 'limit'] as const) {
          if (options[key] !== undefined) query.set(key, options[key]!);
        }
        if (options.cdrId !== undefined) query.set('cdr_id', options.cdrId);
        const page = await new AdminClient(options).get<{ total: number; next: number | null; items: RecordView[] }>(`/api/cdrs?${query}`);
        print(options, page, () =>
          [...page.items.map(describeRecord), `${page.items.length} of ${page.total}${page.next === null ? '' : `; next page: --after ${page.next}`}`].join('\n'),
        );
      }),
  );

  cdrs.addCommand(
    withClientOptions(new Command('show'))
      .description('one CDR: as received, its audit and its history')
      .argument('<party>', 'the CPO, as CC*PID')
      .argument('<id>', 'the CDR id')
      .action(async (party: string, id: string, options: ClientOptions) => {
        const record = await new AdminClient(options).get<
          RecordView & { audit: { divergences?: { code: string; kind: string; message: string }[] } | null; history: { at: string; actor: string; action: string; to_status: string; comment: string | null }[] }
        >(cdrPath(party, id));
        print(options, record, () =>
          [
            describeRecord(record),
            ...(record.audit?.divergences ?? []).map((d) => `  ${d.code} (${d.kind}): ${d.message}`),
            ...record.history.map((h) => `  ${h.at}  ${h.actor}  ${h.action} → ${h.to_status}${h.comment ? `  ${h.comment}` : ''}`),
          ].join('\n'),
        );
      }),
  );

  for (const action of ['approve', 'dispute', 'write-off'] as const) {
    const command = withClientOptions(new Command(action))
      .description(`${action} a CDR`)
      .argument('<party>', 'the CPO, as CC*PID')
      .argument('<id>', 'the CDR id')
      .option('--actor <name>', 'who acts, e.g. operator:alice')
      .option('--on-behalf-of <party>', 'the party the operator acts for, as CC*PID')
      .option('--comment <text>', 'a comment kept with the change');
    if (action === 'dispute') command.requiredOption('--reason <reason>', 'PRICE, TARIFF, DUPLICATE, UNKNOWN_SESSION, ENERGY, DURATION or OTHER');
    command.action(async (party: string, id: string, options: ActOptions) => {
      const record = await new AdminClient(options).post<RecordView>(`${cdrPath(party, id)}/${action}`, {
        actor: options.actor,
        on_behalf_of: options.onBehalfOf,
        reason: options.reason,
        comment: options.comment,
      });
      print(options, record, () => describeRecord(record));
    });
    cdrs.addCommand(command);
  }

  cdrs.addCommand(
    withClientOptions(new Command('missing'))
      .description('sessions that ended without a CDR in time')
      .action(async (options: ClientOptions) => {
        const missing = await new AdminClient(options).get<{ party: string; session_id: string; ended_at: string }[]>('/api/cdrs/missing');
        print(options, missing, () => (missing.length ? missing.map((m) => `${m.party}  ${m.session_id}  ended ${m.ended_at}`).join('\n') : 'None.'));
      }),
  );
  return cdrs;
}
