import type { PartyRef } from '../ocpi/headers.js';

/**
 * The URL suffix of an object on a receiver interface: client-owned objects live under the
 * owner's country code and party id (transport_and_format → Client Owned Object Push).
 */
export function objectPath(module: string, owner: PartyRef, data: Record<string, unknown>): string {
  const base = `/${owner.countryCode}/${owner.partyId}`;
  switch (module) {
    case 'tokens':
      return `${base}/${encodeURIComponent(String(data.uid))}?type=${encodeURIComponent(String(data.type ?? 'RFID'))}`;
    case 'cdrs':
      return '';
    default:
      return `${base}/${encodeURIComponent(String(data.id))}`;
  }
}
