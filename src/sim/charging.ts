import { Decimal } from 'decimal.js';
import { ocpiTimestamp } from '../ocpi/time.js';
import type { Cdr, ChargingPeriod, Connector, Evse, Location, Session, Tariff } from '../ocpi/v2_2_1/index.js';
import { priceSession, type SessionCost } from './pricing.js';

/** One exchange a simulated partner had with the hub, under the correlation id the hub journals it by. */
export interface Hop {
  step: string;
  correlationId: string;
  httpStatus: number;
  ocpiStatus?: number;
}

export interface ChargingPlan {
  powerKw: number;
  /** Energy the car takes before it is full and the session turns to parking. */
  targetWh: number;
  /** Meter readings parked before the driver comes back and unplugs. */
  leaveAfterReadings: number;
}

/**
 * A session at a simulated charger: its meter turns elapsed time into charging periods (energy and
 * charging time until the car is full, then parking time), and its CDR is priced by its tariff.
 * Volumes use the precision OCPI numbers have (Wh, and hours to 4 decimals), and the costs are
 * computed from exactly those volumes, so anyone re-pricing the CDR gets the same amounts.
 */
export class ChargingSession {
  readonly periods: ChargingPeriod[] = [];
  readonly hops: Hop[] = [];
  phase: 'CHARGING' | 'PARKED' | 'ENDED' = 'CHARGING';
  energyWh = 0;
  parkedReadings = 0;
  cdr?: Cdr;
  private meterAt: Date;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    /** The Session as last pushed to the hub. */
    readonly session: Session,
    readonly location: Location,
    readonly evse: Evse,
    readonly connector: Connector,
    readonly tariff: Tariff,
    readonly plan: ChargingPlan,
  ) {
    this.meterAt = new Date(session.start_date_time);
  }

  get id(): string {
    return this.session.id;
  }

  /** Runs the session's pushes one after another, so the hub gets them in order. */
  serial(work: () => Promise<void>): Promise<void> {
    const next = this.queue.then(work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /**
   * Meters the time since the last reading into a charging period; none when no time passed,
   * except for the closing reading of a session without periods (a CDR needs one).
   */
  read(now: Date, closing = false): ChargingPeriod | undefined {
    const hours = Math.max(0, new Decimal(now.getTime() - this.meterAt.getTime()).div(3_600_000).toDecimalPlaces(4).toNumber());
    if (hours <= 0 && !(closing && this.periods.length === 0)) return undefined;
    const start = ocpiTimestamp(this.meterAt);
    this.meterAt = now;
    let period: ChargingPeriod;
    if (this.phase === 'CHARGING') {
      const wh = Math.max(0, Math.min(Math.round(this.plan.powerKw * 1000 * hours), this.plan.targetWh - this.energyWh));
      this.energyWh += wh;
      if (this.energyWh >= this.plan.targetWh) this.phase = 'PARKED';
      period = { start_date_time: start, dimensions: [{ type: 'ENERGY', volume: wh / 1000 }, { type: 'TIME', volume: hours }], tariff_id: this.tariff.id };
    } else {
      this.parkedReadings++;
      period = { start_date_time: start, dimensions: [{ type: 'PARKING_TIME', volume: hours }], tariff_id: this.tariff.id };
    }
    this.periods.push(period);
    return period;
  }

  get driverLeft(): boolean {
    return this.phase === 'PARKED' && this.parkedReadings >= this.plan.leaveAfterReadings;
  }

  cost(): SessionCost {
    return priceSession(this.tariff, this.periods, { start: new Date(this.session.start_date_time), timeZone: this.location.time_zone });
  }

  /** The CDR of the ended session. */
  toCdr(): Cdr {
    const { session, location, evse, connector } = this;
    const cost = this.cost();
    const volume = (type: string) =>
      this.periods.reduce((sum, p) => sum.plus(p.dimensions.filter((d) => d.type === type).reduce((s, d) => s.plus(d.volume), new Decimal(0))), new Decimal(0));
    const parking = volume('PARKING_TIME');
    return {
      country_code: session.country_code,
      party_id: session.party_id,
      id: session.id,
      start_date_time: session.start_date_time,
      end_date_time: session.end_date_time ?? session.last_updated,
      session_id: session.id,
      cdr_token: session.cdr_token,
      auth_method: session.auth_method,
      ...(session.authorization_reference ? { authorization_reference: session.authorization_reference } : {}),
      cdr_location: {
        id: location.id,
        name: location.name,
        address: location.address,
        city: location.city,
        postal_code: location.postal_code,
        state: location.state,
        country: location.country,
        coordinates: location.coordinates,
        evse_uid: evse.uid,
        evse_id: evse.evse_id ?? evse.uid,
        connector_id: connector.id,
        connector_standard: connector.standard,
        connector_format: connector.format,
        connector_power_type: connector.power_type,
      },
      currency: session.currency,
      tariffs: [this.tariff],
      charging_periods: this.periods,
      total_cost: cost.total,
      total_fixed_cost: cost.fixed,
      total_energy: this.energyWh / 1000,
      total_energy_cost: cost.energy,
      total_time: volume('TIME').plus(parking).toNumber(),
      total_time_cost: cost.time,
      total_parking_time: parking.toNumber(),
      total_parking_cost: cost.parking,
      last_updated: session.last_updated,
    };
  }
}
