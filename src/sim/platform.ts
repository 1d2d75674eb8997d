import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { randomBytes } from 'node:crypto';
import { tokenCandidates } from '../ocpi/auth.js';
import { callOcpi, type OcpiCall, type OcpiReply, type OutboundPolicy } from '../ocpi/client.js';
import { discoverEndpoints, type DiscoveredVersion } from '../ocpi/discovery.js';
import { envelope, success } from '../ocpi/envelope.js';
import { OcpiStatus } from '../ocpi/status.js';
import { WireAdapter } from './wire.js';

/** A party the platform hosts. */
export interface PlatformRole {
  role: 'CPO' | 'EMSP' | 'NSP' | 'SCSP' | 'OTHER';
  countryCode: string;
  partyId: string;
  name: string;
}

export interface ModuleEndpoint {
  identifier: string;
  role: 'SENDER' | 'RECEIVER';
}

export interface PlatformOptions {
  name: string;
  roles: PlatformRole[];
  /** Module interfaces to advertise besides credentials; default: what the roles usually implement. */
  modules?: ModuleEndpoint[];
  /** The OCPI version the platform speaks (default 2.2.1). A 2.1.1 platform hosts its first role only. */
  version?: OcpiVersion;
  /**
   * The platform's own logic works in 2.2.1 objects whatever it speaks on the wire (simulated
   * partners): bodies are translated on the way out and in. Tests leave it off to send raw bodies.
   */
  thinksIn221?: boolean;
  host?: string;
  /** How the platform connects to the hub (a TLS client certificate, a CA to trust); default: plain. */
  connection?: OutboundPolicy;
  /**
   * How many of the hub's latest requests `received` and `calls` keep at least (default 1,000):
   * a simulated partner that runs for hours, or takes thousands of deliveries a second, must not
   * keep every request it was sent.
   */
  history?: number;
}

/** A request the hub made to this platform. */
export interface ReceivedRequest {
  method: string;
  /** The path below the module's base URL, e.g. `/US/ABC/LOC1`. */
  path: string;
  module: string;
  interfaceRole: 'SENDER' | 'RECEIVER';
  headers: Record<string, string | string[] | undefined>;
  query: Record<string, string>;
  body: unknown;
}

/** Answers one module request; returning undefined falls back to the default 1000 reply. */
export type ModuleHandler = (request: ReceivedRequest, reply: FastifyReply) => unknown | Promise<unknown>;

/** How many of the hub's latest requests a platform keeps at least, unless told otherwise. */
const DEFAULT_HISTORY = 1_000;

const DEFAULT_MODULES: Record<PlatformRole['role'], ModuleEndpoint[]> = {
  CPO: [
    { identifier: 'locations', role: 'SENDER' },
    { identifier: 'tariffs', role: 'SENDER' },
    { identifier: 'sessions', role: 'SENDER' },
    { identifier: 'cdrs', role: 'SENDER' },
    { identifier: 'tokens', role: 'RECEIVER' },
    { identifier: 'commands', role: 'RECEIVER' },
    { identifier: 'chargingprofiles', role: 'RECEIVER' },
  ],
  EMSP: [
    { identifier: 'locations', role: 'RECEIVER' },
    { identifier: 'tariffs', role: 'RECEIVER' },
    { identifier: 'sessions', role: 'RECEIVER' },
    { identifier: 'cdrs', role: 'RECEIVER' },
    { identifier: 'tokens', role: 'SENDER' },
    { identifier: 'commands', role: 'SENDER' },
  ],
  NSP: [{ identifier: 'locations', role: 'RECEIVER' }],
  SCSP: [{ identifier: 'chargingprofiles', role: 'SENDER' }],
  OTHER: [],
};

export type OcpiVersion = '2.1.1' | '2.2.1' | '2.3.0';

/**
 * A partner platform that speaks OCPI 2.2.1 over real HTTP: versions, version details, both sides
 * of the credentials handshake and the hubclientinfo receiver. Module requests from the hub are
 * recorded and answered by handlers, so simulated CPOs and eMSPs (and tests) build on it.
 */
