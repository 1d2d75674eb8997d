/** Pieces more than one 2.1.1 ⇄ 2.2.1 translator needs. */
import type * as v211 from '../../v2_1_1/index.js';
import type * as v221 from '../../v2_2_1/index.js';
import { isOwner, nowOf, type LossLog, type TranslationContext } from '../context.js';

/** The owner fields 2.2.1 objects carry and 2.1.1 objects leave to the URL or the connection. */
export function ownerOf(ctx: TranslationContext): { country_code: string; party_id: string } {
  return { country_code: ctx.owner.countryCode, party_id: ctx.owner.partyId };
}

/** 2.1.1 has no owner fields: they are lost unless the receiver attributes the object to that party anyway. */
export function dropOwner(
  value: { country_code?: string; party_id?: string },
  ctx: TranslationContext,
  log: LossLog,
): void {
  if (value.country_code === undefined && value.party_id === undefined) return;
  if (isOwner(ctx, value.country_code, value.party_id)) return;
  const owner = `${ctx.owner.countryCode}/${ctx.owner.partyId}`;
  const reason = `2.1.1 has no owner field; the receiver attributes the object to ${owner}`;
  if (value.country_code !== undefined) log.dropped('country_code', reason);
  if (value.party_id !== undefined) log.dropped('party_id', reason);
}

/** 2.2.1 PATCH bodies must carry last_updated; 2.1.1 ones need not. */
export function patchLastUpdated(patch: { last_updated?: string }, ctx: TranslationContext, log: LossLog): string {
  if (patch.last_updated !== undefined) return patch.last_updated;
  log.defaulted('last_updated', '2.2.1 PATCH bodies require last_updated; the time of translation is used');
  return nowOf(ctx);
}

/** EnvironmentalImpact's `source` (2.1.1) is `category` in 2.2.1. */
export function energyMixFrom211(mix: v211.EnergyMix): v221.EnergyMix {
  const { environ_impact, ...rest } = mix;
  if (!environ_impact) return rest;
  return { ...rest, environ_impact: environ_impact.map(({ source, ...impact }) => ({ ...impact, category: source })) };
}

export function energyMixTo211(mix: v221.EnergyMix): v211.EnergyMix {
  const { environ_impact, ...rest } = mix;
  if (!environ_impact) return rest;
  const impacts = environ_impact.map(({ category, ...impact }) => ({ ...impact, source: category }));
  return { ...rest, environ_impact: impacts };
}
