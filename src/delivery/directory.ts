import { decide, toAgreement, type Agreement, type AgreementRow } from '../hub/agreements.js';
import type { Quirks } from '../hub/quirks.js';
import { broadcastRoles, OWNER_ROLE } from '../hub/routing.js';
import type { TokenSealer } from '../hub/secrets.js';
import type { PartyRef } from '../ocpi/headers.js';
import type { Queryable } from '../store/database.js';
import type { LoggedEvent } from '../store/event-log.js';
import type { Receiver } from './receivers.js';

interface PartyRow {
  id: string;
  country_code: string;
  party_id: string;
  role: string;
  platform_id: string;
  status: string;
  standard_agreement: boolean;
}

/**
 * Parties, endpoints and agreements as delivery needs them, loaded once and kept in memory. They
 * are read again whenever the hub's directory holds a new registry snapshot, which it does after a
 * change by any hub process (LISTEN/NOTIFY, hub/directory): no lookup per event, and a change made
 * through the admin API (a quirk, a suspension) applies to the very next delivery.
 */
export class ReceiverDirectory {
  private loaded?: Snapshot;
  /** The registry snapshot `loaded` was read under: a new one means the registry changed. */
  private readUnder?: object;

  constructor(
    private readonly db: Queryable,
    private readonly sealer: TokenSealer,
    /** The hub's directory, reloaded on every registry change by any process (hub/directory). */
    private readonly registry: { current(): Promise<object> },
  ) {}

  /** The current snapshot, reloaded when the registry changed (or `force`). */
  async current(force = false): Promise<Snapshot> {
    const registry = await this.registry.current();
    if (force || !this.loaded || registry !== this.readUnder) {
      this.loaded = await Snapshot.load(this.db, this.sealer);
      this.readUnder = registry;
    }
    return this.loaded;
  }

  /** Forgets the snapshot (after this process changed a platform's status). */
  invalidate(): void {
    this.readUnder = undefined;
  }
}

export class Snapshot {
  private readonly agreementMemo = new Map<string, boolean>();
  private readonly loadedAt = Date.now();
  private readonly partyById: Map<string, PartyRow>;
  /** Parties by `CC*PID*ROLE`, CONNECTED first, then OFFLINE (as routing.findParty picks). */
  private readonly partiesByRef = new Map<string, PartyRow[]>();

  private constructor(
    readonly receivers: Map<string, Receiver>,
    private readonly parties: PartyRow[],
    private readonly agreements: Map<string, Agreement>,
    /** The party that takes a platform's configuration pushes (one per platform). */
    private readonly platformDelegate: Map<string, string>,
  ) {
    this.partyById = new Map(parties.map((p) => [p.id, p]));
    const rank = (status: string) => (status === 'CONNECTED' ? 0 : status === 'OFFLINE' ? 1 : 2);
    for (const party of [...parties].sort((a, b) => rank(a.status) - rank(b.status))) {
      const key = `${party.country_code}*${party.party_id}*${party.role}`;
      this.partiesByRef.set(key, [...(this.partiesByRef.get(key) ?? []), party]);
    }
  }

