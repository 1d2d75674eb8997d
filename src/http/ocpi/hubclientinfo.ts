import type { FastifyInstance } from 'fastify';
import { success } from '../../ocpi/envelope.js';
import { pageHeaders, parsePageRequest } from '../../ocpi/pagination.js';
import type { HubContext } from '../../hub/context.js';
import { listClientInfo } from '../../hub/client-info.js';
import { callerOf, pageCeiling } from './context.js';

const MAX_PAGE = 100;

/** The hub's hubclientinfo Sender interface: a paginated list of every party's connection status. */
export async function hubClientInfoRoutes(app: FastifyInstance, hub: HubContext): Promise<void> {
  app.get('/hubclientinfo', async (request, reply) => {
    const maxPage = pageCeiling(request, MAX_PAGE);
    const page = parsePageRequest(request.query as Record<string, string>, maxPage);
    const { total, items } = await listClientInfo(hub.db, callerOf(request).id, page);
    reply.headers(pageHeaders(new URL(`${hub.config.publicUrl}${request.url}`), page, total, maxPage));
    return success(items);
  });
}
