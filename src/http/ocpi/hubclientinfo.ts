import type { FastifyInstance } from 'fastify';
import { success } from '../../ocpi/envelope.js';
import { formatParty } from '../../ocpi/headers.js';
import { pageHeaders, parsePageRequest } from '../../ocpi/pagination.js';
import { OcpiError, OcpiStatus } from '../../ocpi/status.js';
import type { ClientInfo } from '../../ocpi/v2_2_1/index.js';
import type { HubContext } from '../../hub/context.js';
import { clientInfoOf, listClientInfo } from '../../hub/client-info.js';
import { clientInfoSchemaOf, learnClientInfo } from '../../hub/peering/client-info-sync.js';
import { isRegistered, PartyTakenError } from '../../hub/registry.js';
import { callerOf, pageCeiling, parseBody } from './context.js';
import { versionOf } from './edge.js';

const MAX_PAGE = 100;

interface PartyParams {
  cc: string;
  pid: string;
}

/**
 * The hub's hubclientinfo interfaces. Sender: a paginated list of every party's connection status.
 * Receiver: where a neighbouring hub pushes the ClientInfo of the parties behind it.
 */
export async function hubClientInfoRoutes(app: FastifyInstance, hub: HubContext): Promise<void> {
  app.get('/hubclientinfo', async (request, reply) => {
    const maxPage = pageCeiling(request, MAX_PAGE);
    const page = parsePageRequest(request.query as Record<string, string>, maxPage);
    const caller = callerOf(request);
    const isHub = (await hub.directory.current()).hubs.has(caller.id);
    const { total, items } = await listClientInfo(hub.db, { platformId: caller.id, isHub }, page);
    reply.headers(pageHeaders(new URL(`${hub.config.publicUrl}${request.url}`), page, total, maxPage));
    return success(items);
  });

  app.put<{ Params: PartyParams }>('/receiver/hubclientinfo/:cc/:pid', async (request) => {
    const caller = await neighbourCalling(hub, request);
    const info = parseBody(clientInfoSchemaOf(versionOf(request)), request.body, caller) as ClientInfo;
    for (const [field, value] of [
      ['country_code', request.params.cc],
      ['party_id', request.params.pid],
    ] as const) {
      if (info[field].toUpperCase() !== value.toUpperCase()) throw OcpiError.invalid(`must equal the ${field} in the URL (${value})`, `$.${field}`);
    }
    try {
      const party = await learnClientInfo(hub, caller.id, info);
      return success(undefined, party ? undefined : 'A hub behind your hub is not routed through: noted, not recorded');
    } catch (error) {
      if (!(error instanceof PartyTakenError)) throw error;
      throw OcpiError.invalid(`${formatParty(error.role)} (${error.role.role}) is reached at this hub through another platform, not through yours`);
    }
  });

  app.get<{ Params: PartyParams }>('/receiver/hubclientinfo/:cc/:pid', async (request) => {
    const caller = await neighbourCalling(hub, request);
    const ref = { countryCode: request.params.cc.toUpperCase(), partyId: request.params.pid.toUpperCase() };
    const party = (await hub.directory.current()).namesakes(ref).find((p) => p.platformId === caller.id && p.behindHub);
    if (!party) throw OcpiError.notFound(`No ClientInfo of ${formatParty(ref)} from your hub`);
    return success(clientInfoOf(party));
  });
}

/**
 * Only a neighbouring hub (a platform that registered with role HUB) tells this hub about parties.
 * One still finishing its side of the handshake is asked to try again (3000, which is retried).
 */
async function neighbourCalling(hub: HubContext, request: Parameters<typeof callerOf>[0]) {
  const caller = callerOf(request);
  if ((await hub.directory.current()).hubs.has(caller.id)) return caller;
  if (!isRegistered(caller)) {
    throw new OcpiError(OcpiStatus.SERVER_ERROR, 'Your registration with this hub is not complete yet: send this again once it is');
  }
  throw OcpiError.invalid('Only a neighbouring hub (a platform registered with role HUB) sends ClientInfo to this hub');
}
