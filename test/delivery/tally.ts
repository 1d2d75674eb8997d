import type { FastifyReply } from 'fastify';
import type { OcpiPlatform, ReceivedRequest } from '../../src/sim/platform.js';

/** What a receiver's answer should be for one request; undefined answers OCPI 1000. */
export type Answer = { http: number; body?: unknown; headers?: Record<string, string> } | 'silent' | undefined;

/**
 * Counts, on a receiving partner, the session messages it accepted (answered 1000): per session,
 * the messages in the order they arrived. A redelivery carries the X-Request-ID of the first
 * delivery (delivery/sender.ts), so the receiver can tell it apart; it is counted, not taken twice.
 */
export class SessionTally {
  private readonly firstArrivals = new Map<string, string[]>();
  private readonly seenRequests = new Set<string>();
  redeliveries = 0;
  accepted = 0;
  private readonly silent = new Set<() => void>();

  constructor(
    platform: OcpiPlatform,
    private readonly answer: (request: ReceivedRequest) => Answer = () => undefined,
    /** Time the receiver takes per request, so that a backlog takes a while. */
    private readonly delayMs = 0,
  ) {
    platform.handle('sessions', (request, reply) => this.onRequest(request, reply));
  }

  /** Lets every request held by a silent answer end (before the partner closes). */
  releaseSilent(): void {
    for (const release of this.silent) release();
  }

  private async onRequest(request: ReceivedRequest, reply: FastifyReply): Promise<unknown> {
    // A GET is no message: the hub's conformance check reads the interface (`switchyard serve` checks new partners).
    if (request.method === 'GET') return undefined;
    if (this.delayMs) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    const answer = this.answer(request);
    if (answer === 'silent') {
      await new Promise<void>((resolve) => this.silent.add(resolve));
      return reply.code(503).send();
    }
    if (answer) {
      for (const [name, value] of Object.entries(answer.headers ?? {})) reply.header(name, value);
      return reply.code(answer.http).send(answer.body);
    }
    const requestId = String(request.headers['x-request-id']);
    if (this.seenRequests.has(requestId)) {
      this.redeliveries++;
      return undefined;
    }
    this.seenRequests.add(requestId);
    this.accepted++;
    const id = request.path.split('/').at(-1)!;
    const list = this.firstArrivals.get(id) ?? [];
    list.push(describeMessage(request));
    this.firstArrivals.set(id, list);
    return undefined;
  }

  /** Lost, duplicated and reordered messages against what was accepted from the sender, per session. */
  count(expected: Map<string, string[]>): { lost: number; duplicated: number; reordered: number } {
    let lost = 0;
    let duplicated = 0;
    let reordered = 0;
    for (const [id, messages] of expected) {
      const arrived = this.firstArrivals.get(id) ?? [];
      lost += messages.filter((m) => !arrived.includes(m)).length;
      duplicated += arrived.length - new Set(arrived).size;
      const positions = arrived.map((m) => messages.indexOf(m));
      for (let i = 1; i < positions.length; i++) if (positions[i] < positions[i - 1]) reordered++;
    }
    return { lost, duplicated, reordered };
  }

  arrivedFor(id: string): string[] {
    return this.firstArrivals.get(id) ?? [];
  }
}

/** A session message as the sender wrote it: the method and the kWh it reports. */
export function describeMessage(request: { method: string; body: unknown }): string {
  return `${request.method} ${(request.body as { kwh?: number })?.kwh}`;
}
