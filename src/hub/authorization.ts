import { randomUUID } from 'node:crypto';
import { envelope, success, type OcpiEnvelope } from '../ocpi/envelope.js';
import { formatParty, type PartyRef } from '../ocpi/headers.js';
import { OcpiStatus } from '../ocpi/status.js';
import type {
  AllowedType,
  AuthorizationInfo,
  LocationReferences,
  Token,
  TokenType,
  WhitelistType,
} from '../ocpi/v2_2_1/index.js';
import { contractFallback, emaidOwner, type ContractFallbackRule } from '../pnc/authorization.js';
import type { AgreementBasis } from './agreements.js';
import type { HubContext } from './context.js';
import { forward } from './forward.js';
import type { Blame } from './journal.js';
import { observeAuthorization } from './metrics.js';
import type { AuthorizationFallback } from './party-settings.js';
import { objectKey } from './push.js';
import type { RegistrySnapshot } from './directory/snapshot.js';
import type { RoutedParty } from './routing.js';

/**
 * Real-time authorization through the hub (mod_tokens → Real-time authorization). A CPO asks; the
 * hub finds the eMSP that owns the token, checks their agreement and forwards within a time budget.
 * When the eMSP does not answer in time, the eMSP's fallback policy decides from the hub's copy of
 * the token. Every decision is recorded with the rule that made it.
 */

/** The rule behind a decision, as stored in `authorizations.rule` and the journal's notes. */
export type AuthorizationRule =
  | 'EMSP_ANSWERED'
  | 'UNKNOWN_TOKEN'
  | 'UNKNOWN_RECEIVER'
  | 'NO_AGREEMENT'
  | 'AGREEMENT_SUSPENDED'
  | 'MODULE_NOT_AGREED'
  | 'FALLBACK_NO_TOKEN'
  | 'FALLBACK_TOKEN_INVALID'
  | `FALLBACK_WHITELIST_${WhitelistType}`
  | 'FALLBACK_DENY'
  | 'FALLBACK_ALLOW'
  | ContractFallbackRule;

export interface FallbackDecision {
  allowed: AllowedType;
  rule: AuthorizationRule;
  /** Why, in words: for the operator and the driver. */
  reason: string;
}

/** The whitelist values that let a token charge while its eMSP is offline (WhitelistType: all but NEVER). */
const OFFLINE_WHITELISTS: ReadonlySet<WhitelistType> = new Set(['ALWAYS', 'ALLOWED', 'ALLOWED_OFFLINE']);

/**
 * The hub's decision for a token whose eMSP did not answer. TOKEN_WHITELIST does what the spec asks
 * of a CPO that cannot reach the eMSP: honour `valid` and `whitelist`. DENY refuses everything;
 * ALLOW lets every valid token charge.
 */
export function fallbackDecision(policy: AuthorizationFallback, token: Pick<Token, 'valid' | 'whitelist'>): FallbackDecision {
  if (policy === 'DENY') {
    return { allowed: 'NOT_ALLOWED', rule: 'FALLBACK_DENY', reason: 'the eMSP allows no charging without its own approval' };
  }
  if (!token.valid) return { allowed: 'NOT_ALLOWED', rule: 'FALLBACK_TOKEN_INVALID', reason: 'the token is not valid' };
  if (policy === 'ALLOW') {
    return { allowed: 'ALLOWED', rule: 'FALLBACK_ALLOW', reason: 'the eMSP allows every valid token to charge' };
  }
  const whitelisted = OFFLINE_WHITELISTS.has(token.whitelist);
  return {
    allowed: whitelisted ? 'ALLOWED' : 'NOT_ALLOWED',
    rule: `FALLBACK_WHITELIST_${token.whitelist}`,
    reason: whitelisted
      ? `whitelist ${token.whitelist} lets the token charge without the eMSP`
      : 'whitelist NEVER requires the approval of the eMSP',
  };
}

/** The eMSP a contract-id style uid names: `US-MS1-C12345678`, `US*MS1…` or `USMS1…`. */
export function contractPrefix(uid: string): PartyRef | undefined {
  const match = /^([A-Za-z]{2})[-*]?([A-Za-z0-9]{3})/.exec(uid);
  return match ? { countryCode: match[1].toUpperCase(), partyId: match[2].toUpperCase() } : undefined;
}

