import type { TariffRestrictions } from '../../ocpi/v2_2_1/index.js';
import type { PricingWarning } from './breakdown.js';
import type { PricingSession, PricingTariff } from './input.js';
import type { PricingPolicy } from './policy.js';

/** Tariff problems that cost money before anyone notices: told as warnings with every price. */
export function lintTariff(tariff: PricingTariff, session: Pick<PricingSession, 'jurisdiction'>, policy: PricingPolicy): PricingWarning[] {
  const warnings: PricingWarning[] = [];
  const subdivision = session.jurisdiction?.subdivision;
  const sellsTime = tariff.elements.some((e) => !e.restrictions?.reservation && e.price_components.some((c) => c.type === 'TIME'));
  if (subdivision && policy.perKwhStates.includes(subdivision) && sellsTime) {
    warnings.push({
      code: 'PER_MINUTE_ENERGY_PRICE',
      message: `${subdivision} requires energy to be sold per kWh, but tariff ${tariff.id} prices charging time`,
    });
  }
  tariff.elements.forEach((element, index) => {
    if (element.price_components.some((c) => c.type === 'FLAT' && c.step_size > 1)) {
      warnings.push({ code: 'FLAT_STEP_SIZE', message: `Element ${index} gives a FLAT component a step_size, which FLAT ignores` });
    }
    // An element is never used when earlier unrestricted elements price each of its dimensions.
    const shadowed = element.price_components.every((c) =>
      tariff.elements.slice(0, index).some((earlier) => unrestricted(earlier.restrictions) && earlier.price_components.some((e) => e.type === c.type)),
    );
    if (shadowed) warnings.push({ code: 'UNREACHABLE_ELEMENT', message: `Element ${index} is never used: earlier elements without restrictions price all its dimensions` });
  });
  return warnings;
}

function unrestricted(r: TariffRestrictions | undefined): boolean {
  return !r || Object.values(r).every((v) => v === undefined);
}
