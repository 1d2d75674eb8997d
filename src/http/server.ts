import Fastify, { type FastifyInstance } from 'fastify';
import type { HubContext } from '../hub/context.js';
import { OcpiError, OcpiStatus } from '../ocpi/status.js';
import { adminPlugin } from './admin/plugin.js';
import { consoleRoutes } from './console.js';
import { metricsRoute, type MetricsAccess } from './metrics.js';
import { ocpiPlugin } from './ocpi/plugin.js';

export interface ServerOptions {
  adminToken: string;
  /** Who may scrape /metrics besides the admin token (defaults from the environment). */
  metrics?: Partial<MetricsAccess>;
  logger?: boolean | { level: string };
}

export async function buildServer(hub: HubContext, options: ServerOptions): Promise<FastifyInstance> {
  const app = Fastify({ logger: options.logger ?? false, bodyLimit: 10 * 1024 * 1024, forceCloseConnections: true });

  // Unparseable JSON is an HTTP 400 (transport_and_format); an empty body is no body.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser(['application/json', 'text/plain'], { parseAs: 'string' }, (_request, text, done) => {
    const body = String(text);
    if (body.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(body));
    } catch (error) {
      done(new OcpiError(OcpiStatus.CLIENT_ERROR, `Unparseable JSON: ${(error as Error).message}`, 400));
    }
  });

  app.get('/health', async (_request, reply) => {
    try {
      await hub.db.query('SELECT 1');
      return { status: 'ok' };
    } catch {
      return reply.code(503).send({ status: 'database unavailable' });
    }
  });

  await app.register(async (ocpi) => ocpiPlugin(ocpi, hub), { prefix: '/ocpi' });
  await app.register(adminPlugin, { prefix: '/api', hub, adminToken: options.adminToken });
  await consoleRoutes(app);
  await metricsRoute(app, hub, {
    tokens: [options.adminToken, ...(options.metrics?.tokens ?? [process.env.SWITCHYARD_METRICS_TOKEN ?? ''])],
    allow: options.metrics?.allow ?? (process.env.SWITCHYARD_METRICS_ALLOW ?? '').split(','),
  });
  return app;
}
