import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { HubContext } from '../../hub/context.js';
import { slaFigures } from '../../hub/support/sla.js';
import { mapLocations, networkStats } from '../../hub/support/stats.js';
import { formatParty } from '../../ocpi/headers.js';
import { everything, type ScopeOf } from './journal.js';
import { PartyText, partyArgument } from './schemas.js';

const Window = Type.Object({ hours: Type.Integer({ minimum: 1, maximum: 24 * 7, default: 1, description: 'The window, in hours back from now' }) });

/** What the console's overview, partner SLA and map pages show. */
export async function overviewRoutes(app: FastifyInstance, hub: HubContext, scopeOf: ScopeOf = everything): Promise<void> {
  app.get(
    '/stats',
    { schema: { summary: 'Traffic, failures and authorization outcomes over a window', tags: ['overview'], querystring: Window } },
    async (request) => networkStats(hub, (request.query as { hours: number }).hours),
  );

  app.get(
    '/sla',
    {
      schema: {
        summary: 'Service figures per party',
        description: 'p50/p99 latency of the hub’s calls to the party, error rate on its side, delivery backlog and lag, data freshness per module, uptime.',
        tags: ['overview'],
        querystring: Window,
      },
    },
    async (request) => slaFigures(hub, (request.query as { hours: number }).hours, await scopeOf(request)),
  );

  app.get(
    '/locations',
    {
      schema: {
        summary: 'Locations with the status of their EVSEs, for the map',
        tags: ['overview'],
        querystring: Type.Object({ cpo: Type.Optional(PartyText('Only this CPO')) }),
      },
    },
    async (request) => {
      const { cpo } = request.query as { cpo?: string };
      return mapLocations(hub.db, cpo === undefined ? undefined : formatParty(partyArgument(cpo, 'cpo')));
    },
  );
}
