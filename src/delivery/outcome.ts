import type { OcpiReply } from '../ocpi/client.js';

/**
 * What a receiver's answer means for one delivery:
 * - delivered: OCPI 1xxx;
 * - transient: the receiver could not take it now (no answer, timeout, HTTP 5xx, 408, 429,
 *   OCPI 3xxx) — retried with backoff however long it takes, at `notBeforeMs` when it said so;
 * - refused: the receiver looked at it and said no (OCPI 2xxx, HTTP 4xx) — after `REFUSALS_TO_PARK`
 *   such answers for a plain HTTP 4xx, at once for an OCPI 2xxx, the event is parked.
 */
export type Outcome =
  | { kind: 'delivered' }
  | { kind: 'transient'; error: string; notBeforeMs?: number }
  | { kind: 'refused'; error: string; final: boolean };

/** An HTTP 4xx without an OCPI verdict may be a proxy or a deployment glitch: it is tried this often. */
export const REFUSALS_TO_PARK = 3;

export function classifyReply(reply: OcpiReply, now = Date.now()): Outcome {
  const http = reply.httpStatus;
  const ocpi = reply.envelope?.status_code;
  const error = `HTTP ${http} OCPI ${ocpi ?? '-'} ${reply.envelope?.status_message ?? ''}`.trim();
  if (http < 400 && ocpi !== undefined && ocpi >= 1000 && ocpi < 2000) return { kind: 'delivered' };
  if (http === 429 || http === 503) return { kind: 'transient', error, notBeforeMs: retryAfter(reply.headers['retry-after'], now) };
  if (http >= 500 || http === 408 || (ocpi !== undefined && ocpi >= 3000)) return { kind: 'transient', error };
  // An OCPI 2xxx is the receiver's considered verdict on this object.
  if (ocpi !== undefined && ocpi >= 2000 && ocpi < 3000) return { kind: 'refused', error, final: true };
  return { kind: 'refused', error, final: false };
}

/** Retry-After as seconds or an HTTP date (RFC 9110 §10.2.3), as an epoch time in ms. */
export function retryAfter(header: string | undefined, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return now + Math.max(0, seconds) * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : date;
}
