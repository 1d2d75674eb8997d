import type { OcpiVersion } from './platform.js';
import type { FastifyReply } from 'fastify';
import { applyLocationChange, locationPart } from '../hub/location-tree.js';
import type { ObjectData } from '../hub/objects.js';
import type { OcpiReply } from '../ocpi/client.js';
import { envelope, success } from '../ocpi/envelope.js';
import type { PartyRef } from '../ocpi/headers.js';
import { OcpiStatus } from '../ocpi/status.js';
import { ocpiTimestamp } from '../ocpi/time.js';
import type {
  AuthorizationInfo,
  Cdr,
  CommandResponse,
  CommandResult,
  Location,
  LocationReferences,
  Session,
  StartSession,
  Status,
  StopSession,
  Tariff,
  Token,
} from '../ocpi/v2_2_1/index.js';
import type { Hop } from './charging.js';
import { driversFor, type Driver } from './drivers.js';
import { operatorPlatform, type Operator } from './operators.js';
import type { OcpiPlatform, ReceivedRequest } from './platform.js';
import type { Random } from './random.js';
import type { OpcpClient } from './opcp-client.js';
import { ISO_15118_2, issueContract, signedContractDataXml, type Pki } from './pki.js';
import { answerGet } from './sender.js';
import type { Tally } from './tally.js';

export interface SimEmspOptions {
  operator: Operator;
  /** The OCPI version it speaks (default 2.2.1). */
  version?: OcpiVersion;
  drivers: number;
  rng: Random;
  tally: Tally;
  /** Unique per run, so that command ids of a restarted demo never repeat. */
  runId: string;
  now?: () => Date;
  /**
   * A slow eMSP: real-time authorizations are answered after up to this many ms (often past the
   * hub's budget), everything else after up to a twentieth of it.
   */
  slowMs?: number;
  /** How long app users charge before they press stop, from and to (ms). */
  appSessionMs?: [number, number];
}

/** A command the eMSP sent on behalf of one of its app users, and what came of it. */
export interface IssuedCommand {
  id: string;
  type: 'START_SESSION' | 'STOP_SESSION';
  body: StartSession | StopSession;
  hop: Hop;
  /** The CPO's synchronous answer, relayed by the hub. */
  response?: CommandResponse;
  /** The asynchronous result, posted to our response_url. */
  result?: CommandResult;
}

/**
 * A simulated e-mobility service provider on a real OCPI platform: it publishes its drivers'
 * tokens, answers real-time authorization, starts and stops sessions from its app, and keeps what
 * CPOs publish through the hub (locations and EVSE statuses, tariffs, sessions, CDRs).
 */
export class SimEmsp {
  readonly party: PartyRef;
  readonly drivers: Driver[];
  /** Received objects, by `CC*PID/ID`. */
  readonly locations = new Map<string, Location>();
  readonly tariffs = new Map<string, Tariff>();
  readonly sessions = new Map<string, Session>();
  readonly cdrs = new Map<string, Cdr>();
  /** The latest status of every EVSE, by `CC*PID/LOCATION/EVSE`. */
  readonly statuses = new Map<string, Status>();
  /** Commands sent, by id (the id ends their response_url). */
  readonly commands = new Map<string, IssuedCommand>();
  private readonly delays: Random;
  /** When app users will press stop, by the authorization_reference of their session. */
  private readonly plannedStops = new Map<string, number>();
  private count = 0;

  private constructor(
    readonly platform: OcpiPlatform,
    private readonly options: SimEmspOptions,
  ) {
    this.party = { countryCode: options.operator.countryCode, partyId: options.operator.partyId };
    this.delays = options.rng.fork('delays');
    this.drivers = driversFor(options.operator, options.drivers, options.rng, ocpiTimestamp(this.now()));
  }

  static async start(options: SimEmspOptions): Promise<SimEmsp> {
    const platform = await operatorPlatform(options.operator, 'EMSP', options.version);
    const emsp = new SimEmsp(platform, options);
    emsp.routes();
    return emsp;
  }

  get name(): string {
    return this.options.operator.name;
  }

  /** Every token of every driver: cards and app accounts. */
  get tokens(): Token[] {
    return this.drivers.flatMap((d) => [d.rfid, d.app].filter((t): t is Token => t !== undefined));
  }

  async publish(): Promise<void> {
    for (const token of this.tokens) await this.pushToken(token);
  }

