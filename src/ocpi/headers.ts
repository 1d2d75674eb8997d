import { randomUUID } from 'node:crypto';

/** Header names as the spec spells them; Node lower-cases incoming names. */
export const Header = {
  requestId: 'x-request-id',
  correlationId: 'x-correlation-id',
  toCountryCode: 'ocpi-to-country-code',
  toPartyId: 'ocpi-to-party-id',
  fromCountryCode: 'ocpi-from-country-code',
  fromPartyId: 'ocpi-from-party-id',
  totalCount: 'x-total-count',
  limit: 'x-limit',
  link: 'link',
  location: 'location',
} as const;

/** A party as routing headers name it: country code and party id, upper-cased (CiString). */
export interface PartyRef {
  countryCode: string;
  partyId: string;
}

export interface RoutingHeaders {
  to?: PartyRef;
  from?: PartyRef;
}

export interface TracingHeaders {
  requestId: string;
  correlationId: string;
}

type IncomingHeaders = Record<string, string | string[] | undefined>;

function single(headers: IncomingHeaders, name: string): string | undefined {
  const value = headers[name];
  const text = Array.isArray(value) ? value[0] : value;
  return text?.trim() || undefined;
}

function partyFrom(headers: IncomingHeaders, countryHeader: string, partyHeader: string): PartyRef | undefined {
  const countryCode = single(headers, countryHeader);
  const partyId = single(headers, partyHeader);
  if (!countryCode || !partyId) return undefined;
  return { countryCode: countryCode.toUpperCase(), partyId: partyId.toUpperCase() };
}

export function parseRoutingHeaders(headers: IncomingHeaders): RoutingHeaders {
  return {
    to: partyFrom(headers, Header.toCountryCode, Header.toPartyId),
    from: partyFrom(headers, Header.fromCountryCode, Header.fromPartyId),
  };
}

/** Reads the tracing ids, inventing any the caller left out so every hop can be traced. */
export function parseTracingHeaders(headers: IncomingHeaders): TracingHeaders {
  return {
    requestId: single(headers, Header.requestId) ?? randomUUID(),
    correlationId: single(headers, Header.correlationId) ?? randomUUID(),
  };
}

export function routingHeaders(routing: RoutingHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  if (routing.to) {
    out['OCPI-to-country-code'] = routing.to.countryCode;
    out['OCPI-to-party-id'] = routing.to.partyId;
  }
  if (routing.from) {
    out['OCPI-from-country-code'] = routing.from.countryCode;
    out['OCPI-from-party-id'] = routing.from.partyId;
  }
  return out;
}


export function formatParty(party: PartyRef): string {
  return `${party.countryCode}*${party.partyId}`;
}

/** Parses `US*ABC` (or `US-ABC`, `USABC`) into a party reference. */
export function parseParty(text: string): PartyRef | undefined {
  const match = /^([A-Za-z]{2})[*-]?([A-Za-z0-9]{3})$/.exec(text.trim());
  return match ? { countryCode: match[1].toUpperCase(), partyId: match[2].toUpperCase() } : undefined;
}
