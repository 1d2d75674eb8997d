import type { Blame, JournalRow } from '../journal.js';

/**
 * The plain-language verdict on a driver's journey: what happened to the driver, why, which side
 * is at fault (CPO, EMSP, HUB, NETWORK, or none: `blame` null) and what to do. The authorization
 * decision comes first: a refused tap fails the journey even when every hop answered 200.
 */
export interface Verdict {
  failed: boolean;
  blame: Blame | null;
  /** What happened to the driver. */
  driver: string;
  /** Why, in one sentence. */
  reason: string;
  /** Who must act, and how. */
  action: string;
  /** The authorization rule that decided, when there was a decision. */
  rule: string | null;
}

/** A real-time authorization decision as the hub recorded it (table `authorizations`). */
export interface AuthorizationRecord {
  id: string;
  at: Date;
  correlation_id: string;
  cpo: string;
  emsp: string | null;
  token_uid: string;
  token_type: string;
  allowed: string | null;
  rule: string;
  detail: string | null;
}

/** When a hop started: the journal writes an entry when the hop ends. */
export const startOf = (entry: Pick<JournalRow, 'at' | 'duration_ms'>) => entry.at.getTime() - (entry.duration_ms ?? 0);

export function verdictOf(entries: JournalRow[], decisions: AuthorizationRecord[]): Verdict {
  const decision = decisions.at(-1);
  const authorized = decision && authorizationVerdict(decision, entries);
  // A fallback decision is the whole story of the tap, the eMSP's missing answer included.
  if (authorized && (authorized.failed || decision.rule.startsWith('FALLBACK'))) return authorized;
  // The driver got through the tap: a later failure (a session update, a CDR) is what went wrong.
  const exchange = exchangeVerdict(entries);
  return exchange.failed || !authorized ? exchange : authorized;
}

function authorizationVerdict(decision: AuthorizationRecord, entries: JournalRow[]): Verdict {
  const card = `card ${decision.token_type} ${decision.token_uid}`;
  const emsp = decision.emsp ?? 'the eMSP';
  const pair = `${decision.cpo} and ${emsp}`;
  const refused = decision.allowed !== 'ALLOWED';
  const outcome = refused ? `The driver was refused at ${decision.cpo}` : `The driver was allowed to charge at ${decision.cpo}`;
  const base = { failed: refused, rule: decision.rule };
  if (decision.rule === 'EMSP_ANSWERED') {
    if (!refused) return { ...base, blame: null, driver: `${outcome}: ${emsp} approved ${card}.`, reason: `${emsp} answered the authorization in time.`, action: 'Nothing to do.' };
    return {
      ...base,
      blame: 'EMSP',
      driver: `${outcome}: ${emsp} refused ${card}${decision.allowed ? ` (${decision.allowed})` : ''}.`,
      reason: decision.allowed ? `${emsp}, which issued the card, answered ${decision.allowed}.` : `${emsp} does not know this card.`,
      action: `The driver should contact ${emsp}, the provider of the card.`,
    };
  }
  if (decision.rule === 'UNKNOWN_TOKEN') {
    return {
      ...base,
      blame: 'EMSP',
      driver: `${outcome}: ${card} is unknown.`,
      reason: 'No eMSP on the hub has this card: no eMSP pushed it and no eMSP matches its contract-id prefix.',
      action: "Ask the driver which provider issued the card; that eMSP must connect to the hub or push its tokens. The CPO only passed the tap on.",
    };
  }
  if (decision.rule === 'UNKNOWN_RECEIVER') {
    return {
      ...base,
      blame: 'CPO',
      driver: `${outcome}: the CPO addressed the authorization to a party the hub does not know.`,
      reason: decision.detail ?? 'The OCPI-to headers name no eMSP on the hub.',
      action: `${decision.cpo} must fix the routing headers it sends.`,
    };
  }
  if (decision.rule === 'AGREEMENT_SUSPENDED') {
    return {
      ...base,
      blame: 'HUB',
      driver: `${outcome}: the roaming agreement between ${pair} is suspended.`,
      reason: `The hub refused without asking ${emsp}: the bilateral agreement between ${pair} is SUSPENDED.`,
      action: `If the suspension is intended, tell the driver ${decision.cpo} does not accept ${emsp} cards for now; otherwise resume the agreement.`,
    };
  }
  if (decision.rule === 'NO_AGREEMENT' || decision.rule === 'MODULE_NOT_AGREED') {
    return {
      ...base,
      blame: 'HUB',
      driver: `${outcome}: ${pair} have no roaming agreement for authorizations.`,
      reason: `The hub refused without asking ${emsp}: ${decision.detail ?? 'no agreement allows the pair'}.`,
      action: 'If they should roam, create a bilateral agreement or join both parties to the standard agreement.',
    };
  }
  // FALLBACK_*: the eMSP did not answer in time, the hub decided in its place.
  const unanswered = entries.find((entry) => entry.direction === 'OUT' && entry.to_party === decision.emsp && entry.blame !== null);
  const slow = unanswered ? isTimeout(unanswered) : true;
  const why = slow
    ? `${emsp} did not answer within the authorization budget${unanswered?.duration_ms ? ` (gave up after ${Math.round(unanswered.duration_ms)} ms)` : ''}`
    : `${emsp} could not be reached${unanswered?.error ? ` (${unanswered.error})` : ''}`;
  const fallback = decision.detail?.split('; policy ')[1];
  return {
    ...base,
    blame: slow ? 'EMSP' : (unanswered?.blame ?? 'NETWORK'),
    driver: `${outcome} by the hub's fallback, because ${why}.`,
    reason: `${why}; ${fallback ? `the fallback policy ${fallback}` : `the hub decided (${decision.rule})`}.`,
    action: slow
      ? `${emsp} must answer authorizations faster; or change its fallback policy.`
      : `${emsp} must fix its platform's availability; check its endpoint and network.`,
  };
}

