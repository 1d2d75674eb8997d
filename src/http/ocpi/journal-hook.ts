import type { FastifyReply, FastifyRequest } from 'fastify';
import { formatParty } from '../../ocpi/headers.js';
import type { HubContext } from '../../hub/context.js';
import type { Platform } from '../../hub/registry.js';
import { blameFor, record, type Blame } from '../../hub/journal.js';
import { OWNER_ROLE } from '../../hub/routing.js';

/** Module of an OCPI path: /ocpi/2.2.1/{sender|receiver}/{module}/… or /ocpi/2.2.1/{module}. */
function moduleOf(url: string): string | undefined {
  const parts = url.split('?')[0].split('/').filter(Boolean);
  if (parts[0] !== 'ocpi') return undefined;
  if (parts[1] === 'versions') return 'versions';
  if (parts[2] === 'sender' || parts[2] === 'receiver') return parts[3];
  return parts[2] ?? 'versions';
}

/** The object an OCPI path addresses: the id segment after the owner (receiver) or the module (sender). */
function objectIdOf(url: string): string | undefined {
  const parts = url.split('?')[0].split('/').filter(Boolean);
  // Command and charging-profile URLs name a command or a session, not a stored object.
  if (parts[3] === 'commands') return undefined;
  if (parts[2] === 'receiver') return parts[6] ?? parts[4];
  if (parts[2] === 'sender') return parts[4] === undefined ? undefined : parts[4];
  return undefined;
}

function parsePayload(payload: unknown): unknown {
  if (typeof payload !== 'string') return undefined;
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
  const blame = blameFor({ httpStatus: reply.statusCode, ocpiStatus }, requesterRole(request.url), 'HUB');
  await record(hub.db, {
    direction: 'IN',
    correlationId: context.tracing.correlationId,
    requestId: context.tracing.requestId,
    fromParty: context.routing.from ? formatParty(context.routing.from) : await callerName(hub, context.platform),
    toParty: context.routing.to ? formatParty(context.routing.to) : formatParty(hub.config.party),
    platformId: context.platform?.id,
    module: moduleOf(request.url),
    method: request.method,
    url: request.url,
    objectId: objectIdOf(request.url),
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
function requesterRole(url: string): Blame {
  const parts = url.split('?')[0].split('/').filter(Boolean);
  const owner = OWNER_ROLE[parts[3]];
  if (!owner) return 'OTHER';
  if (parts[2] === 'receiver') return owner;
  return owner === 'CPO' ? 'EMSP' : 'CPO';
}

/**
 * Who called when no OCPI-from header says it: the platform's party when it hosts one (a 2.1.1
 * platform always does), so that the journal can be searched by party; else the platform's name.
 */
async function callerName(hub: HubContext, platform: Platform | undefined): Promise<string | undefined> {
  if (!platform) return undefined;
  const parties = await hub.db.query<{ country_code: string; party_id: string }>(
    'SELECT DISTINCT country_code, party_id FROM parties WHERE platform_id = $1',
    [platform.id],
  );
  return parties.length === 1 ? formatParty({ countryCode: parties[0].country_code, partyId: parties[0].party_id }) : platform.name;
}
