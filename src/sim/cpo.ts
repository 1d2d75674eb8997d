import type { OcpiVersion } from './platform.js';
import type { FastifyReply } from 'fastify';
import { locationPart } from '../hub/location-tree.js';
import { OcpiCallError, type OcpiCall, type OcpiReply } from '../ocpi/client.js';
import { envelope, success } from '../ocpi/envelope.js';
import { formatParty, parseRoutingHeaders, type PartyRef } from '../ocpi/headers.js';
import { OcpiStatus } from '../ocpi/status.js';
import { ocpiTimestamp } from '../ocpi/time.js';
import type {
  AllowedType,
  AuthMethod,
  AuthorizationInfo,
  CommandResponse,
  CommandResult,
  Evse,
  Location,
  Session,
  StartSession,
  Status,
  StopSession,
  Tariff,
  Token,
} from '../ocpi/v2_2_1/index.js';
import { ChargingSession, type Hop } from './charging.js';
import { locationsFor } from './locations.js';
import { operatorPlatform, type CpoOperator } from './operators.js';
import type { OcpiPlatform, ReceivedRequest } from './platform.js';
import type { Random } from './random.js';
import { answerGet } from './sender.js';
import type { Tally } from './tally.js';
import { Tasks } from './tasks.js';
import { tariffsFor } from './tariffs.js';

export interface SimCpoOptions {
  operator: CpoOperator;
  locations: number;
  rng: Random;
  tally: Tally;
  /** Unique per run, so that a restarted demo never reuses a session id. */
  runId: string;
  now?: () => Date;
  /** Answers some of the token pushes it receives with OCPI 2001. */
  rejecting?: boolean;
  /** Adds 1.00 to the total of some of its CDRs, as a CPO with a billing bug would. */
  mispricing?: boolean;
  /** How long a charger takes to carry out a remote command before its result is posted. */
  commandDelayMs?: number;
  /** The OCPI version it speaks (default 2.2.1). */
  version?: OcpiVersion;
}

/** The seconds a CPO promises to answer a command in (CommandResponse.timeout). */
const COMMAND_TIMEOUT_S = 30;

/** A command result the CPO posted to the response_url it was given. */
export interface PostedResult {
  command: string;
  responseUrl: string;
  result: CommandResult;
  hop: Hop;
}

/** Who sent a command, and the exchange it belongs to. */
interface CommandOrigin {
  requester?: PartyRef;
  correlationId?: string;
}

export interface TapOutcome {
  uid: string;
  /** What decided: the hub's (or eMSP's) answer, the CPO's cached whitelist, or a refusal without one. */
  allowed: AllowedType | 'NO_ANSWER' | 'UNKNOWN';
  rule: 'AUTH_REQUEST' | 'WHITELIST' | 'OFFLINE_WHITELIST' | 'REFUSED';
  session?: ChargingSession;
}

/**
 * A simulated charge point operator on a real OCPI platform: it publishes locations and tariffs,
 * changes EVSE statuses, authorizes RFID taps in real time through the hub, carries out remote
 * start and stop commands, meters sessions and sends their CDRs.
 */
export class SimCpo {
  readonly party: PartyRef;
  readonly locations = new Map<string, Location>();
  readonly tariffs = new Map<string, Tariff>();
  /** Tokens the hub pushed, by `CC*PID:TYPE:UID`. */
  readonly tokens = new Map<string, Token>();
  readonly sessions = new Map<string, ChargingSession>();
  readonly commandResults: PostedResult[] = [];
  private readonly tasks: Tasks;
  private readonly rejections: Random;
  private readonly mispricings: Random;
  private sessionCount = 0;

  private constructor(
    readonly platform: OcpiPlatform,
    private readonly options: SimCpoOptions,
  ) {
    this.party = { countryCode: options.operator.countryCode, partyId: options.operator.partyId };
    this.tasks = new Tasks((error) => options.tally.note('errors', `${this.name}: ${error instanceof Error ? error.message : String(error)}`));
    // Pushes arrive whenever the hub sends them: their own stream keeps the CPO's choices repeatable.
    this.rejections = options.rng.fork('rejections');
    this.mispricings = options.rng.fork('mispricings');
    const stamp = ocpiTimestamp(this.now());
    for (const tariff of tariffsFor(options.operator, stamp)) this.tariffs.set(tariff.id, tariff);
    for (const location of locationsFor(options.operator, options.locations, options.rng, stamp)) this.locations.set(location.id, location);
  }

