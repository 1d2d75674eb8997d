import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { HubContext } from '../../hub/context.js';
import { formatParty } from '../../ocpi/headers.js';
import { createClient, deleteClient, listClients, type PncClient } from '../../pnc/access.js';
import { PncError } from '../../pnc/errors.js';
import { ErrorReply, PartyText, partyArgument } from './schemas.js';

const ClientView = Type.Object({
  client_id: Type.String(),
  party: Type.String({ examples: ['US*ABC'] }),
  role: Type.String({ enum: ['CPO', 'MO'] }),
  provider_ids: Type.Array(Type.String(), { description: 'Country code + provider id of the EMAIDs an MO manages' }),
});

const clientView = (client: PncClient) => ({
  client_id: client.clientId,
  party: formatParty(client.party.ref),
  role: client.role,
  provider_ids: client.providerIds,
});

/** OAuth2 client credentials for the Plug & Charge pools (OPCP), issued to registered parties. */
export async function pncClientRoutes(app: FastifyInstance, hub: HubContext): Promise<void> {
  app.post(
    '/pnc/clients',
    {
      schema: {
        summary: 'Issue Plug & Charge client credentials to a registered party',
        description:
          'A CPO party gets the CPO role; an eMSP party the MO role for its own provider id (country code + party id) and the further provider ids given. The secret is shown only here.',
        tags: ['plug & charge'],
        body: Type.Object({
          party: PartyText('The registered party'),
          role: Type.String({ enum: ['CPO', 'EMSP'] }),
          provider_ids: Type.Optional(Type.Array(Type.String({ examples: ['DEABC'] }), { uniqueItems: true })),
        }),
        response: { 201: Type.Intersect([ClientView, Type.Object({ client_secret: Type.String() })]), 400: ErrorReply, 404: ErrorReply },
      },
    },
    async (request, reply) => {
      const body = request.body as { party: string; role: string; provider_ids?: string[] };
      try {
        const { client, clientSecret } = await createClient(hub.db, {
          party: partyArgument(body.party, 'party'),
          role: body.role,
          providerIds: body.provider_ids,
        });
        return reply.code(201).send({ ...clientView(client), client_secret: clientSecret });
      } catch (error) {
        if (!(error instanceof PncError)) throw error;
        return reply.code(error.httpStatus as 400 | 404).send({ error: error.httpStatus === 404 ? 'not_found' : 'bad_request', message: error.message });
      }
    },
  );

  app.get(
    '/pnc/clients',
    { schema: { summary: 'List Plug & Charge clients', tags: ['plug & charge'], response: { 200: Type.Array(ClientView) } } },
    async () => (await listClients(hub.db)).map(clientView),
  );

  app.delete(
    '/pnc/clients/:id',
    {
      schema: {
        summary: 'Withdraw Plug & Charge client credentials',
        description: 'Tokens already issued to the client stop working at once.',
        tags: ['plug & charge'],
        params: Type.Object({ id: Type.String() }),
        response: { 204: Type.Null(), 404: ErrorReply },
      },
    },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      if (!(await deleteClient(hub.db, id))) return reply.code(404).send({ error: 'not_found', message: 'No such client' });
      return reply.code(204).send();
    },
  );
}