export interface AuthorizationRequest {
  /** The CPO party that asks. */
  cpo: RoutedParty;
  /** The OCPI-to headers, when the CPO sent them. */
  to?: PartyRef;
  uid: string;
  type: TokenType;
  location?: LocationReferences;
  correlationId: string;
}

/** What to answer the CPO. */
export interface AuthorizationAnswer {
  httpStatus: number;
  body: OcpiEnvelope;
  headers: Record<string, string>;
}

/** How the hub found the eMSP: kept in the decision's detail. */
type FoundBy = 'HEADERS' | 'TOKEN_STORE' | 'CONTRACT_POOL' | 'CONTRACT_PREFIX';

interface TokenOwner {
  emsp: RoutedParty;
  foundBy: FoundBy;
  /** The hub's copy of the token, when the eMSP pushed it. */
  cached?: Token;
}

interface Outcome {
  answer: AuthorizationAnswer;
  rule: AuthorizationRule;
  detail: string;
  emsp?: RoutedParty;
  /** The authorization_reference the hub issued, if any; it becomes the decision's id. */
  reference?: string;
}

/**
 * Decides an authorization with nothing but memory on the way to the eMSP: the token's eMSP, the
 * agreement and the endpoint come from the directory; the decision and its journal entry are
 * written after the answer. A burst from one CPO waits only for its own slots at its eMSPs
 * (authorization-slots.ts), never ahead of another CPO's drivers.
 */
export async function authorize(hub: HubContext, request: AuthorizationRequest): Promise<AuthorizationAnswer> {
  // The budget covers the hub's own look-ups too: the driver waits for all of it.
  const deadline = Date.now() + hub.config.authorizationTimeoutMs;
  const directory = await hub.directory.current();
  const owner =
    knownOwner(hub, directory, request) ?? (await contractPoolOwner(hub, request)) ?? prefixOwner(directory, request);
  if (!owner) return conclude(hub, request, unknownOwner(hub, request));

  const { emsp } = owner;
  const agreement = directory.agreement(request.cpo, emsp, 'tokens');
  if (!agreement.allowed) return conclude(hub, request, refusedByAgreement(request, owner, agreement.basis));

  // Waiting for a slot ends with a tenth of the budget left: a call made later could hardly come
  // back in time, and would only add to the load of an eMSP that is slow already.
  const slot = await hub.authorizationSlots.take(`${request.cpo.id}>${emsp.id}`, deadline - hub.config.authorizationTimeoutMs / 10);
  if (!slot) {
    const waited = `eMSP found by ${owner.foundBy}; ${hub.config.authorizationsPerCpoAndEmsp} earlier authorizations of this CPO were still open at the eMSP, and no slot came free in time to ask it`;
    return decideWithout(hub, directory, request, owner, waited);
  }
  let result;
  try {
    result = await askTheEmsp(hub, request, emsp, deadline);
  } finally {
    slot();
  }
  if (result.answered) {
    const detail = `eMSP found by ${owner.foundBy}; it answered HTTP ${result.httpStatus}, OCPI ${result.body.status_code}`;
    return conclude(hub, request, { answer: result, rule: 'EMSP_ANSWERED', detail, emsp });
  }
  return decideWithout(hub, directory, request, owner, `eMSP found by ${owner.foundBy}; ${result.body.status_message ?? `OCPI ${result.body.status_code}`}`);
}

/** The authorization forwarded to the eMSP, within what is left of the budget. */
function askTheEmsp(hub: HubContext, request: AuthorizationRequest, emsp: RoutedParty, deadline: number) {
  const query = new URLSearchParams({ type: request.type });
  return forward(hub, {
    from: request.cpo,
    to: emsp,
    module: 'tokens',
    interfaceRole: 'SENDER',
    method: 'POST',
    path: `/${encodeURIComponent(request.uid)}/authorize?${query}`,
    body: request.location,
    correlationId: request.correlationId,
    objectId: tokenKey(request),
    timeoutMs: Math.max(1, deadline - Date.now()),
    bodyKind: request.location ? 'LocationReferences' : undefined,
    answerKind: 'AuthorizationInfo',
    owner: emsp.ref,
    authorizeRequest: { tokenUid: request.uid, tokenType: request.type },
  });
}

