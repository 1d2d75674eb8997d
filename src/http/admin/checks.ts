import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { CheckUnavailableError, runConformanceCheck } from '../../conformance/check.js';
import { applyOfferedQuirks } from '../../conformance/offered-quirks.js';
import { CHECK_REASONS } from '../../conformance/report.js';
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
  reason: Type.Union(CHECK_REASONS.map((r) => Type.Literal(r)), {
    description: 'Why it ran: the operator asked, the partner’s credentials changed, the schedule, or offered quirks were applied',
  }),
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

function unavailable(reply: FastifyReply, error: unknown) {
  if (!(error instanceof CheckUnavailableError)) throw error;
  const code = error.status === 404 ? 'not_found' : 'conflict';
  return reply.code(error.status).send({ error: code, message: error.message });
}

/** Conformance checks of a partner: run one now, or read the ones kept. */
export async function checkRoutes(app: FastifyInstance, hub: HubContext): Promise<void> {
  app.post(
    '/partners/:id/checks',
    {
      schema: {
        summary: 'Run a conformance check against a partner',
        description:
          'The hub checks the partner from its side of the connection: versions and details, the endpoints its roles need, the token encoding, envelopes, timestamps, tracing headers, pagination of its Sender interfaces, a schema check of a CPO’s locations and tariffs, a GET probe of its Receiver interfaces, and a probe tariff of the hub’s own party PUT to its tariffs Receiver and deleted again. PASS, PASS_WITH_WARNINGS (with the quirks that would bridge them) or FAIL; every case names its spec section and shows the request and response. A PASS activates the routes of a gated partner. Waits for a check of the same partner in progress; 409 when it does not end.',
        tags: ['partners'],
        params: Params,
        response: { 201: CheckView, 404: ErrorReply, 409: ErrorReply },
      },
    },
    async (request, reply) => {
      try {
        return reply.code(201).send(await runConformanceCheck(hub, (request.params as { id: string }).id));
      } catch (error) {
        return unavailable(reply, error);
      }
    },
  );

  app.post(
    '/partners/:id/checks/:check_id/quirks',
    {
      schema: {
        summary: 'Apply the quirks a check offered, and check again',
        description:
          'The quirks that would bridge the check’s warnings join the partner’s quirk profile (lists merged, other values replaced); the hub then runs a check (reason QUIRKS_APPLIED) and answers the profile and the new report. A gated partner whose new check passes is activated.',
        tags: ['partners'],
        params: Type.Object({ id: Type.String({ format: 'uuid' }), check_id: Type.String({ pattern: '^[0-9]{1,18}$' }) }),
        response: { 200: Type.Object({ quirks: QuirksSchema, check: CheckView }), 404: ErrorReply, 409: ErrorReply },
      },
    },
    async (request, reply) => {
      const { id, check_id: checkId } = request.params as { id: string; check_id: string };
      try {
        return await applyOfferedQuirks(hub, id, checkId);
      } catch (error) {
        return unavailable(reply, error);
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
