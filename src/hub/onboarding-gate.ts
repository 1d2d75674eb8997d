import { formatParty } from '../ocpi/headers.js';
import { OcpiError, OcpiStatus } from '../ocpi/status.js';
import type { HubContext } from './context.js';
import { announceChange } from './directory/changes.js';
import { recordPlatformEvent } from './journal.js';
import { awaitsActivation, toParty, type PartyRow, type Platform } from './registry.js';

/**
 * Gated onboarding. A gated partner is registered like any other, but its platform and parties
 * stay PLANNED: deliveries, direct pushes and forwarded requests pass it by, and its own requests
 * (other than versions and credentials) are refused with the error below, until its routes are
 * activated: by a passing conformance check, or by the operator.
 */
export function refuseWhileGated(platform: Platform): void {
  if (!awaitsActivation(platform)) return;
  throw new OcpiError(
    OcpiStatus.HUB_ERROR,
    'Onboarding awaits a passing conformance check: the hub routes nothing to or from your platform until then. Versions and credentials stay open.',
  );
}

/**
 * Activates a gated partner's routes: platform and parties CONNECTED, other partners told through
 * hubclientinfo, and the activation logged and journaled (module `platform`). False when there was
 * nothing to activate (not gated, already active, or unknown).
 */
export async function activateRoutes(ctx: HubContext, platformId: string, reason: string): Promise<boolean> {
  const activated = await ctx.db.transaction(async (tx) => {
    const [platform] = await tx.query<{ name: string }>(
      `UPDATE platforms SET activated_at = now(), status = CASE WHEN outbound_token IS NULL THEN status ELSE 'CONNECTED' END, updated_at = now()
       WHERE id = $1 AND gated AND activated_at IS NULL RETURNING name`,
      [platformId],
    );
    if (!platform) return undefined;
    const parties = await tx.query<PartyRow>(
      `UPDATE parties SET status = 'CONNECTED', updated_at = now() WHERE platform_id = $1 AND status = 'PLANNED' RETURNING *`,
      [platformId],
    );
    await announceChange(tx);
    return { name: platform.name, parties: parties.map(toParty) };
  });
  if (!activated) return false;
  ctx.clientInfo.partiesChanged(activated.parties);
  const names = activated.parties.map((party) => formatParty(party));
  ctx.log?.info({ partner: activated.name, platform_id: platformId, parties: names, reason }, `Partner ${activated.name}: routes activated (${reason})`);
  await recordPlatformEvent(ctx.journalWriter, platformId, names, { method: 'ACTIVATE', url: '(routes activated)', notes: { reason } });
  return true;
}
