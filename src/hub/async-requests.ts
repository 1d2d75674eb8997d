import { randomUUID } from 'node:crypto';
import { appendEvent } from '../store/event-log.js';
import { formatParty, type PartyRef } from '../ocpi/headers.js';
import { OcpiError, OcpiStatus } from '../ocpi/status.js';
import type { CommandResult } from '../ocpi/v2_2_1/commands.js';
import type { Queryable } from '../store/database.js';
import type { HubContext } from './context.js';
import { forward, type ForwardRequest, type ForwardResult } from './forward.js';
import type { JournalEntry } from './journal.js';
import { findById } from './objects.js';
import { isUuid, type Platform } from './registry.js';
import { agreementFor, findParty, type RoutedParty } from './routing.js';

/*
 * Requests whose result comes later, at a URL the requester names: commands, and charging
 * profiles (charging-profiles.ts). The hub hands the receiver its own callback instead, keeps the
 * request in async_requests, and relays the result to the requester's response_url through the
 * delivery log. When an accepted request's result does not come in the time the receiver
 * promised (plus a grace), the hub gives up on it, and for commands answers TIMEOUT itself.
 */

export type AsyncModule = 'commands' | 'chargingprofiles';

/** What the requester is answered: the receiver's reply relayed, or the hub's own. */
export type Relayed = Pick<ForwardResult, 'httpStatus' | 'body' | 'headers'>;

/** A request to relay to its receiver, whose result will come back through the hub. */
export interface AsyncRelay {
  module: AsyncModule;
  /** The command, or the charging-profile operation. */
  kind: string;
  requester: RoutedParty;
  receiver: RoutedParty;
  /** The stored key of what the request is about: a location, session or reservation. */
  objectId: string;
  /** The request as the requester sent it; its response_url is where the result goes. */
  payload: { response_url: string };
  correlationId: string;
  /** The request for the receiver, carrying the hub's callback URL instead of the requester's. */
  outbound(callbackUrl: string): Pick<ForwardRequest, 'method' | 'path' | 'body' | 'bodyKind' | 'answerKind'>;
}

interface AsyncRequestRow {
  id: string;
  module: AsyncModule;
  kind: string;
  requester_id: string;
  requester_country: string;
  requester_party: string;
  receiver_id: string;
  receiver_country: string;
  receiver_party: string;
  object_id: string;
  response_url: string;
  correlation_id: string;
  status: 'PENDING' | 'ANSWERED' | 'TIMED_OUT' | 'NOT_ACCEPTED' | 'NO_RESPONSE';
  /** The receiver's synchronous answer (an OCPI envelope). */
  response: { data?: { timeout?: unknown } } | null;
}

const requesterOf = (row: AsyncRequestRow): PartyRef => ({ countryCode: row.requester_country, partyId: row.requester_party });
const receiverOf = (row: AsyncRequestRow): PartyRef => ({ countryCode: row.receiver_country, partyId: row.receiver_party });

/** Expired requests handled per sweep and transaction; the rest wait for the next tick. */
const SWEEP_BATCH = 100;

