import type { FastifyError, FastifyInstance } from 'fastify';
import { envelope } from '../../ocpi/envelope.js';
import { OcpiError, OcpiStatus } from '../../ocpi/status.js';
import type { HubContext } from '../../hub/context.js';
import { refuseWhileGated } from '../../hub/onboarding-gate.js';
import { touchPlatform } from '../../hub/registry.js';
import { authenticate, readOcpiHeaders } from './context.js';
import { journalInbound } from './journal-hook.js';
import { checkUrlParams } from './url-params.js';
import type { Admission } from '../admission.js';
import { answerDatabaseUnavailable } from '../database-unavailable.js';
import { credentialsRoutes } from './credentials.js';
import { hubClientInfoRoutes } from './hubclientinfo.js';
import { authorizeRoutes } from './modules/authorize-routes.js';
import { chargingProfileRoutes } from './modules/chargingprofile-routes.js';
import { invoiceReconciliationRoutes } from './modules/invoicereconciliation-routes.js';
import { commandRoutes } from './modules/command-routes.js';
import { pushRoutes } from './modules/push-routes.js';
import { senderRoutes } from './modules/sender-routes.js';
import { versionRoutes } from './versions.js';
import { SUPPORTED_VERSIONS } from '../../hub/versions.js';

/** How often, at most, one platform's last_seen_at is written: enough for the still-alive probe. */
const TOUCH_INTERVAL_MS = 30_000;

/** The partner-facing OCPI API under /ocpi. */
export async function ocpiPlugin(app: FastifyInstance, hub: HubContext, admission: Admission): Promise<void> {
  const lastTouched = new Map<string, number>();

  app.addHook('onRequest', async (request, reply) => readOcpiHeaders(request, reply));
  app.addHook('preHandler', async (request, reply) => admission.admitOcpi(request, reply, () => authenticate(hub, request)));
  // Counted once admitted: a stranger's requests cannot make deliveries give way.
  app.addHook('preHandler', (_request, reply, done) => {
    reply.raw.once('close', hub.requestPressure.arrived());
    done();
  });
  // A gated partner awaiting its conformance check may use versions and credentials only (OCPI 4000 otherwise).
  app.addHook('preHandler', async (request) => {
    const platform = request.ocpi.platform;
    if (platform && !request.routeOptions.config.registrationTokenAllowed) refuseWhileGated(platform);
  });
  app.addHook('preHandler', async (request) => checkUrlParams(request));
  app.addHook('onSend', async (request, _reply, payload) => {
    if (request.ocpi) request.ocpi.responsePayload = payload;
    return payload;
  });
  app.addHook('onResponse', async (request, reply) => {
    await journalInbound(hub, request, reply).catch((error) => request.log.error({ err: error }, 'journal write failed'));
    const platform = request.ocpi?.platform;
    if (!platform) return;
    const now = Date.now();
    if (now - (lastTouched.get(platform.id) ?? 0) < TOUCH_INTERVAL_MS) return;
    lastTouched.set(platform.id, now);
    await touchPlatform(hub.db, platform.id).catch(() => undefined);
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof OcpiError) {
      return reply.code(error.httpStatus).send(envelope(error.statusCode, undefined, error.message));
    }
    if (error.statusCode === 400 || error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') {
      return reply.code(400).send(envelope(OcpiStatus.CLIENT_ERROR, undefined, `Invalid request: ${error.message}`));
    }
    if (error.statusCode === 413 || error.statusCode === 415) {
      return reply.code(error.statusCode).send(envelope(OcpiStatus.CLIENT_ERROR, undefined, error.message));
    }
    const unavailable = answerDatabaseUnavailable(error, request, reply);
    if (unavailable) return reply.send(envelope(OcpiStatus.SERVER_ERROR, undefined, unavailable));
    request.log.error({ err: error }, 'OCPI request failed');
    return reply.code(500).send(envelope(OcpiStatus.SERVER_ERROR, undefined, 'Internal hub error'));
  });
  app.setNotFoundHandler((request, reply) => {
    readOcpiHeaders(request, reply);
    reply.code(404).send(envelope(OcpiStatus.CLIENT_ERROR, undefined, `No OCPI endpoint ${request.method} ${request.url}`));
  });

  await versionRoutes(app, hub);
  // Every version has the same interfaces below /ocpi/{version}; the edge (edge.ts) translates
  // bodies between the caller's version and the canonical one. 2.1.1 has no hubclientinfo and no
  // charging profiles.
  for (const version of SUPPORTED_VERSIONS) {
    await app.register(
      async (scope) => {
        await credentialsRoutes(scope, hub);
        await pushRoutes(scope, hub);
        await senderRoutes(scope, hub);
        await commandRoutes(scope, hub);
        await authorizeRoutes(scope, hub);
        if (version !== '2.1.1') {
          await hubClientInfoRoutes(scope, hub);
          await chargingProfileRoutes(scope, hub);
        }
        if (version === '2.3.0') await invoiceReconciliationRoutes(scope, hub);
      },
      { prefix: `/${version}` },
    );
  }
}
