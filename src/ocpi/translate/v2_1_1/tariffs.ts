/**
 * Tariffs 2.1.1 ⇄ 2.2.1. 2.2.1 added owner fields, type, min/max price, a validity period, VAT per
 * price component and restrictions on current and reservations; 2.1.1 has none of them. 2.2.1 also
 * dropped Tariff PATCH, which a 2.1.1 CPO may still send: `mergeTariffPatch211` applies it to the
 * hub's stored Tariff so the result can be PUT.
 */
import * as v211 from '../../v2_1_1/index.js';
import type * as v221 from '../../v2_2_1/index.js';
import { nowOf, translated, UnsupportedTranslationError, type LossLog, type Translated, type TranslationContext } from '../context.js';
import { dropOwner, energyMixFrom211, energyMixTo211, ownerOf } from './common.js';
import { conform211 } from './conform.js';

export function tariffFrom211(tariff: v211.Tariff, ctx: TranslationContext): Translated<v221.Tariff> {
  return translated(() => ({ ...ownerOf(ctx), ...tariffUp(tariff) }) as v221.Tariff);
}

/**
 * The stored canonical Tariff with a 2.1.1 PATCH applied: fields in the patch replace the stored ones.
 * Only the clock of the context is used, for a PATCH without last_updated.
 */
export function mergeTariffPatch211(
  stored: v221.Tariff,
  patch: v211.TariffPatch,
  ctx: Pick<TranslationContext, 'now'> = {},
): Translated<v221.Tariff> {
  return translated((log) => {
    const merged = { ...stored, ...tariffUp(patch) } as v221.Tariff;
    if (patch.last_updated === undefined) {
      merged.last_updated = nowOf(ctx);
      log.defaulted('last_updated', 'the PATCH has no last_updated; the time of the merge is used');
    }
    return merged;
  });
}

export function tariffTo211(tariff: v221.Tariff, ctx: TranslationContext): Translated<v211.Tariff> {
  return translated((log) => conform211(v211.TariffSchema, tariffDown(tariff, ctx, log), log) as v211.Tariff);
}

/** Exported for CDRs, which carry Tariffs. */
export function tariffUp(tariff: v211.TariffPatch): Record<string, unknown> {
  const { energy_mix, ...rest } = tariff;
  return energy_mix ? { ...rest, energy_mix: energyMixFrom211(energy_mix) } : { ...rest };
}

export function tariffDown(tariff: v221.Tariff, ctx: TranslationContext, log: LossLog): Record<string, unknown> {
  const { country_code, party_id, type, min_price, max_price, start_date_time, end_date_time, ...kept } = tariff;
  const { elements, energy_mix, ...rest } = kept;
  dropOwner({ country_code, party_id }, ctx, log);
  const absent = '2.1.1 Tariffs have no such field';
  if (type !== undefined) log.dropped('type', absent);
  if (min_price !== undefined) log.dropped('min_price', absent);
  if (max_price !== undefined) log.dropped('max_price', absent);
  if (start_date_time !== undefined) log.dropped('start_date_time', `${absent}: the tariff applies at once`);
  if (end_date_time !== undefined) log.dropped('end_date_time', `${absent}: the tariff does not expire`);
  const out: Record<string, unknown> = { ...rest };
  const elements211 = elements.flatMap((element, index) => elementDown(element, log.at('elements').at(index)));
  // A 2.1.1 Tariff needs an element; one that priced only reservations has none left to give.
  if (elements211.length === 0) {
    throw new UnsupportedTranslationError(`Tariff ${tariff.id} prices only reservations, which OCPI 2.1.1 cannot express`);
  }
  out.elements = elements211;
  if (energy_mix) out.energy_mix = energyMixTo211(energy_mix);
  return out;
}

function elementDown(element: v221.TariffElement, log: LossLog): Record<string, unknown>[] {
  const { price_components, restrictions, ...rest } = element;
  // Without its reservation restriction the element would price ordinary charging.
  if (restrictions?.reservation !== undefined) {
    log.dropped(undefined, `2.1.1 cannot price reservations: the ${restrictions.reservation} element is left out`);
    return [];
  }
  const out: Record<string, unknown> = { ...rest };
  out.price_components = price_components.map(({ vat, ...component }, index) => {
    if (vat !== undefined) log.at('price_components').at(index).dropped('vat', '2.1.1 has no VAT rate');
    return component;
  });
  if (restrictions) {
    const { min_current, max_current, ...kept } = restrictions;
    const widened = '2.1.1 cannot restrict on current: the element now applies at any current';
    if (min_current !== undefined) log.at('restrictions').dropped('min_current', widened);
    if (max_current !== undefined) log.at('restrictions').dropped('max_current', widened);
    out.restrictions = kept;
  }
  return [out];
}