export class OcpiPlatform {
  /** The hub's latest module requests (at least `history` of them), oldest first. */
  readonly received: ReceivedRequest[] = [];
  /** hubclientinfo pushes, by `CC/PID`. */
  readonly clientInfo = new Map<string, unknown>();
  /** The token the hub presents to us (we issued it). */
  tokenForHub?: string;
  /** The token we present to the hub (the hub issued it). */
  tokenToHub?: string;
  /** The hub's endpoints, read during the handshake. */
  hub?: DiscoveredVersion;
  /** The hub's latest requests to any endpoint (at least `history` of them), oldest first. */
  readonly calls: { method: string; url: string; headers: Record<string, string | string[] | undefined> }[] = [];
  /** Send the token raw instead of base64 (some older platforms do). */
  rawTokens = false;
  /** While false the platform is "down": every request gets HTTP 503. */
  available = true;

  private registrationToken?: string;
  private readonly wire?: WireAdapter;
  private readonly handlers = new Map<string, ModuleHandler>();
  private readonly modules: ModuleEndpoint[];
  private readonly history: number;

  /** The platform's OCPI base URL, known once it listens. */
  url = '';
  readonly version: OcpiVersion;

  private constructor(
    readonly options: PlatformOptions,
    private readonly server: FastifyInstance,
  ) {
    this.version = options.version ?? '2.2.1';
    this.history = options.history ?? DEFAULT_HISTORY;
    if (!Number.isInteger(this.history) || this.history < 0) throw new RangeError(`a platform's history is a whole number of requests, not ${options.history}`);
    if (options.thinksIn221 && this.version !== '2.2.1') {
      const [party] = options.roles;
      this.wire = new WireAdapter(this.version, { countryCode: party.countryCode, partyId: party.partyId });
    }
    // A 2.1.1 platform is one party: it offers the interfaces of its first role only.
    const roles = this.version === '2.1.1' ? options.roles.slice(0, 1) : options.roles;
    this.modules = options.modules ?? [...new Set(roles.flatMap((r) => DEFAULT_MODULES[r.role]))];
  }

  static async start(options: PlatformOptions): Promise<OcpiPlatform> {
    const server = Fastify({ logger: false, forceCloseConnections: true });
    const platform = new OcpiPlatform(options, server);
    platform.routes();
    await server.listen({ port: 0, host: options.host ?? '127.0.0.1' });
    const address = server.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    platform.url = `http://127.0.0.1:${port}/ocpi`;
    return platform;
  }

  get versionsUrl(): string {
    return `${this.url}/versions`;
  }

  /** Issues a token A for the hub, for a handshake the hub starts. */
  issueRegistrationToken(): string {
    this.registrationToken = newToken();
    return this.registrationToken;
  }

  /** Sets how this platform answers requests to one module. */
  handle(module: string, handler: ModuleHandler): void {
    this.handlers.set(module, handler);
  }

  receivedFor(module: string): ReceivedRequest[] {
    return this.received.filter((r) => r.module === module);
  }

  /** We start the handshake: POST our credentials to the hub with its token A. */
  async register(hubVersionsUrl: string, tokenA: string): Promise<OcpiReply> {
    const hub = await this.discover(hubVersionsUrl, tokenA);
    this.tokenForHub = newToken();
    const reply = await callOcpi<{ token: string }>({
      outbound: this.options.connection,
      method: 'POST',
      url: this.hubUrl('credentials', hub),
      token: tokenA,
      body: this.credentials(this.tokenForHub),
    });
    if (reply.envelope?.status_code === OcpiStatus.SUCCESS && reply.envelope.data) {
      this.tokenToHub = reply.envelope.data.token;
      this.hub = hub;
    }
    return reply;
  }

