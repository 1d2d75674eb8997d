import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Where `npm run build:console` (run by `npm install`) puts the console. */
const CONSOLE_DIR = fileURLToPath(new URL('../../dist/console/', import.meta.url));

/** The web console at /console/ (built from src/console), and / leading to it. */
export async function consoleRoutes(app: FastifyInstance): Promise<void> {
  app.get('/', async (_request, reply) => reply.redirect('/console/'));
  if (!existsSync(CONSOLE_DIR)) {
    app.get('/console/*', async (_request, reply) =>
      reply.code(503).type('text/plain').send('The console is not built: run npm install (or npm run build:console).'),
    );
    return;
  }
  await app.register(fastifyStatic, { root: CONSOLE_DIR, prefix: '/console/', decorateReply: false });
}
