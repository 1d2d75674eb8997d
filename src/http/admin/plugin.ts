import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import type { HubContext } from '../../hub/context.js';
import { adminAuth } from './auth.js';
import { agreementRoutes } from './agreements.js';
import { checkRoutes } from './checks.js';
import { journalRoutes } from './journal.js';
import { partnerRoutes } from './partners.js';
import { partyRoutes } from './parties.js';

/** The operator's API under /api, documented as OpenAPI at /api/docs. */
export async function adminPlugin(app: FastifyInstance, options: { hub: HubContext; adminToken: string }): Promise<void> {
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Switchyard admin API',
        version: '1',
        description: 'Operate the Switchyard roaming hub: onboard partners, manage agreements, read the journal.',
      },
      components: { securitySchemes: { admin: { type: 'http', scheme: 'bearer' } } },
      security: [{ admin: [] }],
    },
  });
  // indexPrefix: the page's asset links must name /api too, or /api/docs (no trailing slash) loads none.
  await app.register(swaggerUi, { routePrefix: '/docs', indexPrefix: '/api' });

  await app.register(async (secured) => {
    secured.addHook('onRequest', adminAuth(options.adminToken));
    await partnerRoutes(secured, options.hub);
    await partyRoutes(secured, options.hub);
    await agreementRoutes(secured, options.hub);
    await journalRoutes(secured, options.hub);
    await checkRoutes(secured, options.hub);
  });
}
