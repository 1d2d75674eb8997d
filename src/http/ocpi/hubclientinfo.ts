import type { FastifyInstance } from 'fastify';
import { success } from '../../ocpi/envelope.js';
import { pageHeaders, parsePageRequest } from '../../ocpi/pagination.js';
import type { HubContext } from '../../hub/context.js';
import { listClientInfo } from '../../hub/client-info.js';
import { callerOf } from './context.js';

const MAX_PAGE = 100;

/** The hub's hubclientinfo Sender interface: a paginated list of every party's connection status. */
export async function hubClientInfoRoutes(app: FastifyInstance, hub: HubContext): Promise<void> {
  app.get('/2.2.1/hubclientinfo', async (request, reply) => {
    const page = parsePageRequest(request.query as Record<string, string>, MAX_PAGE);
    const { total, items } = await listClientInfo(hub.db, callerOf(request).id, page);
    const requestUrl = new URL(request.url, hub.config.publicUrl);
    reply.headers(pageHeaders(requestUrl, page, total, MAX_PAGE));
    return success(items);
  });
}
