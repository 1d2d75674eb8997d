import { callOcpi, OcpiCallError, type OcpiCall, type OcpiReply } from '../ocpi/client.js';
import type { Exchange } from './report.js';

/** One request of a check, kept with its answer (or the reason there was none) for the report. */
export interface Probe {
  exchange: Exchange;
  reply?: OcpiReply;
}

/** Sends one request to the partner; never throws, so that one broken interface fails only its case. */
export async function probe(call: OcpiCall): Promise<Probe> {
  const request = { method: call.method, url: call.url, ...(call.body === undefined ? {} : { body: call.body }) };
  try {
    const reply = await callOcpi(call);
    return { reply, exchange: { request, response: { http_status: reply.httpStatus, headers: reply.headers, body: reply.envelope } } };
  } catch (error) {
    const reply = error instanceof OcpiCallError ? error.reply : undefined;
    const response = reply && { http_status: reply.httpStatus, headers: reply.headers };
    return { exchange: { request, response, error: error instanceof Error ? error.message : String(error) } };
  }
}

/** True when the call got an OCPI envelope with status 1000 over HTTP 200. */
export function succeeded(probe: Probe): boolean {
  return probe.reply?.httpStatus === 200 && probe.reply.envelope?.status_code === 1000;
}

/** What went wrong with a probe, in one phrase. */
export function failureOf(probe: Probe): string {
  if (probe.exchange.error) return probe.exchange.error;
  const reply = probe.reply!;
  const envelope = reply.envelope;
  return envelope ? `HTTP ${reply.httpStatus}, OCPI ${envelope.status_code} ${envelope.status_message ?? ''}`.trim() : `HTTP ${reply.httpStatus}`;
}