  static async load(db: Queryable, sealer: TokenSealer): Promise<Snapshot> {
    const [parties, platforms, endpoints, agreements] = await Promise.all([
      db.query<PartyRow>('SELECT id, country_code, party_id, role, platform_id, status, standard_agreement FROM parties ORDER BY id'),
      db.query<{ id: string; status: string; ocpi_version: string | null; outbound_token: string | null; quirks: Quirks | null }>(
        'SELECT id, status, ocpi_version, outbound_token, quirks FROM platforms',
      ),
      db.query<{ platform_id: string; module: string; url: string }>(`SELECT platform_id, module, url FROM endpoints WHERE role = 'RECEIVER'`),
      db.query<AgreementRow>('SELECT * FROM agreements'),
    ]);
    const endpointsOf = new Map<string, Map<string, string>>();
    for (const e of endpoints) {
      const map = endpointsOf.get(e.platform_id) ?? new Map<string, string>();
      map.set(e.module, e.url.replace(/\/+$/, ''));
      endpointsOf.set(e.platform_id, map);
    }
    const platformById = new Map(platforms.map((p) => [p.id, p]));
    const receivers = new Map<string, Receiver>();
    const delegate = new Map<string, string>();
    for (const party of parties) {
      const platform = platformById.get(party.platform_id);
      // Unregistered, or registered but PLANNED (a gated partner whose check has not passed): sent nothing.
      if (!platform?.outbound_token || !platform.ocpi_version || platform.status === 'PLANNED') continue;
      if (!delegate.has(party.platform_id)) delegate.set(party.platform_id, party.id);
      receivers.set(party.id, {
        id: party.id,
        ref: { countryCode: party.country_code, partyId: party.party_id },
        role: party.role,
        platformId: party.platform_id,
        platformStatus: platform.status,
        ocpiVersion: platform.ocpi_version,
        token: sealer.open(platform.outbound_token),
        quirks: platform.quirks ?? {},
        endpoints: endpointsOf.get(party.platform_id) ?? new Map(),
      });
    }
    const byPair = new Map<string, Agreement>();
    for (const row of agreements.map(toAgreement)) byPair.set(pairKey(row.cpo, row.emsp), row);
    return new Snapshot(receivers, parties, byPair, delegate);
  }

  /** Every party with a place in the delivery log (reachable or not: an unreachable one's cursor moves on). */
  get partyIds(): string[] {
    return [...this.partyById.keys()];
  }

  /** Whether an event goes to this receiver: its target, or a member of the broadcast audience. */
  isFor(event: LoggedEvent, receiver: Receiver): boolean {
    if (event.targetParty) return event.targetParty === receiver.id;
    if (!receiver.endpoints.has(event.module)) return false;
    if (event.module === 'hubclientinfo') {
      // Configuration pushes go to a platform once, and never about its own parties.
      const subject = this.partyById.get(event.objectId);
      return this.platformDelegate.get(receiver.platformId) === receiver.id && subject?.platform_id !== receiver.platformId;
    }
    const ownerRole = OWNER_ROLE[event.module];
    if (!ownerRole || !broadcastRoles(ownerRole).includes(receiver.role)) return false;
    const owner = this.findParty(event.owner, ownerRole);
    if (owner && owner.platform_id === receiver.platformId) return false;
    return this.agreed({ ref: event.owner, role: ownerRole }, receiver, event.module);
  }

  /** The agreement rule (hub/agreements.ts) decided in memory; windows are re-evaluated each minute. */
  private agreed(owner: { ref: PartyRef; role: string }, receiver: Receiver, module: string): boolean {
    const [cpo, emsp] = owner.role === 'CPO' ? [owner.ref, receiver.ref] : [receiver.ref, owner.ref];
    const key = `${pairKey(cpo, emsp)}|${module}|${Math.floor((Date.now() - this.loadedAt) / 60_000)}`;
    let allowed = this.agreementMemo.get(key);
    if (allowed === undefined) {
      const inStandard = (ref: PartyRef, cpoSide: boolean) =>
        this.parties.some(
          (p) => p.country_code === ref.countryCode && p.party_id === ref.partyId && (p.role === 'CPO') === cpoSide && p.standard_agreement,
        );
      allowed = decide(this.agreements.get(pairKey(cpo, emsp)), inStandard(cpo, true) && inStandard(emsp, false), module).allowed;
      this.agreementMemo.set(key, allowed);
    }
    return allowed;
  }

  /** As routing.findParty: a CONNECTED party first, then an OFFLINE one. */
  private findParty(ref: PartyRef, role: string): PartyRow | undefined {
    return this.partiesByRef.get(`${ref.countryCode}*${ref.partyId}*${role}`)?.[0];
  }
}

function pairKey(cpo: PartyRef, emsp: PartyRef): string {
  return `${cpo.countryCode}*${cpo.partyId}>${emsp.countryCode}*${emsp.partyId}`;
}