/** The eMSP gave no answer in time: its fallback policy decides from the hub's copy of the token. */
async function decideWithout(
  hub: HubContext,
  directory: RegistrySnapshot,
  request: AuthorizationRequest,
  owner: TokenOwner,
  unanswered: string,
): Promise<AuthorizationAnswer> {
  const { emsp, cached } = owner;
  const policy = directory.partyById(emsp.id)?.authorizationFallback ?? 'TOKEN_WHITELIST';
  // Without a token copy, a Plug & Charge contract in the pool may stand for it.
  const contract = cached ? undefined : await contractFallback(hub.db, request, emsp, policy);
  return conclude(hub, request, fallback(request, emsp, cached ?? contract?.token, policy, unanswered, contract?.decision));
}

/** The token's eMSP as the hub knows it: named in the OCPI-to headers, else the owner of the hub's copy. */
function knownOwner(hub: HubContext, directory: RegistrySnapshot, request: AuthorizationRequest): TokenOwner | undefined {
  const key = tokenKey(request);
  const tokens = hub.directory.tokens;
  const addressed = addressedParty(hub, request);
  if (addressed) {
    const emsp = directory.findParty(addressed, ['EMSP']);
    return emsp && { emsp, foundBy: 'HEADERS', cached: tokens.get(emsp.ref, key)?.data };
  }
  for (const stored of tokens.find(key)) {
    const emsp = directory.findParty(stored.owner, ['EMSP']);
    if (emsp) return { emsp, foundBy: 'TOKEN_STORE', cached: stored.data };
  }
  return undefined;
}

/** Last resort: the eMSP whose party id the uid's contract prefix names. */
function prefixOwner(directory: RegistrySnapshot, request: AuthorizationRequest): TokenOwner | undefined {
  const prefix = contractPrefix(request.uid);
  const emsp = prefix && directory.findParty(prefix, ['EMSP']);
  // The store held no copy under any owner, so there is nothing cached to look up.
  return emsp ? { emsp, foundBy: 'CONTRACT_PREFIX' } : undefined;
}

/** An EMAID nobody pushed as a token: the MO that published its contract in the Plug & Charge pool. */
async function contractPoolOwner(hub: HubContext, request: AuthorizationRequest): Promise<TokenOwner | undefined> {
  const emsp = await emaidOwner(hub.db, request.uid);
  return emsp && { emsp, foundBy: 'CONTRACT_POOL' };
}

/** The party the OCPI-to headers name, unless they name the hub itself. */
function addressedParty(hub: HubContext, request: AuthorizationRequest): PartyRef | undefined {
  const to = request.to;
  return to && formatParty(to) !== formatParty(hub.config.party) ? to : undefined;
}

function tokenKey(request: AuthorizationRequest): string {
  return objectKey('tokens', request.uid, request.type);
}

/** No eMSP found: 4001 when the headers named an unknown party, else the spec's unknown token (404, 2004). */
function unknownOwner(hub: HubContext, request: AuthorizationRequest): Outcome {
  const addressed = addressedParty(hub, request);
  if (addressed) {
    const detail = `OCPI-to names ${formatParty(addressed)}, which is no eMSP the hub knows`;
    const body = envelope(OcpiStatus.UNKNOWN_RECEIVER, undefined, `Unknown receiver ${formatParty(addressed)}`);
    return { answer: answer(200, body), rule: 'UNKNOWN_RECEIVER', detail };
  }
  const detail = 'no OCPI-to headers, no copy in the token store, no known eMSP in the contract prefix';
  return { answer: unknownToken(`Unknown token ${request.type} ${request.uid}`), rule: 'UNKNOWN_TOKEN', detail };
}

/** The recorded rule names the agreement's state: a suspension is not the absence of an agreement. */
const RULE_OF_BASIS: Partial<Record<AgreementBasis, AuthorizationRule>> = {
  BILATERAL_SUSPENDED: 'AGREEMENT_SUSPENDED',
  MODULE_NOT_AGREED: 'MODULE_NOT_AGREED',
};

/** No agreement, no authorization; the eMSP is not asked. Without a cached token there is no AuthorizationInfo to give. */
function refusedByAgreement(request: AuthorizationRequest, owner: TokenOwner, basis: AgreementBasis): Outcome {
  const emsp = formatParty(owner.emsp.ref);
  const pair = `${formatParty(request.cpo.ref)} and ${emsp}`;
  const detail =
    basis === 'BILATERAL_SUSPENDED'
      ? `the bilateral agreement between ${pair} is suspended`
      : `no roaming agreement between ${pair} for tokens (${basis})`;
  const answer = owner.cached
    ? authorizationInfo({
        allowed: 'NOT_ALLOWED',
        token: owner.cached,
        info: { language: 'en', text: `This charge point operator has no roaming agreement with ${emsp}.` },
      })
    : unknownToken(`Unknown token ${request.type} ${request.uid}`);
  return { answer, rule: RULE_OF_BASIS[basis] ?? 'NO_AGREEMENT', detail, emsp: owner.emsp };
}

