import { isDeepStrictEqual } from 'node:util';
import { formatParty, type PartyRef, type RoutingHeaders } from '../ocpi/headers.js';
import { OcpiError, OcpiStatus } from '../ocpi/status.js';
import { recordDuplicateCdr, recordReceivedCdr, recordTariffVersion } from '../clearing/intake.js';
import type { Cdr, Tariff } from '../ocpi/v2_2_1/index.js';
import { appendEvent, NEW_EVENT_COLUMNS, eventPlaceholders, eventValues, type NewEvent } from '../store/event-log.js';
import { prepared, type Queryable } from '../store/database.js';
import type { HubContext } from './context.js';
import { announceChange, tokenChanged } from './directory/changes.js';
import { storeLocationChange, unknownLocation, type LocationChange } from './location-store.js';
import { lockObject, putObject, type ObjectData, type StoredModule } from './objects.js';
import { isTransit, transitRefusal } from './peering/rules.js';
import type { RoutedParty } from './routing.js';

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
/** Modules whose pushes the clearing module records: tariff history and received CDRs. */
const CLEARED_MODULES = new Set<StoredModule>(['tariffs', 'cdrs']);

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

  const directory = await hub.directory.current();
  const receiver = directory.findParty(target, requester.role === 'CPO' ? ['EMSP', 'NSP', 'OTHER', 'SCSP'] : ['CPO']);
  if (!receiver) throw new OcpiError(OcpiStatus.UNKNOWN_RECEIVER, `Unknown receiver ${formatParty(target)}`);
  if (isTransit(requester.platformId, receiver.platformId, directory.hubs)) throw transitRefusal(target);
  if (receiver.status === 'SUSPENDED' || receiver.status === 'PLANNED') {
    throw new OcpiError(OcpiStatus.CONNECTION_PROBLEM, `Receiver ${formatParty(target)} is not connected (${receiver.status})`);
  }
  const agreement = directory.agreement(requester, receiver, module);
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
 * Stores a push and logs its delivery atomically: once this resolves the hub may answer 1000, and
 * nothing is lost whatever happens next. The commonest pushes (an EVSE PATCH, a whole object PUT)
 * take one statement; the others one transaction. Returns whether the object is new.
 */
export async function acceptPush(hub: HubContext, push: Push): Promise<{ created: boolean }> {
  const event = eventOf(push);
  if (push.module === 'locations') return acceptLocationPush(hub, push, event);
  // Tariffs and CDRs also feed clearing in the same transaction; other whole objects take one statement.
  const result =
    push.method === 'PUT' && !CLEARED_MODULES.has(push.module)
      ? await putAndLog(hub.db, push, event)
      : await hub.db.transaction(async (tx) => {
          const existing = await lockObject(tx, push.module, push.owner, push.objectId);
          const current = existing && !existing.deleted ? existing.data : undefined;
          const next = nextState(push, current);
          if (push.module === 'cdrs' && current) {
            refuseChangedCdr(push, current);
            // The same CDR again changes nothing; clearing notes that it came twice.
            await recordDuplicateCdr(tx, push.owner, push.objectId, push.requester.ref);
            return { created: false };
          }
          await putObject(tx, push.module, push.owner, push.objectId, next.data, next.deleted);
          await recordForClearing(tx, push, next);
          await appendEvent(tx, event);
          return { created: !current };
        });
  if (push.module === 'tokens') {
    // Real-time authorization reads tokens from the directory: every process re-reads this one.
    await announceChange(hub.db, tokenChanged(push.owner, push.objectId));
    await hub.directory.refreshToken(push.owner, push.objectId);
  }
  // The audit runs after the commit, so that the CPO's answer never waits for it.
  if (push.module === 'cdrs' && result.created) hub.clearing?.kick();
  return result;
}

function eventOf(push: Push): NewEvent {
  return {
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
  };
}

