import { Argument, Command, Option } from 'commander';
import { AUTHORIZATION_FALLBACKS } from '../hub/party-settings.js';
import { AdminClient, CliError } from './admin-client.js';
import { print, withClientOptions, type ClientOptions } from './partner.js';

interface AgreementView {
  id: string;
  cpo: string;
  emsp: string;
  modules: string[] | null;
  valid_from: string | null;
  valid_until: string | null;
  status: string;
  note: string | null;
}

interface PartyView {
  role: string;
  country_code: string;
  party_id: string;
  status: string;
  partner_name: string;
  standard_agreement: boolean;
  authorization_fallback: string;
}

function describeAgreement(agreement: AgreementView): string {
  const window = [agreement.valid_from && `from ${agreement.valid_from}`, agreement.valid_until && `until ${agreement.valid_until}`]
    .filter(Boolean)
    .join(' ');
  return [
    agreement.id,
    `${agreement.cpo} → ${agreement.emsp}`,
    agreement.status,
    agreement.modules ? agreement.modules.join(',') || 'no modules' : 'all modules',
    window || 'always',
    agreement.note ?? '',
  ]
    .join('  ')
    .trimEnd();
}

function describeParty(party: PartyView): string {
  const standard = party.standard_agreement ? 'in standard agreement' : 'not in standard agreement';
  return `${party.country_code}*${party.party_id}  ${party.role}  ${party.status}  ${party.partner_name}  ${standard}  fallback ${party.authorization_fallback}`;
}

/** `--modules locations,tariffs` as a list. */
const moduleList = (text: string) => text.split(',').map((m) => m.trim()).filter(Boolean);

export function agreementCommand(): Command {
  const agreement = new Command('agreement').description('manage bilateral roaming agreements between a CPO and an eMSP');

  agreement.addCommand(
    withClientOptions(new Command('create'))
      .description('create an agreement between a CPO party and an eMSP party')
      .requiredOption('--cpo <party>', 'the CPO party, CC*PID')
      .requiredOption('--emsp <party>', 'the eMSP party, CC*PID')
      .option('--modules <list>', 'comma-separated modules the pair may exchange (default: all)', moduleList)
      .option('--valid-from <time>', 'start of the validity window (RFC 3339)')
      .option('--valid-until <time>', 'end of the validity window (RFC 3339)')
      .option('--suspended', 'create it SUSPENDED: the pair may not roam')
      .option('--note <text>', 'a note for operators')
      .action(
        async (
          options: ClientOptions & {
            cpo: string;
            emsp: string;
            modules?: string[];
            validFrom?: string;
            validUntil?: string;
            suspended?: boolean;
            note?: string;
          },
        ) => {
          const created = await new AdminClient(options).post<AgreementView>('/api/agreements', {
            cpo: options.cpo,
            emsp: options.emsp,
            modules: options.modules,
            valid_from: options.validFrom,
            valid_until: options.validUntil,
            status: options.suspended ? 'SUSPENDED' : 'ACTIVE',
            note: options.note,
          });
          print(options, created, () => `Agreement created: ${describeAgreement(created)}`);
        },
      ),
  );

  agreement.addCommand(
    withClientOptions(new Command('list'))
      .description('list agreements')
      .option('--party <party>', 'only agreements this party is in')
      .action(async (options: ClientOptions & { party?: string }) => {
        const query = options.party ? `?${new URLSearchParams({ party: options.party })}` : '';
        const agreements = await new AdminClient(options).get<AgreementView[]>(`/api/agreements${query}`);
        print(options, agreements, () => (agreements.length ? agreements.map(describeAgreement).join('\n') : 'No agreements.'));
      }),
  );

  for (const [name, status, description] of [
    ['suspend', 'SUSPENDED', 'suspend an agreement: the pair may not roam, even under the standard agreement'],
    ['resume', 'ACTIVE', 'make a suspended agreement active again'],
  ] as const) {
    agreement.addCommand(
      withClientOptions(new Command(name))
        .description(description)
        .argument('<id>', 'agreement id')
        .action(async (id: string, options: ClientOptions) => {
          const updated = await new AdminClient(options).patch<AgreementView>(`/api/agreements/${encodeURIComponent(id)}`, { status });
          print(options, updated, () => describeAgreement(updated));
        }),
    );
  }

  agreement.addCommand(
    withClientOptions(new Command('delete'))
      .description('delete an agreement: the pair falls back to the standard agreement')
      .argument('<id>', 'agreement id')
      .action(async (id: string, options: ClientOptions) => {
        await new AdminClient(options).delete(`/api/agreements/${encodeURIComponent(id)}`);
        print(options, { deleted: id }, () => `Agreement ${id} deleted.`);
      }),
  );

  agreement.addCommand(
    withClientOptions(new Command('check'))
      .description('whether a CPO and an eMSP may exchange a module, and why')
      .requiredOption('--cpo <party>', 'the CPO party, CC*PID')
      .requiredOption('--emsp <party>', 'the eMSP party, CC*PID')
      .requiredOption('--module <module>', 'an OCPI module, e.g. locations')
      .action(async (options: ClientOptions & { cpo: string; emsp: string; module: string }) => {
        const query = new URLSearchParams({ cpo: options.cpo, emsp: options.emsp, module: options.module });
        const decision = await new AdminClient(options).get<{ allowed: boolean; basis: string }>(`/api/agreements/check?${query}`);
        print(options, decision, () => `${decision.allowed ? 'allowed' : 'not allowed'} (${decision.basis})`);
      }),
  );
  return agreement;
}

/** Per-party roaming settings: standard-agreement membership and the authorization fallback. */
export function partyCommand(): Command {
  const party = new Command('party').description("list parties and change their roaming settings");
  const patch = (options: ClientOptions, name: string, body: Record<string, unknown>) =>
    new AdminClient(options).patch<PartyView[]>(`/api/parties/${encodeURIComponent(name)}`, body);

  party.addCommand(
    withClientOptions(new Command('list'))
      .description('list every party with its partner, status and settings')
      .action(async (options: ClientOptions) => {
        const parties = await new AdminClient(options).get<PartyView[]>('/api/parties');
        print(options, parties, () => (parties.length ? parties.map(describeParty).join('\n') : 'No parties.'));
      }),
  );

  party.addCommand(
    withClientOptions(new Command('standard'))
      .description("join or leave the hub's standard roaming agreement")
      .argument('<party>', 'the party, CC*PID')
      .addOption(new Option('--join', 'join the standard agreement').conflicts('leave'))
      .addOption(new Option('--leave', 'leave the standard agreement'))
      .action(async (name: string, options: ClientOptions & { join?: boolean; leave?: boolean }) => {
        if (!options.join && !options.leave) throw new CliError('Say --join or --leave');
        const updated = await patch(options, name, { standard_agreement: Boolean(options.join) });
        print(options, updated, () => updated.map(describeParty).join('\n'));
      }),
  );

  party.addCommand(
    withClientOptions(new Command('fallback'))
      .description("how the hub answers authorizations for this eMSP's tokens when the eMSP cannot")
      .argument('<party>', 'the party, CC*PID')
      .addArgument(new Argument('<policy>', 'the fallback policy').choices(AUTHORIZATION_FALLBACKS))
      .action(async (name: string, policy: string, options: ClientOptions) => {
        const updated = await patch(options, name, { authorization_fallback: policy });
        print(options, updated, () => updated.map(describeParty).join('\n'));
      }),
  );
  return party;
}
