import { callOcpi, OcpiCallError, type OcpiCall, type OcpiReply } from './client.js';

/** What a platform's versions and version-details endpoints told us. */
export interface DiscoveredVersion<V extends string = string> {
  version: V;
  endpoints: { module: string; role: 'SENDER' | 'RECEIVER'; url: string }[];
}

/** The partner's versions or details endpoint could not be used (OCPI 3001 for the caller). */
export class DiscoveryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DiscoveryError';
  }
}

/** How discovery calls the platform: callOcpi, or a caller that also journals each call. */
export type OcpiCaller = (call: OcpiCall) => Promise<OcpiReply>;

/** Versions this side speaks, best first. */
export type VersionPreference<V extends string = string> = readonly V[];

/**
 * Reads a platform's versions list, picks the best version both sides speak, and reads its
 * endpoints. `noCommonVersion` is reported apart: the spec answers it with 3002, not 3001.
 */
export async function discoverEndpoints<V extends string>(
  versionsUrl: string,
  token: string,
  preference: VersionPreference<V>,
  correlationId?: string,
  call: OcpiCaller = callOcpi,
): Promise<DiscoveredVersion<V> | { noCommonVersion: string[] }> {
  const versions = await getData(call, versionsUrl, token, correlationId);
  if (!Array.isArray(versions)) throw new DiscoveryError(`${versionsUrl} did not return a list of versions`);
  const offered = versions.filter(
    (v): v is { version: string; url: string } => typeof v?.version === 'string' && typeof v?.url === 'string',
  );
  const chosen = preference.map((version) => offered.find((v) => v.version === version)).find(Boolean);
  if (!chosen) return { noCommonVersion: offered.map((v) => v.version) };

  const details = await getData(call, chosen.url, token, correlationId);
  const endpoints = (details as { endpoints?: unknown })?.endpoints;
  if (!Array.isArray(endpoints)) throw new DiscoveryError(`${chosen.url} did not return version details with endpoints`);
  return {
    version: chosen.version as V,
    endpoints: endpoints
      .filter((e) => typeof e?.identifier === 'string' && typeof e?.url === 'string')
      // 2.1.1 endpoints carry no role; each module there has a single interface per platform.
      .map((e) => ({ module: e.identifier, role: e.role === 'RECEIVER' ? 'RECEIVER' : 'SENDER', url: e.url })),
  };
}

async function getData(call: OcpiCaller, url: string, token: string, correlationId?: string): Promise<unknown> {
  let reply;
  try {
    reply = await call({ method: 'GET', url, token, correlationId });
  } catch (error) {
    throw new DiscoveryError(error instanceof OcpiCallError ? error.message : `Cannot read ${url}: ${String(error)}`);
  }
  if (reply.httpStatus !== 200 || reply.envelope?.status_code !== 1000) {
    const status = reply.envelope ? `OCPI ${reply.envelope.status_code} ${reply.envelope.status_message ?? ''}` : '';
    throw new DiscoveryError(`GET ${url} answered HTTP ${reply.httpStatus} ${status}`.trim());
  }
  return reply.envelope.data;
}
