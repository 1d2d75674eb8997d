import { formatParty, type RoutingHeaders } from '../ocpi/headers.js';
import { OcpiError } from '../ocpi/status.js';
import type { Directory } from './directory/directory.js';
import { spoofedSender } from './peering/rules.js';
import type { Platform } from './registry.js';
import type { RoutedParty } from './routing.js';

/**
 * The party a request comes from: the OCPI-from headers when given (they must name one of the
 * calling platform's parties), otherwise the platform's only party of the expected roles. A
 * neighbouring hub must always name one of the parties behind it.
 */
export async function requesterParty(
  directory: Directory,
  platform: Platform,
  routing: RoutingHeaders,
  expectedRoles: string[],
): Promise<RoutedParty> {
  const registry = await directory.current();
  if (registry.hubs.has(platform.id)) {
    const spoofed = spoofedSender(routing.from, platform.id, routing.from ? registry.namesakes(routing.from) : [], registry.hubs);
    if (spoofed) throw OcpiError.invalid(spoofed);
  }
  const parties = registry.partiesOf(platform.id).filter((p) => p.status !== 'SUSPENDED');
  const candidates = parties.filter(
    (p) =>
      (!routing.from || (p.countryCode === routing.from.countryCode && p.partyId === routing.from.partyId)) &&
      expectedRoles.includes(p.role),
  );
  if (candidates.length === 0) {
    const who = routing.from ? formatParty(routing.from) : 'your platform';
    throw OcpiError.invalid(`${who} hosts no ${expectedRoles.join(' or ')} party that may send this request`);
  }
  if (candidates.length > 1) {
    throw OcpiError.invalid('OCPI-from-country-code and OCPI-from-party-id are required: your platform hosts several parties');
  }
  const [party] = candidates;
  return {
    id: party.id,
    ref: { countryCode: party.countryCode, partyId: party.partyId },
    role: party.role,
    platformId: party.platformId,
    status: party.status,
  };
}
