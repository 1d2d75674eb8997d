import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { dropParked, listParked, retryParked, type ParkedDelivery } from '../../delivery/holds.js';
import type { HubContext } from '../../hub/context.js';
import { ErrorReply, Nullable, PartyText, partyArgument } from './schemas.js';

const ParkedView = Type.Object({
  receiver_id: Type.String({ format: 'uuid', description: 'The receiving party (its id in the hub)' }),
  receiver: Type.String({ description: 'The receiving party as CC*PID' }),
  event: Type.Number({ description: 'The number of the event in the delivery log' }),
  module: Type.String(),
  method: Type.String(),
  object_id: Type.String(),
  correlation_id: Type.String(),
  attempts: Type.Number(),
  http_status: Nullable(Type.Number()),
  ocpi_status: Nullable(Type.Number()),
  blame: Nullable(Type.String()),
  error: Nullable(Type.String()),
  parked_at: Type.String({ format: 'date-time' }),
  waiting: Type.Number({ description: 'Later events of the same object held back behind this one' }),
});

const parkedView = (parked: ParkedDelivery) => ({
  receiver_id: parked.receiver,
  receiver: parked.receiver_party,
  event: parked.seq,
  module: parked.module,
  method: parked.method,
  object_id: parked.object_id,
  correlation_id: parked.correlation_id,
  attempts: parked.attempts,
  http_status: parked.http_status,
  ocpi_status: parked.ocpi_status,
  blame: parked.blame,
  error: parked.error,
  parked_at: parked.held_since.toISOString(),
  waiting: parked.waiting,
});

const Target = Type.Object({ receiver: Type.String({ format: 'uuid' }), event: Type.Integer({ minimum: 1 }) });
type TargetParams = { receiver: string; event: number };
const notParked = { error: 'not_found', message: 'No such parked delivery' };

/** Deliveries a receiver refused for good: listed, sent again or given up by the operator. */
export async function deliveryRoutes(app: FastifyInstance, hub: HubContext): Promise<void> {
  app.get(
    '/deliveries/parked',
    {
      schema: {
        summary: 'List parked deliveries',
        description:
          'Events a receiver refused (OCPI 2xxx, or HTTP 4xx several times), oldest first. Each holds back only later events of the same object.',
        tags: ['deliveries'],
        querystring: Type.Object({
          receiver: Type.Optional(PartyText('Only deliveries to this party')),
          limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
        }),
        response: { 200: Type.Array(ParkedView), 400: ErrorReply },
      },
    },
    async (request) => {
      const query = request.query as { receiver?: string; limit: number };
      if (query.receiver) partyArgument(query.receiver, 'receiver');
      return (await listParked(hub.db, { party: query.receiver, limit: query.limit })).map(parkedView);
    },
  );

  app.post(
    '/deliveries/parked/:receiver/:event/retry',
    {
      schema: {
        summary: 'Retry a parked delivery',
        description: 'Sends the event again at the next round, with a fresh count of attempts.',
        tags: ['deliveries'],
        params: Target,
        response: { 204: Type.Null(), 404: ErrorReply },
      },
    },
    async (request, reply) => {
      const { receiver, event } = request.params as TargetParams;
      if (!(await retryParked(hub.db, receiver, event))) return reply.code(404).send(notParked);
      hub.delivery.kick();
      return reply.code(204).send();
    },
  );

  app.delete(
    '/deliveries/parked/:receiver/:event',
    {
      schema: {
        summary: 'Drop a parked delivery',
        description: 'Gives the event up for this receiver; later events of the same object go next.',
        tags: ['deliveries'],
        params: Target,
        response: { 204: Type.Null(), 404: ErrorReply },
      },
    },
    async (request, reply) => {
      const { receiver, event } = request.params as TargetParams;
      if (!(await dropParked(hub.db, receiver, event))) return reply.code(404).send(notParked);
      hub.delivery.kick();
      return reply.code(204).send();
    },
  );
}
