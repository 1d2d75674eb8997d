/** North American cities the simulated partners operate in. */
export interface City {
  /** Short code used in object ids, e.g. SEA. */
  code: string;
  name: string;
  /** State or province, as its postal abbreviation. */
  state: string;
  /** ISO 3166-1 alpha-3, as OCPI wants it in addresses. */
  country: 'USA' | 'CAN';
  /** IANA time zone: tariff restrictions (start_time, day_of_week…) are read in local time. */
  timeZone: string;
}

export const CITIES: readonly City[] = [
  { code: 'SEA', name: 'Seattle', state: 'WA', country: 'USA', timeZone: 'America/Los_Angeles' },
  { code: 'PDX', name: 'Portland', state: 'OR', country: 'USA', timeZone: 'America/Los_Angeles' },
  { code: 'SFO', name: 'San Francisco', state: 'CA', country: 'USA', timeZone: 'America/Los_Angeles' },
  { code: 'LAX', name: 'Los Angeles', state: 'CA', country: 'USA', timeZone: 'America/Los_Angeles' },
  { code: 'DEN', name: 'Denver', state: 'CO', country: 'USA', timeZone: 'America/Denver' },
  { code: 'CHI', name: 'Chicago', state: 'IL', country: 'USA', timeZone: 'America/Chicago' },
  { code: 'NYC', name: 'New York', state: 'NY', country: 'USA', timeZone: 'America/New_York' },
  { code: 'BOS', name: 'Boston', state: 'MA', country: 'USA', timeZone: 'America/New_York' },
  { code: 'TOR', name: 'Toronto', state: 'ON', country: 'CAN', timeZone: 'America/Toronto' },
  // America/Montreal is only a deprecated alias of America/Toronto.
  { code: 'MTL', name: 'Montréal', state: 'QC', country: 'CAN', timeZone: 'America/Toronto' },
  { code: 'VAN', name: 'Vancouver', state: 'BC', country: 'CAN', timeZone: 'America/Vancouver' },
  { code: 'CAL', name: 'Calgary', state: 'AB', country: 'CAN', timeZone: 'America/Edmonton' },
];

export function cityByCode(code: string): City {
  const city = CITIES.find((c) => c.code === code);
  if (!city) throw new Error(`Unknown city ${code}`);
  return city;
}
