import { formatParty, type PartyRef } from '../../ocpi/headers.js';
import type { OcpiVersion } from '../../ocpi/translate/index.js';
import type { Queryable } from '../../store/database.js';
import { decide, toAgreement, type Agreement, type AgreementDecision, type AgreementRow } from '../agreements.js';
import type { AuthorizationFallback } from '../party-settings.js';
import {
  toParty,
  toPlatform,
  type InterfaceRole,
  type Party,
  type PartyRow,
  type Platform,
  type PlatformRow,
  type TokenKind,
} from '../registry.js';
import type { RoutedParty } from '../routing.js';
import { isTransit, neighbourHubs } from '../peering/rules.js';

/** A party with the operator's settings that routing needs. */
export interface DirectoryParty extends Party {
  standardAgreement: boolean;
  authorizationFallback: AuthorizationFallback;
}

/** Where and how to call one interface of a platform. */
export interface CallTarget {
  url: string;
  platform: Platform;
  ocpiVersion: OcpiVersion | null;
}

const STATUS_PREFERENCE: Record<string, number> = { CONNECTED: 0, OFFLINE: 1 };

/**
 * The registry as one process sees it at one moment: platforms, the digests of the tokens they
 * present, parties, endpoints and agreements. Answers the questions routing asks on every
 * request, from memory. Immutable; a change builds a new one.
 */
export class RegistrySnapshot {
  private readonly partiesByPlatform = new Map<string, DirectoryParty[]>();
  private readonly partiesByRef = new Map<string, DirectoryParty[]>();
  private readonly partiesById = new Map<string, DirectoryParty>();
  private readonly agreements = new Map<string, Agreement>();
  private readonly endpoints = new Map<string, string>();
  private readonly receiverEndpoints = new Map<string, Map<string, string>>();
  /** The platforms that are neighbouring hubs (peering/rules.ts). */
  readonly hubs: ReadonlySet<string>;

  private constructor(
    private readonly platforms: Map<string, Platform>,
    private readonly tokenDigests: Map<string, { platformId: string; kind: TokenKind; expiresAt: number | null }>,
    parties: DirectoryParty[],
    agreements: Agreement[],
    endpoints: { platform_id: string; module: string; role: InterfaceRole; url: string }[],
  ) {
    for (const party of parties) {
      push(this.partiesByPlatform, party.platformId, party);
      push(this.partiesByRef, formatParty(party), party);
      this.partiesById.set(party.id, party);
    }
    for (const agreement of agreements) this.agreements.set(pairKey(agreement.cpo, agreement.emsp), agreement);
    for (const endpoint of endpoints) {
      this.endpoints.set(endpointKey(endpoint.platform_id, endpoint.module, endpoint.role), endpoint.url);
      if (endpoint.role !== 'RECEIVER') continue;
      const ofPlatform = this.receiverEndpoints.get(endpoint.platform_id) ?? new Map<string, string>();
      ofPlatform.set(endpoint.module, endpoint.url);
      this.receiverEndpoints.set(endpoint.platform_id, ofPlatform);
    }
    this.hubs = neighbourHubs(parties);
  }

  static async load(db: Queryable): Promise<RegistrySnapshot> {
    const [platforms, tokens, parties, agreements, endpoints] = await Promise.all([
      db.query<PlatformRow>('SELECT * FROM platforms'),
      db.query<{ token_hash: string; platform_id: string; kind: TokenKind; expires_at: Date | null }>(
        'SELECT token_hash, platform_id, kind, expires_at FROM platform_tokens',
      ),
      db.query<PartyRow & { standard_agreement: boolean; authorization_fallback: AuthorizationFallback }>(
        'SELECT * FROM parties ORDER BY created_at, role, country_code, party_id',
      ),
      db.query<AgreementRow>('SELECT * FROM agreements'),
      db.query<{ platform_id: string; module: string; role: InterfaceRole; url: string }>(
        'SELECT platform_id, module, role, url FROM endpoints',
      ),
    ]);
    return new RegistrySnapshot(
      new Map(platforms.map((row) => [row.id, toPlatform(row)])),
      new Map(
        tokens.map((row) => [row.token_hash, { platformId: row.platform_id, kind: row.kind, expiresAt: row.expires_at?.getTime() ?? null }]),
      ),
      parties.map((row) => ({
        ...toParty(row),
        standardAgreement: row.standard_agreement,
        authorizationFallback: row.authorization_fallback,
      })),
      agreements.map(toAgreement),
      endpoints,
    );
  }

