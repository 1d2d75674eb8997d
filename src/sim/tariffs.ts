import type { PartyRef } from '../ocpi/headers.js';
import type { PriceComponent, Tariff, TariffElement } from '../ocpi/v2_2_1/index.js';

/** The two tariffs every simulated CPO publishes: one for DC fast charging, one for Level 2 AC. */
export const DC_TARIFF = 'DC-FAST';
export const AC_TARIFF = 'AC-L2';

/** Canada's federal GST; the simulation leaves provincial taxes aside. */
const CANADA_GST = 5;

const component = (type: PriceComponent['type'], price: number, stepSize: number, vat?: number): PriceComponent =>
  vat === undefined ? { type, price, step_size: stepSize } : { type, price, vat, step_size: stepSize };

/**
 * US tariffs, in USD without VAT (US sales taxes are not VAT). Together they use every dimension
 * and the restrictions clearing has to get right: time of day, energy already charged, duration.
 */
function usTariffs(): { id: string; elements: TariffElement[]; text: string }[] {
  return [
    {
      id: DC_TARIFF,
      text: 'USD 1.00 per session; 0.48/kWh, 0.42/kWh from the 5th kWh, 0.58/kWh 4-9 pm; idle fee 0.40/min once charging ends.',
      elements: [
        { price_components: [component('FLAT', 1.0, 1)] },
        { price_components: [component('ENERGY', 0.58, 1)], restrictions: { start_time: '16:00', end_time: '21:00' } },
        { price_components: [component('ENERGY', 0.42, 1)], restrictions: { min_kwh: 5 } },
        { price_components: [component('ENERGY', 0.48, 1)] },
        { price_components: [component('PARKING_TIME', 24.0, 60)] },
      ],
    },
    {
      id: AC_TARIFF,
      text: 'USD 1.80 per hour of charging, billed per minute; after 2 hours 3.00/h; parking 3.00/h 8 am-8 pm, per 5 min.',
      elements: [
        { price_components: [component('TIME', 3.0, 60)], restrictions: { min_duration: 7200 } },
        { price_components: [component('TIME', 1.8, 60)] },
        { price_components: [component('PARKING_TIME', 3.0, 300)], restrictions: { start_time: '08:00', end_time: '20:00' } },
      ],
    },
  ];
}

/** Canadian tariffs, in CAD with GST. Per-minute pricing is still common on Canadian fast chargers. */
function canadianTariffs(): { id: string; elements: TariffElement[]; text: string }[] {
  return [
    {
      id: DC_TARIFF,
      text: 'CAD 1.25 per session; 0.25/kWh plus 12.00/h of charging (15.00/h weekdays 4-9 pm), per minute; idle 12.00/h. GST extra.',
      elements: [
        { price_components: [component('FLAT', 1.25, 1, CANADA_GST), component('ENERGY', 0.25, 1, CANADA_GST)] },
        {
          price_components: [component('TIME', 15.0, 60, CANADA_GST)],
          restrictions: { start_time: '16:00', end_time: '21:00', day_of_week: ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY'] },
        },
        { price_components: [component('TIME', 12.0, 60, CANADA_GST), component('PARKING_TIME', 12.0, 60, CANADA_GST)] },
      ],
    },
    {
      id: AC_TARIFF,
      text: 'CAD 2.00 per hour, billed per 15 min; parking after 4 hours 2.00/h. GST extra.',
      elements: [
        { price_components: [component('TIME', 2.0, 900, CANADA_GST)] },
        { price_components: [component('PARKING_TIME', 2.0, 900, CANADA_GST)], restrictions: { min_duration: 14400 } },
      ],
    },
  ];
}

function currencyOf(countryCode: 'US' | 'CA'): 'USD' | 'CAD' {
  return countryCode === 'US' ? 'USD' : 'CAD';
}

export function tariffsFor(owner: PartyRef & { countryCode: 'US' | 'CA' }, lastUpdated: string): Tariff[] {
  const french = owner.countryCode === 'CA';
  return (owner.countryCode === 'US' ? usTariffs() : canadianTariffs()).map(({ id, elements, text }) => ({
    country_code: owner.countryCode,
    party_id: owner.partyId,
    id,
    currency: currencyOf(owner.countryCode),
    type: 'REGULAR',
    tariff_alt_text: french ? [{ language: 'en', text }, { language: 'fr', text: FRENCH[id] }] : [{ language: 'en', text }],
    elements,
    last_updated: lastUpdated,
  }));
}

const FRENCH: Record<string, string> = {
  [DC_TARIFF]: 'CAD 1,25 par session; 0,25/kWh et 12,00/h de recharge (15,00/h en semaine 16 h-21 h), à la minute; inactivité 12,00/h. TPS en sus.',
  [AC_TARIFF]: 'CAD 2,00 l’heure, par tranche de 15 min; stationnement après 4 heures 2,00/h. TPS en sus.',
};
