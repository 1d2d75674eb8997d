import type { Dispatcher } from 'undici';

/** What came back: the status, the headers (names in lower case, repeats joined) and the body as text. */
export interface ExchangeReply {
  statusCode: number;
  headers: Record<string, string>;
  /** Empty when the body could not be read to its end (the connection failed, or the deadline passed). */
  text: string;
}

export interface ExchangeRequest {
  method: Dispatcher.HttpMethod;
  headers: Record<string, string>;
  body?: string;
  /** undici's own limits on waiting for the headers, and between two parts of the body. */
  headersTimeout: number;
  bodyTimeout: number;
}

/**
 * The time a call may take, across every request it sends (redirects included). When it passes,
 * the request under way is aborted with a TimeoutError. One timer, cleared once the call is done.
 */
export class Deadline {
  private timer: NodeJS.Timeout;
  private expired = false;
  private current: Dispatcher.DispatchController | undefined;

  constructor(ms: number) {
    this.timer = setTimeout(() => {
      this.expired = true;
      this.current?.abort(timeoutError());
    }, ms);
  }

  /** The request now under way: the one the deadline aborts. */
  watch(controller: Dispatcher.DispatchController): void {
    this.current = controller;
    if (this.expired) controller.abort(timeoutError());
  }

  clear(): void {
    clearTimeout(this.timer);
    this.current = undefined;
  }
}

function timeoutError(): Error {
  return new DOMException('The call timed out', 'TimeoutError');
}

/**
 * One HTTP request through an undici dispatcher, its answer read whole. The dispatcher's handler
 * interface rather than `undici.request`: a partner is called for every delivery, and request()'s
 * body stream and abort signal cost more CPU than the exchange itself (an AbortSignal's listeners
 * above all). Rejects when no answer came (network, refusal, deadline); an answer whose body breaks
 * off resolves with an empty body, for the caller to judge.
 */
export function exchange(dispatcher: Dispatcher, url: URL, request: ExchangeRequest, deadline: Deadline): Promise<ExchangeReply> {
  return new Promise((resolve, reject) => {
    let statusCode = 0;
    let headers: Record<string, string> = {};
    const chunks: Buffer[] = [];
    dispatcher.dispatch(
      {
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method: request.method,
        headers: request.headers,
        body: request.body,
        headersTimeout: request.headersTimeout,
        bodyTimeout: request.bodyTimeout,
      },
      {
        onRequestStart: (controller) => deadline.watch(controller),
        onResponseStart: (_controller, status, answered) => {
          statusCode = status;
          headers = flattenHeaders(answered);
        },
        onResponseData: (_controller, chunk) => {
          chunks.push(chunk);
        },
        onResponseEnd: () => resolve({ statusCode, headers, text: textOf(chunks) }),
        onResponseError: (_controller, error) => {
          if (statusCode === 0) reject(error);
          else resolve({ statusCode, headers, text: '' });
        },
      },
    );
  });
}

function textOf(chunks: Buffer[]): string {
  const text = (chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)).toString('utf8');
  // A byte order mark is no part of JSON (RFC 8259 §8.1); a decoder would drop it too.
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}
