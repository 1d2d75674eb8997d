import { appendEvent } from '../store/event-log.js';
import { success } from '../ocpi/envelope.js';
import { formatParty, type PartyRef } from '../ocpi/headers.js';
import { OcpiError, OcpiStatus } from '../ocpi/status.js';
import {
  ActiveChargingProfileResultSchema,
  ChargingProfileResultSchema,
  ClearProfileResultSchema,
  type ActiveChargingProfile,
  type ChargingProfileResponse,
  type ChargingProfileResponseType,
  type SetChargingProfile,
} from '../ocpi/v2_2_1/chargingprofiles.js';
import { addressedParty, cpoOwning, partyById, relayAsync, type Relayed } from './async-requests.js';
import type { HubContext } from './context.js';
import type { ForwardRequest } from './forward.js';
import { getObject } from './objects.js';
import { objectKey } from './push.js';
import { agreementFor, findParty, type RoutedParty } from './routing.js';

/*
 * Charging profiles (mod_charging_profiles): an eMSP or SCSP sets, reads or clears the profile of
 * a session at the CPO, and the result comes back asynchronously like a command's (commands.ts).
 * The CPO also pushes ActiveChargingProfile updates to whoever set the session's profile.
 */

/** Who sends charging profiles to CPOs, and receives their updates. */
export const PROFILE_SENDER_ROLES = ['EMSP', 'SCSP'];

/** One operation on a session's profile, with its OCPI parameters (body or query). */
export type ProfileCall =
  | { kind: 'SET_PROFILE'; payload: SetChargingProfile }
  | { kind: 'GET_ACTIVE_PROFILE'; payload: { duration: number; response_url: string } }
  | { kind: 'CLEAR_PROFILE'; payload: { response_url: string } };

/** The result the CPO posts for each operation. */
export const PROFILE_RESULT_SCHEMAS = {
  SET_PROFILE: ChargingProfileResultSchema,
  GET_ACTIVE_PROFILE: ActiveChargingProfileResultSchema,
  CLEAR_PROFILE: ClearProfileResultSchema,
} as const satisfies Record<ProfileCall['kind'], unknown>;

export interface ProfileOrigin {
  requester: RoutedParty;
  to?: PartyRef;
  correlationId: string;
}

/**
 * Routes a profile operation to the CPO (OCPI-to headers, else the CPO of the stored session),
 * checks their agreement, and relays the CPO's ChargingProfileResponse.
 */
export async function sendProfileRequest(hub: HubContext, sessionId: string, call: ProfileCall, origin: ProfileOrigin): Promise<Relayed> {
  const objectId = objectKey('sessions', sessionId);
  const cpo =
    (await addressedParty(hub, origin.to, ['CPO'])) ??
    (await cpoOwning(hub, 'sessions', objectId, origin.requester, 'chargingprofiles'));
  if (!cpo) return refuseProfile('UNKNOWN_SESSION', `Unknown session ${sessionId}`);
  const agreement = await agreementFor(hub.db, origin.requester, cpo, 'chargingprofiles');
  if (!agreement.allowed) {
    const parties = `${formatParty(origin.requester.ref)} and ${formatParty(cpo.ref)}`;
    return refuseProfile('REJECTED', `No roaming agreement between ${parties} allows charging profiles (${agreement.basis})`);
  }
  return relayAsync(hub, {
    module: 'chargingprofiles',
    kind: call.kind,
    requester: origin.requester,
    receiver: cpo,
    objectId,
    payload: call.payload,
    correlationId: origin.correlationId,
    outbound: (callback) => outboundCall(sessionId, call, callback),
  });
}

/** The CPO's request: the same operation, its response_url replaced by the hub's callback. */
function outboundCall(sessionId: string, call: ProfileCall, callback: string): Pick<ForwardRequest, 'method' | 'path' | 'body'> {
  const path = `/${encodeURIComponent(sessionId)}`;
  switch (call.kind) {
    case 'SET_PROFILE':
      return { method: 'PUT', path, body: { ...call.payload, response_url: callback } };
    case 'GET_ACTIVE_PROFILE': {
      const query = new URLSearchParams({ duration: String(call.payload.duration), response_url: callback });
      return { method: 'GET', path: `${path}?${query}` };
    }
    case 'CLEAR_PROFILE':
      return { method: 'DELETE', path: `${path}?${new URLSearchParams({ response_url: callback })}` };
  }
}