  /** PUT credentials: a new token for the hub to use, and we get a new one back. */
  async updateCredentials(): Promise<OcpiReply> {
    const next = newToken();
    const previous = this.tokenForHub;
    this.tokenForHub = next;
    const reply = await this.send<{ token: string }>({ method: 'PUT', url: this.hubUrl('credentials'), body: this.credentials(next) });
    if (reply.envelope?.status_code === OcpiStatus.SUCCESS && reply.envelope.data) this.tokenToHub = reply.envelope.data.token;
    else this.tokenForHub = previous;
    return reply;
  }

  /** DELETE credentials: we leave the hub. */
  async unregister(): Promise<OcpiReply> {
    return this.send({ method: 'DELETE', url: this.hubUrl('credentials') });
  }

  /** Calls the hub with our token: a module by identifier and role of the hub's interface, plus a path. */
  async send<T = unknown>(call: Omit<OcpiCall, 'token'> & { token?: string }): Promise<OcpiReply<T>> {
    const body = this.wire && call.body !== undefined ? this.wire.outbound(call.method, call.url, call.body) : call.body;
    // 2.1.1 has no routing headers and no token type in URLs.
    const legacy = this.wire?.version === '2.1.1';
    const reply = await callOcpi<T>({
      outbound: this.options.connection,
      ...call,
      url: legacy ? call.url.replace(/\?type=[^&]*$/, '') : call.url,
      routing: legacy ? undefined : call.routing,
      body,
      token: call.token ?? this.tokenToHub ?? '',
      tokenEncoding: this.rawTokens ? 'raw' : 'base64',
    });
    if (this.wire && reply.envelope?.data !== undefined) {
      reply.envelope.data = this.wire.answer(call.method, call.url, reply.envelope.data) as T;
    }
    return reply;
  }

  /** The hub's URL for a module (and interface role, when it offers both). */
  hubUrl(module: string, hub = this.hub, role?: 'SENDER' | 'RECEIVER'): string {
    // A 2.1.1 hub offers one URL per module, whatever the interface.
    const endpoint = hub?.endpoints.find((e) => e.module === module && (!role || this.version === '2.1.1' || e.role === role));
    if (!endpoint) throw new Error(`The hub offers no ${module}${role ? ` ${role}` : ''} endpoint`);
    return endpoint.url;
  }

  async close(): Promise<void> {
    await this.server.close();
  }

  private async discover(versionsUrl: string, token: string): Promise<DiscoveredVersion> {
    const connection = this.options.connection;
    const call = (request: OcpiCall) => callOcpi({ ...request, outbound: connection });
    const found = await discoverEndpoints(versionsUrl, token, [this.version], undefined, call);
    if ('noCommonVersion' in found) throw new Error(`The hub does not speak ${this.version}`);
    return found;
  }

  private credentials(token: string) {
    if (this.version === '2.1.1') {
      // 2.1.1 credentials describe one party and carry no role.
      const [party] = this.options.roles;
      return { token, url: this.versionsUrl, business_details: { name: party.name }, party_id: party.partyId, country_code: party.countryCode };
    }
    return {
      token,
      url: this.versionsUrl,
      roles: this.options.roles.map((r) => ({
        role: r.role,
        country_code: r.countryCode,
        party_id: r.partyId,
        business_details: { name: r.name },
      })),
    };
  }

  private authorized(request: FastifyRequest, registration: boolean): boolean {
    const candidates = tokenCandidates(request.headers.authorization);
    const accepted = [this.tokenForHub, registration ? this.registrationToken : undefined].filter(Boolean);
    return candidates.some((c) => accepted.includes(c));
  }

