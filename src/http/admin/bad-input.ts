import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { OcpiError } from '../../ocpi/status.js';
import { answerDatabaseUnavailable } from '../database-unavailable.js';
import { isStorableText } from '../json-body.js';
import { badRequest } from './schemas.js';

const ERROR_CODES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'too_many_requests',
};

/** Query and path values the database cannot hold (NUL, unpaired surrogates) are a 400, not a 500. */
export async function refuseUnstorableText(request: FastifyRequest): Promise<void> {
  const sources = { query: request.query, params: request.params } as Record<string, unknown>;
  for (const [source, values] of Object.entries(sources)) {
    for (const [name, value] of Object.entries((values ?? {}) as Record<string, unknown>)) {
      for (const text of Array.isArray(value) ? value : [value]) {
        if (typeof text === 'string' && !isStorableText(text)) throw badRequest(`${source}.${name} must not contain NUL or unpaired surrogate characters`);
      }
    }
  }
}

/**
 * The admin API's errors, all as { error, message }: a malformed body or query is a 400 that says
 * what is wrong (the JSON parser's refusals included), a database that is away is a 503, and only
 * a real fault is a 500.
 */
export function adminErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (error instanceof OcpiError) {
    const status = error.httpStatus >= 400 ? error.httpStatus : 400;
    return reply.code(status).send({ error: ERROR_CODES[status] ?? 'bad_request', message: `Invalid request body: ${error.message}` });
  }
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    return reply.code(status).send({ error: ERROR_CODES[status] ?? 'bad_request', message: error.message });
  }
  const unavailable = answerDatabaseUnavailable(error, request, reply);
  if (unavailable) return reply.send({ error: 'unavailable', message: unavailable });
  request.log.error({ err: error }, 'admin request failed');
  return reply.code(500).send({ error: 'internal', message: 'Internal hub error' });
}
