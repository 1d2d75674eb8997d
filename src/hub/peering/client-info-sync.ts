import { formatParty } from '../../ocpi/headers.js';
import { OcpiStatus } from '../../ocpi/status.js';
import type { OcpiVersion } from '../../ocpi/translate/index.js';
import * as v221 from '../../ocpi/v2_2_1/index.js';
import * as v230 from '../../ocpi/v2_3_0/index.js';
import { compileValidator } from '../../ocpi/validation.js';
import type { HubContext } from '../context.js';
import { journaledCaller } from '../journaled-call.js';
import { PartyTakenError, type Party, type Platform } from '../registry.js';
import { ownParties, saveRemoteParty } from './parties.js';

/** Pages of a neighbour's hubclientinfo list read at most, whatever its Link headers say. */
const MAX_PAGES = 100;

/** The ClientInfo schema of a version: 2.3.0 has no role HUB. */
export function clientInfoSchemaOf(version: OcpiVersion) {
  return version === '2.3.0' ? v230.ClientInfoSchema : v221.ClientInfoSchema;
}

/**
 * A ClientInfo a neighbouring hub pushed or listed: the party becomes reachable through it, with
 * the status it gives, and the hub's other partners are told. A hub behind the neighbour is left
 * out (undefined): the hub routes between parties, never through a chain of hubs. PartyTakenError
 * when another platform of this hub hosts the party.
 */
export async function learnClientInfo(ctx: HubContext, neighbourId: string, info: v221.ClientInfo): Promise<Party | undefined> {
  if (info.role === 'HUB') return undefined;
  const remote = {
    role: info.role,
    countryCode: info.country_code.toUpperCase(),
    partyId: info.party_id.toUpperCase(),
    status: info.status,
  };
  const { party, changed } = await ctx.db.transaction((tx) => saveRemoteParty(tx, neighbourId, remote, 'CLIENT_INFO'));
  if (changed) ctx.clientInfo.partiesChanged([party]);
  return party;
}

/**
 * Two hubs meet, once this one has registered with a neighbouring hub (`partner connect`): it reads
 * who is behind the neighbour and tells the neighbour who is behind it. The neighbour, which
 * accepted the registration, leaves both to this hub: until this hub has the neighbour's answer it
 * does not know the neighbour is a hub, so it would neither list the right parties to it nor take
 * its ClientInfo. A failed read leaves the neighbour's parties to its hubclientinfo pushes (the call
 * is journaled); the registration stands.
 */
export async function exchangeClientInfo(ctx: HubContext, neighbour: Platform, correlationId: string): Promise<void> {
  await pullClientInfo(ctx, neighbour, correlationId).catch(() => undefined);
  await announceOwnParties(ctx, neighbour.id);
}

/**
 * Tells a neighbouring hub who is behind this hub: a ClientInfo of each of this hub's own parties,
 * through the delivery log (durable, retried until delivered).
 */
async function announceOwnParties(ctx: HubContext, neighbourId: string): Promise<void> {
  const [hubParty] = await ctx.db.query<{ id: string }>(
    `SELECT id FROM parties WHERE platform_id = $1 AND role = 'HUB' AND behind_hub IS NULL ORDER BY id LIMIT 1`,
    [neighbourId],
  );
  if (hubParty) ctx.clientInfo.partiesChanged(await ownParties(ctx.db), hubParty.id);
}

/**
 * Reads a neighbouring hub's hubclientinfo Sender list, every page, and learns the parties behind
 * it. Each call is journaled; a party this hub already hosts elsewhere is skipped and logged.
 */
async function pullClientInfo(ctx: HubContext, neighbour: Platform, correlationId: string): Promise<void> {
  const target = (await ctx.directory.current()).target(neighbour.id, 'hubclientinfo', 'SENDER');
  if (!target?.platform.sealedOutboundToken) return;
  const call = journaledCaller(ctx, { platformId: neighbour.id, name: neighbour.name, module: 'hubclientinfo' });
  const check = compileValidator(clientInfoSchemaOf(target.ocpiVersion ?? '2.2.1'));
  let url: string | undefined = target.url;
  for (let page = 0; url && page < MAX_PAGES; page++) {
    const reply = await call<unknown[]>({
      method: 'GET',
      url,
      token: ctx.sealer.open(target.platform.sealedOutboundToken),
      tokenEncoding: target.platform.quirks.token_encoding,
      correlationId,
      timeoutMs: ctx.config.callTimeoutMs,
    });
    const items = reply.envelope?.data;
    if (reply.envelope?.status_code !== OcpiStatus.SUCCESS || !Array.isArray(items)) return;
    for (const item of items) {
      const checked = check(item);
      if (!checked.ok) {
        ctx.log?.warn({ partner: neighbour.name, path: checked.path }, `ClientInfo skipped: ${checked.message}`);
        continue;
      }
      await learnClientInfo(ctx, neighbour.id, checked.value as v221.ClientInfo).catch((error) => {
        if (!(error instanceof PartyTakenError)) throw error;
        ctx.log?.warn({ partner: neighbour.name, party: formatParty(error.role) }, error.message);
      });
    }
    url = nextPage(reply.headers.link);
  }
}

/** The URL of the next page in a Link header (transport_and_format → Pagination). */
function nextPage(link: string | undefined): string | undefined {
  return link ? /<([^>]+)>\s*;\s*rel="?next"?/.exec(link)?.[1] : undefined;
}