  private routes(): void {
    const app = this.server;
    app.addHook('onRequest', async (request, reply) => {
      if (!this.available) return reply.code(503).send();
      keepLatest(this.calls, { method: request.method, url: request.url, headers: request.headers }, this.history);
      // transport_and_format: an answer carries the request's tracing ids back.
      for (const name of ['x-request-id', 'x-correlation-id']) {
        const value = request.headers[name];
        if (typeof value === 'string') reply.header(name, value);
      }
    });
    const guard = (registration: boolean) => async (request: FastifyRequest, reply: FastifyReply) => {
      if (!this.authorized(request, registration)) {
        return reply.code(401).send(envelope(OcpiStatus.CLIENT_ERROR, undefined, 'Unknown token'));
      }
    };

    app.get('/ocpi/versions', { preHandler: guard(true) }, async () =>
      success([{ version: this.version, url: `${this.url}/${this.version}` }]),
    );
    app.get(`/ocpi/${this.version}`, { preHandler: guard(true) }, async () =>
      success({
        version: this.version,
        endpoints: this.endpoints(),
      }),
    );

    // The hub starts the handshake: it POSTs its credentials (token B) with our token A.
    app.post(`/ocpi/${this.version}/credentials`, { preHandler: guard(true) }, async (request, reply) => {
      const theirs = request.body as { token: string; url: string };
      try {
        this.hub = await this.discover(theirs.url, theirs.token);
      } catch (error) {
        return reply.send(envelope(OcpiStatus.UNABLE_TO_USE_CLIENT_API, undefined, String(error)));
      }
      this.tokenToHub = theirs.token;
      this.tokenForHub = newToken();
      this.registrationToken = undefined;
      return success(this.credentials(this.tokenForHub));
    });

    app.put<{ Params: { cc: string; pid: string } }>(
      `/ocpi/${this.version}/hubclientinfo/:cc/:pid`,
      { preHandler: guard(false) },
      async (request) => {
        this.clientInfo.set(`${request.params.cc}/${request.params.pid}`, request.body);
        return success();
      },
    );

    for (const module of this.modules) {
      const base = `/ocpi/${this.version}/${module.role.toLowerCase()}/${module.identifier}`;
      const handler = async (request: FastifyRequest, reply: FastifyReply) => {
        const received: ReceivedRequest = {
          method: request.method,
          path: request.url.slice(base.length).split('?')[0],
          module: module.identifier,
          interfaceRole: module.role,
          headers: request.headers,
          query: request.query as Record<string, string>,
          body: request.body,
        };
        if (this.wire) received.body = this.wire.inbound(module.identifier, module.role, request.method, received.path, request.body);
        keepLatest(this.received, received, this.history);
        const custom = await this.handlers.get(module.identifier)?.(received, reply);
        if (reply.sent) return reply;
        const answer = (custom ?? success()) as { data?: unknown };
        if (this.wire && answer.data !== undefined) {
          answer.data = this.wire.reply(module.identifier, module.role, request.method, received.path, answer.data);
        }
        return answer;
      };
      app.all(base, { preHandler: guard(false) }, handler);
      app.all(`${base}/*`, { preHandler: guard(false) }, handler);
    }
  }

  /** Version details: 2.1.1 endpoints carry no role, and 2.1.1 has no hubclientinfo or charging profiles. */
  private endpoints() {
    const all = [
      { identifier: 'credentials', role: 'RECEIVER', url: `${this.url}/${this.version}/credentials` },
      { identifier: 'hubclientinfo', role: 'RECEIVER', url: `${this.url}/${this.version}/hubclientinfo` },
      ...this.modules.map((m) => ({ ...m, url: this.moduleUrl(m) })),
    ];
    if (this.version !== '2.1.1') return all;
    return all
      .filter((endpoint) => !['hubclientinfo', 'chargingprofiles'].includes(endpoint.identifier))
      .map(({ identifier, url }) => ({ identifier, url }));
  }

  private moduleUrl(module: ModuleEndpoint): string {
    return `${this.url}/${this.version}/${module.role.toLowerCase()}/${module.identifier}`;
  }
}

/**
 * Appends to a history that keeps at least `limit` of its latest entries: the oldest are dropped
 * all at once when it reaches twice that, so that a push costs O(1) on average.
 */
function keepLatest<T>(history: T[], entry: T, limit: number): void {
  history.push(entry);
  if (history.length >= 2 * limit) history.splice(0, history.length - limit);
}

function newToken(): string {
  return randomBytes(24).toString('base64url');
}
