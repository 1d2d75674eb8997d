import type { OcpiVersion } from './platform.js';
import { SimCpo } from './cpo.js';
import { SimEmsp } from './emsp.js';
import { AdminApi, connect } from './onboard.js';
import { cpoOperator, emspOperator } from './operators.js';
import { Random } from './random.js';
import { loadRegistrations, saveRegistrations, type Registration } from './registrations.js';
import { Tally } from './tally.js';
import { Tasks } from './tasks.js';

export const FAILURES = ['slow-emsp', 'absent-emsp', 'rejecting-cpo', 'malformed', 'mispricing-cpo'] as const;
export type Failure = (typeof FAILURES)[number];

export interface SimulationOptions {
  /** The hub's base URL, for its admin API. */
  hubUrl: string;
  adminToken: string;
  cpos?: number;
  emsps?: number;
  /** The OCPI version of each CPO and eMSP, by position (cycled; default all 2.2.1). */
  cpoVersions?: readonly OcpiVersion[];
  emspVersions?: readonly OcpiVersion[];
  /** Locations per CPO. */
  locations?: number;
  /** Drivers per eMSP. */
  drivers?: number;
  /** New sessions per minute across the network, half tapped with a card, half started from an app. */
  sessionsPerMinute?: number;
  seed?: number;
  /**
   * slow-emsp: the last eMSP answers after up to `slowMs`; absent-emsp: the first eMSP is down
   * now and then; rejecting-cpo: the last CPO refuses some token pushes; malformed: every partner
   * now and then pushes an object with a bad field; mispricing-cpo: the first CPO overcharges one
   * CDR in four by 1.00, which the hub's audit flags.
   */
  failures?: readonly Failure[];
  /** Run traffic on timers (the default); false leaves every step to the caller, as tests do. */
  traffic?: boolean;
  /** How often sessions are metered and EVSE statuses may change. */
  tickMs?: number;
  /** How long a simulated charger takes to carry out a remote command. */
  commandDelayMs?: number;
  slowMs?: number;
  /**
   * Where the partners keep their registrations between runs, so that a restart picks them up
   * (same partners, same settings, held deliveries resumed); without it they are onboarded afresh.
   */
  stateFile?: string;
  /** Unique per run (default: the start time), so that ids never repeat across runs. */
  runId?: string;
  /** The partners' clock, for session timestamps and meter readings. */
  now?: () => Date;
  /** Where notable events are told, one line each. */
  log?: (line: string) => void;
}

/** Ticks an absent eMSP stays up, then down. */
const PRESENT_TICKS = 12;
const ABSENT_TICKS = 4;

/**
 * A network of simulated CPOs and eMSPs attached to a hub: started on loopback ports, onboarded
 * through the admin API and the credentials handshake, publishing their objects, and (unless
 * told otherwise) roaming on timers until stop().
 */
export class Simulation {
  /** Admin API partner ids, by platform name. */
  readonly partnerIds = new Map<string, string>();
  private readonly tasks: Tasks;
  private ticks = 0;

  private constructor(
    readonly cpos: SimCpo[],
    readonly emsps: SimEmsp[],
    readonly tally: Tally,
    private readonly options: SimulationOptions & { tickMs: number },
    private readonly rng: Random,
  ) {
    this.tasks = new Tasks((error) => tally.note('errors', error instanceof Error ? error.message : String(error)));
  }

  static async start(options: SimulationOptions): Promise<Simulation> {
    const { cpos = 2, emsps = 2, locations = 5, drivers = 20, seed = 1, failures = [] } = options;
    if (cpos < 1 || emsps < 1) throw new Error('A roaming network needs at least one CPO and one eMSP');
    const tickMs = options.tickMs ?? 5_000;
    const rng = new Random(seed);
    const tally = new Tally(options.log);
    const runId = options.runId ?? Date.now().toString(36);
    const common = { tally, runId, now: options.now };
    const cpoList = await Promise.all(
      Array.from({ length: cpos }, (_, i) =>
        SimCpo.start({
          ...common,
          operator: cpoOperator(i),
          locations,
          rng: rng.fork(`cpo-${i}`),
          rejecting: failures.includes('rejecting-cpo') && i === cpos - 1,
          mispricing: failures.includes('mispricing-cpo') && i === 0,
          commandDelayMs: options.commandDelayMs,
          version: nth(options.cpoVersions, i),
        }),
      ),
    );
    const emspList = await Promise.all(
      Array.from({ length: emsps }, (_, i) =>
        SimEmsp.start({
          ...common,
          operator: emspOperator(i),
          drivers,
          rng: rng.fork(`emsp-${i}`),
          slowMs: failures.includes('slow-emsp') && i === emsps - 1 ? (options.slowMs ?? 5_000) : undefined,
          appSessionMs: [6 * tickMs, 24 * tickMs],
          version: nth(options.emspVersions, i),
        }),
      ),
    );
    const simulation = new Simulation(cpoList, emspList, tally, { ...options, tickMs }, rng.fork('traffic'));
    try {
      const api = new AdminApi(options.hubUrl, options.adminToken);
      const saved = options.stateFile ? await loadRegistrations(options.stateFile) : {};
      const registrations: Record<string, Registration> = {};
      for (const partner of [...cpoList.map((c) => ({ sim: c, role: 'CPO' })), ...emspList.map((e) => ({ sim: e, role: 'EMSP' }))]) {
        const { name, platform, party } = partner.sim;
        registrations[name] = await connect(api, platform, { ...party, role: partner.role }, saved[name]);
        simulation.partnerIds.set(name, registrations[name].partnerId);
      }
      if (options.stateFile) await saveRegistrations(options.stateFile, { ...saved, ...registrations });
      // Everyone registers before anyone publishes: the hub sends a new receiver only what is pushed after it joined.
      for (const cpo of cpoList) await cpo.publish();
      for (const emsp of emspList) await emsp.publish();
    } catch (error) {
      await simulation.stop();
      throw error;
    }
    if (options.traffic !== false) simulation.run();
    return simulation;
  }