  static async start(options: SimCpoOptions): Promise<SimCpo> {
    const platform = await operatorPlatform(options.operator, 'CPO', options.version);
    const cpo = new SimCpo(platform, options);
    cpo.routes();
    return cpo;
  }

  get name(): string {
    return this.options.operator.name;
  }

  /** Publishes every tariff, then every location (with its EVSEs and connectors). */
  async publish(): Promise<void> {
    for (const tariff of this.tariffs.values()) {
      await this.push('tariff PUT', { method: 'PUT', url: this.objectUrl('tariffs', tariff.id), body: tariff });
    }
    for (const location of this.locations.values()) {
      await this.push('location PUT', { method: 'PUT', url: this.objectUrl('locations', location.id), body: location });
    }
  }

  /**
   * A driver taps an RFID card at a free charger. Cards whitelisted ALWAYS start at once; others
   * are authorized in real time through the hub, and when no answer comes, cards that may be
   * whitelisted offline start anyway. Without a `uid` a known card is chosen, now and then a
   * stranger's card nobody knows.
   */
  async tap(choice: { uid?: string; evseUid?: string } = {}): Promise<TapOutcome | undefined> {
    const spot = this.freeCardReader(choice.evseUid);
    if (!spot) return undefined;
    const cards = [...this.tokens.values()].filter((t) => t.type === 'RFID');
    const token = choice.uid
      ? cards.find((t) => t.uid.toUpperCase() === choice.uid!.toUpperCase())
      : cards.length > 0 && !this.options.rng.chance(0.1)
        ? this.options.rng.pick(cards)
        : undefined;
    const uid = token?.uid ?? choice.uid ?? this.options.rng.hex(14);

    if (token?.whitelist === 'ALWAYS') {
      if (!token.valid) return this.refused(uid, 'BLOCKED');
      return { uid, allowed: 'ALLOWED', rule: 'WHITELIST', session: await this.begin(token, spot, 'WHITELIST') };
    }
    const { info, hop } = await this.authorize(uid, spot.location, spot.evse, token);
    if (info) {
      if (info.allowed !== 'ALLOWED') return this.refused(uid, info.allowed);
      const session = await this.begin(info.token, spot, 'AUTH_REQUEST', info.authorization_reference, [hop]);
      return { uid, allowed: 'ALLOWED', rule: 'AUTH_REQUEST', session };
    }
    // No decision came back (hub or eMSP unreachable, too slow): only a valid card the eMSP lets
    // us whitelist may charge.
    const unanswered = hop.httpStatus === 0 || hop.httpStatus >= 500 || (hop.ocpiStatus ?? 0) >= 3000;
    if (unanswered && token?.valid && (token.whitelist === 'ALLOWED' || token.whitelist === 'ALLOWED_OFFLINE')) {
      return { uid, allowed: 'NO_ANSWER', rule: 'OFFLINE_WHITELIST', session: await this.begin(token, spot, 'WHITELIST', undefined, [hop]) };
    }
    return this.refused(uid, hop.ocpiStatus === OcpiStatus.UNKNOWN_TOKEN ? 'UNKNOWN' : unanswered ? 'NO_ANSWER' : 'NOT_ALLOWED');
  }

  /** Takes a meter reading of every session and pushes it; parked cars whose driver came back are unplugged. */
  async advance(): Promise<void> {
    const live = [...this.sessions.values()].filter((s) => s.phase !== 'ENDED');
    await Promise.all(
      live.map((charging) =>
        charging.serial(async () => {
          if (charging.phase === 'ENDED') return;
          if (charging.driverLeft) return this.finish(charging);
          const period = charging.read(this.now());
          if (!period) return;
          await this.patchSession(charging, 'session PATCH', { charging_periods: [period] });
        }),
      ),
    );
  }

  /** Ends a session: last reading, COMPLETED, the EVSE freed, the CDR sent. */
  end(charging: ChargingSession): Promise<void> {
    return charging.serial(() => this.finish(charging));
  }

