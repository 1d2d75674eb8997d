import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { HubContext } from '../../hub/context.js';
import { searchJournal, type Blame, type JournalRow } from '../../hub/journal.js';
import { formatParty } from '../../ocpi/headers.js';
import { ErrorReply, Nullable, PartyText, partyArgument } from './schemas.js';

const BlameSchema = Type.String({ enum: ['CPO', 'EMSP', 'HUB', 'NETWORK', 'OTHER'] });
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
  altered: Nullable(Type.String({ description: "What was changed to store the entry: 'escaped', 'truncated' or 'fallback'" })),
});

const entryView = (entry: JournalRow) => ({ ...entry, at: entry.at.toISOString() });

const HopView = Type.Object({
  at: Type.String({ format: 'date-time' }),
  direction: Type.String({ enum: ['IN', 'OUT'] }),
  from: Nullable(Type.String()),
  to: Nullable(Type.String()),
  method: Type.String(),
  url: Type.String(),
  http_status: Nullable(Type.Number()),
  ocpi_status: Nullable(Type.Number()),
  duration_ms: Nullable(Type.Number()),
  blame: Nullable(BlameSchema),
  error: Nullable(Type.String()),
});

const StoryView = Type.Object({
  correlation_id: Type.String(),
  hops: Type.Array(HopView),
  verdict: Type.Object({
    failed: Type.Boolean(),
    blame: Nullable(BlameSchema),
    reason: Type.String(),
  }),
});

const AT_FAULT: Record<Blame, string> = {
  CPO: 'the CPO is at fault',
  EMSP: 'the eMSP is at fault',
  HUB: 'the hub is at fault',
  NETWORK: 'the network is at fault: the receiver could not be reached',
  OTHER: 'the calling platform is at fault (a party neither CPO nor eMSP, or a platform not yet registered)',
};

/** When a hop started: the journal writes an entry when the hop ends. */
const startOf = (entry: JournalRow) => entry.at.getTime() - (entry.duration_ms ?? 0);

function describeFailure(entry: JournalRow): string {
  const answer = [entry.http_status !== null && `HTTP ${entry.http_status}`, entry.ocpi_status !== null && `OCPI ${entry.ocpi_status}`]
    .filter(Boolean)
    .join(', ');
  const status = answer || 'no answer';
  // Senders record "HTTP 503" as the error when the answer said nothing more.
  const detail = entry.error && !status.includes(entry.error) ? `: ${entry.error}` : '';
  return `${entry.method} ${entry.url} (${entry.from_party ?? '?'} → ${entry.to_party ?? '?'}) failed with ${status}${detail}`;
}

/**
 * One exchange told hop by hop, in the order the hops started, with the verdict taken from the
 * failed hop that ended first: an enclosing hop ends after the hops it waited for, so the first
 * failure to end is the cause and later ones only relay it.
 */
function storyOf(correlationId: string, entries: JournalRow[]) {
  const hops = [...entries]
    .sort((a, b) => startOf(a) - startOf(b) || a.id - b.id)
    .map((entry) => ({
      at: entry.at.toISOString(),
      direction: entry.direction,
      from: entry.from_party,
      to: entry.to_party,
      method: entry.method,
      url: entry.url,
      http_status: entry.http_status,
      ocpi_status: entry.ocpi_status,
      duration_ms: entry.duration_ms,
      blame: entry.blame,
      error: entry.error,
    }));
  const cause = entries.find((entry) => entry.blame !== null);
  const verdict = cause
    ? { failed: true, blame: cause.blame, reason: `${describeFailure(cause)}; ${AT_FAULT[cause.blame!]}.` }
    : { failed: false, blame: null, reason: 'Every hop succeeded.' };
  return { correlation_id: correlationId, hops, verdict };
}

interface JournalQuerystring {
  correlation_id?: string;
  party?: string;
  module?: string;
  object_id?: string;
  from?: string;
  to?: string;
  failed?: boolean;
  limit: number;
  offset: number;
}

/** The journal of every hop through the hub, and the story of one exchange. */
export async function journalRoutes(app: FastifyInstance, hub: HubContext): Promise<void> {
  app.get(
    '/journal',
    {
      schema: {
        summary: 'Search the journal',
        description: 'Every request the hub received (IN) or sent (OUT), oldest first, with its result and, when it failed, who is to blame.',
        tags: ['journal'],
        querystring: Type.Object({
          correlation_id: Type.Optional(Type.String({ description: 'One exchange across all its hops' })),
          party: Type.Optional(PartyText('Entries from or to this party')),
          module: Type.Optional(Type.String({ description: 'An OCPI module id, e.g. locations' })),
          object_id: Type.Optional(Type.String({ description: 'The id of a location, token, session…' })),
          from: Type.Optional(Type.String({ format: 'date-time', description: 'Entries at or after this time' })),
          to: Type.Optional(Type.String({ format: 'date-time', description: 'Entries before this time' })),
          failed: Type.Optional(Type.Boolean({ description: 'Only entries that failed' })),
          limit: Type.Integer({ minimum: 1, maximum: MAX_LIMIT, default: 100 }),
          offset: Type.Integer({ minimum: 0, maximum: 2_147_483_647, default: 0 }),
        }),
        response: { 200: Type.Object({ total: Type.Integer(), entries: Type.Array(JournalEntryView) }), 400: ErrorReply },
      },
    },
    async (request) => {
      const query = request.query as JournalQuerystring;
      const { total, entries } = await searchJournal(hub.db, {
        correlationId: query.correlation_id,
        party: query.party === undefined ? undefined : formatParty(partyArgument(query.party, 'party')),
        module: query.module,
        objectId: query.object_id,
        from: query.from === undefined ? undefined : new Date(query.from),
        to: query.to === undefined ? undefined : new Date(query.to),
        failed: query.failed,
        limit: query.limit,
        offset: query.offset,
      });
      return { total, entries: entries.map(entryView) };
    },
  );

  app.get(
    '/journal/story/:correlation_id',
    {
      schema: {
        summary: 'Tell the story of one exchange',
        description: 'The hops of one correlation id in order, and a verdict naming the side at fault of the failure that caused the others.',
        tags: ['journal'],
        params: Type.Object({ correlation_id: Type.String() }),
        response: { 200: StoryView, 404: ErrorReply },
      },
    },
    async (request, reply) => {
      const correlationId = (request.params as { correlation_id: string }).correlation_id;
      const { entries } = await searchJournal(hub.db, { correlationId, limit: MAX_LIMIT, offset: 0 });
      if (!entries.length) return reply.code(404).send({ error: 'not_found', message: 'No journal entry has this correlation id' });
      return storyOf(correlationId, entries);
    },
  );
}