/** A Location, EVSE or connector: stored narrowly (location-store.ts); EVSE PATCHes together (evse-patches.ts). */
async function acceptLocationPush(hub: HubContext, push: Push, event: NewEvent): Promise<{ created: boolean }> {
  const change: LocationChange = {
    method: push.method === 'PATCH' ? 'PATCH' : 'PUT',
    owner: push.owner,
    locationId: push.objectId,
    evseUid: push.evseUid,
    connectorId: push.connectorId,
    body: push.body ?? {},
  };
  if (change.method === 'PATCH' && change.evseUid && !change.connectorId) {
    const stored = await hub.evsePatches.submit({ owner: change.owner, locationId: change.locationId, evseUid: change.evseUid, body: change.body, event });
    if (!stored) throw unknownLocation(change);
    return { created: false };
  }
  return hub.db.transaction(async (tx) => {
    const result = await storeLocationChange(tx, change);
    await appendEvent(tx, event);
    return result;
  });
}

/** Tariff versions and received CDRs go to the clearing module in the same transaction. */
async function recordForClearing(tx: Queryable, push: Push, next: { data: ObjectData; deleted: boolean }): Promise<void> {
  const source = { sourceVersion: push.original?.version, originalBody: push.original?.body };
  if (push.module === 'tariffs') {
    await recordTariffVersion(tx, { owner: push.owner, tariffId: push.objectId, tariff: next.data as Tariff, deleted: next.deleted, ...source });
  } else if (push.module === 'cdrs') {
    await recordReceivedCdr(tx, { cdr: next.data as Cdr, from: push.requester.ref, ...source });
  }
}

const PUT_AND_LOG = prepared(
  'put-and-log',
  `WITH previous AS (
         SELECT deleted FROM objects WHERE module = $1 AND country_code = $2 AND party_id = $3 AND object_id = $4
       ), stored AS (
         INSERT INTO objects (module, country_code, party_id, object_id, data, last_updated, deleted)
         VALUES ($1, $2, $3, $4, $5::jsonb, $6::timestamptz, false)
         ON CONFLICT (module, country_code, party_id, object_id)
         DO UPDATE SET data = EXCLUDED.data, last_updated = EXCLUDED.last_updated, deleted = false, stored_at = now()
         RETURNING 1
       ), logged AS (
         INSERT INTO events (${NEW_EVENT_COLUMNS}) SELECT ${eventPlaceholders(7)} WHERE EXISTS (SELECT 1 FROM stored)
       )
       SELECT NOT EXISTS (SELECT 1 FROM previous WHERE NOT deleted) AS created`,
);

/** A whole object replaced (PUT), stored and logged in one statement. */
async function putAndLog(db: Queryable, push: Push, event: NewEvent): Promise<{ created: boolean }> {
  const data = push.body ?? {};
  const [row] = await db.query<{ created: boolean }>(
    PUT_AND_LOG,
    [
      push.module,
      push.owner.countryCode,
      push.owner.partyId,
      push.objectId,
      JSON.stringify(data),
      data.last_updated ?? new Date().toISOString(),
      ...eventValues(event),
    ],
  );
  return { created: row.created };
}

/**
 * A CDR is never changed once accepted: the same CDR again is a retry (answered 1000, nothing sent
 * twice); another CDR under the same id is refused, since a correction is a credit CDR with an id of
 * its own (mod_cdrs, Credit CDRs).
 */
function refuseChangedCdr(push: Push, current: ObjectData): void {
  if (isDeepStrictEqual(push.body, current)) return;
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
  if (push.method !== 'PATCH') return { data: body, deleted: false };
  if (!current) throw OcpiError.notFound(`No ${push.module} object ${push.objectId} to patch; PUT it first`);
  if (push.module === 'sessions' && Array.isArray(body.charging_periods)) {
    // PATCHed charging periods are added to the session's list (mod_sessions → PATCH).
    const periods = [...((current.charging_periods as unknown[]) ?? []), ...body.charging_periods];
    return { data: { ...current, ...body, charging_periods: periods }, deleted: false };
  }
  return { data: { ...current, ...body }, deleted: false };
}
