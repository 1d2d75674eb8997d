import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { CheckUnavailableError, runConformanceCheck } from '../../conformance/check.js';
import { checksOf } from '../../conformance/store.js';
import type { HubContext } from '../../hub/context.js';
import { getPlatform } from '../../hub/registry.js';
import { QuirksSchema } from '../../hub/quirks.js';
import { ErrorReply } from './schemas.js';

const Outcome = Type.Union(['PASS', 'WARN', 'FAIL'].map((o) => Type.Literal(o)));

const CheckView = Type.Object({
  id: Type.String(),
  platform_id: Type.String(),
  started_at: Type.String(),
  finished_at: Type.String(),
  verdict: Type.Union(['PASS', 'PASS_WITH_WARNINGS', 'FAIL'].map((v) => Type.Literal(v))),
  cases: Type.Array(
    Type.Object({
      id: Type.String(),
      title: Type.String(),
      section: Type.String(),
      outcome: Outcome,
      detail: Type.String(),
      exchange: Type.Optional(Type.Unknown()),
      quirk: Type.Optional(QuirksSchema),
    }),
  ),
  quirks: QuirksSchema,
});

const Params = Type.Object({ id: Type.String({ format: 'uuid' }) });

/** Conformance checks of a partner: run one now, or read the ones kept. */
export async function checkRoutes(app: FastifyInstance, hub: HubContext): Promise<void> {
  app.post(
    '/partners/:id/checks',
    {
      schema: {
        summary: 'Run a conformance check against a partner',
        description:
          'The hub checks the partner from its side of the connection: versions and details, the endpoints its roles need, the token encoding, envelopes, timestamps, tracing headers, pagination of its Sender interfaces, a schema check of a CPO’s locations and tariffs, and a GET probe of its Receiver interfaces. PASS, PASS_WITH_WARNINGS (with the quirks that would bridge them) or FAIL; every case names its spec section and shows the request and response.',
        tags: ['partners'],
        params: Params,
        response: { 201: CheckView, 404: ErrorReply, 409: ErrorReply },
      },
    },
    async (request, reply) => {
      try {
        return reply.code(201).send(await runConformanceCheck(hub, (request.params as { id: string }).id));
      } catch (error) {
        if (!(error instanceof CheckUnavailableError)) throw error;
        return reply.code(error.status).send({ error: error.status === 404 ? 'not_found' : 'not_registered', message: error.message });
      }
    },
  );

  app.get(
    '/partners/:id/checks',
    {
      schema: {
        summary: "A partner's conformance checks, newest first",
        tags: ['partners'],
        params: Params,
        response: { 200: Type.Array(CheckView), 404: ErrorReply },
      },
    },
    async (request, reply) => {
      const platform = await getPlatform(hub.db, (request.params as { id: string }).id);
      if (!platform) return reply.code(404).send({ error: 'not_found', message: 'No such partner' });
      return checksOf(hub.db, platform.id);
    },
  );
}
