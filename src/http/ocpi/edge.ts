import type { FastifyRequest } from 'fastify';
import type { PartyRef } from '../../ocpi/translate/index.js';
import { schemaOf } from '../../ocpi/kinds.js';
import { OcpiError } from '../../ocpi/status.js';
import { UnsupportedTranslationError, type ObjectKind, type OcpiVersion } from '../../ocpi/translate/index.js';
import { compileValidator } from '../../ocpi/validation.js';
import type { HubContext } from '../../hub/context.js';
import { asQuirksAllow } from '../../hub/quirks.js';
import { CANONICAL_VERSION, translateObject } from '../../hub/translation.js';
import { callerOf } from './context.js';

/**
 * The version edge of the OCPI API: a body arrives in the caller's version and is checked against
 * that version's schema, then translated to the canonical object; data goes back in the caller's
 * version. What does not map is kept on the request for its journal entry.
 */

/** The OCPI version of a request, from its URL (/ocpi/{version}/…). */
export function versionOf(request: FastifyRequest): OcpiVersion {
  return request.ocpi.version ?? CANONICAL_VERSION;
}

/** A request body as a canonical object: 2001 with the JSON path when it breaks its version's schema. */
export async function readObject<T>(hub: HubContext, request: FastifyRequest, kind: ObjectKind, owner?: PartyRef): Promise<T> {
  const version = versionOf(request);
  const caller = callerOf(request);
  if (request.body === undefined || request.body === null) throw OcpiError.invalid('a JSON body is required', '$');
  const input = asQuirksAllow(request.body, caller.quirks);
  const schema = schemaOf(version, kind);
  if (!schema) throw OcpiError.invalid(`${kind} does not exist in OCPI ${version}`);
  const checked = compileValidator(schema)(input);
  if (!checked.ok) throw OcpiError.invalid(checked.message, checked.path);
  if (version === CANONICAL_VERSION) return checked.value as T;

  const translated = await translateObject(hub.db, kind, version, CANONICAL_VERSION, checked.value, {
    owner: owner ?? (await ownerOf(hub, request)),
  });
  request.ocpi.losses.push(...translated.losses);
  const canonical = compileValidator(schemaOf(CANONICAL_VERSION, kind)!)(translated.value);
  if (!canonical.ok) throw OcpiError.invalid(`cannot be carried to OCPI ${CANONICAL_VERSION}: ${canonical.message}`, canonical.path);
  return canonical.value as T;
}

/**
 * The body as the caller sent it, with its version: a receiver on the same version gets it as it
 * was, so nothing is lost between partners of one version.
 */
export function originalOf(request: FastifyRequest): { version: OcpiVersion; body: unknown } | undefined {
  const version = versionOf(request);
  return version === CANONICAL_VERSION ? undefined : { version, body: request.body };
}

/** Canonical data in the caller's version. */
export async function renderObject(
  hub: HubContext,
  request: FastifyRequest,
  kind: ObjectKind,
  data: unknown,
  owner: PartyRef,
  extra: { authorizeRequest?: { tokenUid: string; tokenType?: never } } = {},
): Promise<unknown> {
  const version = versionOf(request);
  if (version === CANONICAL_VERSION || data === undefined) return data;
  const translated = await translateObject(hub.db, kind, CANONICAL_VERSION, version, data, { owner, ...extra });
  request.ocpi.losses.push(...translated.losses);
  return translated.value;
}

/**
 * A page of canonical objects in the caller's version. An object that version cannot express at all
 * is left out of the page, and its absence is a loss of this request (journaled), never an invalid object.
 */
export async function renderList(
  hub: HubContext,
  request: FastifyRequest,
  kind: ObjectKind,
  items: { data: unknown; owner: PartyRef }[],
): Promise<unknown[]> {
  const rendered: unknown[] = [];
  for (const [index, item] of items.entries()) {
    const before = request.ocpi.losses.length;
    try {
      rendered.push(await renderObject(hub, request, kind, item.data, item.owner));
    } catch (error) {
      if (!(error instanceof UnsupportedTranslationError)) throw error;
      request.ocpi.losses.push({ path: '$', reason: error.message, kind: 'dropped' });
    }
    // Paths into the object become paths into the page (index among the objects read, not rendered).
    for (const loss of request.ocpi.losses.slice(before)) loss.path = `$[${index}]${loss.path.slice(1)}`;
  }
  return rendered;
}

/** The caller's own party: the owner an older version's objects are attributed to. */
async function ownerOf(hub: HubContext, request: FastifyRequest): Promise<PartyRef> {
  const [party] = (await hub.directory.current()).partiesOf(callerOf(request).id);
  return party ? { countryCode: party.countryCode, partyId: party.partyId } : hub.config.party;
}