  /**
   * Publishes the Plug & Charge contracts of its drivers with active contracts in the hub's
   * contract certificate pool (OPCP), as signed contract data a CPS made for each vehicle.
   */
  async publishContracts(opcp: OpcpClient, pki: Pki): Promise<void> {
    for (const driver of this.drivers.filter((d) => d.emaid && d.pcid && d.status === 'ACTIVE')) {
      const emaid = driver.emaid!.uid;
      const contract = await issueContract(pki, emaid);
      const reply = await opcp.call('PUT', '/v1/ccp/signedContractData', {
        body: { xsdMsgDefNamespace: ISO_15118_2, emaid, pcid: driver.pcid, signedContractDataXML: signedContractDataXml(pki, contract, emaid) },
      });
      if (reply.status === 201) this.options.tally.count('pnc.contracts');
      else this.options.tally.note('pnc.refused', `${this.name}: contract ${emaid} refused (HTTP ${reply.status}) ${JSON.stringify(reply.body)}`);
    }
  }

  /**
   * An app user starts charging at a free EVSE the eMSP has heard of. The command's id is both the
   * end of its response_url and the session's authorization_reference, which ties the three together.
   */
  async startAppSession(driver?: Driver): Promise<IssuedCommand | undefined> {
    const rng = this.options.rng;
    const users = this.drivers.filter((d) => d.app?.valid);
    const spots = this.freeEvses();
    if (users.length === 0 || spots.length === 0) return undefined;
    driver ??= rng.pick(users);
    const { location, evseUid } = rng.pick(spots);
    const id = this.nextId('C');
    const body: StartSession = {
      response_url: this.responseUrl('START_SESSION', id),
      token: driver.app!,
      location_id: location.id,
      evse_uid: evseUid,
      authorization_reference: id,
    };
    const [low, high] = this.options.appSessionMs ?? [60_000, 240_000];
    this.plannedStops.set(id, this.now().getTime() + rng.int(low, high));
    return this.command('START_SESSION', id, body, { countryCode: location.country_code, partyId: location.party_id });
  }

  async stopAppSession(session: Session): Promise<IssuedCommand> {
    if (session.authorization_reference) this.plannedStops.delete(session.authorization_reference);
    const id = this.nextId('C');
    const body: StopSession = { response_url: this.responseUrl('STOP_SESSION', id), session_id: session.id };
    return this.command('STOP_SESSION', id, body, { countryCode: session.country_code, partyId: session.party_id });
  }

  /** App users whose time is up press stop (if their session is still going by then). */
  async stopDueSessions(): Promise<void> {
    const now = this.now().getTime();
    for (const [reference, due] of this.plannedStops) {
      if (due > now) continue;
      this.plannedStops.delete(reference);
      const session = [...this.sessions.values()].find((s) => s.authorization_reference === reference);
      if (session?.status === 'ACTIVE') await this.stopAppSession(session);
    }
  }

  /** A driver reports a card lost (the card is blocked), or finds it again. */
  async toggleCard(): Promise<void> {
    const withCard = this.drivers.filter((d) => d.rfid && d.status === 'ACTIVE');
    if (withCard.length === 0) return;
    const card = this.options.rng.pick(withCard).rfid!;
    card.valid = !card.valid;
    card.last_updated = ocpiTimestamp(this.now());
    const reply = await this.send({ method: 'PATCH', url: this.tokenUrl(card), body: { valid: card.valid, last_updated: card.last_updated } });
    this.options.tally.note('tokens.changed', `${this.name}: card ${card.uid} ${card.valid ? 'found again' : 'reported lost'} (${reply.envelope?.status_code})`);
  }

