import type { RegistrySnapshot } from '../hub/directory/snapshot.js';
import { isTransit } from '../hub/peering/rules.js';
import { broadcastRoles, OWNER_ROLE } from '../hub/routing.js';
import type { TokenSealer } from '../hub/secrets.js';
import type { LoggedEvent } from '../store/event-log.js';
import type { Receiver } from './receivers.js';

/** A party behind a neighbouring hub in these states takes no pushes (mod_hub_client_info: no requests can be sent). */
const UNREACHABLE = new Set(['PLANNED', 'SUSPENDED']);

/**
 * The receivers as delivery needs them, derived from the hub's directory (hub/directory), which
 * every hub process keeps current through LISTEN/NOTIFY: no look-up per event, and a change made
 * through the admin API (a quirk, a suspension) applies to the very next delivery.
 */
export class ReceiverDirectory {
  private derived?: Snapshot;

  constructor(
    private readonly sealer: TokenSealer,
    private readonly registry: { current(): Promise<RegistrySnapshot> },
  ) {}

  /** The current snapshot, derived again when the registry changed. */
  async current(): Promise<Snapshot> {
    const registry = await this.registry.current();
    if (this.derived?.registry !== registry) this.derived = Snapshot.of(registry, this.sealer);
    return this.derived;
  }
}

/**
 * The owner and module of a broadcast event: every event of one audience goes to the same
 * receivers. Made once per event, since each receiver of a round asks about the same events.
 */
const audiencesOfEvents = new WeakMap<LoggedEvent, string>();

function audienceOf(event: LoggedEvent): string {
  let audience = audiencesOfEvents.get(event);
  if (audience === undefined) {
    audience = `${event.module}|${event.owner.countryCode}*${event.owner.partyId}`;
    audiencesOfEvents.set(event, audience);
  }
  return audience;
}

/** An agreement's validity window opens and closes at an instant: a decision holds this long. */
const AUDIENCE_MEMO_MS = 60_000;

export class Snapshot {
  /**
   * Per receiver, whether broadcast events of an audience go to it. A receiver catching up asks
   * about thousands of events a round, of a few owners: deciding each one anew (party look-ups,
   * the agreement rule) took an eighth of a delivering process's time while it caught up.
   */
  private audienceMemo = new Map<string, Map<string, boolean>>();
  private memoStartedAt = Date.now();
  private orderedPartyIds?: string[];

  private constructor(
    readonly registry: RegistrySnapshot,
    readonly receivers: Map<string, Receiver>,
    /** The party that takes a platform's configuration pushes (one per platform). */
    private readonly platformDelegate: Map<string, string>,
  ) {}

  static of(registry: RegistrySnapshot, sealer: TokenSealer): Snapshot {
    const receivers = new Map<string, Receiver>();
    const delegate = new Map<string, string>();
    for (const party of registry.parties) {
      const platform = registry.platform(party.platformId);
      // Unregistered, or registered but PLANNED (a gated partner whose check has not passed): sent nothing.
      if (!platform?.sealedOutboundToken || !platform.ocpiVersion || platform.status === 'PLANNED') continue;
      // A party of the platform's own credentials, not one behind it, stands for the platform.
      if (!delegate.has(party.platformId) && party.behindHub === null) delegate.set(party.platformId, party.id);
      const endpoints = new Map([...registry.receiverUrls(party.platformId)].map(([module, url]) => [module, url.replace(/\/+$/, '')]));
      receivers.set(party.id, {
        id: party.id,
        ref: { countryCode: party.countryCode, partyId: party.partyId },
        role: party.role,
        platformId: party.platformId,
        platformStatus: platform.status,
        ocpiVersion: platform.ocpiVersion,
        token: sealer.open(platform.sealedOutboundToken),
        quirks: platform.quirks,
        endpoints,
        viaNeighbour: registry.hubs.has(party.platformId),
      });
    }
    return new Snapshot(registry, receivers, delegate);
  }

  /**
   * Every party with a place in the delivery log (reachable or not: an unreachable one's cursor
   * moves on), by role and then id: the same order in every process, with parties of one role
   * (which receive alike: every CPO's locations go to each eMSP) side by side, so that dealing
   * them out in turn gives each delivering process its share of each role.
   */
  get partyIds(): string[] {
    this.orderedPartyIds ??= [...this.registry.parties]
      .sort((a, b) => (a.role === b.role ? (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) : a.role < b.role ? -1 : 1))
      .map((party) => party.id);
    return this.orderedPartyIds;
  }

  /** Whether an event goes to this receiver: its target, or a member of the broadcast audience. */
  isFor(event: LoggedEvent, receiver: Receiver): boolean {
    if (event.targetParty) return event.targetParty === receiver.id;
    if (event.module === 'hubclientinfo') return receiver.endpoints.has(event.module) && this.takesClientInfo(event, receiver);
    const now = Date.now();
    if (now - this.memoStartedAt >= AUDIENCE_MEMO_MS) {
      this.audienceMemo = new Map();
      this.memoStartedAt = now;
    }
    let ofReceiver = this.audienceMemo.get(receiver.id);
    if (!ofReceiver) this.audienceMemo.set(receiver.id, (ofReceiver = new Map()));
    const audience = audienceOf(event);
    let reached = ofReceiver.get(audience);
    if (reached === undefined) {
      reached = this.reachedByBroadcast(event, receiver);
      ofReceiver.set(audience, reached);
    }
    return reached;
  }

  /** Configuration pushes (hub client info) go to a platform once, and never about its own parties. */
  private takesClientInfo(event: LoggedEvent, receiver: Receiver): boolean {
    // A neighbouring hub hears only of this hub's own parties.
    const subject = this.registry.partyById(event.objectId);
    if (receiver.viaNeighbour && subject && this.registry.hubs.has(subject.platformId)) return false;
    return this.platformDelegate.get(receiver.platformId) === receiver.id && subject?.platformId !== receiver.platformId;
  }

  /** Whether a broadcast event (of an owner's objects) goes to this receiver: its role, its platform, the agreement. */
  private reachedByBroadcast(event: LoggedEvent, receiver: Receiver): boolean {
    if (!receiver.endpoints.has(event.module)) return false;
    const ownerRole = OWNER_ROLE[event.module];
    if (!ownerRole || !broadcastRoles(ownerRole).includes(receiver.role)) return false;
    const owner = this.registry.findParty(event.owner, [ownerRole]);
    if (owner && owner.platformId === receiver.platformId) return false;
    if (owner && isTransit(owner.platformId, receiver.platformId, this.registry.hubs)) return false;
    const party = this.registry.partyById(receiver.id);
    if (party?.behindHub && UNREACHABLE.has(party.status)) return false;
    return this.registry.agreement({ ref: event.owner, role: ownerRole }, { ref: receiver.ref, role: receiver.role }, event.module).allowed;
  }
}