/** The hub's own ChargingProfileResponse when it cannot or may not pass a request on. */
function refuseProfile(result: ChargingProfileResponseType, text: string): Relayed {
  const response: ChargingProfileResponse = { result, timeout: 0 };
  return { httpStatus: 200, headers: {}, body: success(response, text) };
}

export interface ActiveProfileUpdate {
  cpo: RoutedParty;
  sessionId: string;
  to?: PartyRef;
  profile: ActiveChargingProfile;
  correlationId: string;
}

/**
 * A CPO's new ActiveChargingProfile for a session, logged for delivery to the Sender interface of
 * the party that controls the session's profile. Once this resolves the hub may answer 1000.
 */
export async function pushActiveProfile(hub: HubContext, update: ActiveProfileUpdate): Promise<void> {
  const objectId = objectKey('sessions', update.sessionId);
  const target =
    (await addressedParty(hub, update.to, PROFILE_SENDER_ROLES)) ?? (await profileController(hub, update.cpo, objectId));
  if (!target) {
    const why = `No party set a profile on session ${update.sessionId}, and the hub knows no such session of yours`;
    throw new OcpiError(OcpiStatus.UNKNOWN_RECEIVER, why);
  }
  if (target.status === 'SUSPENDED' || target.status === 'PLANNED') {
    throw new OcpiError(OcpiStatus.CONNECTION_PROBLEM, `Receiver ${formatParty(target.ref)} is not connected (${target.status})`);
  }
  const agreement = await agreementFor(hub.db, update.cpo, target, 'chargingprofiles');
  if (!agreement.allowed) {
    const why = `No roaming agreement with ${formatParty(target.ref)} for chargingprofiles (${agreement.basis})`;
    throw new OcpiError(OcpiStatus.HUB_ERROR, why);
  }
  const base = await senderInterface(hub, target);
  await hub.db.transaction((tx) =>
    appendEvent(tx, {
      module: 'chargingprofiles',
      method: 'PUT',
      owner: update.cpo.ref,
      objectId,
      path: `${base}/${encodeURIComponent(update.sessionId)}`,
      absoluteUrl: true,
      body: update.profile,
      from: update.cpo.ref,
      targetParty: target.id,
      // Never coalesced: the worker can only rebuild stored objects, and profiles are not stored.
      coalescible: false,
      correlationId: update.correlationId,
    }),
  );
  hub.delivery.kick();
}

/**
 * Updates go to the party that last set a profile the CPO accepted for the session (the spec
 * sends them only after a successful PUT); failing that, to the eMSP of the session's driver.
 */
async function profileController(hub: HubContext, cpo: RoutedParty, sessionKey: string): Promise<RoutedParty | undefined> {
  const [setter] = await hub.db.query<{ requester_id: string }>(
    `SELECT requester_id FROM async_requests
     WHERE module = 'chargingprofiles' AND kind = 'SET_PROFILE' AND object_id = $1 AND receiver_id = $2
       AND status IN ('PENDING', 'ANSWERED', 'TIMED_OUT')
     ORDER BY created_at DESC LIMIT 1`,
    [sessionKey, cpo.id],
  );
  if (setter) return partyById(hub.db, setter.requester_id);
  const session = await getObject(hub.db, 'sessions', cpo.ref, sessionKey);
  const driver = session?.data.cdr_token as { country_code?: unknown; party_id?: unknown } | undefined;
  if (typeof driver?.country_code !== 'string' || typeof driver.party_id !== 'string') return undefined;
  return findParty(hub.db, { countryCode: driver.country_code, partyId: driver.party_id }, ['EMSP']);
}

/** The receiver's chargingprofiles Sender interface URL, without a trailing slash. */
async function senderInterface(hub: HubContext, target: RoutedParty): Promise<string> {
  const [endpoint] = await hub.db.query<{ url: string }>(
    `SELECT url FROM endpoints WHERE platform_id = $1 AND module = 'chargingprofiles' AND role = 'SENDER'`,
    [target.platformId],
  );
  if (!endpoint) {
    throw new OcpiError(OcpiStatus.CONNECTION_PROBLEM, `Receiver ${formatParty(target.ref)} offers no chargingprofiles SENDER interface`);
  }
  return endpoint.url.replace(/\/+$/, '');
}
