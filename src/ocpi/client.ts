import { randomUUID } from 'node:crypto';
import { Agent, type Dispatcher } from 'undici';
import { authorizationHeader } from './auth.js';
import { isEnvelope, type OcpiEnvelope } from './envelope.js';
import { routingHeaders, type RoutingHeaders } from './headers.js';
import { Deadline, exchange, type ExchangeReply } from './http-exchange.js';

/**
 * One keep-alive pool per partner origin (undici's Agent keeps a Pool per origin): partners are
 * called often, and connection setup is not free.
 */
const agent = new Agent({ keepAliveTimeout: 30_000, connections: 32 });

/** Redirects followed per call before giving up. */
const MAX_REDIRECTS = 5;

export interface OcpiCall {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  token: string;
  tokenEncoding?: 'base64' | 'raw';
  body?: unknown;
  /** The body already as JSON, when the caller sends one body to many (it wins over `body`). */
  json?: string;
  routing?: RoutingHeaders;
  /** Kept across every hop of one exchange. */
  correlationId?: string;
  /** The request id; a redelivery of one message keeps its id so that the receiver can spot it. */
  requestId?: string;
  timeoutMs?: number;
  /** Who may be called: the hub passes its outbound guard; without one, any URL is called. */
  outbound?: OutboundPolicy;
}

/** Decides which URLs may be called (net/outbound-guard.ts) and connects only to checked addresses. */
export interface OutboundPolicy {
  /** Throws when this URL must not be called: the first request and every redirect. */
  allowOutboundUrl(url: string): void;
  dispatcher: Dispatcher;
}

export interface OcpiReply<T = unknown> {
  httpStatus: number;
  /** The parsed OCPI envelope, when the body was one. */
  envelope?: OcpiEnvelope<T>;
  headers: Record<string, string>;
  requestId: string;
  correlationId: string;
  durationMs: number;
}

/** The call never produced an HTTP answer, or the answer was not OCPI. */
export class OcpiCallError extends Error {
  constructor(
    readonly kind: 'timeout' | 'network' | 'not-ocpi' | 'refused',
    message: string,
    readonly reply?: OcpiReply,
  ) {
    super(message);
    this.name = 'OcpiCallError';
  }
}

export async function callOcpi<T = unknown>(call: OcpiCall): Promise<OcpiReply<T>> {
  const requestId = call.requestId ?? randomUUID();
  const correlationId = call.correlationId ?? randomUUID();
  const headers: Record<string, string> = {
    Authorization: authorizationHeader(call.token, call.tokenEncoding),
    'X-Request-ID': requestId,
    'X-Correlation-ID': correlationId,
    ...routingHeaders(call.routing ?? {}),
  };
  if (call.body !== undefined || call.json !== undefined) headers['Content-Type'] = 'application/json';
  const started = performance.now();
  const timeoutMs = call.timeoutMs ?? 10_000;
  const deadline = new Deadline(timeoutMs);
  let response: ExchangeReply;
  try {
    response = await followingRedirects(call, headers, timeoutMs, deadline);
  } catch (error) {
    if (error instanceof OcpiCallError) throw error;
    const refusal = refusalOf(error);
    if (refusal) throw new OcpiCallError('refused', `Refused to call ${call.url}: ${refusal}`);
    const timedOut = isTimeout(error);
    throw new OcpiCallError(
      timedOut ? 'timeout' : 'network',
      timedOut ? `No answer from ${call.url} within ${timeoutMs} ms` : `Cannot reach ${call.url}: ${describe(error)}`,
    );
  } finally {
    deadline.clear();
  }
  const { text } = response;
  const reply: OcpiReply<T> = {
    httpStatus: response.statusCode,
    headers: response.headers,
    requestId,
    correlationId,
    durationMs: performance.now() - started,
  };
  const parsed = parseJson(text);
  if (isEnvelope(parsed)) reply.envelope = parsed as OcpiEnvelope<T>;
  else if (response.statusCode < 300 || text.length > 0) {
    throw new OcpiCallError('not-ocpi', `${call.method} ${call.url} answered HTTP ${response.statusCode} without an OCPI envelope`, reply);
  }
  return reply;
}

/**
 * Sends the call, following 307/308 redirects with the same method and body (RFC 9110 §15.4.8-9),
 * within the same scheme; the outbound policy checks the first URL and every redirect.
 */
async function followingRedirects(call: OcpiCall, headers: Record<string, string>, timeoutMs: number, deadline: Deadline): Promise<ExchangeReply> {
  let url = new URL(call.url);
  const body = call.json ?? (call.body === undefined ? undefined : JSON.stringify(call.body));
  for (let hop = 0; ; hop++) {
    call.outbound?.allowOutboundUrl(url.href);
    const response = await exchange(
      call.outbound?.dispatcher ?? agent,
      url,
      { method: call.method, headers, body, headersTimeout: timeoutMs, bodyTimeout: timeoutMs },
      deadline,
    );
    const location = response.headers.location;
    if ((response.statusCode !== 307 && response.statusCode !== 308) || location === undefined) return response;
    const next = new URL(location, url);
    if (hop + 1 > MAX_REDIRECTS) throw new OcpiCallError('network', `${call.url} redirected more than ${MAX_REDIRECTS} times`);
    if (next.protocol !== url.protocol) {
      throw new OcpiCallError('refused', `${call.url} redirected to ${next.href}: another scheme`);
    }
    url = next;
  }
}

function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

function isTimeout(error: unknown): boolean {
  const name = (error as { name?: string; code?: string })?.name ?? '';
  const code = (error as { code?: string })?.code ?? '';
  return name === 'TimeoutError' || name === 'AbortError' || code.includes('TIMEOUT');
}

/** The guard's reason, when the outbound guard refused the URL or the address it resolved to. */
function refusalOf(error: unknown): string | undefined {
  for (let e = error as { code?: string; message?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (e.code === 'EOUTBOUNDREFUSED') return e.message;
  }
  return undefined;
}

/** A system error by its code (ECONNREFUSED, ENOTFOUND), whether it came wrapped or bare; any other by its message. */
function describe(error: unknown): string {
  const { cause, code, syscall, message } = (error ?? {}) as { cause?: { code?: string }; code?: string; syscall?: string; message?: string };
  return cause?.code ?? (syscall ? code : undefined) ?? message ?? String(error);
}

