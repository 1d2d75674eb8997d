import { Command, Option } from 'commander';
import { AdminClient } from './admin-client.js';
import { activateCommand, applyQuirksCommand, checkCommand } from './check.js';
import { parseParty } from '../ocpi/headers.js';

export interface ClientOptions {
  hubUrl: string;
  adminToken: string;
  json?: boolean;
}

export function withClientOptions(command: Command): Command {
  return command
    .addOption(new Option('--hub-url <url>', 'the running hub').env('SWITCHYARD_HUB_URL').default('http://localhost:3000'))
    .addOption(new Option('--admin-token <token>', 'admin bearer token').env('SWITCHYARD_ADMIN_TOKEN').makeOptionMandatory())
    .option('--json', 'print JSON');
}

export function print(options: ClientOptions, value: unknown, text: () => string): void {
  console.log(options.json ? JSON.stringify(value, null, 2) : text());
}

interface PartnerSummary {
  id: string;
  name: string;
  status: string;
  ocpi_version: string | null;
  parties: { role: string; country_code: string; party_id: string; status: string; behind_hub: string | null }[];
  routes_active: boolean;
  last_check: { verdict: string } | null;
}

function describe(partner: PartnerSummary): string {
  const parties = partner.parties
    .map((p) => `${p.country_code}*${p.party_id} ${p.role} (${p.status}${p.behind_hub ? `, behind ${partner.name}: ${p.behind_hub}` : ''})`)
    .join(', ');
  const gate = partner.routes_active ? '' : '  [gated: routes wait for a passing check]';
  const check = partner.last_check ? `  check ${partner.last_check.verdict}` : '';
  return `${partner.id}  ${partner.name}  ${partner.status}  ${partner.ocpi_version ?? '-'}  ${parties || 'no parties yet'}${check}${gate}`;
}

export function partnerCommand(): Command {
  const partner = new Command('partner').description('onboard and inspect partner platforms on a running hub');

  partner.addCommand(
    withClientOptions(new Command('invite'))
      .description('create a partner and print its token A and the hub versions URL')
      .requiredOption('--name <name>', 'the partner name')
      .addOption(new Option('--role <role>', 'the role it plays; needed for OCPI 2.1.1 partners').choices(['CPO', 'EMSP']))
      .option('--no-standard-agreement', "keep its parties out of the hub's standard agreement")
      .option('--gated', 'gated onboarding: route nothing to or from it until a conformance check passes (or `partner activate`)')
      .action(async (options: ClientOptions & { name: string; role?: string; standardAgreement: boolean; gated?: boolean }) => {
        const invited = await new AdminClient(options).post<{ id: string; token_a: string; versions_url: string }>(
          '/api/partners',
          { name: options.name, role: options.role, standard_agreement: options.standardAgreement, gated: options.gated === true },
        );
        print(options, invited, () =>
          [`Partner ${invited.id} invited.`, `  token A       ${invited.token_a}`, `  versions URL  ${invited.versions_url}`].join('\n'),
        );
      }),
  );

  partner.addCommand(
    withClientOptions(new Command('list'))
      .description('list partners, their parties and status')
      .action(async (options: ClientOptions) => {
        const partners = await new AdminClient(options).get<PartnerSummary[]>('/api/partners?limit=500');
        print(options, partners, () => (partners.length ? partners.map(describe).join('\n') : 'No partners.'));
      }),
  );

  partner.addCommand(checkCommand());
  partner.addCommand(applyQuirksCommand());
  partner.addCommand(activateCommand());

  partner.addCommand(
    withClientOptions(new Command('connect'))
      .description("start the credentials handshake from the hub, with the partner's versions URL and token A")
      .argument('<id>', 'partner id')
      .requiredOption('--versions-url <url>', "the partner's versions URL")
      .requiredOption('--token <token>', 'the token A the partner issued')
      .action(async (id: string, options: ClientOptions & { versionsUrl: string; token: string }) => {
        const connected = await new AdminClient(options).post<PartnerSummary>(`/api/partners/${id}/connect`, {
          versions_url: options.versionsUrl,
          token: options.token,
        });
        print(options, connected, () => `Connected: ${describe(connected)}`);
      }),
  );

  partner.addCommand(
    withClientOptions(new Command('declare'))
      .description('declare a party reached through a neighbouring hub (a partner with role HUB) whose hubclientinfo does not list it')
      .argument('<id>', 'partner id of the neighbouring hub')
      .requiredOption('--party <party>', 'the party, as CC*PID (e.g. CA*XYZ)')
      .addOption(new Option('--role <role>', 'its role').choices(['CPO', 'EMSP', 'NSP', 'OTHER', 'SCSP']).makeOptionMandatory())
      .addOption(new Option('--status <status>', 'its status').choices(['CONNECTED', 'OFFLINE', 'PLANNED', 'SUSPENDED']).default('CONNECTED'))
      .option('--name <name>', 'its business name')
      .action(async (id: string, options: ClientOptions & { party: string; role: string; status: string; name?: string }) => {
        const party = parseParty(options.party);
        if (!party) throw new Error(`--party must look like CC*PID (e.g. CA*XYZ), not "${options.party}"`);
        const neighbour = await new AdminClient(options).post<PartnerSummary>(`/api/partners/${id}/parties`, {
          role: options.role,
          country_code: party.countryCode,
          party_id: party.partyId,
          status: options.status,
          name: options.name,
        });
        print(options, neighbour, () => describe(neighbour));
      }),
  );

  partner.addCommand(
    withClientOptions(new Command('remove'))
      .description('remove a partner: revoke its tokens and suspend its parties')
      .argument('<id>', 'partner id')
      .action(async (id: string, options: ClientOptions) => {
        await new AdminClient(options).delete(`/api/partners/${id}`);
        print(options, { removed: id }, () => `Partner ${id} removed.`);
      }),
  );
  return partner;
}
