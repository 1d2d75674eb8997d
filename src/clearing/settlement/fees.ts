import { Decimal } from 'decimal.js';
import { serviceTaxRates, taxesOn, type AppliedTax } from '../taxes/services.js';
import { dec, minorDigits, shareOut, toMinor, type Currency } from './money.js';

/** How the hub charges for clearing: configuration per agreement (both parties) or per party. */
export interface FeeSchedule {
  id: string;
  cpo: string | null;
  emsp: string | null;
  currency: Currency;
  payer: 'CPO' | 'EMSP' | 'BOTH';
  perSession: Decimal;
  perKwh: Decimal;
  /** Percentage of the volume (net of taxes), e.g. 1.5 for 1.5 %. */
  percent: Decimal;
  /** Once per payer and period, like the minimum and the cap. */
  flat: Decimal;
  minimum: Decimal | null;
  cap: Decimal | null;
}

/** What fees are computed on: payable CDR lines (sessions, kWh and volume net of taxes). */
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

/** The part of a fee that grows with the statement (sessions, kWh, volume), never below zero. */
function variablePart(schedule: FeeSchedule, basis: FeeBasis): Decimal {
  const raw = schedule.perSession.times(basis.sessions).plus(schedule.perKwh.times(basis.kwh)).plus(basis.volume.times(schedule.percent).dividedBy(100));
  return Decimal.max(raw, 0);
}

/** The fee one schedule charges on a period's basis: its variable part, the flat amount, then minimum and cap. */
export function feeAmount(schedule: FeeSchedule, basis: FeeBasis): Decimal {
  let fee = variablePart(schedule, basis).plus(schedule.flat);
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
  return parts.join(' + ').replace(/ \+ (minimum|cap)/g, '; $1');
}

/** One statement's part in the fees: its parties and what its payable lines add up to. */
export interface StatementBasis {
  id: string;
  cpo: string;
  emsp: string;
  currency: Currency;
  basis: FeeBasis;
}

interface PayerGroup {
  schedule: FeeSchedule;
  role: 'CPO' | 'EMSP';
  party: string;
  statements: StatementBasis[];
}

/** The statements each schedule charges each payer for in the period. */
function payerGroups(schedules: FeeSchedule[], statements: StatementBasis[]): PayerGroup[] {
  const groups = new Map<string, PayerGroup>();
  for (const statement of statements) {
    for (const schedule of applicableSchedules(schedules, statement.cpo, statement.emsp, statement.currency)) {
      const roles: Array<'CPO' | 'EMSP'> = schedule.payer === 'BOTH' ? ['CPO', 'EMSP'] : [schedule.payer];
      for (const role of roles) {
        const party = role === 'CPO' ? statement.cpo : statement.emsp;
        const key = JSON.stringify([schedule.id, role, party]);
        const group = groups.get(key) ?? { schedule, role, party, statements: [] };
        group.statements.push(statement);
        groups.set(key, group);
      }
    }
  }
  return [...groups.values()];
}

const addBases = (bases: FeeBasis[]): FeeBasis =>
  bases.reduce((t, b) => ({ sessions: t.sessions + b.sessions, kwh: t.kwh.plus(b.kwh), volume: t.volume.plus(b.volume) }), { sessions: 0, kwh: dec(0), volume: dec(0) });

/**
 * The hub's fee lines of a period's statements. Each schedule charges each payer once per period:
 * its parts added up over every statement of the period it covers for that payer, the flat amount
 * once, then the minimum and the cap. That fee is shared out over those statements in proportion
 * to what each one adds, and each share is taxed by the payer's jurisdiction on the date the period
 * ends (GST/HST, QST on services in Canada). Returns the lines by statement id.
 */
export function periodFeeLines(
  schedules: FeeSchedule[],
  statements: StatementBasis[],
  payerOf: (role: 'CPO' | 'EMSP', party: string) => Payer,
  taxDate: string,
): Map<string, FeeLine[]> {
  const lines = new Map<string, FeeLine[]>(statements.map((s) => [s.id, []]));
  for (const { schedule, role, party, statements: covered } of payerGroups(schedules, statements)) {
    const periodBasis = addBases(covered.map((s) => s.basis));
    const fee = feeAmount(schedule, periodBasis);
    const shares = shareOut(fee, covered.map((s) => variablePart(schedule, s.basis)), schedule.currency);
    const payer = payerOf(role, party);
    const rates = serviceTaxRates(payer.country, payer.province, taxDate);
    const detail =
      covered.length === 1
        ? describe(schedule, periodBasis)
        : `share of ${fee.toFixed(minorDigits(schedule.currency))} for the period over ${covered.length} statements: ${describe(schedule, periodBasis)}`;
    covered.forEach((statement, i) => {
      const taxes = taxesOn(shares[i], rates, minorDigits(schedule.currency));
      const total = taxes.reduce((sum, tax) => sum.plus(tax.amount), shares[i]);
      lines.get(statement.id)!.push({ scheduleId: schedule.id, payer: role, party, net: shares[i], taxes, total, detail });
    });
  }
  // The CPO's fees first, then the eMSP's: the order the statement prints them in.
  for (const feeLines of lines.values()) feeLines.sort((a, b) => a.payer.localeCompare(b.payer));
  return lines;
}
