import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { HubContext } from '../../hub/context.js';
import { searchJourneys } from '../../hub/support/search.js';
import { sessionTimeline } from '../../hub/support/timeline.js';
import { everything, type ScopeOf } from './journal.js';
import { ErrorReply, Nullable } from './schemas.js';
import { TimelineView } from './timeline-views.js';

const MatchView = Type.Object({
  kind: Type.String({ enum: ['TAP', 'SESSION', 'EXCHANGE'] }),
  at: Type.String({ format: 'date-time' }),
  title: Type.String(),
  cpo: Nullable(Type.String()),
  emsp: Nullable(Type.String()),
  matched: Type.String({ description: 'Which field the query matched' }),
  correlation_id: Nullable(Type.String()),
  session: Nullable(Type.Object({ country_code: Type.String(), party_id: Type.String(), id: Type.String() })),
  timeline: Type.String({ description: 'The admin API path of its timeline' }),
});

const SessionView = Type.Object({
  cpo: Type.String(),
  emsp: Nullable(Type.String()),
  id: Type.String(),
  status: Nullable(Type.String()),
  location_id: Nullable(Type.String()),
  evse_uid: Nullable(Type.String()),
  token_uid: Nullable(Type.String()),
  contract_id: Nullable(Type.String()),
});

/** Support: one search box, and the timeline of a session. */
export async function supportRoutes(app: FastifyInstance, hub: HubContext, scopeOf: ScopeOf = everything): Promise<void> {
  app.get(
    '/search',
    {
      schema: {
        summary: 'Find driver journeys',
        description:
          'By session id, token uid (with or without its type, e.g. RFID:04A1), contract id, printed card number, EVSE id or uid, location id, CDR id or correlation id. Newest first.',
        tags: ['support'],
        querystring: Type.Object({ q: Type.String({ minLength: 1, maxLength: 200 }) }),
        response: { 200: Type.Object({ query: Type.String(), matches: Type.Array(MatchView) }), 400: ErrorReply },
      },
    },
    async (request) => {
      const { q } = request.query as { q: string };
      // What was recorded so far, including journal entries and decisions still in the writer's buffer.
      await hub.journalWriter.flush();
      return { query: q, matches: await searchJourneys(hub, q, await scopeOf(request)) };
    },
  );

  app.get(
    '/sessions/:country_code/:party_id/:session_id/timeline',
    {
      schema: {
        summary: 'The timeline of a session',
        description:
          'The authorization that let it start, commands, session updates, stop and CDRs in time order, with a plain-language verdict.',
        tags: ['support'],
        params: Type.Object({ country_code: Type.String(), party_id: Type.String(), session_id: Type.String() }),
        response: { 200: Type.Object({ session: SessionView, ...TimelineView.properties }), 404: ErrorReply },
      },
    },
    async (request, reply) => {
      const params = request.params as { country_code: string; party_id: string; session_id: string };
      await hub.journalWriter.flush();
      const timeline = await sessionTimeline(
        hub,
        { countryCode: params.country_code, partyId: params.party_id, sessionId: params.session_id },
        await scopeOf(request),
      );
      if (!timeline) return reply.code(404).send({ error: 'not_found', message: `No session ${params.session_id} of ${params.country_code}*${params.party_id}` });
      return timeline;
    },
  );
}
