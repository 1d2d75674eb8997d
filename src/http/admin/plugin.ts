import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import type { HubContext } from '../../hub/context.js';
import type { Admission } from '../admission.js';
import { adminAccess, auditChanges, scopeOf } from './access.js';
import { accountRoutes, loginRoutes } from './accounts.js';
import { adminErrorHandler, refuseUnstorableText } from './bad-input.js';
import { agreementRoutes } from './agreements.js';
import { clearingRoutes } from './clearing.js';
import { deliveryRoutes } from './deliveries.js';
import { readableSchemaError } from './errors.js';
import { checkRoutes } from './checks.js';
import { journalRoutes } from './journal.js';
import { overviewRoutes } from './overview.js';
import { partnerRoutes } from './partners.js';
import { partnerSecurityRoutes } from './partner-security.js';
import { partyRoutes } from './parties.js';
import { settlementRoutes } from './settlement.js';
import { pncClientRoutes } from './pnc.js';
import { supportRoutes } from './support.js';

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
      components: {
        securitySchemes: {
          admin: { type: 'http', scheme: 'bearer' },
          console: { type: 'apiKey', in: 'cookie', name: 'switchyard_session' },
        },
      },
      security: [{ admin: [] }, { console: [] }],
    },
  });
  // indexPrefix: the page's asset links must name /api too, or /api/docs (no trailing slash) loads none.
  await app.register(swaggerUi, { routePrefix: '/docs', indexPrefix: '/api' });
  await app.register(cookie);
  app.setErrorHandler(adminErrorHandler);
  app.setSchemaErrorFormatter(readableSchemaError);
  await loginRoutes(app, options.hub);

  await app.register(async (secured) => {
    secured.addHook('onRequest', adminAccess(options.hub, options.adminToken, options.admission));
    secured.addHook('preValidation', refuseUnstorableText);
    secured.addHook('onSend', auditChanges(options.hub));
    await partnerRoutes(secured, options.hub);
    await partnerSecurityRoutes(secured, options.hub);
    await partyRoutes(secured, options.hub);
    await agreementRoutes(secured, options.hub);
    await clearingRoutes(secured, options.hub, scopeOf);
    await settlementRoutes(secured, options.hub, scopeOf);
    await deliveryRoutes(secured, options.hub);
    await pncClientRoutes(secured, options.hub);
    await journalRoutes(secured, options.hub, scopeOf);
    await supportRoutes(secured, options.hub, scopeOf);
    await accountRoutes(secured, options.hub);
    await overviewRoutes(secured, options.hub, scopeOf);
    await checkRoutes(secured, options.hub);
  });
}
