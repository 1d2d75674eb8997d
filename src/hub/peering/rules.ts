import { formatParty, type PartyRef } from '../../ocpi/headers.js';
import { OcpiError, OcpiStatus } from '../../ocpi/status.js';
import type { BehindHubSource, ConnectionStatus } from '../registry.js';

/**
 * The routing rules of hub peering. A platform that declared role HUB is a neighbouring hub; the
 * parties behind it are rows of its platform. Messages pass between this hub's own parties and
 * parties behind a neighbour, never from one neighbour to another: each hub tells its neighbours
 * only about its own parties, so a relay between two neighbours would reach a party that the
 * receiving hub cannot place.
 */

/** What the rules need to know of a party. */
export interface PartyPlace {
  platformId: string;
  role: string;
  behindHub: BehindHubSource | null;
  status: ConnectionStatus | string;
}

/** The platforms that are neighbouring hubs: those that declared role HUB in their credentials. */
export function neighbourHubs(parties: Iterable<PartyPlace>): Set<string> {
  const hubs = new Set<string>();
  for (const party of parties) if (party.role === 'HUB' && party.behindHub === null) hubs.add(party.platformId);
  return hubs;
}

/** A message between two parties that are both reached through neighbouring hubs: the hub does not relay it. */
export function isTransit(fromPlatform: string, toPlatform: string, hubs: ReadonlySet<string>): boolean {
  return hubs.has(fromPlatform) && hubs.has(toPlatform);
}

/** The answer to a message that would pass from one neighbouring hub to another. */
export function transitRefusal(receiver: PartyRef): OcpiError {
  return new OcpiError(
    OcpiStatus.UNKNOWN_RECEIVER,
    `Receiver ${formatParty(receiver)} is reached through another hub: this hub does not relay between neighbouring hubs`,
  );
}

/**
 * Why a neighbouring hub may not send a message as `from`, or undefined when it may. It must name
 * the sending party (OCPI-from-*), and that party must be one of the neighbour's own: a party of
 * this hub, or one behind another neighbour, named by this neighbour is spoofing.
 * `namesakes` are the parties of any role this hub knows under that country code and party id.
 */
export function spoofedSender(
  from: PartyRef | undefined,
  neighbourPlatformId: string,
  namesakes: readonly PartyPlace[],
  hubs: ReadonlySet<string>,
): string | undefined {
  if (!from) return 'A neighbouring hub must name the sending party in OCPI-from-country-code and OCPI-from-party-id';
  const who = formatParty(from);
  const own = namesakes.filter((party) => party.platformId === neighbourPlatformId);
  if (own.some((party) => party.status !== 'SUSPENDED')) return undefined;
  if (own.length > 0) return `${who} is SUSPENDED behind your hub: this hub accepts nothing from it`;
  if (namesakes.some((party) => hubs.has(party.platformId))) {
    return `${who} is reached through another hub, not yours: a message from your hub cannot come from it`;
  }
  if (namesakes.length > 0) return `${who} is a party of this hub, not one behind yours: a message from your hub cannot come from it`;
  return `${who} is not known behind your hub: announce it with hubclientinfo first`;
}
