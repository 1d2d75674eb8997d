import { pushedKind } from '../ocpi/kinds.js';
import { UnsupportedTranslationError, type Loss, type OcpiVersion } from '../ocpi/translate/index.js';
import { CANONICAL_VERSION, translateObject } from '../hub/translation.js';
import type { Queryable } from '../store/database.js';
import type { LoggedEvent } from '../store/event-log.js';
import type { Receiver } from './receivers.js';

export interface OutboundRequest {
  method: LoggedEvent['method'];
  path: string;
  body?: unknown;
}

/**
 * A delivery in the receiver's OCPI version: the sender's own body when both speak the same
 * version (nothing lost), else the canonical object translated, with what did not map.
 */
export async function inReceiverVersion(
  db: Queryable,
  event: LoggedEvent,
  receiver: Receiver,
  request: OutboundRequest,
  asSent: boolean,
): Promise<{ request: OutboundRequest; losses: Loss[] } | { unsupported: string }> {
  const version = receiver.ocpiVersion as OcpiVersion;
  const path = version === '2.1.1' ? withoutTokenType(event.module, request.path) : request.path;
  if (version === CANONICAL_VERSION || request.body === undefined) return { request: { ...request, path }, losses: [] };
  if (asSent && event.original?.version === version) {
    return { request: { ...request, path, body: event.original.body }, losses: [] };
  }
  const kind = pushedKind(event.module, request.method, event.absoluteUrl ? '' : request.path);
  if (!kind) {
    // Charging profiles are the same in 2.2.1 and 2.3.0 and do not exist in 2.1.1.
    if (version === '2.3.0') return { request: { ...request, path }, losses: [] };
    return { unsupported: `OCPI ${version} has no ${event.module} ${request.method}` };
  }
  try {
    const translated = await translateObject(db, kind, CANONICAL_VERSION, version, request.body, { owner: event.owner });
    return { request: { ...request, path, body: translated.value }, losses: translated.losses };
  } catch (error) {
    if (error instanceof UnsupportedTranslationError) return { unsupported: error.message };
    throw error;
  }
}

/** 2.1.1 token URLs carry no `?type=` (the type is in the body). */
function withoutTokenType(module: string, path: string): string {
  return module === 'tokens' ? path.replace(/\?type=[^&]*$/, '') : path;
}
