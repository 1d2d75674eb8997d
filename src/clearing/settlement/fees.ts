import { Decimal } from 'decimal.js';
import { serviceTaxRates, taxesOn, type AppliedTax } from '../taxes/services.js';
import { dec, minorDigits, toMinor, type Currency } from './money.js';

/** How the hub charges for clearing: configuration per agreement (both parties) or per party. */
export interface FeeSchedule {
  id: string;
  cpo: string | null;
  emsp: string | null;
  currency: Currency;
  payer: 'CPO' | 'EMSP' | 'BOTH';
  perSession: Decimal;
  perKwh: Decimal;
  /** Percentage of the statement's volume (net of taxes), e.g. 1.5 for 1.5 %. */
  percent: Decimal;
  flat: Decimal;
  minimum: Decimal | null;
  cap: Decimal | null;
}

/** What a statement's fees are computed on: its payable CDR lines. */
export interface FeeBasis {
  sessions: number;
  kwh: Decimal;
  volume: Decimal;
}

export interface Payer {
  role: 'CPO' | 'EMSP';
  party: string;
  country: string | null;
  province: string | null;
}

export interface FeeLine {
  scheduleId: string;
  payer: 'CPO' | 'EMSP';
  party: string;
  net: Decimal;
  taxes: AppliedTax[];
  total: Decimal;
  /** How the net came about, for the reader of the statement. */
  detail: string;
}

/**
 * The schedules that apply to a statement: the agreement's own when it has one in the statement's
 * currency; otherwise each party's own.
 */
export function applicableSchedules(schedules: FeeSchedule[], cpo: string, emsp: string, currency: Currency): FeeSchedule[] {
  const inCurrency = schedules.filter((s) => s.currency === currency);
  const pair = inCurrency.filter((s) => s.cpo === cpo && s.emsp === emsp);
  if (pair.length > 0) return pair;
  return inCurrency.filter((s) => (s.cpo === cpo && s.emsp === null) || (s.emsp === emsp && s.cpo === null));
}

/** The fee one schedule charges on a basis: the sum of its parts, never below zero, then min and cap. */
export function feeAmount(schedule: FeeSchedule, basis: FeeBasis): Decimal {
  const raw = schedule.perSession
    .times(basis.sessions)
    .plus(schedule.perKwh.times(basis.kwh))
    .plus(basis.volume.times(schedule.percent).dividedBy(100))
    .plus(schedule.flat);
  let fee = Decimal.max(raw, 0);
  if (schedule.minimum) fee = Decimal.max(fee, schedule.minimum);
  if (schedule.cap) fee = Decimal.min(fee, schedule.cap);
  return toMinor(fee, schedule.currency);
}

function describe(schedule: FeeSchedule, basis: FeeBasis): string {
  const parts: string[] = [];
  if (!schedule.perSession.isZero()) parts.push(`${basis.sessions} sessions × ${schedule.perSession.toFixed()}`);
  if (!schedule.perKwh.isZero()) parts.push(`${basis.kwh.toFixed()} kWh × ${schedule.perKwh.toFixed()}`);
  if (!schedule.percent.isZero()) parts.push(`${schedule.percent.toFixed()} % of ${basis.volume.toFixed(2)}`);
  if (!schedule.flat.isZero()) parts.push(`flat ${schedule.flat.toFixed()}`);
  if (schedule.minimum) parts.push(`minimum ${schedule.minimum.toFixed()}`);
  if (schedule.cap) parts.push(`cap ${schedule.cap.toFixed()}`);
  return parts.join(' + ').replace(/\+ (minimum|cap)/g, '; $1');
}

/**
 * The fee lines of one statement: one per schedule and payer, taxed by the payer's jurisdiction
 * on the date the period ends (GST/HST, QST on services in Canada).
 */
export function feeLines(
  schedules: FeeSchedule[],
  basis: FeeBasis,
  payers: { CPO: Payer; EMSP: Payer },
  taxDate: string,
): FeeLine[] {
  const lines: FeeLine[] = [];
  for (const schedule of schedules) {
    const net = feeAmount(schedule, basis);
    const roles: Array<'CPO' | 'EMSP'> = schedule.payer === 'BOTH' ? ['CPO', 'EMSP'] : [schedule.payer];
    for (const role of roles) {
      const payer = payers[role];
      const taxes = taxesOn(net, serviceTaxRates(payer.country, payer.province, taxDate), minorDigits(schedule.currency));
      lines.push({
        scheduleId: schedule.id,
        payer: role,
        party: payer.party,
        net,
        taxes,
        total: taxes.reduce((total, tax) => total.plus(tax.amount), dec(net)),
        detail: describe(schedule, basis),
      });
    }
  }
  // The CPO's fees first, then the eMSP's: the order the statement prints them in.
  return lines.sort((a, b) => a.payer.localeCompare(b.payer));
}
