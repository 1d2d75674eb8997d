import type { FastifyInstance } from 'fastify';
import type { HubContext } from '../../hub/context.js';
import { createEndpoint, deleteEndpoint, getEndpoint, listEndpoints, updateEndpoint, type EndpointInput } from '../../pnc/webhooks.js';
import { clientOf } from './context.js';

/** OPCP webhooks.v1: a client manages its own endpoints. */
export async function webhookRoutes(app: FastifyInstance, hub: HubContext): Promise<void> {
  app.post<{ Body: EndpointInput }>('/v1/webhook/endpoints', async (request, reply) => {
    const client = await clientOf(hub, request);
    return reply.code(201).send(await createEndpoint(hub, client, request.body ?? {}));
  });

  app.get('/v1/webhook/endpoints', async (request) => listEndpoints(hub, await clientOf(hub, request)));

  app.get<{ Params: { id: string } }>('/v1/webhook/endpoints/:id', async (request) =>
    getEndpoint(hub, await clientOf(hub, request), request.params.id),
  );

  app.put<{ Params: { id: string }; Body: EndpointInput }>('/v1/webhook/endpoints/:id', async (request) =>
    updateEndpoint(hub, await clientOf(hub, request), request.params.id, request.body ?? {}),
  );

  app.delete<{ Params: { id: string } }>('/v1/webhook/endpoints/:id', async (request) => {
    await deleteEndpoint(hub, await clientOf(hub, request), request.params.id);
    return {};
  });
}
