import { isDeepStrictEqual } from 'node:util';
import { formatParty, type PartyRef, type RoutingHeaders } from '../ocpi/headers.js';
import { OcpiError, OcpiStatus } from '../ocpi/status.js';
import { appendEvent } from '../delivery/log.js';
import type { HubContext } from './context.js';
import { applyLocationChange } from './location-tree.js';
import { lockObject, putObject, type ObjectData, type StoredModule } from './objects.js';
import { agreementFor, findParty, type RoutedParty } from './routing.js';

/** Where an accepted push goes: to every agreed receiver, or to one party. */
export type PushRoute = { kind: 'broadcast' } | { kind: 'direct'; target: RoutedParty };

export interface Push {
  module: StoredModule;
  method: 'PUT' | 'PATCH' | 'POST' | 'DELETE';
  requester: RoutedParty;
  /** The object's owner, from the URL (or the body for CDRs). */
  owner: PartyRef;
  /** The stored object's key (upper-cased ids; see objectKey). */
  objectId: string;
  /** For locations: the EVSE and connector the push addresses. */
  evseUid?: string;
  connectorId?: string;
  /** The request path below the module URL, relayed as is to receivers. */
  path: string;
  body?: ObjectData;
  /** The body in the sender's own version, when that is not the canonical one. */
  original?: { version: string; body: unknown };
  route: PushRoute;
  correlationId: string;
}

/** Modules whose deliveries coalesce to the latest state; sessions and CDRs never do. */
const STATE_MODULES = new Set<StoredModule>(['locations', 'tariffs', 'tokens']);

/** Case-insensitive ids (CiString) make one key; tokens are keyed by type and uid together. */
export function objectKey(module: StoredModule, id: string, tokenType?: string): string {
  return module === 'tokens' ? `${(tokenType ?? 'RFID').toUpperCase()}:${id.toUpperCase()}` : id.toUpperCase();
}

/**
 * Decides where a push goes (transport_and_format → Message Routing): TO naming a party is a
 * direct push; TO naming the hub is a broadcast; no TO is open routing, where sessions and CDRs
 * go to the eMSP their cdr_token names, and anything the hub cannot place is broadcast.
 */
export async function resolvePushRoute(
  hub: HubContext,
  module: StoredModule,
  routing: RoutingHeaders,
  requester: RoutedParty,
  content: ObjectData | undefined,
): Promise<PushRoute> {
  const hubParty = hub.config.party;
  const to = routing.to;
  if (to && to.countryCode === hubParty.countryCode && to.partyId === hubParty.partyId) return { kind: 'broadcast' };
  let target: PartyRef | undefined = to;
  if (!target && (module === 'sessions' || module === 'cdrs')) target = tokenOwner(content);
  if (!target) return { kind: 'broadcast' };

  const receiver = await findParty(hub.db, target, requester.role === 'CPO' ? ['EMSP', 'NSP', 'OTHER', 'SCSP'] : ['CPO']);
  if (!receiver) throw new OcpiError(OcpiStatus.UNKNOWN_RECEIVER, `Unknown receiver ${formatParty(target)}`);
  if (receiver.status === 'SUSPENDED' || receiver.status === 'PLANNED') {
    throw new OcpiError(OcpiStatus.CONNECTION_PROBLEM, `Receiver ${formatParty(target)} is not connected (${receiver.status})`);
  }
  const agreement = await agreementFor(hub.db, requester, receiver, module);
  if (!agreement.allowed) {
    throw new OcpiError(
      OcpiStatus.HUB_ERROR,
      `No roaming agreement between ${formatParty(requester.ref)} and ${formatParty(target)} for ${module} (${agreement.basis})`,
    );
  }
  return { kind: 'direct', target: receiver };
}

function tokenOwner(content: ObjectData | undefined): PartyRef | undefined {
  const token = content?.cdr_token as { country_code?: unknown; party_id?: unknown } | undefined;
  if (typeof token?.country_code !== 'string' || typeof token?.party_id !== 'string') return undefined;
  return { countryCode: token.country_code.toUpperCase(), partyId: token.party_id.toUpperCase() };
}

/**
 * Stores a push and logs its delivery in one transaction: once this resolves the hub may answer
 * 1000, and nothing is lost whatever happens next. Returns whether the object is new.
 */
export async function acceptPush(hub: HubContext, push: Push): Promise<{ created: boolean; stored: ObjectData }> {
  return hub.db.transaction(async (tx) => {
    const existing = await lockObject(tx, push.module, push.owner, push.objectId);
    const current = existing && !existing.deleted ? existing.data : undefined;
    const next = nextState(push, current);
    if (push.module === 'cdrs' && current) return { created: false, stored: sameCdrAgain(push, current) };
    await putObject(tx, push.module, push.owner, push.objectId, next.data, next.deleted);
    await appendEvent(tx, {
      module: push.module,
      method: push.method,
      owner: push.owner,
      objectId: push.objectId,
      path: push.path,
      body: push.body,
      original: push.original,
      from: push.requester.ref,
      targetParty: push.route.kind === 'direct' ? push.route.target.id : undefined,
      coalescible: STATE_MODULES.has(push.module),
      correlationId: push.correlationId,
    });
    return { created: !current, stored: next.data };
  });
}

/**
 * A CDR is never changed once accepted: the same CDR again is a retry (answered 1000, nothing sent
 * twice); another CDR under the same id is refused, since a correction is a credit CDR with an id of
 * its own (mod_cdrs, Credit CDRs).
 */
function sameCdrAgain(push: Push, current: ObjectData): ObjectData {
  if (isDeepStrictEqual(push.body, current)) return current;
  throw OcpiError.invalid(
    `CDR ${push.objectId} was already accepted with different content; a CDR cannot be changed: send a credit CDR with a new id to correct it`,
    '$.id',
  );
}

function nextState(push: Push, current: ObjectData | undefined): { data: ObjectData; deleted: boolean } {
  const body = push.body ?? {};
  if (push.method === 'DELETE') {
    if (!current) throw OcpiError.notFound(`No ${push.module} object ${push.objectId} to delete`);
    return { data: current, deleted: true };
  }
  if (push.module === 'locations') {
    const method = push.method === 'PATCH' ? 'PATCH' : 'PUT';
    const data = applyLocationChange(current, { method, evseUid: push.evseUid, connectorId: push.connectorId, body });
    if (!data) {
      throw new OcpiError(OcpiStatus.UNKNOWN_LOCATION, `Unknown location, EVSE or connector: ${push.path}`, 404);
    }
    return { data, deleted: false };
  }
  if (push.method !== 'PATCH') return { data: body, deleted: false };
  if (!current) throw OcpiError.notFound(`No ${push.module} object ${push.objectId} to patch; PUT it first`);
  if (push.module === 'sessions' && Array.isArray(body.charging_periods)) {
    // PATCHed charging periods are added to the session's list (mod_sessions → PATCH).
    const periods = [...((current.charging_periods as unknown[]) ?? []), ...body.charging_periods];
    return { data: { ...current, ...body, charging_periods: periods }, deleted: false };
  }
  return { data: { ...current, ...body }, deleted: false };
}