/** Forwards the request with the hub's callback in place of the requester's, and relays the answer. */
export async function relayAsync(hub: HubContext, relay: AsyncRelay): Promise<Relayed> {
  await checkCallbackHost(hub, relay.requester, relay.payload.response_url);
  const id = randomUUID();
  // Stored before forwarding: the receiver may post its result before its answer reaches us.
  await hub.db.query(
    `INSERT INTO async_requests (id, module, kind, requester_id, requester_country, requester_party,
       receiver_id, receiver_country, receiver_party, object_id, response_url, correlation_id, request_body)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
    [
      id,
      relay.module,
      relay.kind,
      relay.requester.id,
      relay.requester.ref.countryCode,
      relay.requester.ref.partyId,
      relay.receiver.id,
      relay.receiver.ref.countryCode,
      relay.receiver.ref.partyId,
      relay.objectId,
      relay.payload.response_url,
      relay.correlationId,
      JSON.stringify(relay.payload),
    ],
  );
  const forwarded = await forward(hub, {
    from: relay.requester,
    to: relay.receiver,
    module: relay.module,
    interfaceRole: 'RECEIVER',
    ...relay.outbound(await callbackUrl(hub, relay.receiver, relay.module, relay.kind, id)),
    correlationId: relay.correlationId,
    objectId: relay.objectId,
    timeoutMs: hub.config.forwardTimeoutMs,
    notes: { asyncRequest: id },
    owner: relay.receiver.ref,
  });
  await recordReceiverAnswer(hub, id, forwarded);
  return forwarded;
}

/** Where the receiver posts its result: the hub's Sender interface of the module, in the receiver's version. */
async function callbackUrl(hub: HubContext, receiver: RoutedParty, module: AsyncModule, kind: string, id: string): Promise<string> {
  const [platform] = await hub.db.query<{ ocpi_version: string | null }>('SELECT ocpi_version FROM platforms WHERE id = $1', [
    receiver.platformId,
  ]);
  const base = `${hub.config.publicUrl}/ocpi/${platform?.ocpi_version ?? '2.2.1'}/sender/${module}`;
  return module === 'commands' ? `${base}/${kind}/${id}` : `${base}/results/${id}`;
}

/**
 * Only an ACCEPTED answer promises a result, so only then does the request wait, until the
 * promised timeout plus the grace. A result that already came first is left as it is.
 */
async function recordReceiverAnswer(hub: HubContext, id: string, forwarded: ForwardResult): Promise<void> {
  const answer = forwarded.body.data as { result?: unknown; timeout?: unknown } | undefined;
  const accepted = forwarded.answered && forwarded.body.status_code === OcpiStatus.SUCCESS && answer?.result === 'ACCEPTED';
  const status = accepted ? 'PENDING' : forwarded.answered ? 'NOT_ACCEPTED' : 'NO_RESPONSE';
  // An ACCEPTED answer without a usable timeout gets the grace alone.
  const promisedSeconds = typeof answer?.timeout === 'number' && answer.timeout >= 0 ? answer.timeout : 0;
  await hub.db.query(
    `UPDATE async_requests SET response = $2, updated_at = now(),
       status = CASE WHEN status = 'PENDING' THEN $3::text ELSE status END,
       deadline = CASE WHEN $3::text = 'PENDING' THEN now() + make_interval(secs => $4::double precision) END
     WHERE id = $1`,
    [id, JSON.stringify(forwarded.body), status, promisedSeconds + hub.config.commandGraceMs / 1000],
  );
}

/** A receiver's result, posted to the hub's callback. */
export interface IncomingResult {
  module: AsyncModule;
  /** The kind named in the callback URL (commands name theirs). */
  kind?: string;
  requestId: string;
  caller: Platform;
  /** The party the OCPI-from headers name, if any. */
  from?: PartyRef;
  /** Validates the body as the result of a request of this kind. */
  parseResult(kind: string): unknown;
}

/**
 * Relays a receiver's result to the requester's response_url, durably, with the receiver as FROM.
 * Results keep flowing after the first (a CPO cancels a reservation on the RESERVE_NOW's URL),
 * except once the hub has given up on the request: the requester has been told by then, so a
 * late result is only kept.
 */
export async function acceptAsyncResult(hub: HubContext, incoming: IncomingResult): Promise<{ relayed: boolean }> {
  const outcome = await hub.db.transaction(async (tx) => {
    const row = await lockForReceiver(tx, incoming);
    const result = incoming.parseResult(row.kind);
    if (row.status === 'TIMED_OUT') {
      await tx.query('UPDATE async_requests SET result = $2, updated_at = now() WHERE id = $1', [row.id, JSON.stringify(result)]);
      return { relayed: false };
    }
    await tx.query(`UPDATE async_requests SET status = 'ANSWERED', result = $2, updated_at = now() WHERE id = $1`, [
      row.id,
      JSON.stringify(result),
    ]);
    await deliverToRequester(tx, row, result, receiverOf(row));
    return { relayed: true };
  });
  if (outcome.relayed) hub.delivery.kick();
  return outcome;
}

/** The request, locked, if the caller is its receiver; any other caller learns nothing of it. */
async function lockForReceiver(tx: Queryable, incoming: IncomingResult): Promise<AsyncRequestRow> {
  const [row] = isUuid(incoming.requestId)
    ? await tx.query<AsyncRequestRow & { receiver_platform: string }>(
        `SELECT a.*, p.platform_id AS receiver_platform FROM async_requests a JOIN parties p ON p.id = a.receiver_id
         WHERE a.id = $1 AND a.module = $2 FOR UPDATE OF a`,
        [incoming.requestId, incoming.module],
      )
    : [];
  const isReceiver =
    row &&
    row.receiver_platform === incoming.caller.id &&
    (!incoming.from || formatParty(incoming.from) === formatParty(receiverOf(row))) &&
    (!incoming.kind || incoming.kind === row.kind);
  if (!isReceiver) {
    throw OcpiError.notFound(`No ${incoming.module} request ${incoming.requestId} awaits a result from you`, OcpiStatus.INVALID_PARAMETERS);
  }
  return row;
}

/** Logs the POST of a result to the requester's own response_url, for the delivery worker. */
async function deliverToRequester(tx: Queryable, row: AsyncRequestRow, result: unknown, from: PartyRef): Promise<void> {
  await appendEvent(tx, {
    module: row.module,
    method: 'POST',
    owner: requesterOf(row),
    objectId: row.id,
    path: row.response_url,
    absoluteUrl: true,
    body: result,
    from,
    targetParty: row.requester_id,
    coalescible: false,
    correlationId: row.correlation_id,
  });
}

/**
 * Gives up on accepted requests whose result is overdue. Rows are claimed with SKIP LOCKED and
 * marked in the transaction that logs the TIMEOUT, so of several hub processes exactly one
 * answers each, and a result being accepted at that moment wins or loses whole.
 */
export async function expireAsyncRequests(hub: HubContext): Promise<void> {
  const expired = await hub.db.transaction(async (tx) => {
    const rows = await tx.query<AsyncRequestRow>(
      `UPDATE async_requests SET status = 'TIMED_OUT', updated_at = now()
       WHERE id IN (SELECT id FROM async_requests WHERE status = 'PENDING' AND deadline <= now()
                    ORDER BY deadline LIMIT $1 FOR UPDATE SKIP LOCKED)
       RETURNING *`,
      [SWEEP_BATCH],
    );
    const entries: JournalEntry[] = [];
    for (const row of rows) entries.push(await giveUp(tx, hub, row));
    return entries;
  });
  // Journaled once the give-up has committed: the journal may live on a server of its own.
  for (const entry of expired) await hub.journalWriter.write(entry);
  if (expired.length > 0) hub.delivery.kick();
  // A request whose forward never finished (the hub stopped mid-call) got no answer to relay:
  // its requester saw the call fail, so nothing waits for it.
  await hub.db.query(
    `UPDATE async_requests SET status = 'NO_RESPONSE', updated_at = now()
     WHERE status = 'PENDING' AND deadline IS NULL AND created_at < now() - interval '10 minutes'`,
  );
}

/** Answers TIMEOUT to the requester where the module has one; returns the journal entry of it. */
async function giveUp(tx: Queryable, hub: HubContext, row: AsyncRequestRow): Promise<JournalEntry> {
  const promised = row.response?.data?.timeout;
  const why = `${formatParty(receiverOf(row))} sent no result within the ${promised ?? 0} s it promised`;
  // Charging-profile results have no TIMEOUT value: there the requester's own timer decides.
  const timeout: CommandResult | undefined =
    row.module === 'commands' ? { result: 'TIMEOUT', message: [{ language: 'en', text: why }] } : undefined;
  if (timeout) await deliverToRequester(tx, row, timeout, hub.config.party);
  return {
    direction: 'OUT',
    correlationId: row.correlation_id,
    fromParty: formatParty(hub.config.party),
    toParty: formatParty(requesterOf(row)),
    module: row.module,
    method: 'POST',
    url: timeout ? row.response_url : '(not sent)',
    objectId: row.object_id,
    blame: 'CPO',
    error: why,
    notes: { asyncRequest: row.id, kind: row.kind, answeredTimeout: Boolean(timeout) },
  };
}

/** The party the OCPI-to headers name, unless they name the hub itself (then the hub decides). */
export async function addressedParty(hub: HubContext, to: PartyRef | undefined, roles: string[]): Promise<RoutedParty | undefined> {
  if (!to || formatParty(to) === formatParty(hub.config.party)) return undefined;
  const party = await findParty(hub.db, to, roles);
  if (!party) throw new OcpiError(OcpiStatus.UNKNOWN_RECEIVER, `Unknown receiver ${formatParty(to)}`);
  return party;
}

/**
 * The CPO whose stored location or session has this id. Ids are unique per CPO only: of several
 * owners, one the requester has an agreement with is taken.
 */
export async function cpoOwning(
  hub: HubContext,
  module: 'locations' | 'sessions',
  objectId: string,
  requester: RoutedParty,
  agreementModule: AsyncModule,
): Promise<RoutedParty | undefined> {
  const owners: RoutedParty[] = [];
  for (const stored of await findById(hub.db, module, objectId)) {
    const cpo = await findParty(hub.db, stored.owner, ['CPO']);
    if (cpo) owners.push(cpo);
  }
  for (const cpo of owners) {
    if ((await agreementFor(hub.db, requester, cpo, agreementModule)).allowed) return cpo;
  }
  return owners[0];
}

export async function partyById(db: Queryable, id: string): Promise<RoutedParty | undefined> {
  const [row] = await db.query<{ id: string; country_code: string; party_id: string; role: string; platform_id: string; status: string }>(
    'SELECT id, country_code, party_id, role, platform_id, status FROM parties WHERE id = $1',
    [id],
  );
  if (!row) return undefined;
  const ref = { countryCode: row.country_code, partyId: row.party_id };
  return { id: row.id, ref, role: row.role, platformId: row.platform_id, status: row.status };
}

/**
 * The hub POSTs results to response URLs with the requester's credentials, in order with its
 * other deliveries: a URL that cannot be called is refused up front.
 */
export function checkResponseUrl(url: string, path = '$.response_url'): void {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (!parsed || !['http:', 'https:'].includes(parsed.protocol) || url.length > 255) {
    throw OcpiError.invalid('must be an absolute http(s) URL of at most 255 characters', path);
  }
}

/**
 * The hub calls response URLs with the requester's own credentials, so they must point at the
 * requester's platform (a host of its versions URL or endpoints), never at anything else the hub
 * can reach.
 */
async function checkCallbackHost(hub: HubContext, requester: RoutedParty, url: string): Promise<void> {
  const rows = await hub.db.query<{ url: string }>(
    `SELECT versions_url AS url FROM platforms WHERE id = $1 AND versions_url IS NOT NULL
     UNION SELECT url FROM endpoints WHERE platform_id = $1`,
    [requester.platformId],
  );
  try {
    hub.outbound.allowOutboundUrl(url);
  } catch {
    throw OcpiError.invalid('is an address the hub does not call', '$.response_url');
  }
  const host = new URL(url).host;
  if (!rows.some((row) => URL.canParse(row.url) && new URL(row.url).host === host)) {
    throw OcpiError.invalid(`must be on a host of your own platform, not ${host}`, '$.response_url');
  }
}
