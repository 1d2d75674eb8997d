import type { FastifyReply } from 'fastify';
import { envelope, success } from '../ocpi/envelope.js';
import { pageHeaders, parsePageRequest } from '../ocpi/pagination.js';
import { OcpiStatus } from '../ocpi/status.js';
import type { ReceivedRequest } from './platform.js';

const MAX_PAGE = 50;

/**
 * Answers a GET on one of a simulated partner's Sender interfaces: the list, paginated and
 * filtered by last_updated as transport_and_format asks, or one object by the id in the path.
 */
export function answerGet(
  request: ReceivedRequest,
  reply: FastifyReply,
  moduleUrl: string,
  objects: readonly { last_updated: string }[],
  findOne: (segments: string[]) => unknown,
): unknown {
  const segments = request.path.split('/').filter(Boolean).map(decodeURIComponent);
  if (segments.length > 0) {
    const found = findOne(segments);
    if (found === undefined) return reply.code(404).send(envelope(OcpiStatus.CLIENT_ERROR, undefined, `Unknown object ${request.path}`));
    return success(found);
  }
  const page = parsePageRequest(request.query, MAX_PAGE);
  const matching = objects
    .filter((o) => (!page.dateFrom || Date.parse(o.last_updated) >= page.dateFrom.getTime()) && (!page.dateTo || Date.parse(o.last_updated) < page.dateTo.getTime()))
    .sort((a, b) => Date.parse(a.last_updated) - Date.parse(b.last_updated));
  const url = new URL(moduleUrl);
  for (const [name, value] of Object.entries(request.query)) url.searchParams.set(name, value);
  reply.headers(pageHeaders(url, page, matching.length, MAX_PAGE));
  return success(matching.slice(page.offset, page.offset + page.limit));
}
