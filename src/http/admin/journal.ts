import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { HubContext } from '../../hub/context.js';
import { searchJournal, type JournalRow } from '../../hub/journal.js';
import { exchangeTimeline } from '../../hub/support/timeline.js';
import { formatParty } from '../../ocpi/headers.js';
import { ErrorReply, Nullable, PartyText, partyArgument } from './schemas.js';
import { BlameSchema, TimelineView } from './timeline-views.js';

const MAX_LIMIT = 1000;

const JournalEntryView = Type.Object({
  id: Type.Number(),
  at: Type.String({ format: 'date-time' }),
  direction: Type.String({ enum: ['IN', 'OUT'] }),
  correlation_id: Nullable(Type.String()),
  request_id: Nullable(Type.String()),
  from_party: Nullable(Type.String()),
  to_party: Nullable(Type.String()),
  module: Nullable(Type.String()),
  method: Type.String(),
  url: Type.String(),
  object_id: Nullable(Type.String()),
  http_status: Nullable(Type.Number()),
  ocpi_status: Nullable(Type.Number()),
  duration_ms: Nullable(Type.Number()),
  blame: Nullable(BlameSchema),
  error: Nullable(Type.String()),
  request_body: Type.Unknown(),
  response_body: Type.Unknown(),
  notes: Type.Unknown(),
  truncated: Type.Boolean({ description: 'A payload was over the size cap: only its head is kept' }),
  altered: Nullable(Type.String({ description: "What was changed to store the entry: 'escaped', 'truncated' or 'fallback'" })),
});

const entryView = (entry: JournalRow) => ({
  ...entry,
  at: entry.at.toISOString(),
  duration_ms: entry.duration_ms === null ? null : Math.round(entry.duration_ms),
});

const Filters = {
  correlation_id: Type.Optional(Type.String({ description: 'One exchange across all its hops' })),
  party: Type.Optional(PartyText('Entries from or to this party')),
  module: Type.Optional(Type.String({ description: 'An OCPI module id, e.g. locations' })),
  object_id: Type.Optional(Type.String({ description: 'The id of a location, token, session…' })),
  status: Type.Optional(Type.Integer({ description: 'An HTTP or OCPI status code, e.g. 2001 or 503' })),
  from: Type.Optional(Type.String({ format: 'date-time', description: 'Entries at or after this time' })),
  to: Type.Optional(Type.String({ format: 'date-time', description: 'Entries before this time' })),
  failed: Type.Optional(Type.Boolean({ description: 'Only entries that failed' })),
  limit: Type.Integer({ minimum: 1, maximum: MAX_LIMIT, default: 100 }),
};

interface JournalQuerystring {
  correlation_id?: string;
  party?: string;
  module?: string;
  object_id?: string;
  status?: number;
  from?: string;
  to?: string;
  failed?: boolean;
  limit: number;
  offset?: number;
  before?: number;
  after?: number;
}

/** The parties whose journal the caller may read: all for operators (undefined), its own for a partner. */
export type ScopeOf = (request: FastifyRequest) => Promise<string[] | undefined>;
export const everything: ScopeOf = async () => undefined;

function filtersOf(query: JournalQuerystring) {
  return {
    correlationId: query.correlation_id,
    party: query.party === undefined ? undefined : formatParty(partyArgument(query.party, 'party')),
    module: query.module,
    objectId: query.object_id,
    status: query.status,
    from: query.from === undefined ? undefined : new Date(query.from),
    to: query.to === undefined ? undefined : new Date(query.to),
    failed: query.failed,
    limit: query.limit,
  };
}

/** The journal of every hop through the hub, its live tail, and the story of one exchange. */
export async function journalRoutes(app: FastifyInstance, hub: HubContext, scopeOf: ScopeOf = everything): Promise<void> {
  app.get(
    '/journal',
    {
      schema: {
        summary: 'Search the journal',
        description:
          'Every request the hub received (IN) or sent (OUT), newest first, with its result and, when it failed, who is to blame. Page with `before` = the `next_cursor` of the previous page.',
        tags: ['journal'],
        querystring: Type.Object({
          ...Filters,
          before: Type.Optional(Type.Integer({ minimum: 1, description: 'Cursor: entries older than this id' })),
          offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 2_147_483_647, default: 0 })),
        }),
        response: {
          200: Type.Object({ total: Type.Integer(), entries: Type.Array(JournalEntryView), next_cursor: Nullable(Type.Integer()) }),
          400: ErrorReply,
        },
      },
    },
    async (request) => {
      const query = request.query as JournalQuerystring;
      // What was recorded so far, including entries still waiting in the writer's buffer.
      await hub.journalWriter.flush();
      const page = await searchJournal(hub.journalDb, {
        ...filtersOf(query),
        scope: await scopeOf(request),
        before: query.before,
        offset: query.offset,
        count: true,
      });
      return { total: page.total!, entries: page.entries.map(entryView), next_cursor: page.nextCursor };
    },
  );

  app.get(
    '/journal/tail',
    {
      schema: {
        summary: 'Follow the journal',
        description:
          'The entries written since `after` (an id), oldest first, for a live view: poll with the `cursor` of the previous answer. Without `after`, starts from now.',
        tags: ['journal'],
        querystring: Type.Object({ ...Filters, after: Type.Optional(Type.Integer({ minimum: 0 })) }),
        response: { 200: Type.Object({ entries: Type.Array(JournalEntryView), cursor: Type.Integer() }), 400: ErrorReply },
      },
    },
    async (request) => {
      const query = request.query as JournalQuerystring;
      const scope = await scopeOf(request);
      if (query.after === undefined) {
        const [latest] = await hub.journalDb.query<{ id: number | null }>('SELECT max(id) AS id FROM journal');
        return { entries: [], cursor: Number(latest?.id ?? 0) };
      }
      const { entries } = await searchJournal(hub.journalDb, { ...filtersOf(query), scope, after: query.after });
      return { entries: entries.map(entryView), cursor: entries.at(-1)?.id ?? query.after };
    },
  );

  app.get(
    '/journal/story/:correlation_id',
    {
      schema: {
        summary: 'Tell the story of one exchange',
        description:
          'The hops of one correlation id in the order they started, and a plain-language verdict: what happened to the driver, why, the side at fault and what to do.',
        tags: ['journal'],
        params: Type.Object({ correlation_id: Type.String() }),
        response: { 200: Type.Object({ correlation_id: Type.String(), ...TimelineView.properties }), 404: ErrorReply },
      },
    },
    async (request, reply) => {
      const correlationId = (request.params as { correlation_id: string }).correlation_id;
      await hub.journalWriter.flush();
      const timeline = await exchangeTimeline(hub.journalDb, correlationId, await scopeOf(request));
      if (!timeline) return reply.code(404).send({ error: 'not_found', message: 'No journal entry has this correlation id' });
      return { correlation_id: correlationId, ...timeline };
    },
  );
}
