import { randomUUID } from 'node:crypto';
import { ocpiTimestamp } from '../ocpi/time.js';
import type { ClientInfo } from '../ocpi/v2_2_1/index.js';
import type { Queryable } from '../store/database.js';
import { appendEvent } from '../store/event-log.js';
import type { HubContext } from './context.js';
import { ON_NEIGHBOUR_HUB } from './peering/parties.js';
import { toParty, type Party } from './registry.js';

export function clientInfoOf(party: Party): ClientInfo {
  return {
    party_id: party.partyId,
    country_code: party.countryCode,
    role: party.role as ClientInfo['role'],
    status: party.status,
    last_updated: ocpiTimestamp(party.updatedAt),
  };
}

/**
 * The hub's hubclientinfo Sender interface: every party but the caller's own, oldest change first.
 * A neighbouring hub (`caller.isHub`) hears only of this hub's own parties.
 */
export async function listClientInfo(
  db: Queryable,
  caller: { platformId: string; isHub: boolean },
  filter: { dateFrom?: Date; dateTo?: Date; offset: number; limit: number },
): Promise<{ total: number; items: ClientInfo[] }> {
  const where = `platform_id <> $1 AND ($2::timestamptz IS NULL OR updated_at >= $2) AND ($3::timestamptz IS NULL OR updated_at < $3)
    ${caller.isHub ? `AND NOT ${ON_NEIGHBOUR_HUB}` : ''}`;
  const params = [caller.platformId, filter.dateFrom ?? null, filter.dateTo ?? null];
  const [{ count }] = await db.query<{ count: number }>(`SELECT count(*)::int AS count FROM parties WHERE ${where}`, params);
  const rows = await db.query<Parameters<typeof toParty>[0]>(
    `SELECT * FROM parties WHERE ${where} ORDER BY updated_at, country_code, party_id, role OFFSET $4 LIMIT $5`,
    [...params, filter.offset, filter.limit],
  );
  return { total: count, items: rows.map(toParty).map(clientInfoOf) };
}

/**
 * Tells every platform with a hubclientinfo Receiver endpoint that a party's status changed
 * (PUT {url}/{country_code}/{party_id}), through the delivery log: durable, retried until
 * delivered, only the latest status once a platform missed several. A platform is not told about
 * its own parties (delivery/directory.ts). With `receiver` (a party id) only that party's
 * platform is told: a neighbouring hub that just registered learns who is behind this hub.
 */
export class ClientInfoNotifier {
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly hub: Pick<HubContext, 'db' | 'config' | 'delivery'>) {}

  partiesChanged(parties: Party[], receiver?: string): void {
    if (parties.length === 0) return;
    const job = this.log(parties, receiver).catch(() => undefined);
    this.pending.add(job);
    void job.finally(() => this.pending.delete(job));
  }

  /** Resolves when every change reported so far is in the delivery log (shutdown, tests). */
  async settled(): Promise<void> {
    await Promise.all([...this.pending]);
  }

  private async log(parties: Party[], receiver: string | undefined): Promise<void> {
    await this.hub.db.transaction(async (tx) => {
      for (const party of parties) {
        await appendEvent(tx, {
          module: 'hubclientinfo',
          method: 'PUT',
          owner: { countryCode: party.countryCode, partyId: party.partyId },
          objectId: party.id,
          path: `/${party.countryCode}/${party.partyId}`,
          body: clientInfoOf(party),
          from: this.hub.config.party,
          targetParty: receiver,
          coalescible: true,
          correlationId: randomUUID(),
        });
      }
    });
    this.hub.delivery.kick();
  }
}
