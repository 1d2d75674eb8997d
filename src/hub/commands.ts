import type { Static } from '@sinclair/typebox';
import { success } from '../ocpi/envelope.js';
import { formatParty, type PartyRef } from '../ocpi/headers.js';
import { OcpiError, OcpiStatus } from '../ocpi/status.js';
import type { COMMAND_REQUEST_SCHEMAS, CommandResponse, CommandResponseType, CommandType } from '../ocpi/v2_2_1/commands.js';
import type { ObjectKind } from '../ocpi/translate/index.js';
import type { HubContext } from './context.js';
import { objectKey } from './push.js';
import { agreementFor, type RoutedParty } from './routing.js';
import { addressedParty, cpoOwning, partyById, relayAsync, type Relayed } from './async-requests.js';

/**
 * Commands through the hub (mod_commands): the CPO is found from the location, session or
 * reservation a command names; its result comes back through async-requests.ts.
 */

/** The object kind of each command's body, to send it in the CPO's version. */
export const COMMAND_KINDS = {
  START_SESSION: 'StartSession',
  STOP_SESSION: 'StopSession',
  RESERVE_NOW: 'ReserveNow',
  CANCEL_RESERVATION: 'CancelReservation',
  UNLOCK_CONNECTOR: 'UnlockConnector',
} as const satisfies Record<CommandType, ObjectKind>;

/** A command and its body, as checked against the command's schema. */
export type CommandCall = {
  [C in CommandType]: { command: C; body: Static<(typeof COMMAND_REQUEST_SCHEMAS)[C]> };
}[CommandType];

/** Who sent a command and how they addressed it. */
export interface CommandOrigin {
  requester: RoutedParty;
  to?: PartyRef;
  correlationId: string;
}

/**
 * Routes an eMSP's command to the CPO (OCPI-to headers, else the CPO of the location, session or
 * reservation it names), checks their agreement, and relays the CPO's CommandResponse.
 */
export async function sendCommand(hub: HubContext, call: CommandCall, origin: CommandOrigin): Promise<Relayed> {
  const target = await commandTarget(hub, call, origin);
  if ('refusal' in target) return target.refusal;
  const agreement = await agreementFor(hub.db, origin.requester, target.cpo, 'commands');
  if (!agreement.allowed) {
    const parties = `${formatParty(origin.requester.ref)} and ${formatParty(target.cpo.ref)}`;
    return refuseCommand('REJECTED', `No roaming agreement between ${parties} allows commands (${agreement.basis})`);
  }
  return relayAsync(hub, {
    module: 'commands',
    kind: call.command,
    requester: origin.requester,
    receiver: target.cpo,
    objectId: target.objectId,
    payload: call.body,
    correlationId: origin.correlationId,
    outbound: (callback) => ({
      method: 'POST',
      path: `/${call.command}`,
      body: { ...call.body, response_url: callback },
      bodyKind: COMMAND_KINDS[call.command],
      answerKind: 'CommandResponse',
    }),
  });
}

type CommandTarget = { cpo: RoutedParty; objectId: string } | { refusal: Relayed };

async function commandTarget(hub: HubContext, call: CommandCall, origin: CommandOrigin): Promise<CommandTarget> {
  const addressed = await addressedParty(hub, origin.to, ['CPO']);
  switch (call.command) {
    case 'STOP_SESSION': {
      const objectId = objectKey('sessions', call.body.session_id);
      const cpo = addressed ?? (await cpoOwning(hub, 'sessions', objectId, origin.requester, 'commands'));
      return cpo ? { cpo, objectId } : { refusal: refuseCommand('UNKNOWN_SESSION', `Unknown session ${call.body.session_id}`) };
    }
    case 'CANCEL_RESERVATION': {
      const objectId = call.body.reservation_id.toUpperCase();
      const cpo = addressed ?? (await reservationHolder(hub, origin.requester, objectId));
      if (cpo) return { cpo, objectId };
      return { refusal: refuseCommand('REJECTED', `No reservation ${call.body.reservation_id} of yours was made through this hub`) };
    }
    case 'RESERVE_NOW': {
      const cpo = addressed ?? (await locationOwner(hub, call.body.location_id, origin));
      // Keyed by the reservation, so that CANCEL_RESERVATION finds the CPO.
      return { cpo, objectId: call.body.reservation_id.toUpperCase() };
    }
    default: {
      const cpo = addressed ?? (await locationOwner(hub, call.body.location_id, origin));
      return { cpo, objectId: objectKey('locations', call.body.location_id) };
    }
  }
}

async function locationOwner(hub: HubContext, locationId: string, origin: CommandOrigin): Promise<RoutedParty> {
  const cpo = await cpoOwning(hub, 'locations', objectKey('locations', locationId), origin.requester, 'commands');
  if (!cpo) throw new OcpiError(OcpiStatus.UNKNOWN_LOCATION, `Unknown location ${locationId}`);
  return cpo;
}

/** The CPO that got this eMSP's RESERVE_NOW with the reservation id (ids are the eMSP's own). */
async function reservationHolder(hub: HubContext, requester: RoutedParty, reservationKey: string): Promise<RoutedParty | undefined> {
  const [row] = await hub.db.query<{ receiver_id: string }>(
    `SELECT receiver_id FROM async_requests
     WHERE module = 'commands' AND kind = 'RESERVE_NOW' AND object_id = $1 AND requester_id = $2
     ORDER BY created_at DESC LIMIT 1`,
    [reservationKey, requester.id],
  );
  return row && partyById(hub.db, row.receiver_id);
}

/** The hub's own CommandResponse when it cannot or may not pass a command on. */
function refuseCommand(result: CommandResponseType, text: string): Relayed {
  const response: CommandResponse = { result, timeout: 0, message: [{ language: 'en', text }] };
  return { httpStatus: 200, headers: {}, body: success(response, text) };
}
