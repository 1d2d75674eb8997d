import type { FastifyReply, FastifyRequest } from 'fastify';
import { formatParty } from '../../ocpi/headers.js';
import type { HubContext } from '../../hub/context.js';
import type { RegistrySnapshot } from '../../hub/directory/snapshot.js';
import type { Platform } from '../../hub/registry.js';
import { blameFor, type Blame } from '../../hub/journal.js';
import { OWNER_ROLE } from '../../hub/routing.js';

/** The segments of a URL's path: what the journal reads the module, object and roles from. */
function pathSegments(url: string): string[] {
  const query = url.indexOf('?');
  return (query < 0 ? url : url.slice(0, query)).split('/').filter(Boolean);
}

/** Module of an OCPI path: /ocpi/2.2.1/{sender|receiver}/{module}/… or /ocpi/2.2.1/{module}. */
function moduleOf(parts: string[]): string | undefined {
  if (parts[0] !== 'ocpi') return undefined;
  if (parts[1] === 'versions') return 'versions';
  if (parts[2] === 'sender' || parts[2] === 'receiver') return parts[3];
  return parts[2] ?? 'versions';
}

/** The object an OCPI path addresses: the id segment after the owner (receiver) or the module (sender). */
function objectIdOf(parts: string[]): string | undefined {
  // Command and charging-profile URLs name a command or a session, not a stored object.
  if (parts[3] === 'commands') return undefined;
  if (parts[2] === 'receiver') return parts[6] ?? parts[4];
  if (parts[2] === 'sender') return parts[4] === undefined ? undefined : parts[4];
  return undefined;
}

/** Answers larger than this are journaled by their status only (the journal truncates bodies anyway). */
const MAX_PARSED_CHARS = 64 * 1024;

function parsePayload(payload: unknown): unknown {
  if (typeof payload !== 'string') return undefined;
  if (payload.length > MAX_PARSED_CHARS) {
    // A GET-all page: its status is at the start (rawEnvelope), no need to parse a megabyte.
    const status = /"status_code":(\d+)/.exec(payload.slice(0, 200));
    return { status_code: status ? Number(status[1]) : undefined, truncated: true, size: payload.length };
  }
  try {
    return JSON.parse(payload);
  } catch {
    return undefined;
  }
}

/** Writes the journal entry of one inbound OCPI request, with who is to blame if it failed. */
export async function journalInbound(hub: HubContext, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const context = request.ocpi;
  if (!context) return;
  const response = parsePayload(context.responsePayload) as { status_code?: number } | undefined;
  const ocpiStatus = response?.status_code;
  const segments = pathSegments(request.url);
  const module = moduleOf(segments);
  const blame = blameFor({ httpStatus: reply.statusCode, ocpiStatus }, requesterRole(segments), 'HUB');
  const fromParty = context.routing.from ? formatParty(context.routing.from) : callerName(await hub.directory.current(), context.platform);
  // One structured line per request, with the ids support searches by.
  const line = { partner: fromParty, correlation_id: context.tracing.correlationId, request_id: context.tracing.requestId, module, http_status: reply.statusCode, ocpi_status: ocpiStatus, blame };
  if (blame) request.log.warn(line, 'OCPI request failed');
  else request.log.info(line, 'OCPI request');
  // Buffered: the journal is written in batches, off the request's path (journal-writer.ts).
  hub.journalWriter.record({
    direction: 'IN',
    correlationId: context.tracing.correlationId,
    requestId: context.tracing.requestId,
    fromParty,
    toParty: context.routing.to ? formatParty(context.routing.to) : formatParty(hub.config.party),
    platformId: context.platform?.id,
    module,
    method: request.method,
    url: request.url,
    objectId: objectIdOf(segments),
    httpStatus: reply.statusCode,
    ocpiStatus,
    durationMs: reply.elapsedTime,
    blame,
    error: blame ? (response as { status_message?: string } | undefined)?.status_message : undefined,
    requestBody: request.body,
    responseBody: response,
    // What translation to or from the caller's version could not carry (README: OCPI versions).
    notes: context.losses.length > 0 ? { losses: context.losses } : undefined,
  });
}

/** Who calls this interface: a module's owner pushes to the hub's Receiver; the other side pulls from its Sender. */
function requesterRole(parts: string[]): Blame {
  const owner = OWNER_ROLE[parts[3]];
  if (!owner) return 'OTHER';
  if (parts[2] === 'receiver') return owner;
  return owner === 'CPO' ? 'EMSP' : 'CPO';
}

/**
 * Who called when no OCPI-from header says it: the platform's party when it hosts one (a 2.1.1
 * platform always does), so that the journal can be searched by party; else the platform's name.
 */
function callerName(directory: RegistrySnapshot, platform: Platform | undefined): string | undefined {
  if (!platform) return undefined;
  const parties = new Set(directory.partiesOf(platform.id).map((party) => formatParty(party)));
  return parties.size === 1 ? [...parties][0] : platform.name;
}