  /** Counts of what happened so far, one line. */
  summary(): string {
    const t = this.tally;
    const parts = [
      `${t.get('sessions.started')} sessions`,
      `${t.get('cdrs')} CDRs`,
      `${t.get('authorizations.allowed')} authorized in real time`,
      `${t.get('taps.refused')} taps refused`,
      `${t.get('commands.accepted')} remote commands`,
      `${t.get('pushes')} pushes`,
    ];
    if (t.get('pushes.refused')) parts.push(`${t.get('pushes.refused')} refused pushes`);
    if (t.get('tokens.rejected')) parts.push(`${t.get('tokens.rejected')} tokens rejected by a CPO`);
    if (t.get('malformed.refused')) parts.push(`${t.get('malformed.refused')} malformed pushes refused`);
    if (t.get('errors')) parts.push(`${t.get('errors')} errors`);
    return parts.join(', ');
  }

  /** Stops the traffic, ends the sessions still going (with their CDRs) and closes every platform. */
  async stop(): Promise<void> {
    await this.tasks.stop();
    await this.settle(this.cpos.map((cpo) => cpo.stop()));
    await this.settle([...this.cpos, ...this.emsps].map((partner) => partner.close()));
  }

  private run(): void {
    const { tickMs } = this.options;
    const perMinute = this.options.sessionsPerMinute ?? 6;
    if (perMinute > 0) this.tasks.every(() => (60_000 / perMinute) * (0.5 + this.rng.next()), () => this.newSession());
    this.tasks.every(() => tickMs, () => this.tick());
  }

  private async newSession(): Promise<void> {
    const present = this.emsps.filter((e) => e.platform.available);
    if (present.length > 0 && this.rng.chance(0.5)) await this.rng.pick(present).startAppSession();
    else await this.rng.pick(this.cpos).tap();
  }

  private async tick(): Promise<void> {
    const failures = this.options.failures ?? [];
    const malformed = failures.includes('malformed');
    this.ticks++;
    if (failures.includes('absent-emsp')) this.absence(this.emsps[0]);
    // Every choice is drawn before the first await, so the draws keep their order whatever the timing.
    await this.settle([
      ...this.cpos.map(async (cpo) => {
        const breakdown = this.rng.chance(0.15);
        const bad = malformed && this.rng.chance(0.03);
        await cpo.advance();
        if (breakdown) await cpo.changeStatus();
        if (bad) await cpo.pushMalformed();
      }),
      ...this.emsps
        .filter((emsp) => emsp.platform.available)
        .map(async (emsp) => {
          const lostCard = this.rng.chance(0.02);
          const bad = malformed && this.rng.chance(0.03);
          await emsp.stopDueSessions();
          if (lostCard) await emsp.toggleCard();
          if (bad) await emsp.pushMalformed();
        }),
    ]);
  }

  /** The absent eMSP is up for a while, then down (every request answered 503), and so on. */
  private absence(emsp: SimEmsp): void {
    const up = this.ticks % (PRESENT_TICKS + ABSENT_TICKS) < PRESENT_TICKS;
    if (up === emsp.platform.available) return;
    emsp.platform.available = up;
    this.tally.note(up ? 'absence.back' : 'absence.down', `${emsp.name} is ${up ? 'back' : 'down'}`);
  }

  private async settle(work: Promise<unknown>[]): Promise<void> {
    for (const outcome of await Promise.allSettled(work)) {
      if (outcome.status === 'rejected') this.tally.note('errors', String(outcome.reason?.message ?? outcome.reason));
    }
  }
}

/** The i-th of a cycled list, or nothing when the list is empty. */
function nth<T>(list: readonly T[] | undefined, i: number): T | undefined {
  return list && list.length > 0 ? list[i % list.length] : undefined;
}
