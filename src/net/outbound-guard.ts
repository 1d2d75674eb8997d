import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';
import ipaddr from 'ipaddr.js';
import { Agent, buildConnector, type Dispatcher } from 'undici';

/**
 * The hub calls URLs its partners name (versions URL, endpoints, response_url, redirects). Unless
 * the operator allows more, only public unicast addresses on http(s) are called: a partner must not
 * be able to make the hub reach its own admin API, the database, the cloud metadata service or any
 * other internal host. Names are resolved and every address checked when a connection is opened
 * (undici Agent `connect`), and the connection goes to the address that was checked, so a name that
 * changes its answer between check and use (DNS rebinding) gains nothing.
 */

/** The hub refused to call a URL; the message is for the operator's journal, not for the partner. */
export class OutboundRefused extends Error {
  readonly code = 'EOUTBOUNDREFUSED';
  constructor(message: string) {
    super(message);
    this.name = 'OutboundRefused';
  }
}

export interface ResolvedAddress {
  address: string;
  family: number;
}

export interface OutboundGuardOptions {
  /** Networks (CIDR, or single addresses) the operator allows besides public ones: `--allow-partner-network`. */
  allowedNetworks?: readonly string[];
  /** The hub's client certificate and key (PEM), presented on outbound TLS connections; `ca` replaces the system CAs. */
  tls?: { cert?: string; key?: string; ca?: string };
  /** Name resolution; the system resolver unless a test replaces it. */
  resolve?: (hostname: string) => Promise<ResolvedAddress[]>;
  /** How long idle keep-alive connections are kept. */
  keepAliveTimeoutMs?: number;
}

/** Loopback, v4 and v6: what the demo, the simulator and the tests allow, their partners being local. */
export const LOOPBACK_NETWORKS = ['127.0.0.0/8', '::1/128'];

type Cidr = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** Well-known cloud metadata services, named in refusals so the operator sees what was attempted. */
const METADATA_ADDRESSES = new Set(['169.254.169.254', '169.254.170.2', '100.100.100.200', 'fd00:ec2::254']);

/** Parses an operator's network: `10.0.0.0/8`, `::1/128`, or a single address. Throws when malformed. */
export function parseNetwork(text: string): Cidr {
  const trimmed = text.trim();
  if (trimmed.includes('/')) return ipaddr.parseCIDR(trimmed) as Cidr;
  const address = ipaddr.parse(trimmed);
  return [address, address.kind() === 'ipv4' ? 32 : 128];
}

export class OutboundGuard {
  readonly dispatcher: Dispatcher;
  private readonly allowed: Cidr[];
  private readonly ownPorts = new Set<number>();
  private readonly resolve: (hostname: string) => Promise<ResolvedAddress[]>;

  constructor(options: OutboundGuardOptions = {}) {
    this.allowed = (options.allowedNetworks ?? []).map(parseNetwork);
    this.resolve = options.resolve ?? ((hostname) => dnsLookup(hostname, { all: true, verbatim: true }));
    this.dispatcher = new Agent({
      keepAliveTimeout: options.keepAliveTimeoutMs ?? 30_000,
      // No cap per partner: a shared cap would queue one requester behind another's burst. What
      // is open at once is bounded where each kind of call is made: receiver lanes for deliveries,
      // slots per CPO and eMSP for authorizations, partners' request budgets for forwarded calls.
      connections: null,
      connect: this.connector(options.tls),
    });
  }

  /** The hub's own listening port: never a partner's, whatever networks are allowed. */
  addOwnPort(port: number): void {
    this.ownPorts.add(port);
  }

  /**
   * Whether the hub may call `url` (the first request and every redirect): throws OutboundRefused.
   * Addresses behind a name are checked again when the connection is made.
   */
  allowOutboundUrl(url: string): void {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new OutboundRefused(`not a URL: ${url}`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new OutboundRefused(`${url}: only http and https are called, not ${parsed.protocol}`);
    }
    if (parsed.username || parsed.password) throw new OutboundRefused(`${url}: URLs with credentials are not called`);
    const host = parsed.hostname.replace(/^\[|\]$/g, '');
    if (isIP(host)) this.checkAddress(host, portOf(parsed), url);
  }

  /** Throws OutboundRefused unless `address` is public or in an allowed network, and not the hub itself. */
  checkAddress(address: string, port: number | undefined, what: string): void {
    let parsed: ipaddr.IPv4 | ipaddr.IPv6;
    try {
      parsed = ipaddr.process(address);
    } catch {
      throw new OutboundRefused(`${what}: unusable address ${address}`);
    }
    const normal = parsed.toString();
    if (port !== undefined && this.ownPorts.has(port) && isLocal(parsed)) {
      throw new OutboundRefused(`${what} resolves to ${normal}:${port}, the hub's own port`);
    }
    if (this.allowed.some(([network, bits]) => network.kind() === parsed.kind() && parsed.match(network, bits))) return;
    if (METADATA_ADDRESSES.has(normal)) throw new OutboundRefused(`${what} resolves to ${normal}, a cloud metadata service`);
    const range = parsed.range();
    if (range !== 'unicast') {
      throw new OutboundRefused(`${what} resolves to ${normal} (${range}), not a public address; see --allow-partner-network`);
    }
  }

  /**
   * Resolves `hostname`, checks every address, and returns the one to connect to. Runs when each
   * connection is opened, with the port, so the address checked is the address used.
   */
  async checkedAddress(hostname: string, port: number): Promise<string> {
    const host = hostname.replace(/^\[|\]$/g, '');
    if (isIP(host)) {
      this.checkAddress(host, port, host);
      return host;
    }
    const addresses = await this.resolve(host);
    if (addresses.length === 0) throw new OutboundRefused(`${host} has no address`);
    for (const { address } of addresses) this.checkAddress(address, port, host);
    return addresses[0].address;
  }

  /** Undici's connector, given the checked address instead of the name (the name stays for TLS). */
  private connector(tls: OutboundGuardOptions['tls']): buildConnector.connector {
    const connect = buildConnector({ ...tls });
    return (options, callback) => {
      const port = Number(options.port) || (options.protocol === 'https:' ? 443 : 80);
      this.checkedAddress(options.hostname, port).then(
        (address) => {
          const name = options.hostname.replace(/^\[|\]$/g, '');
          const servername = options.servername ?? (isIP(name) ? undefined : name);
          connect({ ...options, hostname: address, servername }, callback);
        },
        (error: Error) => callback(error, null),
      );
    };
  }

  async close(): Promise<void> {
    await this.dispatcher.close();
  }
}

function portOf(url: URL): number {
  if (url.port) return Number(url.port);
  return url.protocol === 'https:' ? 443 : 80;
}

/** Loopback, unspecified, or an address of one of this machine's interfaces. */
function isLocal(address: ipaddr.IPv4 | ipaddr.IPv6): boolean {
  const range = address.range();
  if (range === 'loopback' || range === 'unspecified') return true;
  const normal = address.toString();
  return Object.values(networkInterfaces()).some((list) =>
    (list ?? []).some((entry) => ipaddr.isValid(entry.address) && ipaddr.process(entry.address).toString() === normal),
  );
}