/**
 * The hub decides in the eMSP's place. Without a copy of the token the hub cannot fill the
 * AuthorizationInfo (its `token` is required), so it answers unknown token, which a CPO treats as
 * a refusal. The location is echoed only when allowed: the spec returns it for permitted charging.
 */
function fallback(
  request: AuthorizationRequest,
  emsp: RoutedParty,
  cached: Token | undefined,
  policy: AuthorizationFallback,
  unanswered: string,
  decided?: FallbackDecision,
): Outcome {
  const name = formatParty(emsp.ref);
  if (!cached) {
    const message = `${name} did not answer and the hub holds no copy of token ${request.type} ${request.uid}`;
    return { answer: unknownToken(message), rule: 'FALLBACK_NO_TOKEN', detail: unanswered, emsp };
  }
  const decision = decided ?? fallbackDecision(policy, cached);
  const reference = randomUUID();
  const info: AuthorizationInfo = {
    allowed: decision.allowed,
    token: cached,
    authorization_reference: reference,
    info: { language: 'en', text: `${name} did not answer in time, so the roaming hub decided: ${decision.reason}.` },
  };
  if (decision.allowed === 'ALLOWED' && request.location) info.location = request.location;
  const detail = `${unanswered}; policy ${policy}: ${decision.reason}`;
  return { answer: authorizationInfo(info), rule: decision.rule, detail, emsp, reference };
}

function answer(httpStatus: number, body: OcpiEnvelope): AuthorizationAnswer {
  return { httpStatus, body, headers: {} };
}

function authorizationInfo(info: AuthorizationInfo): AuthorizationAnswer {
  return answer(200, success(info));
}

function unknownToken(message: string): AuthorizationAnswer {
  return answer(404, envelope(OcpiStatus.UNKNOWN_TOKEN, undefined, message));
}

/** Whose side a refusal is: the eMSP's card, the CPO's addressing, or the hub's agreements. */
function refusalBlame(rule: AuthorizationRule): Blame {
  if (rule === 'UNKNOWN_RECEIVER') return 'CPO';
  if (rule === 'NO_AGREEMENT' || rule === 'AGREEMENT_SUSPENDED' || rule === 'MODULE_NOT_AGREED') return 'HUB';
  return 'EMSP';
}

/**
 * Gives the answer, and records the decision with its rule (table `authorizations` and the
 * journal, both written in the journal writer's batches): the driver does not wait for the database.
 */
function conclude(hub: HubContext, request: AuthorizationRequest, outcome: Outcome): AuthorizationAnswer {
  const { answer, rule, detail, emsp } = outcome;
  const data = answer.body.data as { allowed?: unknown } | undefined;
  const allowed = typeof data?.allowed === 'string' ? data.allowed : null;
  observeAuthorization({ cpo: formatParty(request.cpo.ref), emsp: emsp ? formatParty(emsp.ref) : null, allowed, rule });
  // The answer to the CPO, from whoever decided: the eMSP when it answered, else the hub.
  hub.journalWriter.record({
    direction: 'OUT',
    correlationId: request.correlationId,
    fromParty: rule === 'EMSP_ANSWERED' && emsp ? formatParty(emsp.ref) : formatParty(hub.config.party),
    toParty: formatParty(request.cpo.ref),
    module: 'tokens',
    method: 'POST',
    url: '(authorization decision)',
    objectId: tokenKey(request),
    httpStatus: answer.httpStatus,
    ocpiStatus: answer.body.status_code,
    responseBody: answer.body,
    notes: { rule },
    // A refused driver is a failed journey even when every hop answered 200.
    ...(allowed === 'ALLOWED' ? {} : { blame: refusalBlame(rule), error: detail }),
  });
  hub.journalWriter.recordDecision({
    id: outcome.reference ?? randomUUID(),
    at: new Date(),
    correlationId: request.correlationId,
    cpo: formatParty(request.cpo.ref),
    emsp: emsp ? formatParty(emsp.ref) : null,
    tokenUid: request.uid,
    tokenType: request.type,
    allowed,
    rule,
    detail: detail ?? null,
  });
  return answer;
}
