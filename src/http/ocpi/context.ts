import type { FastifyReply, FastifyRequest } from 'fastify';
import type { TSchema, Static } from '@sinclair/typebox';
import { tokenCandidates } from '../../ocpi/auth.js';
import { parseRoutingHeaders, parseTracingHeaders, type RoutingHeaders, type TracingHeaders } from '../../ocpi/headers.js';
import { OcpiError } from '../../ocpi/status.js';
import { OCPI_VERSIONS, type Loss, type OcpiVersion } from '../../ocpi/translate/index.js';
import { compileValidator } from '../../ocpi/validation.js';
import type { HubContext } from '../../hub/context.js';
import { asQuirksAllow } from '../../hub/quirks.js';
import type { Platform, TokenKind } from '../../hub/registry.js';

/** What the hub knows about an OCPI request once it is authenticated. */
export interface OcpiRequestContext {
  tracing: TracingHeaders;
  routing: RoutingHeaders;
  platform?: Platform;
  tokenKind?: TokenKind;
  /** The serialized answer, kept for the journal. */
  responsePayload?: unknown;
  /** The OCPI version the caller speaks on this request (from the URL). */
  version?: OcpiVersion;
  /** What translation between the caller's version and the canonical one could not carry. */
  losses: Loss[];
}

declare module 'fastify' {
  interface FastifyRequest {
    ocpi: OcpiRequestContext;
  }
  interface FastifyContextConfig {
    /** True on the versions and credentials endpoints, the only ones token A opens. */
    registrationTokenAllowed?: boolean;
  }
}

/** Reads tracing and routing headers, and echoes the tracing ids on the response. */
export function readOcpiHeaders(request: FastifyRequest, reply: FastifyReply): void {
  const version = OCPI_VERSIONS.find((v) => request.url.startsWith(`/ocpi/${v}/`) || request.url === `/ocpi/${v}`);
  request.ocpi = {
    tracing: parseTracingHeaders(request.headers),
    // 2.1.1 has no routing headers: its connection is its party, and the content names the receiver.
    routing: version === '2.1.1' ? {} : parseRoutingHeaders(request.headers),
    version,
    losses: [],
  };
  reply.header('X-Request-ID', request.ocpi.tracing.requestId);
  reply.header('X-Correlation-ID', request.ocpi.tracing.correlationId);
}

/** Finds the calling platform from its token; 401 when the token is missing, unknown or only a token A. */
export async function authenticate(hub: HubContext, request: FastifyRequest): Promise<void> {
  const found = await hub.directory.authenticate(tokenCandidates(request.headers.authorization));
  if (!found) throw OcpiError.unauthorized();
  if (found.kind === 'REGISTRATION' && !request.routeOptions.config.registrationTokenAllowed) {
    throw OcpiError.unauthorized('Token A opens only the versions and credentials endpoints');
  }
  request.ocpi.platform = found.platform;
  request.ocpi.tokenKind = found.kind;
}

/** The authenticated platform; only called on routes behind `authenticate`. */
/** The page ceiling for this caller: the hub's, or the caller's own when its profile sets a smaller one. */
export function pageCeiling(request: FastifyRequest, hubMax: number): number {
  return Math.min(hubMax, request.ocpi.platform?.quirks.page_size ?? hubMax);
}

export function callerOf(request: FastifyRequest): Platform {
  const platform = request.ocpi.platform;
  if (!platform) throw OcpiError.unauthorized();
  return platform;
}

/**
 * Validates a request body against its OCPI schema: 2001 naming the JSON path at fault. Nulls read as
 * absent fields; pass the caller to honour its quirks (strict nulls, lenient timestamps).
 */
export function parseBody<T extends TSchema>(schema: T, body: unknown, caller?: Platform): Static<T> {
  if (body === undefined || body === null) throw OcpiError.invalid('a JSON body is required', '$');
  const input = asQuirksAllow(body, caller?.quirks ?? {});
  const result = compileValidator(schema)(input);
  if (!result.ok) throw OcpiError.invalid(result.message, result.path);
  return result.value;
}
