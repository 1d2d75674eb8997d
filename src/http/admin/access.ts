import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { principalOfSession, type Principal } from '../../hub/accounts/accounts.js';
import { audit } from '../../hub/accounts/audit.js';
import type { HubContext } from '../../hub/context.js';
import { TooManyRequests, type Admission } from '../admission.js';

/**
 * Who may call the admin API. Automation presents the admin bearer token and acts as admin; people
 * log in to the console and carry a session cookie (HttpOnly), echoing the session's CSRF token in
 * `X-CSRF-Token` with every change. Operators other than admin only read; a partner reads only the
 * routes that can be narrowed to its own parties, and changes only its own CDRs' dispute state.
 * Every change is written to the audit log.
 */

export const SESSION_COOKIE = 'switchyard_session';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

/** Routes (under /api) a partner account may read; each narrows its answer to the partner's parties. */
const PARTNER_READS = new Set([
  '/api/journal',
  '/api/journal/tail',
  '/api/journal/story/:correlation_id',
  '/api/search',
  '/api/sessions/:country_code/:party_id/:session_id/timeline',
  '/api/sla',
  '/api/auth/me',
  '/api/cdrs',
  '/api/cdrs/:cc/:pid/:id',
  '/api/statements',
  '/api/statements/:file',
]);
/** Changes a partner account may make: the dispute workflow's actions, each checked against the partner's side of the CDR. */
const PARTNER_CHANGES = new Set(['/api/cdrs/:cc/:pid/:id/approve', '/api/cdrs/:cc/:pid/:id/dispute', '/api/cdrs/:cc/:pid/:id/write-off']);
const READS = new Set(['GET', 'HEAD']);

const sha256 = (text: string) => createHash('sha256').update(text).digest();

function safeEqual(a: string, b: string): boolean {
  return timingSafeEqual(sha256(a), sha256(b));
}

function deny(reply: FastifyReply, code: 401 | 403, message: string) {
  return reply.code(code).send({ error: code === 401 ? 'unauthorized' : 'forbidden', message });
}

class WrongAdminToken extends Error {}

/** A source address that fails too often is answered 429 for a while, whatever token it sends. */
export function adminAccess(hub: HubContext, adminToken: string, admission: Admission) {
  const checkBearer = async (given: string) => {
    if (!safeEqual(given, adminToken)) throw new WrongAdminToken();
  };
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
    if (bearer) {
      try {
        await admission.authenticated(request.ip, () => checkBearer(bearer[1]), (error) => error instanceof WrongAdminToken);
      } catch (error) {
        if (error instanceof TooManyRequests) {
          return reply.code(429).header('Retry-After', String(error.retryAfterSeconds)).send({ error: 'too_many_requests', message: error.message });
        }
        return deny(reply, 401, 'A valid admin bearer token is required');
      }
      request.principal = { actor: 'admin-token', role: 'admin' };
      return;
    }
    const cookie = request.cookies[SESSION_COOKIE];
    const principal = cookie ? await principalOfSession(hub.db, cookie) : undefined;
    if (!principal) return deny(reply, 401, 'Log in, or present the admin bearer token');
    const reading = READS.has(request.method);
    if (!reading) {
      const given = request.headers['x-csrf-token'];
      if (typeof given !== 'string' || !safeEqual(given, principal.csrfToken!)) {
        return deny(reply, 403, 'A change needs the X-CSRF-Token of your session');
      }
    }
    if (principal.role === 'partner') {
      if (!(reading ? PARTNER_READS : PARTNER_CHANGES).has(request.routeOptions.url ?? '')) {
        return deny(reply, 403, 'A partner account sees its own traffic and clearing only');
      }
    } else if (!reading && principal.role !== 'admin') return deny(reply, 403, `The ${principal.role} role may read, not change`);
    request.principal = principal;
  };
}

/** Writes every change (any method but GET and HEAD) to the audit log as it is answered. */
export function auditChanges(hub: HubContext) {
  // onSend: the change is in the audit log before its answer leaves.
  return async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    if (READS.has(request.method) || !request.principal) return payload;
    await audit(hub.db, request.principal, {
      method: request.method,
      path: request.url,
      httpStatus: reply.statusCode,
      body: request.body,
    });
    return payload;
  };
}

/** The parties a request may see: undefined (everything) for operators, its own for a partner. */
export const scopeOf = async (request: FastifyRequest) => request.principal?.parties;