const isTimeout = (entry: JournalRow) =>
  (entry.notes as { timeout?: boolean } | null)?.timeout === true || /within \d+ ?ms|timeout/i.test(entry.error ?? '');

const ACTION: Record<Blame, (entry: JournalRow) => string> = {
  CPO: (entry) => `The CPO must fix what it sent or answered (${entry.error ?? 'see the payload'}).`,
  EMSP: (entry) => `The eMSP must fix what it sent or answered (${entry.error ?? 'see the payload'}).`,
  HUB: () => 'The hub operator: check the receiver is connected and offers the module, and the hub logs.',
  NETWORK: (entry) => `Check that ${entry.to_party ?? 'the receiver'} is reachable at its registered endpoint.`,
  OTHER: () => 'The calling platform must fix its request (it is neither CPO nor eMSP, or not yet registered).',
};

/**
 * An exchange without an authorization decision: the verdict is the failed hop that ended first,
 * since an enclosing hop ends after the hops it waited for and only relays their failure.
 */
function exchangeVerdict(entries: JournalRow[]): Verdict {
  const cause = [...entries].sort((a, b) => a.at.getTime() - b.at.getTime() || a.id - b.id).find((entry) => entry.blame !== null);
  if (!cause) {
    return { failed: false, blame: null, rule: null, driver: 'Nothing went wrong.', reason: 'Every hop succeeded.', action: 'Nothing to do.' };
  }
  return {
    failed: true,
    blame: cause.blame,
    rule: null,
    driver: `The ${cause.module ?? 'request'} exchange failed.`,
    reason: `${describeFailure(cause)}; ${AT_FAULT[cause.blame!]}.`,
    action: ACTION[cause.blame!](cause),
  };
}

const AT_FAULT: Record<Blame, string> = {
  CPO: 'the CPO is at fault',
  EMSP: 'the eMSP is at fault',
  HUB: 'the hub is at fault',
  NETWORK: 'the network is at fault: the receiver could not be reached',
  OTHER: 'the calling platform is at fault (a party neither CPO nor eMSP, or a platform not yet registered)',
};

function describeFailure(entry: JournalRow): string {
  if (isTimeout(entry)) return `${entry.to_party ?? 'The receiver'} did not answer ${entry.method} ${entry.url} in time (${entry.error})`;
  const answer = [entry.http_status !== null && `HTTP ${entry.http_status}`, entry.ocpi_status !== null && `OCPI ${entry.ocpi_status}`]
    .filter(Boolean)
    .join(', ');
  const status = answer || 'no answer';
  // Senders record "HTTP 503" as the error when the answer said nothing more.
  const detail = entry.error && !status.includes(entry.error) ? `: ${entry.error}` : '';
  return `${entry.method} ${entry.url} (${entry.from_party ?? '?'} → ${entry.to_party ?? '?'}) failed with ${status}${detail}`;
}
