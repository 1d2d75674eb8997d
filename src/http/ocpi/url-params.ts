import type { FastifyRequest } from 'fastify';
import { OcpiError } from '../../ocpi/status.js';
import { isStorableText } from '../json-body.js';

/** The longest identifier any version puts in a URL (2.1.1 EVSE uids and location ids: string(39)). */
const MAX_SEGMENT = 39;
const PRINTABLE_ASCII = /^[\x20-\x7E]+$/;

/**
 * Every URL segment an OCPI route names (country code, party id, object id, EVSE uid, connector id,
 * command) is a CiString: printable ASCII, non-empty, at most 39 characters, and never "." or "..",
 * which would address another path once the hub passes the id on. Query values carry no NUL.
 * Refused with 2001 naming the parameter.
 */
export function checkUrlParams(request: FastifyRequest): void {
  for (const [name, value] of Object.entries((request.params ?? {}) as Record<string, string>)) {
    if (typeof value !== 'string') continue;
    if (!PRINTABLE_ASCII.test(value) || value.length > MAX_SEGMENT || value === '.' || value === '..') {
      throw OcpiError.invalid(`must be 1 to ${MAX_SEGMENT} printable ASCII characters, and not "." or ".."`, `url.${name}`);
    }
  }
  for (const [name, value] of Object.entries((request.query ?? {}) as Record<string, string | string[]>)) {
    for (const text of Array.isArray(value) ? value : [value]) {
      if (typeof text === 'string' && !isStorableText(text)) throw OcpiError.invalid('must not contain NUL characters', `query.${name}`);
    }
  }
}
