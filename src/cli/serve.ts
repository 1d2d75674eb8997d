import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import type { RunningHub } from '../switchyard.js';

/** Options shared by every command that starts a hub (serve, and the demo), with their defaults. */
export function hubOptions(command: Command, defaults: { host: string; logLevel: string } = { host: '0.0.0.0', logLevel: 'warn' }): Command {
  return command
    .addOption(new Option('--port <port>', 'HTTP port').env('PORT').default(3000).argParser(Number))
    .addOption(new Option('--host <host>', 'address to listen on').default(defaults.host))
    .addOption(
      new Option('--public-url <url>', 'the base URL partners use to reach the hub (default http://localhost:PORT)').env(
        'SWITCHYARD_PUBLIC_URL',
      ),
    )
    .addOption(new Option('--database-url <url>', 'PostgreSQL server (default: embedded database)').env('DATABASE_URL'))
    .addOption(
      new Option(
        '--journal-database-url <url>',
        "PostgreSQL server for the journal and authorization decisions (default: the --database-url server); on a server of its own their writes leave the data's WAL",
      ).env('SWITCHYARD_JOURNAL_DATABASE_URL'),
    )
    .addOption(new Option('--data-dir <dir>', 'where the embedded database keeps its files').default('./data'))
    .addOption(
      new Option('--admin-token <token>', 'bearer token of the admin API (generated when absent)').env(
        'SWITCHYARD_ADMIN_TOKEN',
      ),
    )
    .addOption(new Option('--hub-party <party>', "the hub's own party, COUNTRY*PARTY").default('US*SWY'))
    .addOption(
      new Option('--secret-key <key>', 'key that seals the tokens the hub sends (default: generated, kept in the database)').env(
        'SWITCHYARD_SECRET_KEY',
      ),
    )
    .addOption(
      new Option('--allow-partner-network <cidr>', 'a network the hub may call partners in besides public addresses (repeatable)')
        .argParser((value: string, previous: string[] = []) => [...previous, value]),
    )
    .addOption(new Option('--tls-cert <file>', 'serve HTTPS with this certificate (PEM); needs --tls-key'))
    .addOption(new Option('--tls-key <file>', 'the private key of --tls-cert (PEM)'))
    .addOption(new Option('--tls-ca <file>', 'CA certificates (PEM) that client certificates are verified against'))
    .addOption(new Option('--tls-client-cert <file>', 'client certificate (PEM) the hub presents when it calls partners'))
    .addOption(new Option('--tls-client-key <file>', 'the private key of --tls-client-cert (PEM)'))
    .addOption(
      new Option('--check-interval <hours>', 'check every partner for conformance this often (0: never on a schedule)')
        .env('SWITCHYARD_CHECK_INTERVAL_HOURS')
        .default(24)
        .argParser(hoursParser),
    )
    .option('--no-check-after-credentials', "don't check a partner after each credentials update (gated partners are checked anyway)")
    .addOption(
      new Option(
        '--delivery-give-way <ms>',
        'while partners press the hub with requests, start delivery rounds at most this often (default 1000; 0: never give way, for delivering processes with cores of their own)',
      )
        .env('SWITCHYARD_DELIVERY_GIVE_WAY_MS')
        .argParser(millisecondsParser),
    )
    .addOption(
      new Option(
        '--delivery-give-way-share <fraction>',
        'while giving way, start deliveries only in this share of each --delivery-give-way period, halved for each further period of pressure down to a quarter of it (default 0.2; 1: at any time)',
      )
        .env('SWITCHYARD_DELIVERY_GIVE_WAY_SHARE')
        .argParser(shareParser),
    )
    .addOption(new Option('--log-level <level>', 'log level (fatal, error, warn, info, debug)').default(defaults.logLevel));
}

function millisecondsParser(value: string): number {
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms < 0) throw new InvalidArgumentError('a whole number of milliseconds, 0 or more');
  return ms;
}

function shareParser(value: string): number {
  const share = Number(value);
  if (!(share > 0 && share <= 1)) throw new InvalidArgumentError('a fraction above 0 and at most 1');
  return share;
}

function hoursParser(value: string): number {
  const hours = Number(value);
  if (!Number.isFinite(hours) || hours < 0) throw new InvalidArgumentError('a number of hours, 0 or more');
  return hours;
}