  /**
   * Stops carrying out commands (those pending are dropped: the hub answers TIMEOUT for them) and
   * ends every session still going, with its CDR.
   */
  async stop(): Promise<void> {
    await this.tasks.stop();
    await Promise.all([...this.sessions.values()].filter((s) => s.phase !== 'ENDED').map((s) => this.end(s)));
  }

  /** An EVSE breaks down or is repaired; chargers in use are left alone. */
  async changeStatus(): Promise<void> {
    const idle = this.allEvses().filter(({ evse }) => evse.status !== 'CHARGING');
    const broken = idle.filter(({ evse }) => evse.status !== 'AVAILABLE');
    const repair = broken.length > 0 && this.options.rng.chance(0.6);
    const candidates = repair ? broken : idle.filter(({ evse }) => evse.status === 'AVAILABLE');
    if (candidates.length === 0) return;
    const { location, evse } = this.options.rng.pick(candidates);
    const status: Status = repair ? 'AVAILABLE' : this.options.rng.pick(['OUTOFORDER', 'INOPERATIVE', 'BLOCKED'] as const);
    await this.setStatus(location, evse, status);
  }

  /** A push with one bad field, which the hub must refuse with 2001 and not store. */
  async pushMalformed(): Promise<void> {
    const { location, evse } = this.options.rng.pick(this.allEvses());
    const variants: Omit<OcpiCall, 'token'>[] = [
      { method: 'PATCH', url: this.objectUrl('locations', location.id, evse.uid), body: { status: 'FAULTY', last_updated: this.stamp() } },
      { method: 'PUT', url: this.objectUrl('locations', location.id), body: { ...location, coordinates: { latitude: '47.6', longitude: '-122.3' } } },
      { method: 'PUT', url: this.objectUrl('tariffs', 'BROKEN'), body: { ...this.tariffs.values().next().value, id: 'BROKEN', elements: [] } },
    ];
    const reply = await this.platform.send({ ...this.options.rng.pick(variants), routing: { from: this.party } });
    const status = reply.envelope?.status_code;
    if (status === OcpiStatus.INVALID_PARAMETERS) this.options.tally.count('malformed.refused');
    else this.options.tally.note('malformed.accepted', `${this.name}: the hub answered ${status ?? reply.httpStatus} to a malformed push`);
  }

