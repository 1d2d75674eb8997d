import type { FastifyInstance } from 'fastify';
import type { DeliveryOptions } from './delivery/worker.js';
import type { AuditOptions } from './clearing/audit/worker.js';
import type { CheckScheduleOptions } from './conformance/schedule.js';
import { Hub } from './hub/hub.js';
import { adminTokenOf } from './hub/secrets.js';
import { buildServer } from './http/server.js';
import type { AdmissionOptions } from './http/admission.js';
import { parseParty } from './ocpi/headers.js';
import { OutboundGuard } from './net/outbound-guard.js';

export interface SwitchyardOptions {
  port?: number;
  host?: string;
  /** The base URL partners use; defaults to http://localhost:{port}. */
  publicUrl?: string;
  databaseUrl?: string;
  /**
   * A PostgreSQL server (or database) for the journal and the authorization decisions instead of
   * `databaseUrl`'s: on a server of its own, their writes no longer share the WAL every accepted
   * push waits for. Needs `databaseUrl`.
   */
  journalDatabaseUrl?: string;
  dataDir?: string;
  /** Schema to work in on a shared PostgreSQL server (tests use one each). */
  databaseSchema?: string;
  adminToken?: string;
  /** The hub's own party, e.g. US*SWY. */
  hubParty?: string;
  hubName?: string;
  secretKey?: string;
  probeAfterMs?: number;
  callTimeoutMs?: number;
  forwardTimeoutMs?: number;
  authorizationTimeoutMs?: number;
  /** Real-time authorizations one CPO may have open at one eMSP at once (default 32); more wait their turn. */
  authorizationsPerCpoAndEmsp?: number;
  commandGraceMs?: number;
  /**
   * Networks (CIDR) the hub may call partners in besides public addresses: loopback, private
   * ranges... (`--allow-partner-network`). The demo, the simulator and the tests allow loopback.
   */
  allowPartnerNetworks?: string[];
  /** Serve HTTPS: certificate, key and (for client certificates) CA, as PEM text. */
  tls?: { cert: string; key: string; ca?: string };
  /**
   * TLS towards partners: the client certificate and key the hub presents (PEM), and `ca` to trust
   * instead of the system's CAs (a private PKI).
   */
  outboundTls?: { cert?: string; key?: string; ca?: string };
  /** Request budgets and failed-authentication throttling; defaults in http/admission.ts. */
  admission?: AdmissionOptions;
  /** Delivery tuning (backoff, polling); tests shorten the delays. */
  delivery?: Partial<DeliveryOptions>;
  /**
   * False: this process takes requests but delivers nothing; other hub processes on the same
   * PostgreSQL server deliver (`--no-delivery`). They are woken as events are logged.
   */
  deliver?: boolean;
  /** CDR audit tuning (polling, when a session without a CDR is flagged). */
  audit?: Partial<AuditOptions>;
  /**
   * Conformance checks the hub runs by itself: `afterCredentials` (every partner after each
   * credentials update) and `intervalMs` (on a schedule). Both off unless set (`switchyard serve`
   * turns them on); a gated partner is checked after its credentials updates regardless.
   */
  conformance?: Partial<CheckScheduleOptions> & { afterCredentials?: boolean };
  logger?: boolean | { level: string };
}

/** A running hub: its HTTP server, services and database. */
export interface RunningHub {
  url: string;
  adminToken: string;
  hub: Hub;
  server: FastifyInstance;
  close(): Promise<void>;
}

export async function startSwitchyard(options: SwitchyardOptions = {}): Promise<RunningHub> {
  const party = parseParty(options.hubParty ?? 'US*SWY');
  if (!party) throw new Error(`--hub-party must look like US*SWY, got "${options.hubParty}"`);
  if (options.deliver === false && !options.databaseUrl) {
    throw new Error('--no-delivery needs a PostgreSQL server (--database-url) shared with a hub process that delivers');
  }
  if (options.journalDatabaseUrl && !options.databaseUrl) {
    throw new Error('--journal-database-url needs the data on a PostgreSQL server as well (--database-url)');
  }
  const host = options.host ?? '0.0.0.0';
  const port = options.port ?? 3000;

  const { afterCredentials, ...checkSchedule } = options.conformance ?? {};
  // The public URL is needed before listening (it goes into version details); with port 0 the
  // real port is known only after listening, so the config is completed then.
  const config = {
    publicUrl: (options.publicUrl ?? '').replace(/\/+$/, ''),
    party,
    name: options.hubName ?? 'Switchyard',
    probeAfterMs: options.probeAfterMs ?? 5 * 60_000,
    callTimeoutMs: options.callTimeoutMs ?? 10_000,
    forwardTimeoutMs: options.forwardTimeoutMs ?? 10_000,
    authorizationTimeoutMs: options.authorizationTimeoutMs ?? 3_000,
    authorizationsPerCpoAndEmsp: options.authorizationsPerCpoAndEmsp ?? 32,
    commandGraceMs: options.commandGraceMs ?? 30_000,
    checkAfterCredentials: afterCredentials ?? false,
  };
  const outbound = new OutboundGuard({ allowedNetworks: options.allowPartnerNetworks, tls: options.outboundTls });
  const hub = await Hub.open(config, {
    databaseUrl: options.databaseUrl,
    journalDatabaseUrl: options.journalDatabaseUrl,
    dataDir: options.dataDir,
    schema: options.databaseSchema,
    secretKey: options.secretKey,
  }, outbound, options.delivery, options.audit, checkSchedule).catch(async (error) => {
    await outbound.close();
    throw error;
  });
  let server: FastifyInstance;
  let adminToken: string;
  try {
    adminToken = await adminTokenOf(hub.db, options.adminToken);
    server = await buildServer(hub, { adminToken, logger: options.logger, admission: options.admission, tls: options.tls });
    hub.log = server.log;
    await server.listen({ port, host });
  } catch (error) {
    await hub.close();
    throw error;
  }
  const address = server.server.address();
  const boundPort = typeof address === 'object' && address ? address.port : port;
  const scheme = options.tls ? 'https' : 'http';
  if (!config.publicUrl) config.publicUrl = `${scheme}://localhost:${boundPort}`;
  outbound.addOwnPort(boundPort);
  await hub.start({ deliver: options.deliver });

  return {
    url: `${scheme}://127.0.0.1:${boundPort}`,
    adminToken,
    hub,
    server,
    async close() {
      await server.close();
      await hub.close();
    },
  };
}
