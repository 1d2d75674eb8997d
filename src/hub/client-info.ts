import { callOcpi, type OutboundPolicy } from '../ocpi/client.js';
import { ocpiTimestamp } from '../ocpi/time.js';
import type { ClientInfo } from '../ocpi/v2_2_1/index.js';
import type { Database, Queryable } from '../store/database.js';
import type { Quirks } from './quirks.js';
import { toParty, type Party } from './registry.js';
import type { TokenSealer } from './secrets.js';

export function clientInfoOf(party: Party): ClientInfo {
  return {
    party_id: party.partyId,
    country_code: party.countryCode,
    role: party.role as ClientInfo['role'],
    status: party.status,
    last_updated: ocpiTimestamp(party.updatedAt),
  };
}

/** The hub's hubclientinfo Sender interface: every party but the caller's own, oldest change first. */
export async function listClientInfo(
  db: Queryable,
  callerPlatformId: string,
  filter: { dateFrom?: Date; dateTo?: Date; offset: number; limit: number },
): Promise<{ total: number; items: ClientInfo[] }> {
  const where = `platform_id <> $1 AND ($2::timestamptz IS NULL OR updated_at >= $2) AND ($3::timestamptz IS NULL OR updated_at < $3)`;
  const params = [callerPlatformId, filter.dateFrom ?? null, filter.dateTo ?? null];
  const [{ count }] = await db.query<{ count: number }>(`SELECT count(*)::int AS count FROM parties WHERE ${where}`, params);
  const rows = await db.query<Parameters<typeof toParty>[0]>(
    `SELECT * FROM parties WHERE ${where} ORDER BY updated_at, country_code, party_id, role OFFSET $4 LIMIT $5`,
    [...params, filter.offset, filter.limit],
  );
  return { total: count, items: rows.map(toParty).map(clientInfoOf) };
}

/**
 * Tells every connected platform with a hubclientinfo Receiver endpoint that a party's status
 * changed (PUT {url}/{country_code}/{party_id}). A platform is not told about its own parties.
 */
export class ClientInfoNotifier {
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly db: Database,
    private readonly sealer: TokenSealer,
    private readonly timeoutMs: number,
    private readonly outbound: OutboundPolicy,
  ) {}

  partiesChanged(parties: Party[]): void {
    if (parties.length === 0) return;
    const job = this.push(parties).catch(() => undefined);
    this.pending.add(job);
    void job.finally(() => this.pending.delete(job));
  }

  /** Resolves when every push started so far has finished (shutdown, tests). */
  async settled(): Promise<void> {
    await Promise.all([...this.pending]);
  }

  private async push(parties: Party[]): Promise<void> {
    const receivers = await this.db.query<{ platform_id: string; url: string; outbound_token: string; quirks: Quirks }>(
      `SELECT e.platform_id, e.url, p.outbound_token, p.quirks FROM endpoints e JOIN platforms p ON p.id = e.platform_id
       WHERE e.module = 'hubclientinfo' AND e.role = 'RECEIVER' AND p.status = 'CONNECTED' AND p.outbound_token IS NOT NULL`,
    );
    const calls = receivers.flatMap((receiver) =>
      parties
        .filter((party) => party.platformId !== receiver.platform_id)
        .map((party) =>
          callOcpi({
            method: 'PUT',
            url: `${receiver.url.replace(/\/$/, '')}/${party.countryCode}/${party.partyId}`,
            token: this.sealer.open(receiver.outbound_token),
            tokenEncoding: receiver.quirks?.token_encoding,
            body: clientInfoOf(party),
            timeoutMs: this.timeoutMs,
            outbound: this.outbound,
          }),
        ),
    );
    await Promise.allSettled(calls);
  }
}