  async close(): Promise<void> {
    await this.platform.close();
  }

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }

  private stamp(): string {
    return ocpiTimestamp(this.now());
  }

  private objectUrl(module: string, id: string, ...below: string[]): string {
    const path = [this.party.countryCode, this.party.partyId, id, ...below].map(encodeURIComponent).join('/');
    return `${this.platform.hubUrl(module, undefined, 'RECEIVER')}/${path}`;
  }

  private async push(step: string, call: Omit<OcpiCall, 'token'>): Promise<OcpiReply> {
    const reply = await this.platform.send({ ...call, routing: { ...call.routing, from: this.party } });
    const status = reply.envelope?.status_code;
    if (status === OcpiStatus.SUCCESS) this.options.tally.count('pushes');
    else this.options.tally.note('pushes.refused', `${this.name}: ${step} answered ${status ?? `HTTP ${reply.httpStatus}`} ${reply.envelope?.status_message ?? ''}`);
    return reply;
  }

  private allEvses(): { location: Location; evse: Evse }[] {
    return [...this.locations.values()].flatMap((location) => (location.evses ?? []).map((evse) => ({ location, evse })));
  }

  private freeCardReader(uid: string | undefined): { location: Location; evse: Evse } | undefined {
    const free = this.allEvses().filter(
      ({ evse }) => evse.status === 'AVAILABLE' && evse.capabilities?.includes('RFID_READER') && (!uid || evse.uid === uid),
    );
    return free.length > 0 ? this.options.rng.pick(free) : undefined;
  }

  private async authorize(uid: string, location: Location, evse: Evse, token: Token | undefined): Promise<{ info?: AuthorizationInfo; hop: Hop }> {
    const url = `${this.platform.hubUrl('tokens', undefined, 'SENDER')}/${encodeURIComponent(uid)}/authorize?type=RFID`;
    // A known card names its eMSP; for a stranger's card the hub has to find out.
    const to = token ? { countryCode: token.country_code, partyId: token.party_id } : undefined;
    try {
      const reply = await this.platform.send<AuthorizationInfo>({
        method: 'POST',
        url,
        body: { location_id: location.id, evse_uids: [evse.uid] },
        routing: { from: this.party, to },
      });
      const hop = { step: 'authorize', correlationId: reply.correlationId, httpStatus: reply.httpStatus, ocpiStatus: reply.envelope?.status_code };
      const info = reply.envelope?.status_code === OcpiStatus.SUCCESS ? reply.envelope.data : undefined;
      return { info, hop };
    } catch (error) {
      if (!(error instanceof OcpiCallError)) throw error;
      return { hop: { step: 'authorize', correlationId: '', httpStatus: 0 } };
    }
  }

  private refused(uid: string, allowed: TapOutcome['allowed']): TapOutcome {
    this.options.tally.note('taps.refused', `${this.name}: card ${uid} refused (${allowed})`);
    return { uid, allowed, rule: 'REFUSED' };
  }

  /** Takes the EVSE at once (so nothing else claims it), then tells the hub about the session. */
  private async begin(
    token: Pick<Token, 'country_code' | 'party_id' | 'uid' | 'type' | 'contract_id'>,
    spot: { location: Location; evse: Evse },
    authMethod: AuthMethod,
    authorizationReference?: string,
    hops: Hop[] = [],
    connectorId?: string,
  ): Promise<ChargingSession> {
    const { location, evse } = spot;
    const connector = evse.connectors.find((c) => c.id === connectorId) ?? evse.connectors[0];
    const tariff = this.tariffs.get(connector.tariff_ids?.[0] ?? '') ?? this.tariffs.values().next().value!;
    const rng = this.options.rng;
    const dc = connector.power_type === 'DC';
    const maxKw = (connector.max_electric_power ?? 7_000) / 1000;
    const stamp = this.stamp();
    evse.status = 'CHARGING';
    const session: Session = {
      country_code: this.party.countryCode,
      party_id: this.party.partyId,
      id: `${this.options.runId}-${this.party.partyId}-${String(++this.sessionCount).padStart(5, '0')}`,
      start_date_time: stamp,
      kwh: 0,
      cdr_token: { country_code: token.country_code, party_id: token.party_id, uid: token.uid, type: token.type, contract_id: token.contract_id },
      auth_method: authMethod,
      ...(authorizationReference ? { authorization_reference: authorizationReference } : {}),
      location_id: location.id,
      evse_uid: evse.uid,
      connector_id: connector.id,
      currency: tariff.currency,
      total_cost: { excl_vat: 0, incl_vat: 0 },
      status: 'ACTIVE',
      last_updated: stamp,
    };
    const charging = new ChargingSession(session, location, evse, connector, tariff, {
      powerKw: dc ? Math.min(rng.int(50, 150), maxKw) : Math.min(rng.int(60, 77) / 10, maxKw),
      targetWh: dc ? rng.int(2_000, 12_000) : rng.int(300, 1_500),
      // Remotely started sessions are stopped from the app; the driver unplugging is the fallback.
      leaveAfterReadings: rng.int(1, 4) + (authMethod === 'COMMAND' ? 6 : 0),
    });
    charging.hops.push(...hops);
    this.sessions.set(session.id, charging);
    this.options.tally.note('sessions.started', `${this.name}: session ${session.id} started at ${location.name} (${authMethod})`);
    await charging.serial(async () => {
      const reply = await this.push('session PUT', { method: 'PUT', url: this.objectUrl('sessions', session.id), body: session, routing: { to: this.driverParty(session) } });
      charging.hops.push(hopOf('session PUT', reply));
      await this.setStatus(location, evse, 'CHARGING');
    });
    return charging;
  }

  private async finish(charging: ChargingSession): Promise<void> {
    if (charging.phase === 'ENDED') return;
    const period = charging.read(this.now(), true);
    charging.phase = 'ENDED';
    const stamp = this.stamp();
    await this.patchSession(charging, 'session COMPLETED', { status: 'COMPLETED', end_date_time: stamp, ...(period ? { charging_periods: [period] } : {}) });
    await this.setStatus(charging.location, charging.evse, 'AVAILABLE');
    const cdr = charging.toCdr();
    if (this.options.mispricing && this.mispricings.chance(0.25)) {
      cdr.total_cost = { excl_vat: cdr.total_cost.excl_vat + 1, incl_vat: (cdr.total_cost.incl_vat ?? cdr.total_cost.excl_vat) + 1 };
      this.options.tally.count('cdrs.mispriced');
    }
    charging.cdr = cdr;
    const reply = await this.push('CDR POST', { method: 'POST', url: this.platform.hubUrl('cdrs', undefined, 'RECEIVER'), body: cdr, routing: { to: this.driverParty(charging.session) } });
    charging.hops.push(hopOf('CDR POST', reply));
    this.options.tally.note('cdrs', `${this.name}: CDR ${cdr.id}: ${cdr.total_energy} kWh, ${cdr.total_cost.incl_vat} ${cdr.currency}`);
  }

  /** PATCHes the session with a change plus the meter's totals, and keeps our copy in step. */
  private async patchSession(charging: ChargingSession, step: string, change: Partial<Session>): Promise<void> {
    const patch: Partial<Session> = {
      ...change,
      kwh: charging.energyWh / 1000,
      total_cost: charging.cost().total,
      last_updated: change.end_date_time ?? this.stamp(),
    };
    Object.assign(charging.session, patch, { charging_periods: [...charging.periods] });
    const reply = await this.push(step, { method: 'PATCH', url: this.objectUrl('sessions', charging.id), body: patch, routing: { to: this.driverParty(charging.session) } });
    charging.hops.push(hopOf(step, reply));
  }

  private async setStatus(location: Location, evse: Evse, status: Status): Promise<void> {
    const stamp = this.stamp();
    evse.status = status;
    evse.last_updated = stamp;
    location.last_updated = stamp;
    await this.push('EVSE PATCH', { method: 'PATCH', url: this.objectUrl('locations', location.id, evse.uid), body: { status, last_updated: stamp } });
  }

  private driverParty(session: Session): PartyRef {
    return { countryCode: session.cdr_token.country_code, partyId: session.cdr_token.party_id };
  }

  private routes(): void {
    const moduleUrl = (module: string) => `${this.platform.url}/${this.platform.version}/sender/${module}`;
    this.platform.handle('tokens', (request, reply) => this.onToken(request, reply));
    this.platform.handle('commands', (request) => this.onCommand(request));
    this.platform.handle('locations', (request, reply) =>
      answerGet(request, reply, moduleUrl('locations'), [...this.locations.values()], ([id, evse, connector]) => {
        const location = this.locations.get(id.toUpperCase());
        return location && locationPart(location, evse, connector);
      }),
    );
    this.platform.handle('tariffs', (request, reply) =>
      answerGet(request, reply, moduleUrl('tariffs'), [...this.tariffs.values()], ([id]) => this.tariffs.get(id.toUpperCase())),
    );
    this.platform.handle('sessions', (request, reply) =>
      answerGet(request, reply, moduleUrl('sessions'), [...this.sessions.values()].map((s) => s.session), ([id]) => this.sessions.get(id)?.session),
    );
    this.platform.handle('cdrs', (request, reply) => {
      const cdrs = [...this.sessions.values()].flatMap((s) => (s.cdr ? [s.cdr] : []));
      return answerGet(request, reply, moduleUrl('cdrs'), cdrs, ([id]) => cdrs.find((c) => c.id === id));
    });
  }

  /** Tokens pushed by eMSPs through the hub: PUT, PATCH, or GET of our copy. */
  private onToken(request: ReceivedRequest, reply: FastifyReply): unknown {
    const [cc, pid, uid] = segments(request.path);
    if (!uid) return envelope(OcpiStatus.INVALID_PARAMETERS, undefined, 'Expected /{country_code}/{party_id}/{uid}');
    const key = tokenKey(cc, pid, request.query.type ?? 'RFID', uid);
    const known = this.tokens.get(key);
    if (request.method === 'GET') return known ? success(known) : reply.code(404).send(envelope(OcpiStatus.UNKNOWN_TOKEN, undefined, 'Unknown token'));
    if (this.options.rejecting && this.rejections.chance(0.3)) {
      this.options.tally.count('tokens.rejected');
      return envelope(OcpiStatus.INVALID_PARAMETERS, undefined, `${this.name} does not accept token ${uid} (simulated rejection)`);
    }
    if (request.method === 'PUT') this.tokens.set(key, request.body as Token);
    else if (request.method === 'PATCH' && known) this.tokens.set(key, { ...known, ...(request.body as Partial<Token>) });
    else if (request.method === 'PATCH') return reply.code(404).send(envelope(OcpiStatus.UNKNOWN_TOKEN, undefined, 'Unknown token: PUT it first'));
    return success();
  }

  private onCommand(request: ReceivedRequest): unknown {
    const [command] = segments(request.path);
    // The result continues the command's exchange: it goes back under the command's correlation id.
    const origin = { requester: parseRoutingHeaders(request.headers).from, correlationId: String(request.headers['x-correlation-id'] ?? '') || undefined };
    if (request.method === 'POST' && command === 'START_SESSION') return this.onStart(request.body as StartSession, origin);
    if (request.method === 'POST' && command === 'STOP_SESSION') return this.onStop(request.body as StopSession, origin);
    return success<CommandResponse>({ result: 'NOT_SUPPORTED', timeout: 0 });
  }

  private onStart(command: StartSession, origin: CommandOrigin): unknown {
    const location = this.locations.get(command.location_id.toUpperCase());
    const evse = location?.evses?.find((e) => (command.evse_uid ? e.uid === command.evse_uid : e.status === 'AVAILABLE'));
    if (!location || (command.evse_uid && !evse)) return respond('REJECTED', 'Unknown location or EVSE');
    this.tasks.after(this.options.commandDelayMs ?? 500, async () => {
      const free = evse?.status === 'AVAILABLE';
      const result: CommandResult['result'] = free ? 'ACCEPTED' : evse?.status === 'CHARGING' || !evse ? 'EVSE_OCCUPIED' : 'EVSE_INOPERATIVE';
      if (!free) return this.postResult('START_SESSION', command.response_url, { result }, origin);
      // The EVSE is taken before the result goes out, so that nothing else claims it meanwhile.
      const starting = this.begin(command.token, { location, evse }, 'COMMAND', command.authorization_reference, [], command.connector_id);
      await this.postResult('START_SESSION', command.response_url, { result }, origin);
      await starting;
    });
    return respond('ACCEPTED');
  }

  private onStop(command: StopSession, origin: CommandOrigin): unknown {
    const charging = this.sessions.get(command.session_id);
    if (!charging || charging.phase === 'ENDED') return respond('UNKNOWN_SESSION', 'No such session in progress');
    const owner = this.driverParty(charging.session);
    if (origin.requester && formatParty(origin.requester) !== formatParty(owner)) return respond('REJECTED', 'Not a session of yours');
    this.tasks.after(this.options.commandDelayMs ?? 500, async () => {
      await this.postResult('STOP_SESSION', command.response_url, { result: 'ACCEPTED' }, origin);
      await this.end(charging);
    });
    return respond('ACCEPTED');
  }

  private async postResult(command: string, responseUrl: string, result: CommandResult, origin: CommandOrigin): Promise<void> {
    const reply = await this.platform.send({
      method: 'POST',
      url: responseUrl,
      body: result,
      routing: { from: this.party, to: origin.requester },
      correlationId: origin.correlationId,
    });
    this.commandResults.push({ command, responseUrl, result, hop: hopOf(`${command} result`, reply) });
  }
}

function respond(result: CommandResponse['result'], text?: string) {
  return success<CommandResponse>({ result, timeout: COMMAND_TIMEOUT_S, ...(text ? { message: [{ language: 'en', text }] } : {}) });
}

function hopOf(step: string, reply: OcpiReply): Hop {
  return { step, correlationId: reply.correlationId, httpStatus: reply.httpStatus, ocpiStatus: reply.envelope?.status_code };
}

function segments(path: string): string[] {
  return path.split('/').filter(Boolean).map(decodeURIComponent);
}

function tokenKey(countryCode: string, partyId: string, type: string, uid: string): string {
  return `${countryCode}*${partyId}:${type}:${uid}`.toUpperCase();
}
