/**
 * Commands 2.1.1 ⇄ 2.2.1. The 2.1.1 CommandResponse serves both as the CPO's immediate answer (2.2.1
 * CommandResponse, which adds a required `timeout`) and as the asynchronous result (2.2.1 CommandResult).
 * ReserveNow's reservation_id is an int in 2.1.1 and a CiString in 2.2.1.
 */
import * as v211 from '../../v2_1_1/index.js';
import type * as v221 from '../../v2_2_1/index.js';
import { translated, type LossLog, type Translated, type TranslationContext } from '../context.js';
import { conform211 } from './conform.js';
import { tokenDown, tokenUp } from './tokens.js';

/** The CommandResult timeout (seconds) promised on behalf of a 2.1.1 CPO, which gives none. */
export const DEFAULT_COMMAND_TIMEOUT_SECONDS = 60;

export function startSessionFrom211(
  command: v211.StartSession,
  ctx: TranslationContext,
): Translated<v221.StartSession> {
  return translated(() => ({ ...command, token: tokenUp(command.token, ctx) }) as v221.StartSession);
}

export function startSessionTo211(command: v221.StartSession, ctx: TranslationContext): Translated<v211.StartSession> {
  return translated((log) => {
    const { token, connector_id, authorization_reference, ...rest } = command;
    if (connector_id !== undefined) {
      log.dropped('connector_id', '2.1.1 StartSession names no connector; the Charge Point picks one');
    }
    dropAuthorizationReference(authorization_reference, log);
    const out = { ...rest, token: tokenDown(token, ctx, log.at('token')) };
    return conform211(v211.StartSessionSchema, out, log) as v211.StartSession;
  });
}

export function stopSessionFrom211(command: v211.StopSession, _ctx: TranslationContext): Translated<v221.StopSession> {
  return translated(() => ({ ...command }));
}

export function stopSessionTo211(command: v221.StopSession, _ctx: TranslationContext): Translated<v211.StopSession> {
  return translated((log) => conform211(v211.StopSessionSchema, { ...command }, log));
}

export function unlockConnectorFrom211(
  command: v211.UnlockConnector,
  _ctx: TranslationContext,
): Translated<v221.UnlockConnector> {
  return translated(() => ({ ...command }));
}

export function unlockConnectorTo211(
  command: v221.UnlockConnector,
  _ctx: TranslationContext,
): Translated<v211.UnlockConnector> {
  return translated((log) => conform211(v211.UnlockConnectorSchema, { ...command }, log));
}

export function reserveNowFrom211(command: v211.ReserveNow, ctx: TranslationContext): Translated<v221.ReserveNow> {
  return translated(
    () =>
      ({
        ...command,
        token: tokenUp(command.token, ctx),
        reservation_id: String(command.reservation_id),
      }) as v221.ReserveNow,
  );
}

/**
 * A reservation id that is a plain decimal number goes over as that number. Any other id gets a
 * stable 31-bit hash: the hub can compute it again to match the CPO's result and cancellations.
 */
export function reserveNowTo211(command: v221.ReserveNow, ctx: TranslationContext): Translated<v211.ReserveNow> {
  return translated((log) => {
    const { token, reservation_id, authorization_reference, ...rest } = command;
    dropAuthorizationReference(authorization_reference, log);
    const out = {
      ...rest,
      token: tokenDown(token, ctx, log.at('token')),
      reservation_id: reservationIdTo211(reservation_id, log),
    };
    return conform211(v211.ReserveNowSchema, out, log) as v211.ReserveNow;
  });
}

export function reservationIdTo211(id: string, log: LossLog): number {
  if (/^(0|[1-9][0-9]{0,14})$/.test(id)) return Number(id);
  const hashed = hash31(id);
  log.approximated('reservation_id', `2.1.1 reservation ids are integers: "${id}" is sent as its hash ${hashed}`);
  return hashed;
}

/** FNV-1a over the UTF-16 code units, folded to a positive 31-bit integer. */
function hash31(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) & 0x7fffffff;
}

/** The CPO's immediate answer. 2.2.1 moved TIMEOUT to CommandResult and requires a timeout. */
export function commandResponseFrom211(
  response: v211.CommandResponse,
  _ctx: TranslationContext,
): Translated<v221.CommandResponse> {
  return translated((log) => {
    const { result, ...rest } = response;
    log.defaulted('timeout', `2.1.1 CPOs promise no timeout; ${DEFAULT_COMMAND_TIMEOUT_SECONDS} s is assumed`);
    if (result !== 'TIMEOUT') return { ...rest, result, timeout: DEFAULT_COMMAND_TIMEOUT_SECONDS };
    log.approximated('result', 'a 2.2.1 CommandResponse cannot be TIMEOUT; REJECTED is used');
    return { ...rest, result: 'REJECTED', timeout: DEFAULT_COMMAND_TIMEOUT_SECONDS };
  });
}

export function commandResponseTo211(
  response: v221.CommandResponse,
  _ctx: TranslationContext,
): Translated<v211.CommandResponse> {
  return translated((log) => {
    const { timeout, message, ...rest } = response;
    log.dropped('timeout', '2.1.1 CommandResponse has no timeout');
    if (message !== undefined) log.dropped('message', '2.1.1 CommandResponse has no message');
    return rest;
  });
}

/** The asynchronous result, which 2.1.1 also sends as a CommandResponse. */
export function commandResultFrom211(
  response: v211.CommandResponse,
  _ctx: TranslationContext,
): Translated<v221.CommandResult> {
  return translated((log) => {
    const { result, ...rest } = response;
    if (result !== 'UNKNOWN_SESSION') return { ...rest, result };
    log.approximated('result', '2.2.1 CommandResultType has no UNKNOWN_SESSION; REJECTED is used');
    return { ...rest, result: 'REJECTED' };
  });
}

const RESULT_TO_211: Record<v221.CommandResultType, v211.CommandResponseType> = {
  ACCEPTED: 'ACCEPTED',
  CANCELED_RESERVATION: 'REJECTED',
  EVSE_OCCUPIED: 'REJECTED',
  EVSE_INOPERATIVE: 'REJECTED',
  FAILED: 'REJECTED',
  NOT_SUPPORTED: 'NOT_SUPPORTED',
  REJECTED: 'REJECTED',
  TIMEOUT: 'TIMEOUT',
  UNKNOWN_RESERVATION: 'REJECTED',
};

export function commandResultTo211(
  result: v221.CommandResult,
  _ctx: TranslationContext,
): Translated<v211.CommandResponse> {
  return translated((log) => {
    const { result: type, message, ...rest } = result;
    const mapped = RESULT_TO_211[type];
    if (mapped !== type) log.approximated('result', `2.1.1 has no ${type} result; ${mapped} is used`);
    if (message !== undefined) log.dropped('message', '2.1.1 CommandResponse has no message');
    return { ...rest, result: mapped };
  });
}

function dropAuthorizationReference(reference: string | undefined, log: LossLog): void {
  if (reference !== undefined) log.dropped('authorization_reference', '2.1.1 commands have no authorization_reference');
}
