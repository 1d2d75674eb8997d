import type { HubContext } from '../hub/context.js';
import { endpointsOf, getPlatform, partiesOf } from '../hub/registry.js';
import type { OcpiVersion } from '../ocpi/translate/index.js';
import { detailsCase, endpointCases, envelopeCases, headerCases, receiverCases, senderCases, versionsCases } from './cases.js';
import { CheckContext } from './context.js';
import { suggestedQuirks, verdictOf, type CheckCase, type CheckReport } from './report.js';
import { saveCheck } from './store.js';

/** Why a check cannot run at all (the admin API's HTTP status with it). */
export class CheckUnavailableError extends Error {
  constructor(
    readonly status: 404 | 409,
    message: string,
  ) {
    super(message);
    this.name = 'CheckUnavailableError';
  }
}

/**
 * Runs the conformance suite against a registered partner, from the hub's side of the connection
 * (its token, its routing headers), and keeps the report with the partner. Nothing is written at
 * the partner: Receiver interfaces are probed with GETs of an object that does not exist.
 */
export async function runConformanceCheck(hub: HubContext, platformId: string): Promise<CheckReport> {
  const platform = await getPlatform(hub.db, platformId);
  if (!platform) throw new CheckUnavailableError(404, 'No such partner');
  if (!platform.sealedOutboundToken || !platform.versionsUrl || !platform.ocpiVersion) {
    throw new CheckUnavailableError(409, 'The partner is not registered yet: there is nothing to check');
  }
  const started = new Date().toISOString();
  const [parties, endpoints] = await Promise.all([partiesOf(hub.db, platform.id), endpointsOf(hub.db, platform.id)]);
  const ctx = new CheckContext(
    platform.ocpiVersion as OcpiVersion,
    [...new Set(parties.map((p) => p.role))],
    hub.config.party,
    parties[0] && { countryCode: parties[0].countryCode, partyId: parties[0].partyId },
    endpoints,
    hub.sealer.open(platform.sealedOutboundToken),
    platform.quirks.token_encoding ?? 'base64',
    platform.quirks,
    hub.config.callTimeoutMs,
  );

  const cases: CheckCase[] = [];
  const versions = await versionsCases(ctx, platform.versionsUrl);
  cases.push(...versions.cases);
  if (versions.versionUrl) cases.push(await detailsCase(ctx, versions.versionUrl));
  cases.push(...endpointCases(ctx));
  cases.push(...(await senderCases(ctx)));
  cases.push(...(await receiverCases(ctx)));
  cases.push(...envelopeCases(ctx), ...headerCases(ctx));

  return saveCheck(hub.db, {
    platform_id: platform.id,
    started_at: started,
    finished_at: new Date().toISOString(),
    verdict: verdictOf(cases),
    cases,
    quirks: suggestedQuirks(cases),
  });
}
