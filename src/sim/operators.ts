import { OcpiPlatform, type OcpiVersion } from './platform.js';
import type { PartyRef } from '../ocpi/headers.js';

/** A simulated company: its platform name and its OCPI party. */
export interface Operator extends PartyRef {
  name: string;
  countryCode: 'US' | 'CA';
}

/** A charge point operator and the cities (see geo.ts) it has sites in, all in its own country. */
/** The OCPI platform of one simulated operator: a single party, thinking in 2.2.1 whatever it speaks. */
export function operatorPlatform(operator: Operator, role: 'CPO' | 'EMSP', version?: OcpiVersion): Promise<OcpiPlatform> {
  return OcpiPlatform.start({
    name: operator.name,
    roles: [{ role, countryCode: operator.countryCode, partyId: operator.partyId, name: operator.name }],
    version,
    thinksIn221: true,
  });
}

export interface CpoOperator extends Operator {
  cities: readonly string[];
}

const CPOS: readonly CpoOperator[] = [
  { name: 'Volt Street', countryCode: 'US', partyId: 'VST', cities: ['SEA', 'PDX', 'SFO', 'LAX'] },
  { name: 'Maple Charge', countryCode: 'CA', partyId: 'MPL', cities: ['TOR', 'MTL', 'VAN', 'CAL'] },
  { name: 'Liberty Plug', countryCode: 'US', partyId: 'LBP', cities: ['DEN', 'CHI', 'NYC', 'BOS'] },
  { name: 'Great Lakes Charging', countryCode: 'US', partyId: 'GLC', cities: ['CHI', 'NYC', 'BOS', 'DEN'] },
  { name: 'Boreal Power', countryCode: 'CA', partyId: 'BRL', cities: ['CAL', 'VAN', 'MTL', 'TOR'] },
  { name: 'Pacific Amp', countryCode: 'US', partyId: 'PAM', cities: ['LAX', 'SFO', 'PDX', 'SEA'] },
];

const EMSPS: readonly Operator[] = [
  { name: 'DriveOn', countryCode: 'US', partyId: 'DRV' },
  { name: 'Northern Roam', countryCode: 'CA', partyId: 'NRM' },
  { name: 'Open Road Mobility', countryCode: 'US', partyId: 'ORM' },
  { name: 'Trans-Canada Pass', countryCode: 'CA', partyId: 'TCP' },
];

/** The i-th CPO; past the list, numbered variants (Volt Street 2, US*VS2…) keep names and parties unique. */
export function cpoOperator(index: number): CpoOperator {
  return numbered(CPOS, index);
}

export function emspOperator(index: number): Operator {
  return numbered(EMSPS, index);
}

function numbered<T extends Operator>(list: readonly T[], index: number): T {
  const base = list[index % list.length];
  const round = Math.floor(index / list.length);
  if (round === 0) return base;
  if (round > 8) throw new Error(`At most ${list.length * 9} simulated partners of one role`);
  return { ...base, name: `${base.name} ${round + 1}`, partyId: `${base.partyId.slice(0, 2)}${round + 1}` };
}
