import { pushedKind } from '../ocpi/kinds.js';
import { translate, type ObjectKind, type OcpiVersion, type TranslationContext } from '../ocpi/translate/index.js';
import type { Location, Tariff, Token } from '../ocpi/v2_2_1/index.js';

/**
 * A simulated partner thinks in OCPI 2.2.1 and speaks its own version on the wire: this adapter
 * translates what it sends and what it receives, as a real platform on that version would write
 * and read it. It remembers the objects it sent, which older versions refer to by id.
 */
export class WireAdapter {
  private readonly locations = new Map<string, Location>();
  private readonly tokens = new Map<string, Token>();
  private readonly tariffs = new Map<string, Tariff>();

  constructor(
    readonly version: OcpiVersion,
    private readonly owner: { countryCode: string; partyId: string },
  ) {}

  /** A body bound for `url` (a hub interface URL), from 2.2.1 to the wire version. */
  outbound(method: string, url: string, body: unknown): unknown {
    const kind = kindOfHubCall(method, url, 'request');
    if (kind === 'Location') this.remember(this.locations, (body as Location).id, body as Location);
    if (kind === 'Token') this.remember(this.tokens, (body as Token).uid, body as Token);
    if (kind === 'Tariff') this.remember(this.tariffs, (body as Tariff).id, body as Tariff);
    return kind ? this.translate(kind, '2.2.1', this.version, body) : body;
  }

  /** The data of the hub's answer to a call to `url`, from the wire version to 2.2.1. */
  answer(method: string, url: string, data: unknown): unknown {
    const kind = kindOfHubCall(method, url, 'answer');
    if (!kind || data === undefined) return data;
    const uid = /\/tokens\/([^/?]+)\/authorize/.exec(url)?.[1];
    return this.translate(kind, this.version, '2.2.1', data, uid ? decodeURIComponent(uid) : undefined);
  }

  /** A request the hub made to our `module` interface, from the wire version to 2.2.1. */
  inbound(module: string, side: Side, method: string, path: string, body: unknown): unknown {
    const kind = kindOfPartnerCall(module, side, method, path, 'request');
    return kind && body !== undefined ? this.translate(kind, this.version, '2.2.1', body) : body;
  }

  /** Our answer's data to a request on our `module` interface, from 2.2.1 to the wire version. */
  reply(module: string, side: Side, method: string, path: string, data: unknown): unknown {
    const kind = kindOfPartnerCall(module, side, method, path, 'answer');
    return kind && data !== undefined ? this.translate(kind, '2.2.1', this.version, data) : data;
  }

  private translate(kind: ObjectKind, from: OcpiVersion, to: OcpiVersion, value: unknown, tokenUid?: string): unknown {
    if (from === to) return value;
    const module = MODULE_OF[kind];
    return translate(module as never, kind as never, from, to, value, this.context(tokenUid)).value;
  }

  private context(tokenUid?: string): TranslationContext {
    const upper = (id: string) => id.toUpperCase();
    return {
      owner: this.owner,
      findLocation: (id) => this.locations.get(upper(id)),
      findTariff: (id) => this.tariffs.get(upper(id)),
      findToken: (uid) => this.tokens.get(upper(uid)),
      findTokenByContractId: (id) => [...this.tokens.values()].find((t) => upper(t.contract_id) === upper(id)),
      authorizeRequest: tokenUid ? { tokenUid } : undefined,
    };
  }

  private remember<T>(map: Map<string, T>, id: string | undefined, value: T): void {
    if (id) map.set(id.toUpperCase(), value);
  }
}

const MODULE_OF: Partial<Record<ObjectKind, string>> = {
  Location: 'locations', EVSE: 'locations', Connector: 'locations', LocationPatch: 'locations', EVSEPatch: 'locations',
  ConnectorPatch: 'locations', Tariff: 'tariffs', Token: 'tokens', TokenPatch: 'tokens', AuthorizationInfo: 'tokens',
  LocationReferences: 'tokens', Session: 'sessions', SessionPatch: 'sessions', CDR: 'cdrs', StartSession: 'commands',
  StopSession: 'commands', ReserveNow: 'commands', UnlockConnector: 'commands', CancelReservation: 'commands',
  CommandResponse: 'commands', CommandResult: 'commands',
};

const COMMAND_KINDS: Record<string, ObjectKind> = {
  START_SESSION: 'StartSession',
  STOP_SESSION: 'StopSession',
  RESERVE_NOW: 'ReserveNow',
  CANCEL_RESERVATION: 'CancelReservation',
  UNLOCK_CONNECTOR: 'UnlockConnector',
};

/** The kind of a call to the hub, from its URL (`…/{receiver|sender}/{module}/{rest}`). */
function kindOfHubCall(method: string, url: string, part: 'request' | 'answer'): ObjectKind | undefined {
  const match = /\/(receiver|sender)\/([a-z]+)(\/[^?]*)?/.exec(new URL(url).pathname);
  if (!match) return undefined;
  const [, side, module, rest = ''] = match;
  if (module === 'tokens' && rest.endsWith('/authorize')) return part === 'request' ? 'LocationReferences' : 'AuthorizationInfo';
  if (module === 'commands' && side === 'receiver') return part === 'request' ? COMMAND_KINDS[rest.slice(1)] : 'CommandResponse';
  if (module === 'commands' && side === 'sender') return part === 'request' ? 'CommandResult' : undefined;
  return part === 'request' && side === 'receiver' ? pushedKind(module, method, rest) : undefined;
}

type Side = 'SENDER' | 'RECEIVER';

/** The kind of a request the hub made to one of our interfaces. */
function kindOfPartnerCall(module: string, side: Side, method: string, path: string, part: 'request' | 'answer'): ObjectKind | undefined {
  if (module === 'tokens' && path.endsWith('/authorize')) return part === 'request' ? 'LocationReferences' : 'AuthorizationInfo';
  if (module === 'commands') {
    // A CPO receives commands on its Receiver interface; an eMSP, results at the URL it gave.
    if (side === 'SENDER') return part === 'request' && method === 'POST' ? 'CommandResult' : undefined;
    const command = COMMAND_KINDS[path.split('/').filter(Boolean)[0] ?? ''];
    return command && (part === 'request' ? command : 'CommandResponse');
  }
  return part === 'request' && method !== 'GET' ? pushedKind(module, method, path) : undefined;
}
