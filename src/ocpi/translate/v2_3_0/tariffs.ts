/**
 * Tariffs 2.3.0 ⇄ 2.2.1. 2.2.1 prices are always before VAT; a 2.3.0 Tariff says with `tax_included`
 * whether its prices include taxes. Prices that include VAT at a known rate are converted to prices
 * before VAT (approximated: rounded to OCPI's 4 decimals); with an unknown rate they are kept as they
 * are and reported. min/max_price are PriceLimits in 2.3.0; preauthorize_amount has no 2.2.1 field.
 */
import type * as v221 from '../../v2_2_1/index.js';
import type * as v230 from '../../v2_3_0/index.js';
import { translated, type LossLog, type Translated, type TranslationContext } from '../context.js';
import { excludeVat, priceLimitFrom230, priceLimitTo230 } from '../money.js';
import { energyMixFrom230 } from './common.js';

export function tariffFrom230(tariff: v230.Tariff, _ctx: TranslationContext): Translated<v221.Tariff> {
  return translated((log) => tariffDown(tariff, log));
}

/** 2.2.1 prices exclude VAT, which is what tax_included NO says. */
export function tariffTo230(tariff: v221.Tariff, _ctx: TranslationContext): Translated<v230.Tariff> {
  return translated(() => tariffUp(tariff));
}

export function tariffUp(tariff: v221.Tariff): v230.Tariff {
  const { min_price, max_price, ...rest } = tariff;
  const out: v230.Tariff = { ...rest, tax_included: 'NO' };
  if (min_price) out.min_price = priceLimitTo230(min_price);
  if (max_price) out.max_price = priceLimitTo230(max_price);
  return out;
}

export function tariffDown(tariff: v230.Tariff, log: LossLog): v221.Tariff {
  const { tax_included, preauthorize_amount, min_price, max_price, elements, energy_mix, ...rest } = tariff;
  const out: v221.Tariff = { ...rest, elements };
  if (preauthorize_amount !== undefined) log.dropped('preauthorize_amount', '2.2.1 Tariffs have no such field');
  if (min_price) out.min_price = priceLimitFrom230(min_price);
  if (max_price) out.max_price = priceLimitFrom230(max_price);
  if (energy_mix) out.energy_mix = energyMixFrom230(energy_mix, log.at('energy_mix'));
  if (tax_included === 'YES') {
    out.elements = pricesBeforeVat(elements, log);
  } else if (tax_included === 'N/A') {
    log.dropped('tax_included', '2.2.1 cannot say that no taxes apply; prices read as before VAT');
  } else if (tax_included === undefined) {
    log.defaulted('tax_included', 'missing (required in 2.3.0); prices read as before taxes');
  }
  return out;
}

function pricesBeforeVat(elements: v230.TariffElement[], log: LossLog): v221.TariffElement[] {
  let unknownRate = false;
  const converted = elements.map((element, elementIndex) => ({
    ...element,
    price_components: element.price_components.map((component, componentIndex) => {
      if (component.vat === undefined) {
        unknownRate = true;
        return component;
      }
      const price = excludeVat(component.price, component.vat);
      const at = log.at('elements').at(elementIndex).at('price_components').at(componentIndex);
      at.approximated('price', `2.2.1 prices exclude VAT: ${component.price} incl. ${component.vat}% VAT is ${price}`);
      return { ...component, price };
    }),
  }));
  if (unknownRate) {
    const reason = 'prices include taxes at a rate the Tariff does not give: kept, though 2.2.1 reads them before VAT';
    log.approximated('tax_included', reason);
  }
  return converted;
}
