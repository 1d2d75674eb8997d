import type { PartyRef } from '../ocpi/headers.js';
import type { OutboundPolicy } from '../ocpi/client.js';
import type { Database, Queryable } from '../store/database.js';
import type { ClientInfoNotifier } from './client-info.js';
import type { AuthorizationSlots } from './authorization-slots.js';
import type { Directory } from './directory/directory.js';
import type { EvsePatchQueue } from './evse-patches.js';
import type { JournalWriter } from './journal-writer.js';
import type { RequestPressure } from './request-pressure.js';
import type { TokenSealer } from './secrets.js';

export interface HubConfig {
  /** The base URL partners use to reach this hub, without a trailing slash. */
  publicUrl: string;
  /** The hub's own party (role HUB). */
  party: PartyRef;
  /** The hub's business name, given to partners in its credentials. */
  name: string;
  /** Silence after which the still-alive probe calls a platform (the spec suggests 5 minutes). */
  probeAfterMs: number;
  /** How long the hub waits for a partner's answer on configuration calls. */
  callTimeoutMs: number;
  /** The budget of a request forwarded synchronously (GET via the hub, commands); 4002 after it. */
  forwardTimeoutMs: number;
  /** The budget of a real-time authorization before the eMSP's fallback policy decides. */
  authorizationTimeoutMs: number;
  /** Real-time authorizations one CPO may have open at one eMSP at once; more wait in the hub (authorization-slots.ts). */
  authorizationsPerCpoAndEmsp: number;
  /** Grace after a CPO's promised command timeout before the hub answers TIMEOUT itself. */
  commandGraceMs: number;
  /** Whether every credentials update is followed by a conformance check of the partner. */
  checkAfterCredentials: boolean;
  /** The pause before a failed Plug & Charge webhook delivery is retried (OPCP: an hour). */
  webhookRetryMs?: number;
}

/** Everything the hub's services share. */
export interface HubContext {
  db: Database;
  /**
   * Where the journal and the authorization decisions are kept: `db` itself, or a PostgreSQL
   * server of their own (`--journal-database-url`), so that their writes, most of what a busy
   * hub writes, do not share the WAL every accepted push waits for.
   */
  journalDb: Queryable;
  config: HubConfig;
  sealer: TokenSealer;
  clientInfo: ClientInfoNotifier;
  /** Every call to a partner-supplied URL goes through this guard (net/outbound-guard.ts). */
  outbound: OutboundPolicy;
  /** Platforms, parties, agreements, endpoints and tokens, in memory (see directory/). */
  directory: Directory;
  /** Wakes the delivery workers after a push was accepted; says which receivers this process serves. */
  delivery: { kick(): void; readonly receiversServed: ReadonlySet<string> };
  /** Wakes the clearing audit after a CDR was accepted (absent: CDRs wait for its next round). */
  clearing?: { kick(): void };
  /** Wakes the conformance checks that are due (after a registration); absent: they wait for their next round. */
  checks?: { kick(): void };
  /** Open real-time authorizations by CPO and eMSP. */
  authorizationSlots: AuthorizationSlots;
  /** EVSE PATCHes, stored and logged together as they come (evse-patches.ts). */
  evsePatches: EvsePatchQueue;
  /** Journal entries written in batches, off the request's path. */
  journalWriter: JournalWriter;
  /** Whether partners' requests press this process (deliveries give way meanwhile). */
  requestPressure: RequestPressure;
  /** Structured log lines (the HTTP server's logger once it runs). */
  log?: HubLog;
}

export interface HubLog {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
}

export function versionsUrl(config: HubConfig): string {
  return `${config.publicUrl}/ocpi/versions`;
}
