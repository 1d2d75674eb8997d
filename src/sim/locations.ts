import type { Connector, Evse, Location } from '../ocpi/v2_2_1/index.js';
import { cityByCode } from './geo.js';
import type { CpoOperator } from './operators.js';
import type { Random } from './random.js';
import { sitesIn } from './sites.js';
import { AC_TARIFF, DC_TARIFF } from './tariffs.js';

/**
 * North American connectors in OCPI 2.2.1 terms. 2.2.1 has no NACS (SAE J3400, added in 2.3.0);
 * TESLA_S is the same plug ("Model S"-type), so NACS posts are published as TESLA_S.
 */
const CCS1 = 'IEC_62196_T1_COMBO';
const J1772 = 'IEC_62196_T1';
const NACS = 'TESLA_S';

const DC_CAPABILITIES: Evse['capabilities'] = ['REMOTE_START_STOP_CAPABLE', 'RFID_READER', 'CREDIT_CARD_PAYABLE'];
const AC_CAPABILITIES: Evse['capabilities'] = ['REMOTE_START_STOP_CAPABLE', 'RFID_READER'];

/**
 * The charging locations of one CPO, at real sites in its cities. Sites are used in turn; past the
 * last one a site gets a second location (another level of the garage, say).
 */
export function locationsFor(operator: CpoOperator, count: number, rng: Random, lastUpdated: string): Location[] {
  const sites = sitesIn(operator.cities);
  if (sites.length === 0) throw new Error(`No sites in ${operator.cities.join(', ')}`);
  return Array.from({ length: count }, (_, index) => {
    const site = sites[index % sites.length];
    const city = cityByCode(site.city);
    const id = `LOC-${city.code}-${String(index + 1).padStart(3, '0')}`;
    const round = Math.floor(index / sites.length);
    const evseId = (n: string) => `${operator.countryCode}*${operator.partyId}*E${city.code}${index + 1}${n}`;
    const evses: Evse[] = [];
    for (let n = 1, dc = rng.int(1, 3); n <= dc; n++) {
      const second = operator.countryCode === 'US' && rng.chance(0.5) ? dcConnector('2', NACS, lastUpdated) : dcConnector('2', 'CHADEMO', lastUpdated);
      evses.push(evse(`${id}-DC${n}`, evseId(`D${n}`), [dcConnector('1', CCS1, lastUpdated), second], DC_CAPABILITIES, lastUpdated));
    }
    for (let n = 1, ac = rng.int(0, 4); n <= ac; n++) {
      evses.push(evse(`${id}-AC${n}`, evseId(`A${n}`), [acConnector(lastUpdated)], AC_CAPABILITIES, lastUpdated));
    }
    return {
      country_code: operator.countryCode,
      party_id: operator.partyId,
      id,
      publish: true,
      name: round === 0 ? site.name : `${site.name} ${round + 1}`,
      address: site.address,
      city: city.name,
      postal_code: site.postalCode,
      state: city.state,
      country: city.country,
      coordinates: { latitude: site.latitude, longitude: site.longitude },
      parking_type: site.parkingType,
      evses,
      operator: { name: operator.name },
      facilities: site.facilities,
      time_zone: city.timeZone,
      opening_times: { twentyfourseven: true },
      last_updated: lastUpdated,
    };
  });
}

function evse(uid: string, evseId: string, connectors: Connector[], capabilities: Evse['capabilities'], lastUpdated: string): Evse {
  return { uid, evse_id: evseId, status: 'AVAILABLE', capabilities, connectors, last_updated: lastUpdated };
}

function dcConnector(id: string, standard: Connector['standard'], lastUpdated: string): Connector {
  const power = standard === 'CHADEMO' ? { max_voltage: 500, max_amperage: 125, max_electric_power: 62_500 } : { max_voltage: 920, max_amperage: 400, max_electric_power: 250_000 };
  return { id, standard, format: 'CABLE', power_type: 'DC', ...power, tariff_ids: [DC_TARIFF], last_updated: lastUpdated };
}

/** Level 2: J1772 on North America's 240 V split-phase supply. */
function acConnector(lastUpdated: string): Connector {
  return {
    id: '1',
    standard: J1772,
    format: 'CABLE',
    power_type: 'AC_2_PHASE_SPLIT',
    max_voltage: 240,
    max_amperage: 32,
    max_electric_power: 7_680,
    tariff_ids: [AC_TARIFF],
    last_updated: lastUpdated,
  };
}
