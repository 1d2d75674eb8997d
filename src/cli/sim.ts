import { Command, InvalidArgumentError, Option } from 'commander';
import { FAILURES, type Failure } from '../sim/failures.js';
import type { Simulation, SimulationOptions } from '../sim/runner.js';
import type { OcpiVersion } from '../sim/platform.js';
import { CliError } from './admin-client.js';
import { closeOnSignal } from './serve.js';

/** Traffic options shared by `sim` and `demo`. */
export function trafficOptions(command: Command): Command {
  return command
    .addOption(new Option('--locations <n>', 'locations per CPO').default(5).argParser(positive))
    .addOption(new Option('--drivers <n>', 'drivers per eMSP').default(20).argParser(positive))
    .addOption(new Option('--session-rate <rate>', 'new sessions across the network, e.g. 6/min, 1/s, 30/h').default(6, '6/min').argParser(parseRate))
    .addOption(new Option('--seed <n>', "seed of the simulation's choices (same seed, same choices)").default(1).argParser(positive))
    .addOption(new Option('--failures <list>', `partners that misbehave, comma-separated: ${FAILURES.join(', ')}`).default([], 'none').argParser(parseFailures))
    .addOption(
      new Option('--cpo-versions <list>', 'the OCPI version of each CPO, cycled').default(['2.2.1', '2.1.1', '2.3.0'], '2.2.1,2.1.1,2.3.0').argParser(parseVersions),
    )
    .addOption(new Option('--emsp-versions <list>', 'the OCPI version of each eMSP, cycled').default(['2.2.1', '2.3.0'], '2.2.1,2.3.0').argParser(parseVersions))
    .option('--verbose', 'print every notable event (sessions, CDRs, refusals…)');
}

export interface TrafficCliOptions {
  locations: number;
  drivers: number;
  sessionRate: number;
  seed: number;
  failures: Failure[];
  cpoVersions: OcpiVersion[];
  emspVersions: OcpiVersion[];
  verbose?: boolean;
}

/** Starts simulated partners on a hub, as the CLI options say. */
export async function startTraffic(
  options: TrafficCliOptions,
  target: Pick<SimulationOptions, 'hubUrl' | 'adminToken' | 'cpos' | 'emsps' | 'stateFile' | 'progress'>,
): Promise<Simulation> {
  // Loaded on use, so that commands which start no partners start quickly.
  const { Simulation } = await import('../sim/runner.js');
  try {
    return await Simulation.start({
      ...target,
      locations: options.locations,
      drivers: options.drivers,
      sessionsPerMinute: options.sessionRate,
      seed: options.seed,
      failures: options.failures,
      cpoVersions: options.cpoVersions,
      emspVersions: options.emspVersions,
      plugAndCharge: true,
      log: options.verbose ? (line) => console.log(`  ${line}`) : undefined,
    });
  } catch (error) {
    throw new CliError(`Cannot start the simulated partners: ${error instanceof Error ? error.message : String(error)}`);
  }
}

export function describeTraffic(simulation: Simulation, options: TrafficCliOptions): string[] {
  const partners = [
    ...simulation.cpos.map((c) => `${c.name} (${c.party.countryCode}*${c.party.partyId}, CPO, OCPI ${c.platform.version})`),
    ...simulation.emsps.map((e) => `${e.name} (${e.party.countryCode}*${e.party.partyId}, eMSP, OCPI ${e.platform.version})`),
  ];
  return [
    `  partners       ${partners.join(', ')}`,
    `  traffic        ${options.sessionRate} sessions/min, ${options.locations} locations per CPO, ${options.drivers} drivers per eMSP, seed ${options.seed}`,
    `  failures       ${options.failures.length ? options.failures.join(', ') : 'none'}`,
  ];
}

/** Prints a line of what the partners did, now and then, until the returned function is called. */
export function reportActivity(simulation: Simulation, everyMs = 30_000): () => void {
  const timer = setInterval(() => console.log(`[${new Date().toLocaleTimeString()}] ${simulation.summary()}`), everyMs);
  return () => clearInterval(timer);
}

export function simCommand(): Command {
  const command = new Command('sim')
    .description('attach simulated CPOs and eMSPs to a running hub (on this machine)')
    .addOption(new Option('--hub-url <url>', 'the running hub').env('SWITCHYARD_HUB_URL').default('http://localhost:3000'))
    .addOption(new Option('--admin-token <token>', 'admin bearer token').env('SWITCHYARD_ADMIN_TOKEN').makeOptionMandatory())
    .addOption(new Option('--cpos <n>', 'simulated CPOs').default(2).argParser(positive))
    .addOption(new Option('--emsps <n>', 'simulated eMSPs').default(2).argParser(positive))
    .addOption(
      new Option('--state-file <file>', 'where the partners keep their registrations, so that the next run picks them up').default(
        './data/sim-partners.json',
      ),
    );
  return trafficOptions(command)
    .action(async (options: TrafficCliOptions & { hubUrl: string; adminToken: string; cpos: number; emsps: number; stateFile: string }) => {
      const simulation = await startTraffic(options, options);
      console.log(`Simulated partners onboarded on ${options.hubUrl} and roaming.`);
      for (const line of describeTraffic(simulation, options)) console.log(line);
      console.log('Ctrl-C stops them (their sessions end with CDRs first).');
      const stopReporting = reportActivity(simulation);
      closeOnSignal(async () => {
        stopReporting();
        await simulation.stop();
      });
    });
}

function parseVersions(text: string): OcpiVersion[] {
  const versions = text.split(',').map((v) => v.trim());
  const unknown = versions.filter((v) => !['2.1.1', '2.2.1', '2.3.0'].includes(v));
  if (unknown.length > 0) throw new InvalidArgumentError(`unknown OCPI version ${unknown.join(', ')}; use 2.1.1, 2.2.1 or 2.3.0`);
  return versions as OcpiVersion[];
}

function positive(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new InvalidArgumentError('expected a whole number, 1 or more');
  return value;
}

const PER_MINUTE: Record<string, number> = { s: 60, sec: 60, min: 1, h: 1 / 60 };

/** Reads a rate such as 6/min, 1/s or 30/h (a bare number is per minute) as sessions per minute. */
export function parseRate(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(?:\/\s*(s|sec|min|h))?$/.exec(text.trim());
  if (!match) throw new InvalidArgumentError('expected a rate such as 6/min, 1/s or 30/h');
  return Number(match[1]) * PER_MINUTE[match[2] ?? 'min'];
}

export function parseFailures(text: string): Failure[] {
  const names = text.split(',').map((name) => name.trim()).filter(Boolean);
  const unknown = names.filter((name) => !(FAILURES as readonly string[]).includes(name));
  if (unknown.length > 0) throw new InvalidArgumentError(`unknown ${unknown.join(', ')}; expected some of ${FAILURES.join(', ')}`);
  return names as Failure[];
}