export interface HubCliOptions {
  port: number;
  host: string;
  publicUrl?: string;
  databaseUrl?: string;
  journalDatabaseUrl?: string;
  dataDir: string;
  adminToken?: string;
  hubParty: string;
  secretKey?: string;
  logLevel: string;
  allowPartnerNetwork?: string[];
  tlsCert?: string;
  tlsKey?: string;
  tlsCa?: string;
  tlsClientCert?: string;
  tlsClientKey?: string;
  checkInterval: number;
  checkAfterCredentials: boolean;
  deliveryGiveWay?: number;
  deliveryGiveWayShare?: number;
}

/** PEM files named on the command line; a certificate without its key (or the reverse) is an error. */
function tlsFiles(options: HubCliOptions) {
  const read = (file: string | undefined) => (file === undefined ? undefined : readFileSync(file, 'utf8'));
  if (!options.tlsCert !== !options.tlsKey) throw new Error('--tls-cert and --tls-key go together');
  if (!options.tlsClientCert !== !options.tlsClientKey) throw new Error('--tls-client-cert and --tls-client-key go together');
  const cert = read(options.tlsCert);
  const key = read(options.tlsKey);
  return {
    tls: cert && key ? { cert, key, ca: read(options.tlsCa) } : undefined,
    outboundTls: options.tlsClientCert ? { cert: read(options.tlsClientCert), key: read(options.tlsClientKey) } : undefined,
  };
}

export async function startFromCli(options: HubCliOptions, role: { deliver?: boolean } = {}): Promise<RunningHub> {
  // Loaded on use, so that the admin commands do not load the server and the database.
  const { startSwitchyard } = await import('../switchyard.js');
  return startSwitchyard({
    port: options.port,
    host: options.host,
    publicUrl: options.publicUrl,
    databaseUrl: options.databaseUrl,
    journalDatabaseUrl: options.journalDatabaseUrl,
    dataDir: options.databaseUrl ? undefined : options.dataDir,
    adminToken: options.adminToken,
    hubParty: options.hubParty,
    secretKey: options.secretKey,
    allowPartnerNetworks: options.allowPartnerNetwork,
    ...tlsFiles(options),
    conformance: {
      intervalMs: options.checkInterval > 0 ? options.checkInterval * 3_600_000 : null,
      afterCredentials: options.checkAfterCredentials,
    },
    logger: { level: options.logLevel },
    deliver: role.deliver,
    delivery: definedOnly({ giveWayMs: options.deliveryGiveWay, giveWayShare: options.deliveryGiveWayShare }),
  });
}

/** The settings given, without those left to their defaults (undefined when none was given). */
function definedOnly<T extends object>(settings: T): Partial<T> | undefined {
  const given = Object.entries(settings).filter(([, value]) => value !== undefined);
  return given.length > 0 ? (Object.fromEntries(given) as Partial<T>) : undefined;
}

/** Stops `close` on the first SIGINT or SIGTERM; a second signal exits at once. */
export function closeOnSignal(close: () => Promise<void>): void {
  let closing = false;
  const onSignal = (signal: string) => {
    if (closing) process.exit(130);
    closing = true;
    console.log(`\n${signal}: shutting down…`);
    close().then(
      () => process.exit(0),
      (error) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

export function serveCommand(): Command {
  return hubOptions(new Command('serve').description('run the hub'))
    .option('--no-delivery', 'take requests only; other hub processes on the same PostgreSQL server deliver')
    .action(async (options: HubCliOptions & { delivery: boolean }) => {
      const running = await startFromCli(options, { deliver: options.delivery });
      const { publicUrl } = running.hub.config;
      console.log(`Switchyard hub listening on ${publicUrl}`);
      console.log(`  database       ${options.databaseUrl ? 'PostgreSQL server' : `embedded, in ${options.dataDir}`}`);
      if (options.journalDatabaseUrl) console.log('  journal        PostgreSQL server of its own');
      console.log(`  OCPI versions  ${publicUrl}/ocpi/versions`);
      console.log(`  admin API      ${publicUrl}/api  (docs: ${publicUrl}/api/docs)`);
      console.log(`  admin token    ${options.adminToken ? '(as configured)' : running.adminToken}`);
      if (!options.delivery) console.log('  delivery       by other hub processes (--no-delivery)');
      closeOnSignal(running.close);
    });
}
