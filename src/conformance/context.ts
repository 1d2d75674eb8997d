import type { PartyRef } from '../ocpi/headers.js';
import type { OcpiCall, OutboundPolicy } from '../ocpi/client.js';
import type { ObjectKind, OcpiVersion } from '../ocpi/translate/index.js';
import type { Quirks } from '../hub/quirks.js';
import type { Endpoint } from '../hub/registry.js';
import { probe, type Probe } from './probe.js';

/** What a check knows of the partner, and how it calls it: as the hub would, with its token. */
export class CheckContext {
  /** Every probe made, for the checks that look across all answers (envelopes, headers). */
  readonly probes: Probe[] = [];

  constructor(
    readonly version: OcpiVersion,
    readonly roles: string[],
    readonly hubParty: PartyRef,
    readonly partnerParty: PartyRef | undefined,
    readonly endpoints: Endpoint[],
    private readonly token: string,
    public tokenEncoding: 'base64' | 'raw',
    readonly quirks: Quirks,
    private readonly timeoutMs: number,
    /** Renders an object of the hub's own (canonical) version in the partner's. */
    readonly render: (kind: ObjectKind, body: unknown) => Promise<unknown>,
    /** The hub's outbound guard: every URL a check calls came from the partner. */
    private readonly outbound: OutboundPolicy,
  ) {}

  async call(method: OcpiCall['method'], url: string, body?: unknown): Promise<Probe> {
    const routed = this.version !== '2.1.1' && this.partnerParty;
    const result = await probe({
      method,
      url,
      body,
      token: this.token,
      tokenEncoding: this.tokenEncoding,
      routing: routed ? { from: this.hubParty, to: this.partnerParty } : undefined,
      timeoutMs: this.timeoutMs,
      outbound: this.outbound,
    });
    this.probes.push(result);
    return result;
  }

  endpoint(module: string, role: 'SENDER' | 'RECEIVER'): Endpoint | undefined {
    // 2.1.1 endpoints name no role: the hub stored each as the interface the partner's role plays.
    return this.endpoints.find((e) => e.module === module && e.role === role);
  }
}
