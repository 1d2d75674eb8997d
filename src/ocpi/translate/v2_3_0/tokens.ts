/** Tokens 2.3.0 ⇄ 2.2.1: TokenType is an OpenEnum in 2.3.0 (with EMAID); the rest is unchanged. */
import type * as v221 from '../../v2_2_1/index.js';
import type * as v230 from '../../v2_3_0/index.js';
import { translated, type LossLog, type Translated, type TranslationContext } from '../context.js';
import { tokenTypeFrom230, widened } from './common.js';

export function tokenFrom230(token: v230.Token, _ctx: TranslationContext): Translated<v221.Token> {
  return translated((log) => tokenDown(token, log) as v221.Token);
}

export function tokenPatchFrom230(patch: v230.TokenPatch, _ctx: TranslationContext): Translated<v221.TokenPatch> {
  return translated((log) => tokenDown(patch, log) as v221.TokenPatch);
}

export function tokenTo230(token: v221.Token, _ctx: TranslationContext): Translated<v230.Token> {
  return translated(() => widened(token));
}

export function tokenPatchTo230(patch: v221.TokenPatch, _ctx: TranslationContext): Translated<v230.TokenPatch> {
  return translated(() => widened(patch));
}

export function authorizationInfoFrom230(
  info: v230.AuthorizationInfo,
  _ctx: TranslationContext,
): Translated<v221.AuthorizationInfo> {
  return translated((log) => ({ ...info, token: tokenDown(info.token, log.at('token')) }) as v221.AuthorizationInfo);
}

export function authorizationInfoTo230(
  info: v221.AuthorizationInfo,
  _ctx: TranslationContext,
): Translated<v230.AuthorizationInfo> {
  return translated(() => widened(info));
}

export function locationReferencesFrom230(
  references: v230.LocationReferences,
  _ctx: TranslationContext,
): Translated<v221.LocationReferences> {
  return translated(() => widened(references));
}

export function locationReferencesTo230(
  references: v221.LocationReferences,
  _ctx: TranslationContext,
): Translated<v230.LocationReferences> {
  return translated(() => widened(references));
}

/** Exported for Commands, Sessions and CDRs, which carry Tokens or their type. */
export function tokenDown<T extends { type?: v230.TokenType }>(token: T, log: LossLog): Record<string, unknown> {
  const { type, ...rest } = token;
  return type === undefined ? rest : { ...rest, type: tokenTypeFrom230(type, log.at('type')) };
}
