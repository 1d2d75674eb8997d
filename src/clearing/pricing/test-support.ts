import type { CdrDimension, ChargingPeriod, TariffElement } from '../../ocpi/v2_2_1/index.js';
import type { PricingSession, PricingTariff, TaxTreatment } from './input.js';
import type { Jurisdiction } from './taxes.js';

/** Builders for pricing tests: a tariff from its elements, a session from consecutive periods. */

export function tariffOf(elements: TariffElement[], options: Partial<PricingTariff> & { taxes?: TaxTreatment } = {}): PricingTariff {
  return { id: 'T', currency: 'EUR', taxes: 'VAT', elements, ...options };
}

export interface Segment {
  minutes: number;
  /** What the period measured besides its duration. */
  kwh?: number;
  current?: number;
  power?: number;
  /** Charging time (TIME), parking (PARKING_TIME) or a reservation (RESERVATION_TIME). */
  kind?: 'charging' | 'parking' | 'reservation';
}

export const charge = (minutes: number, kwh?: number, extra: Partial<Segment> = {}): Segment => ({ minutes, kwh, kind: 'charging', ...extra });
export const park = (minutes: number): Segment => ({ minutes, kind: 'parking' });
export const reserve = (minutes: number): Segment => ({ minutes, kind: 'reservation' });

const TIME_DIMENSION = { charging: 'TIME', parking: 'PARKING_TIME', reservation: 'RESERVATION_TIME' } as const;

/** Consecutive periods from `start` (an RFC 3339 instant). */
export function sessionOf(
  start: string,
  segments: Segment[],
  options: { timeZone?: string; currency?: string; jurisdiction?: Jurisdiction } = {},
): PricingSession {
  let at = Date.parse(start);
  const periods: ChargingPeriod[] = segments.map((segment) => {
    const dimensions: CdrDimension[] = [{ type: TIME_DIMENSION[segment.kind ?? 'charging'], volume: segment.minutes / 60 }];
    if (segment.kwh !== undefined) dimensions.push({ type: 'ENERGY', volume: segment.kwh });
    if (segment.current !== undefined) dimensions.push({ type: 'MAX_CURRENT', volume: segment.current });
    if (segment.power !== undefined) dimensions.push({ type: 'MAX_POWER', volume: segment.power });
    const period = { start_date_time: new Date(at).toISOString(), dimensions };
    at += segment.minutes * 60_000;
    return period;
  });
  return {
    start: new Date(start),
    end: new Date(at),
    currency: options.currency ?? 'EUR',
    periods,
    timeZone: options.timeZone ?? 'UTC',
    jurisdiction: options.jurisdiction,
  };
}
