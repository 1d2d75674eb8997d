import { formatParty } from '../ocpi/headers.js';
import type { HubContext } from './context.js';
import { recordPlatformEvent } from './journal.js';
import { setPlatformStatus, type ConnectionStatus, type Party } from './registry.js';

/**
 * A platform's connection status changes here: the parties are updated, other partners are told
 * through hubclientinfo, and the change is logged and journaled (module `platform`) under each of
 * its parties, so that a party's journal shows when it went OFFLINE and came back.
 */
export async function changePlatformStatus(
  ctx: HubContext,
  platformId: string,
  status: ConnectionStatus,
  reason: string,
): Promise<Party[]> {
  const [before] = await ctx.db.query<{ name: string; status: ConnectionStatus }>('SELECT name, status FROM platforms WHERE id = $1', [platformId]);
  const parties = await setPlatformStatus(ctx.db, platformId, status);
  ctx.clientInfo.partiesChanged(parties);
  if (!before || before.status === status) return parties;
  const names = [...new Set(parties.map((party) => formatParty(party)))];
  const details = { partner: before.name, platform_id: platformId, parties: names, status, previous: before.status, reason };
  if (status === 'OFFLINE') ctx.log?.warn(details, `Partner ${before.name} is OFFLINE: ${reason}`);
  else ctx.log?.info(details, `Partner ${before.name} is ${status}: ${reason}`);
  await recordPlatformEvent(ctx.journalWriter, platformId, names, {
    method: 'STATUS',
    url: `(platform ${status})`,
    notes: { status, previous: before.status, reason },
    error: status === 'OFFLINE' ? reason : undefined,
  });
  return parties;
}
