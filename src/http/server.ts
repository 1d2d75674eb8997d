import Fastify, { type FastifyInstance } from 'fastify';
import type { HubContext } from '../hub/context.js';
import type { Queryable } from '../store/database.js';
import { parseJsonBody } from './json-body.js';
import { adminErrorHandler } from './admin/bad-input.js';
import { Admission, type AdmissionOptions } from './admission.js';
import { adminPlugin } from './admin/plugin.js';
import { consoleRoutes } from './console.js';
import { metricsRoute, type MetricsAccess } from './metrics.js';
import { ocpiPlugin } from './ocpi/plugin.js';
import { pncPlugin } from './pnc/plugin.js';

export interface ServerOptions {
  adminToken: string;
  /** Request budgets and failed-authentication throttling (defaults in admission.ts). */
  admission?: AdmissionOptions;
  /** Who may scrape /metrics besides the admin token (defaults from the environment). */
  metrics?: Partial<MetricsAccess>;
  logger?: boolean | { level: string };
  /**
   * Serve HTTPS with this certificate and key (PEM). Clients may present certificates (verified
   * against `ca` when given); a partner pinned to one must (see client-certificate.ts).
   */
  tls?: { cert: string; key: string; ca?: string };
}

export async function buildServer(hub: HubContext, options: ServerOptions): Promise<FastifyInstance> {
  const https = options.tls && { ...options.tls, requestCert: true, rejectUnauthorized: false };
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: 10 * 1024 * 1024,
    forceCloseConnections: true,
    ...(https ? { https } : {}),
  }) as unknown as FastifyInstance;

  // An empty body is no body; see parseJsonBody for what else is refused. Over bodyLimit: HTTP 413.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser(['application/json', 'text/plain'], { parseAs: 'string' }, (_request, text, done) => {
    try {
      done(null, parseJsonBody(String(text)));
    } catch (error) {
      done(error as Error);
    }
  });

  // Outside /ocpi (which answers in OCPI envelopes), errors take the admin API's shape: a body is
  // parsed even for a route that does not exist, and its refusal must stay a 4xx.
  app.setErrorHandler(adminErrorHandler);

  // 503 only when the data's database is away: partners are then refused. The journal's (when it
  // has a server of its own) being away is reported, not failed: its entries wait in memory.
  app.get('/health', async (_request, reply) => {
    const answers = (db: Queryable) => db.query('SELECT 1').then(() => true, () => false);
    const [data, journal] = await Promise.all([answers(hub.db), hub.journalDb === hub.db ? undefined : answers(hub.journalDb)]);
    const journalStatus = (journal ?? data) ? 'ok' : 'unavailable';
    if (!data) return reply.code(503).send({ status: 'database unavailable', journal: journalStatus });
    return { status: 'ok', journal: journalStatus };
  });

  const admission = new Admission(options.admission);
  await app.register(async (ocpi) => ocpiPlugin(ocpi, hub, admission), { prefix: '/ocpi' });
  await app.register(adminPlugin, { prefix: '/api', hub, adminToken: options.adminToken, admission });
  await app.register(pncPlugin, { prefix: '/opcp', hub, adminToken: options.adminToken });
  await consoleRoutes(app);
  await metricsRoute(app, hub, {
    tokens: [options.adminToken, ...(options.metrics?.tokens ?? [process.env.SWITCHYARD_METRICS_TOKEN ?? ''])],
    allow: options.metrics?.allow ?? (process.env.SWITCHYARD_METRICS_ALLOW ?? '').split(','),
  });
  return app;
}
