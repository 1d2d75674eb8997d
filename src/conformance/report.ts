import type { Quirks } from '../hub/quirks.js';

export type Outcome = 'PASS' | 'WARN' | 'FAIL';
export type Verdict = 'PASS' | 'PASS_WITH_WARNINGS' | 'FAIL';
/** Why a check ran. */
export type CheckReason = 'OPERATOR' | 'CREDENTIALS_UPDATED' | 'SCHEDULE' | 'QUIRKS_APPLIED';
export const CHECK_REASONS: CheckReason[] = ['OPERATOR', 'CREDENTIALS_UPDATED', 'SCHEDULE', 'QUIRKS_APPLIED'];

/** What the hub sent and what came back, as the operator needs it to see a case for itself. */
export interface Exchange {
  request: { method: string; url: string; body?: unknown };
  response?: { http_status: number; headers: Record<string, string>; body?: unknown };
  error?: string;
}

/** One case of a conformance check: what was checked, against which part of the spec, and how it went. */
export interface CheckCase {
  id: string;
  title: string;
  /** The spec section it checks, e.g. "transport_and_format 4.1.3 (pagination)". */
  section: string;
  outcome: Outcome;
  detail: string;
  exchange?: Exchange;
  /** A quirk that would bridge a warning, for the operator to apply. */
  quirk?: Quirks;
}

export interface CheckReport {
  id?: string;
  platform_id: string;
  started_at: string;
  finished_at: string;
  reason: CheckReason;
  verdict: Verdict;
  cases: CheckCase[];
  /** The quirks the warnings suggest, merged. */
  quirks: Quirks;
}

/** FAIL when any case fails, else PASS_WITH_WARNINGS when any warns, else PASS. */
export function verdictOf(cases: CheckCase[]): Verdict {
  if (cases.some((c) => c.outcome === 'FAIL')) return 'FAIL';
  return cases.some((c) => c.outcome === 'WARN') ? 'PASS_WITH_WARNINGS' : 'PASS';
}

export function suggestedQuirks(cases: CheckCase[]): Quirks {
  return Object.assign({}, ...cases.filter((c) => c.outcome === 'WARN' && c.quirk).map((c) => c.quirk));
}
