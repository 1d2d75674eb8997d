/**
 * What every translator shares: the result shape (value + losses), the lookups the hub backs with its
 * store, and the loss log that builds JSON paths.
 */
import type { Location, Role, Tariff, Token, TokenType } from '../v2_2_1/index.js';

export type LossKind = 'dropped' | 'defaulted' | 'approximated';

/** An object the target version cannot express at all: it is not sent, and the reason is journaled. */
export class UnsupportedTranslationError extends Error {
  override name = 'UnsupportedTranslationError';
}

/** One thing the target version could not carry as it was. `path` is a JSON path into the input value. */
export interface Loss {
  path: string;
  reason: string;
  kind: LossKind;
}

export interface Translated<T> {
  value: T;
  losses: Loss[];
}

export interface PartyRef {
  countryCode: string;
  partyId: string;
  /** The party's role when the hub knows it (2.1.1 credentials carry none). */
  role?: Role;
}

export interface TranslationContext {
  /**
   * The party the older-version side attributes the object to: the 2.1.1 connection's party, or the
   * owner in the URL (…/{country_code}/{party_id}/…). Translating from 2.1.1 fills country_code and
   * party_id from it; translating to 2.1.1 reports the object's owner as lost when it is another party.
   */
  owner: PartyRef;
  /** The canonical Location with this id, to rebuild 2.1.1 Session/CDR locations and check references. */
  findLocation(id: string): Location | undefined;
  /** The canonical Token with this uid (and type), e.g. for AuthorizationInfo.token. */
  findToken(uid: string, type?: TokenType): Token | undefined;
  /** The canonical Token with this contract id: 2.1.1's auth_id ⇄ 2.2.1's cdr_token. */
  findTokenByContractId(contractId: string): Token | undefined;
  /** Optional: the canonical Tariff with this id, to pick the REGULAR one of several tariff_ids for 2.1.1. */
  findTariff?(id: string): Tariff | undefined;
  /** Optional: the IANA time zone at these coordinates, for 2.1.1 Locations without time_zone. */
  timeZoneFor?(latitude: string, longitude: string): string | undefined;
  /** The token of the authorize request (`tokens/{uid}/authorize?type=`), which a 2.1.1 AuthorizationInfo lacks. */
  authorizeRequest?: { tokenUid: string; tokenType?: TokenType };
  /** The current time as an RFC 3339 date-time; defaults to the system clock. */
  now?(): string;
}

/** Collects losses under a JSON path; `at` gives a child log that writes into the same list. */
export class LossLog {
  constructor(
    readonly path = '$',
    readonly entries: Loss[] = [],
  ) {}

  at(key: string | number): LossLog {
    return new LossLog(childPath(this.path, key), this.entries);
  }

  dropped(key: string | number | undefined, reason: string): void {
    this.add(key, reason, 'dropped');
  }

  defaulted(key: string | number | undefined, reason: string): void {
    this.add(key, reason, 'defaulted');
  }

  approximated(key: string | number | undefined, reason: string): void {
    this.add(key, reason, 'approximated');
  }

  private add(key: string | number | undefined, reason: string, kind: LossKind): void {
    this.entries.push({ path: key === undefined ? this.path : childPath(this.path, key), reason, kind });
  }
}

/** `$.a` + `b` → `$.a.b`; + 0 → `$.a[0]`; odd keys are quoted: `$.a["x-y"]`. */
export function childPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

/** Runs a translator body with a fresh loss log. */
export function translated<T>(build: (log: LossLog) => T): Translated<T> {
  const log = new LossLog();
  const value = build(log);
  return { value, losses: log.entries };
}

export function nowOf(ctx: Pick<TranslationContext, 'now'>): string {
  return ctx.now?.() ?? new Date().toISOString();
}

/** Whether the party in an object is the context's owner (CiStrings compare case-insensitively). */
export function isOwner(ctx: TranslationContext, countryCode: unknown, partyId: unknown): boolean {
  return (
    typeof countryCode === 'string' &&
    typeof partyId === 'string' &&
    countryCode.toUpperCase() === ctx.owner.countryCode.toUpperCase() &&
    partyId.toUpperCase() === ctx.owner.partyId.toUpperCase()
  );
}

/** Keeps the values the target enum knows; every other one is reported at its index. */
export function keepKnown<T extends string>(
  values: readonly string[],
  known: readonly T[],
  log: LossLog,
  what: string,
): T[] {
  return values.filter((value, index): value is T => {
    if ((known as readonly string[]).includes(value)) return true;
    log.dropped(index, `${what} ${value} does not exist in the target version`);
    return false;
  });
}
