/**
 * Commands 2.3.0 ⇄ 2.2.1: only the Token in StartSession and ReserveNow changed (open TokenType). The
 * other command objects, CommandResponse and CommandResult are the same in both versions.
 */
import type * as v221 from '../../v2_2_1/index.js';
import type * as v230 from '../../v2_3_0/index.js';
import { translated, type Translated, type TranslationContext } from '../context.js';
import { widened } from './common.js';
import { tokenDown } from './tokens.js';

export function startSessionFrom230(
  command: v230.StartSession,
  _ctx: TranslationContext,
): Translated<v221.StartSession> {
  return translated((log) => ({ ...command, token: tokenDown(command.token, log.at('token')) }) as v221.StartSession);
}

export function startSessionTo230(command: v221.StartSession, _ctx: TranslationContext): Translated<v230.StartSession> {
  return translated(() => widened(command));
}

export function reserveNowFrom230(command: v230.ReserveNow, _ctx: TranslationContext): Translated<v221.ReserveNow> {
  return translated((log) => ({ ...command, token: tokenDown(command.token, log.at('token')) }) as v221.ReserveNow);
}

export function reserveNowTo230(command: v221.ReserveNow, _ctx: TranslationContext): Translated<v230.ReserveNow> {
  return translated(() => widened(command));
}

// The other command objects and the answers did not change in 2.3.0: a copy either way.

export function stopSessionFrom230(command: v230.StopSession, _ctx: TranslationContext): Translated<v221.StopSession> {
  return translated(() => widened(command));
}

export function stopSessionTo230(command: v221.StopSession, _ctx: TranslationContext): Translated<v230.StopSession> {
  return translated(() => widened(command));
}

export function unlockConnectorFrom230(
  command: v230.UnlockConnector,
  _ctx: TranslationContext,
): Translated<v221.UnlockConnector> {
  return translated(() => widened(command));
}

export function unlockConnectorTo230(
  command: v221.UnlockConnector,
  _ctx: TranslationContext,
): Translated<v230.UnlockConnector> {
  return translated(() => widened(command));
}

export function cancelReservationFrom230(
  command: v230.CancelReservation,
  _ctx: TranslationContext,
): Translated<v221.CancelReservation> {
  return translated(() => widened(command));
}

export function cancelReservationTo230(
  command: v221.CancelReservation,
  _ctx: TranslationContext,
): Translated<v230.CancelReservation> {
  return translated(() => widened(command));
}

export function commandResponseFrom230(
  response: v230.CommandResponse,
  _ctx: TranslationContext,
): Translated<v221.CommandResponse> {
  return translated(() => widened(response));
}

export function commandResponseTo230(
  response: v221.CommandResponse,
  _ctx: TranslationContext,
): Translated<v230.CommandResponse> {
  return translated(() => widened(response));
}

export function commandResultFrom230(
  result: v230.CommandResult,
  _ctx: TranslationContext,
): Translated<v221.CommandResult> {
  return translated(() => widened(result));
}

export function commandResultTo230(
  result: v221.CommandResult,
  _ctx: TranslationContext,
): Translated<v230.CommandResult> {
  return translated(() => widened(result));
}
