import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import type { HubContext } from '../../hub/context.js';
import type { Admission } from '../admission.js';
import { adminAuth } from './auth.js';
import { refuseUnstorableText } from './bad-input.js';
import { agreementRoutes } from './agreements.js';
import { journalRoutes } from './journal.js';
import { partnerRoutes } from './partners.js';
import { partnerSecurityRoutes } from './partner-security.js';
import { partyRoutes } from './parties.js';

/** The operator's API under /api, documented as OpenAPI at /api/docs. */
export async function adminPlugin(
  app: FastifyInstance,
  options: { hub: HubContext; adminToken: string; admission: Admission },
): Promise<void> {
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
  await app.register(swaggerUi, { routePrefix: '/docs' });

  await app.register(async (secured) => {
    secured.addHook('onRequest', adminAuth(options.adminToken, options.admission));
    secured.addHook('preValidation', refuseUnstorableText);
    await partnerRoutes(secured, options.hub);
    await partnerSecurityRoutes(secured, options.hub);
    await partyRoutes(secured, options.hub);
    await agreementRoutes(secured, options.hub);
    await journalRoutes(secured, options.hub);
  });
}
