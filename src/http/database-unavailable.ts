import type { FastifyReply, FastifyRequest } from 'fastify';
import { DATABASE_RETRY_AFTER_SECONDS, isDatabaseUnavailable } from '../store/availability.js';

/**
 * When `error` says the database is away, sets 503 and Retry-After on the reply and returns the
 * message to send in the interface's own shape (OCPI envelope, admin or Plug & Charge error);
 * otherwise returns undefined and leaves the reply alone. A partner told 503 repeats the request
 * later; a 500 would say the hub failed on what it was sent.
 */
export function answerDatabaseUnavailable(error: unknown, request: FastifyRequest, reply: FastifyReply): string | undefined {
  if (!isDatabaseUnavailable(error)) return undefined;
  request.log.warn({ reason: (error as Error).message }, 'database unavailable');
  reply.code(503).header('Retry-After', String(DATABASE_RETRY_AFTER_SECONDS));
  return `The hub cannot reach its database: repeat the request in ${DATABASE_RETRY_AFTER_SECONDS} s`;
}