  /** A token with a bad field, which the hub must refuse with 2001 and not store. */
  async pushMalformed(): Promise<void> {
    const token = this.options.rng.pick(this.tokens);
    const reply = await this.send({ method: 'PUT', url: this.tokenUrl(token), body: { ...token, whitelist: 'SOMETIMES' } });
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

  private nextId(kind: string): string {
    return `${this.options.runId}-${this.party.partyId}-${kind}${String(++this.count).padStart(5, '0')}`;
  }

  /** Our commands Sender interface, where CPOs' results come back to (through the hub). */
  private responseUrl(command: string, id: string): string {
    return `${this.platform.url}/${this.platform.version}/sender/commands/${command}/${encodeURIComponent(id)}`;
  }

  private tokenUrl(token: Token): string {
    const path = [token.country_code, token.party_id, token.uid].map(encodeURIComponent).join('/');
    return `${this.platform.hubUrl('tokens', undefined, 'RECEIVER')}/${path}?type=${token.type}`;
  }

  private send<T>(call: Parameters<OcpiPlatform['send']>[0]): Promise<OcpiReply<T>> {
    return this.platform.send<T>({ ...call, routing: { ...call.routing, from: this.party } });
  }

  private async pushToken(token: Token): Promise<void> {
    const reply = await this.send({ method: 'PUT', url: this.tokenUrl(token), body: token });
    const status = reply.envelope?.status_code;
    if (status === OcpiStatus.SUCCESS) this.options.tally.count('pushes');
    else this.options.tally.note('pushes.refused', `${this.name}: token PUT answered ${status ?? `HTTP ${reply.httpStatus}`} ${reply.envelope?.status_message ?? ''}`);
  }

  private async command(type: IssuedCommand['type'], id: string, body: StartSession | StopSession, cpo: PartyRef): Promise<IssuedCommand> {
    const url = `${this.platform.hubUrl('commands', undefined, 'RECEIVER')}/${type}`;
    const issued: IssuedCommand = { id, type, body, hop: { step: type, correlationId: '', httpStatus: 0 } };
    this.commands.set(id, issued);
    const reply = await this.send<CommandResponse>({ method: 'POST', url, body, routing: { to: cpo } });
    issued.hop = { step: type, correlationId: reply.correlationId, httpStatus: reply.httpStatus, ocpiStatus: reply.envelope?.status_code };
    issued.response = reply.envelope?.status_code === OcpiStatus.SUCCESS ? reply.envelope.data : undefined;
    this.options.tally.note(`commands.${issued.response?.result ?? 'failed'}`.toLowerCase(), `${this.name}: ${type} ${id} → ${issued.response?.result ?? reply.envelope?.status_code ?? reply.httpStatus}`);
    return issued;
  }

  private freeEvses(): { location: Location; evseUid: string }[] {
    return [...this.locations.values()].flatMap((location) =>
      (location.evses ?? [])
        .filter((e) => e.status === 'AVAILABLE' && e.capabilities?.includes('REMOTE_START_STOP_CAPABLE'))
        .map((e) => ({ location, evseUid: e.uid })),
    );
  }

  private routes(): void {
    const handle = (module: string, handler: (request: ReceivedRequest, reply: FastifyReply) => unknown) =>
      this.platform.handle(module, async (request, reply) => {
        await this.dawdle(request.path.endsWith('/authorize'));
        return handler(request, reply);
      });
    handle('tokens', (request, reply) => this.onTokens(request, reply));
    handle('commands', (request, reply) => this.onResult(request, reply));
    handle('locations', (request, reply) => this.onLocation(request, reply));
    handle('tariffs', (request, reply) => this.onOwned(request, reply, this.tariffs));
    handle('sessions', (request, reply) => this.onOwned(request, reply, this.sessions));
    handle('cdrs', (request, reply) => this.onCdr(request, reply));
  }

  private async dawdle(authorization: boolean): Promise<void> {
    const slowest = this.options.slowMs;
    if (!slowest) return;
    const delay = authorization ? this.delays.int(slowest / 4, slowest) : this.delays.int(0, slowest / 20);
    await new Promise((resolve) => setTimeout(resolve, delay));
  }

  /** Our tokens Sender interface: the token list, and real-time authorization. */
  private onTokens(request: ReceivedRequest, reply: FastifyReply): unknown {
    const [uid, action] = segments(request.path);
    if (request.method === 'GET' && !uid) {
      return answerGet(request, reply, `${this.platform.url}/${this.platform.version}/sender/tokens`, this.tokens, () => undefined);
    }
    if (request.method !== 'POST' || action !== 'authorize') return reply.code(404).send(envelope(OcpiStatus.CLIENT_ERROR, undefined, 'Not found'));
    // The eMSP keeps EMAIDs as 2.2.1 tokens of type OTHER; a 2.3.0 hub asks with type EMAID.
    const type = request.query.type === 'EMAID' ? 'OTHER' : (request.query.type ?? 'RFID');
    const matches = (t: Token | undefined) => t?.type === type && t.uid.toUpperCase() === uid.toUpperCase();
    const driver = this.drivers.find((d) => [d.rfid, d.app, d.emaid].some(matches));
    const token = driver && [driver.rfid, driver.app, driver.emaid].find(matches);
    if (!driver || !token) {
      this.options.tally.count('authorizations.unknown');
      return reply.code(404).send(envelope(OcpiStatus.UNKNOWN_TOKEN, undefined, `Unknown token ${uid}`));
    }
    // A contract blocked or expired, or a card reported lost (blocked).
    const allowed = token.valid ? 'ALLOWED' : driver.status === 'EXPIRED' ? 'EXPIRED' : 'BLOCKED';
    const location = request.body as LocationReferences | undefined;
    const info: AuthorizationInfo = {
      allowed,
      token,
      ...(location?.location_id ? { location } : {}),
      ...(allowed === 'ALLOWED' ? { authorization_reference: this.nextId('A') } : {}),
    };
    this.options.tally.count(`authorizations.${allowed.toLowerCase()}`);
    return success(info);
  }

  /** A command result from a CPO, posted (through the hub) to the response_url we gave. */
  private onResult(request: ReceivedRequest, reply: FastifyReply): unknown {
    const [, id] = segments(request.path);
    const command = id ? this.commands.get(id) : undefined;
    if (request.method !== 'POST' || !command) return reply.code(404).send(envelope(OcpiStatus.CLIENT_ERROR, undefined, 'Unknown command'));
    command.result = request.body as CommandResult;
    this.options.tally.count(`results.${command.result.result.toLowerCase()}`);
    return success();
  }

  private onLocation(request: ReceivedRequest, reply: FastifyReply): unknown {
    const [cc, pid, id, evseUid, connectorId] = segments(request.path);
    const key = objectKey(cc, pid, id);
    const current = this.locations.get(key) as ObjectData | undefined;
    if (request.method === 'GET') {
      const part = current && locationPart(current, evseUid, connectorId);
      return part ? success(part) : reply.code(404).send(envelope(OcpiStatus.UNKNOWN_LOCATION, undefined, 'Unknown location'));
    }
    const method = request.method === 'PATCH' ? 'PATCH' : 'PUT';
    const next = applyLocationChange(current, { method, evseUid, connectorId, body: request.body as ObjectData });
    // A change below a location we do not have: the hub then sends the whole location.
    if (!next) return reply.code(404).send(envelope(OcpiStatus.UNKNOWN_LOCATION, undefined, 'Unknown location, EVSE or connector'));
    const location = next as unknown as Location;
    this.locations.set(key, location);
    for (const evse of location.evses ?? []) this.statuses.set(`${key}/${evse.uid}`, evse.status);
    return success();
  }

  /** Tariffs and sessions: objects CPOs own, PUT whole or (sessions) PATCHed. */
  private onOwned<T extends { last_updated: string }>(request: ReceivedRequest, reply: FastifyReply, store: Map<string, T>): unknown {
    const [cc, pid, id] = segments(request.path);
    const key = objectKey(cc, pid, id);
    const current = store.get(key);
    const body = request.body as Partial<T> & { charging_periods?: unknown[] };
    switch (request.method) {
      case 'GET':
        return current ? success(current) : reply.code(404).send(envelope(OcpiStatus.CLIENT_ERROR, undefined, 'Unknown object'));
      case 'PUT':
        store.set(key, body as T);
        return success();
      case 'DELETE':
        store.delete(key);
        return success();
      case 'PATCH': {
        if (!current) return reply.code(404).send(envelope(OcpiStatus.CLIENT_ERROR, undefined, 'Unknown object: PUT it first'));
        // PATCHed charging periods are added to the session's list (mod_sessions → PATCH).
        const periods = body.charging_periods ? [...((current as { charging_periods?: unknown[] }).charging_periods ?? []), ...body.charging_periods] : undefined;
        store.set(key, { ...current, ...body, ...(periods ? { charging_periods: periods } : {}) });
        return success();
      }
      default:
        return reply.code(405).send(envelope(OcpiStatus.CLIENT_ERROR, undefined, 'Method not allowed'));
    }
  }

  /** CDRs are POSTed to the module URL; the answer says where our copy is. */
  private onCdr(request: ReceivedRequest, reply: FastifyReply): unknown {
    if (request.method === 'GET') return this.onOwned(request, reply, this.cdrs);
    const cdr = request.body as Cdr;
    const key = objectKey(cdr.country_code, cdr.party_id, cdr.id);
    this.cdrs.set(key, cdr);
    this.options.tally.count('cdrs.received');
    reply.header('Location', `${this.platform.url}/${this.platform.version}/receiver/cdrs/${key.replace('*', '/')}`);
    return success();
  }
}

function segments(path: string): string[] {
  return path.split('/').filter(Boolean).map(decodeURIComponent);
}

function objectKey(countryCode: string, partyId: string, id: string): string {
  return `${countryCode}*${partyId}/${id}`.toUpperCase();
}
