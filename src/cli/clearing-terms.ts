import { Command, Option } from 'commander';
import { AdminClient, CliError } from './admin-client.js';
import { readJson } from './json-file.js';
import { print, withClientOptions, type ClientOptions } from './partner.js';

interface TermsView {
  cpo: string;
  emsp: string | null;
  defaults: boolean;
  layers: string[];
  terms: { tolerance: string; dispute_deadline_days: number; auto_resolve: string; policy: Record<string, unknown> };
}

interface StoredView {
  cpo: string;
  emsp: string | null;
  terms: Record<string, unknown>;
  updated_at: string;
}

interface SetOptions extends ClientOptions {
  file?: string;
  tolerance?: string;
  disputeDeadlineDays?: string;
  autoResolve?: string;
  rounding?: string;
  stepSize?: string;
}

/** /api/clearing/terms/US*CP1[/US*MS1]; a party must be written CC*PID. */
function termsPath(cpo: string, emsp?: string): string {
  for (const party of [cpo, emsp]) {
    if (party !== undefined && !/^[^*]+\*[^*]+$/.test(party)) throw new CliError(`A party must be written CC*PID (e.g. US*CP1), not "${party}"`);
  }
  return ['/api/clearing/terms', ...[cpo, emsp].filter((party) => party !== undefined).map((party) => encodeURIComponent(party!))].join('/');
}

const describeTerms = (view: TermsView) => {
  const { tolerance, dispute_deadline_days, auto_resolve, policy } = view.terms;
  const pair = [view.cpo, view.emsp].filter(Boolean).join(' → ');
  const basis = view.defaults ? 'hub defaults' : `set for ${view.layers.join(' + ')}`;
  return [
    `${pair}  (${basis})`,
    `  tolerance          ${tolerance}`,
    `  dispute deadline   ${dispute_deadline_days} days, then ${auto_resolve}`,
    `  pricing policy     ${JSON.stringify(policy)}`,
  ].join('\n');
};

/** The body of a PUT: the file's terms, with the options given on top. */
async function termsBody(options: SetOptions): Promise<Record<string, unknown>> {
  const base = options.file ? await readJson(options.file, 'terms') : {};
  if (!base || typeof base !== 'object' || Array.isArray(base)) throw new CliError(`${options.file} must hold a JSON object`);
  const body = { ...base } as Record<string, unknown>;
  if (options.tolerance !== undefined) body.tolerance = options.tolerance;
  if (options.disputeDeadlineDays !== undefined) body.dispute_deadline_days = Number(options.disputeDeadlineDays);
  if (options.autoResolve !== undefined) body.auto_resolve = options.autoResolve;
  const policy = { ...(body.policy as object | undefined), ...(options.rounding && { rounding: options.rounding }), ...(options.stepSize && { step_size: options.stepSize }) };
  if (Object.keys(policy).length) body.policy = policy;
  return body;
}

/** `switchyard cdrs terms`: the clearing terms (tolerance, pricing policy, dispute rule) per CPO or pair. */
export function termsCommand(): Command {
  const terms = new Command('terms').description('clearing terms per CPO or CPO/eMSP pair: show, set, reset');

  terms.addCommand(
    withClientOptions(new Command('show'))
      .description('the terms that apply to a CPO (and an eMSP); without parties, every terms set')
      .argument('[cpo]', 'the CPO, as CC*PID')
      .argument('[emsp]', 'the eMSP, as CC*PID')
      .action(async (cpo: string | undefined, emsp: string | undefined, options: ClientOptions) => {
        const client = new AdminClient(options);
        if (cpo === undefined) {
          const all = await client.get<StoredView[]>('/api/clearing/terms');
          print(options, all, () => (all.length ? all.map((t) => `${[t.cpo, t.emsp].filter(Boolean).join(' → ')}  ${JSON.stringify(t.terms)}  (${t.updated_at})`).join('\n') : 'None: the hub defaults apply.'));
          return;
        }
        const view = await client.get<TermsView>(termsPath(cpo, emsp));
        print(options, view, () => describeTerms(view));
      }),
  );

  terms.addCommand(
    withClientOptions(new Command('set'))
      .description('set the terms of a CPO, or of a CPO and an eMSP (replaces what was set; the rest comes from the CPO terms or the defaults)')
      .argument('<cpo>', 'the CPO, as CC*PID')
      .argument('[emsp]', 'the eMSP, as CC*PID')
      .option('--file <file>', 'the terms as JSON, as the admin API takes them')
      .option('--tolerance <amount>', 'a claimed amount within this of the computed one is accepted, e.g. 0.05')
      .option('--dispute-deadline-days <days>', 'days a dispute may stay open')
      .addOption(new Option('--auto-resolve <rule>', 'what an unanswered dispute becomes').choices(['WRITE_OFF', 'APPROVE']))
      .addOption(new Option('--rounding <mode>', 'rounding of amounts').choices(['HALF_UP', 'HALF_EVEN']))
      .addOption(new Option('--step-size <reading>', 'how step_size is applied').choices(['PER_SESSION', 'OFF', 'PER_PERIOD']))
      .action(async (cpo: string, emsp: string | undefined, options: SetOptions) => {
        const view = await new AdminClient(options).put<TermsView>(termsPath(cpo, emsp), await termsBody(options));
        print(options, view, () => describeTerms(view));
      }),
  );

  terms.addCommand(
    withClientOptions(new Command('reset'))
      .description('remove the terms set for a CPO or a pair: the CPO terms (for a pair) or the hub defaults apply again')
      .argument('<cpo>', 'the CPO, as CC*PID')
      .argument('[emsp]', 'the eMSP, as CC*PID')
      .action(async (cpo: string, emsp: string | undefined, options: ClientOptions) => {
        const view = await new AdminClient(options).delete<TermsView>(termsPath(cpo, emsp));
        print(options, view, () => describeTerms(view));
      }),
  );
  return terms;
}
