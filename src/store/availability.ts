/**
 * Whether an error means the database could not be reached or is not taking work right now (a
 * server stopped, restarting, out of connections), as opposed to a fault in what was asked of it.
 * Callers answer such errors with 503 and Retry-After: the partner's request was sound and will
 * succeed when repeated.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let cause = error, depth = 0; cause && typeof cause === 'object' && depth < 5; cause = (cause as { cause?: unknown }).cause, depth++) {
    const { code, message } = cause as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && (NETWORK_CODES.has(code) || UNAVAILABLE_SQLSTATE.test(code))) return true;
    if (typeof message === 'string' && UNAVAILABLE_MESSAGES.some((text) => message.includes(text))) return true;
  }
  return false;
}

/** How long a partner is asked to wait before repeating a request the database could not take. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

/** The operating system's refusals of a connection, and a connection that broke. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * SQLSTATE classes 08 (connection exception) and 57P (the server shutting down, crashed or
 * starting up), and 53300 (too many connections): PostgreSQL's "not now", not "not this".
 */
const UNAVAILABLE_SQLSTATE = /^(08...|57P0[1-4]|53300)$/;

/**
 * node-postgres reports a connection lost mid-statement, or never had from its pool, in words
 * only; and a database closed to connections for maintenance (ALLOW_CONNECTIONS false) shares its
 * SQLSTATE, 55000, with faults of the statement.
 */
const UNAVAILABLE_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error and is not queryable',
  'Cannot use a pool after calling end on the pool',
  'is not currently accepting connections',
];
