/** Sessions 2.3.0 ⇄ 2.2.1: total_cost is a 2.3.0 Price (before_taxes + tax lines), cdr_token an open TokenType. */
import type * as v221 from '../../v2_2_1/index.js';
import type * as v230 from '../../v2_3_0/index.js';
import { translated, type LossLog, type Translated, type TranslationContext } from '../context.js';
import { priceFrom230, priceTo230 } from '../money.js';
import { tokenDown } from './tokens.js';

export function sessionFrom230(session: v230.Session, _ctx: TranslationContext): Translated<v221.Session> {
  return translated((log) => sessionDown(session, log) as v221.Session);
}

export function sessionPatchFrom230(patch: v230.SessionPatch, _ctx: TranslationContext): Translated<v221.SessionPatch> {
  return translated((log) => sessionDown(patch, log) as v221.SessionPatch);
}

export function sessionTo230(session: v221.Session, _ctx: TranslationContext): Translated<v230.Session> {
  return translated((log) => sessionUp(session, log) as v230.Session);
}

export function sessionPatchTo230(patch: v221.SessionPatch, _ctx: TranslationContext): Translated<v230.SessionPatch> {
  return translated((log) => sessionUp(patch, log) as v230.SessionPatch);
}

function sessionDown(session: v230.SessionPatch, log: LossLog): Record<string, unknown> {
  const { cdr_token, total_cost, ...rest } = session;
  const out: Record<string, unknown> = { ...rest };
  if (cdr_token) out.cdr_token = tokenDown(cdr_token, log.at('cdr_token'));
  if (total_cost) out.total_cost = priceFrom230(total_cost, log.at('total_cost'));
  return out;
}

function sessionUp(session: v221.SessionPatch, log: LossLog): Record<string, unknown> {
  const { total_cost, ...rest } = session;
  return total_cost ? { ...rest, total_cost: priceTo230(total_cost, log.at('total_cost')) } : { ...rest };
}