  /** The platform presenting a token, by the token's digest. */
  platformByDigest(digest: string): { platform: Platform; kind: TokenKind } | undefined {
    const token = this.tokenDigests.get(digest);
    // A registration token (token A) stops working when it expires, whenever the registry was read.
    if (token?.expiresAt != null && token.expiresAt <= Date.now()) return undefined;
    const platform = token && this.platforms.get(token.platformId);
    return platform && { platform, kind: token.kind };
  }

  platform(id: string): Platform | undefined {
    return this.platforms.get(id);
  }

  /** Every party, in the order they were registered. */
  get parties(): DirectoryParty[] {
    return [...this.partiesById.values()];
  }

  /** A platform's Receiver interface URLs by module. */
  receiverUrls(platformId: string): ReadonlyMap<string, string> {
    return this.receiverEndpoints.get(platformId) ?? new Map();
  }

  partiesOf(platformId: string): DirectoryParty[] {
    return this.partiesByPlatform.get(platformId) ?? [];
  }

  /** Every role this hub knows under a party's country code and party id, on any platform. */
  namesakes(ref: PartyRef): DirectoryParty[] {
    return this.partiesByRef.get(formatParty(ref)) ?? [];
  }

  /** A party by its identity, of one of `roles`; a connected role is preferred (as routing.findParty). */
  findParty(ref: PartyRef, roles?: string[]): RoutedParty | undefined {
    const upper = { countryCode: ref.countryCode.toUpperCase(), partyId: ref.partyId.toUpperCase() };
    const candidates = (this.partiesByRef.get(formatParty(upper)) ?? []).filter((p) => !roles || roles.includes(p.role));
    const [best] = candidates.sort((a, b) => (STATUS_PREFERENCE[a.status] ?? 2) - (STATUS_PREFERENCE[b.status] ?? 2));
    return best && { id: best.id, ref: upper, role: best.role, platformId: best.platformId, status: best.status };
  }

  partyById(id: string): DirectoryParty | undefined {
    return this.partiesById.get(id);
  }

  /** The agreement between the two ends of a route, whichever of them is the CPO (as routing.agreementFor). */
  agreement(a: { ref: PartyRef; role: string }, b: { ref: PartyRef; role: string }, module: string): AgreementDecision {
    const [cpo, emsp] = a.role === 'CPO' ? [a.ref, b.ref] : [b.ref, a.ref];
    const roles = (ref: PartyRef) => this.partiesByRef.get(formatParty(ref)) ?? [];
    const cpoStandard = roles(cpo).some((p) => p.role === 'CPO' && p.standardAgreement);
    const emspStandard = roles(emsp).some((p) => p.role !== 'CPO' && p.standardAgreement);
    return decide(this.agreements.get(pairKey(cpo, emsp)), cpoStandard && emspStandard, module);
  }

  /** The owners of `module` objects a requester may see; none across two neighbouring hubs (peering/rules.ts). */
  visibleOwners(requester: Pick<RoutedParty, 'ref' | 'role' | 'platformId'>, module: string, ownerRole: string): PartyRef[] {
    const seen = new Set<string>();
    const visible: PartyRef[] = [];
    for (const parties of this.partiesByRef.values()) {
      for (const party of parties) {
        const ref = { countryCode: party.countryCode, partyId: party.partyId };
        if (party.role !== ownerRole || seen.has(formatParty(ref))) continue;
        if (isTransit(party.platformId, requester.platformId, this.hubs)) continue;
        seen.add(formatParty(ref));
        if (this.agreement({ ref, role: party.role }, requester, module).allowed) visible.push(ref);
      }
    }
    return visible;
  }

  /** The URL of a platform's interface, with the platform to call it as; undefined when it offers none. */
  target(platformId: string, module: string, role: InterfaceRole): CallTarget | undefined {
    const url = this.endpoints.get(endpointKey(platformId, module, role));
    const platform = this.platforms.get(platformId);
    return url && platform ? { url, platform, ocpiVersion: platform.ocpiVersion as OcpiVersion | null } : undefined;
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

const pairKey = (cpo: PartyRef, emsp: PartyRef) => `${formatParty(cpo)}>${formatParty(emsp)}`;
const endpointKey = (platformId: string, module: string, role: string) => `${platformId} ${module} ${role}`;
