import { callOcpi, OcpiCallError, type OcpiCall, type OcpiReply } from '../ocpi/client.js';
import { formatParty } from '../ocpi/headers.js';
import { OcpiStatus } from '../ocpi/status.js';
import type { HubContext } from './context.js';

/** Who an outbound call goes to, for its journal entry. */
export interface CallTarget {
  platformId: string;
  /** The partner's name while it has no party yet (handshakes). */
  name: string;
  module: string;
}

/**
 * callOcpi, with one journal entry per call like any other hop: for the calls the hub makes on its
 * own account (handshakes and their call-backs), which no routed request accounts for. Calls pass
 * the outbound guard. A call that fails or is refused is blamed on the partner (or the network).
 */
export function journaledCaller(hub: HubContext, target: CallTarget): <T>(call: OcpiCall) => Promise<OcpiReply<T>> {
  return async <T>(call: OcpiCall): Promise<OcpiReply<T>> => {
    const entry = {
      direction: 'OUT' as const,
      fromParty: formatParty(hub.config.party),
      toParty: target.name,
      platformId: target.platformId,
      module: target.module,
      method: call.method,
      url: call.url,
      requestBody: call.body,
    };
    try {
      const reply = await callOcpi<T>({ ...call, outbound: hub.outbound });
      const ocpiStatus = reply.envelope?.status_code;
      const failed = reply.httpStatus !== 200 || ocpiStatus !== OcpiStatus.SUCCESS;
      await hub.journalWriter.write({
        ...entry,
        correlationId: reply.correlationId,
        requestId: reply.requestId,
        httpStatus: reply.httpStatus,
        ocpiStatus,
        durationMs: reply.durationMs,
        responseBody: reply.envelope,
        blame: failed ? 'OTHER' : undefined,
        error: failed ? (reply.envelope?.status_message ?? `HTTP ${reply.httpStatus}`) : undefined,
      });
      return reply;
    } catch (error) {
      const notOcpi = error instanceof OcpiCallError && error.kind === 'not-ocpi';
      await hub.journalWriter.write({
        ...entry,
        correlationId: call.correlationId,
        httpStatus: error instanceof OcpiCallError ? error.reply?.httpStatus : undefined,
        blame: notOcpi ? 'OTHER' : 'NETWORK',
        error: error instanceof Error ? error.message : String(error),
      });
      throw error;
    }
  };
}
