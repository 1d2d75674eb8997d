import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { HubContext } from '../hub/context.js';
import { metricsText, metricsRegistry } from '../hub/metrics.js';

export interface MetricsAccess {
  /** Bearer tokens that may scrape (the admin token, and SWITCHYARD_METRICS_TOKEN when set). */
  tokens: string[];
  /** Client addresses that may scrape without a token (SWITCHYARD_METRICS_ALLOW, comma-separated). */
  allow: string[];
}

const digest = (text: string) => createHash('sha256').update(text).digest();

/** Prometheus `/metrics`, for a bearer token or an allowed address only. */
export async function metricsRoute(app: FastifyInstance, hub: HubContext, access: MetricsAccess): Promise<void> {
  const allowed = new Set(access.allow.map((address) => address.trim()).filter(Boolean));
  const tokens = access.tokens.filter(Boolean).map(digest);
  app.get('/metrics', async (request, reply) => {
    const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
    const byToken = bearer !== undefined && tokens.some((token) => timingSafeEqual(token, digest(bearer)));
    const address = request.ip.replace(/^::ffff:/, '');
    if (!byToken && !allowed.has(address)) {
      return reply.code(401).send({ error: 'unauthorized', message: 'Metrics need a bearer token or an allowed address' });
    }
    const text = await metricsText(hub.db, { receiversServed: hub.delivery.receiversServed.size, journalWaiting: hub.journalWriter.waiting });
    return reply.type(metricsRegistry.contentType).send(text);
  });
}
