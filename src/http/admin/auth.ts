import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { TooManyRequests, type Admission } from '../admission.js';

class WrongAdminToken extends Error {}

/**
 * Bearer-token check for the admin API; digests make the comparison constant-time at any length.
 * A source address that fails too often is answered 429 for a while, whatever token it sends.
 */
export function adminAuth(adminToken: string, admission: Admission) {
  const expected = createHash('sha256').update(adminToken).digest();
  const check = async (header: string | undefined) => {
    const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
    const given = createHash('sha256').update(match?.[1] ?? '').digest();
    if (!match || !timingSafeEqual(given, expected)) throw new WrongAdminToken();
  };
  return async (request: FastifyRequest, reply: FastifyReply) => {
    try {
      await admission.authenticated(request.ip, () => check(request.headers.authorization), (error) => error instanceof WrongAdminToken);
    } catch (error) {
      if (error instanceof TooManyRequests) {
        return reply.code(429).header('Retry-After', String(error.retryAfterSeconds)).send({ error: 'too_many_requests', message: error.message });
      }
      return reply.code(401).send({ error: 'unauthorized', message: 'A valid admin bearer token is required' });
    }
  };
}
