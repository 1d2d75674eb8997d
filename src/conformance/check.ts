import type { HubContext } from '../hub/context.js';
import { activateRoutes } from '../hub/onboarding-gate.js';
import { awaitsActivation, endpointsOf, getPlatform, partiesOf } from '../hub/registry.js';
import type { OcpiVersion } from '../ocpi/translate/index.js';
import { CANONICAL_VERSION, translateObject } from '../hub/translation.js';
import { detailsCase, endpointCases, envelopeCases, headerCases, receiverCases, senderCases, versionsCases, writeProbeCase } from './cases.js';
import { CheckContext } from './context.js';
import { suggestedQuirks, verdictOf, type CheckCase, type CheckReason, type CheckReport } from './report.js';
import { releaseLease, renewLease, saveCheck, takeLease } from './store.js';

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

/** How long a run holds its partner's lease without renewing it: a process that dies frees it then. */
export const CHECK_LEASE_MS = 60_000;
/** How long an operator's check waits for a run of the same partner in progress. */
const WAIT_FOR_RUN_MS = 2 * CHECK_LEASE_MS;

/**
 * Runs the conformance suite against a registered partner now, once any run of the same partner in
 * progress (in any hub process) is done. See checkPartner.
 */
export async function runConformanceCheck(hub: HubContext, platformId: string, reason: CheckReason = 'OPERATOR'): Promise<CheckReport> {
  const platform = await getPlatform(hub.db, platformId);
  if (!platform) throw new CheckUnavailableError(404, 'No such partner');
  const deadline = Date.now() + WAIT_FOR_RUN_MS;
  while (!(await takeLease(hub.db, platform.id, CHECK_LEASE_MS))) {
    if (Date.now() > deadline) throw new CheckUnavailableError(409, 'A check of this partner is running and has not finished: try again later');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return withLease(hub, platform.id, () => checkPartner(hub, platform.id, reason));
}

/** Runs `work` while holding the partner's lease (taken by the caller), renewing it, then releases it. */
export async function withLease<T>(hub: HubContext, platformId: string, work: () => Promise<T>): Promise<T> {
  const renewal = setInterval(() => void renewLease(hub.db, platformId, CHECK_LEASE_MS).catch(() => undefined), CHECK_LEASE_MS / 3);
  renewal.unref();
  try {
    return await work();
  } finally {
    clearInterval(renewal);
    await releaseLease(hub.db, platformId).catch(() => undefined);
  }
}

/**
 * Runs the conformance suite against a registered partner, from the hub's side of the connection
 * (its token, its routing headers), and keeps the report with the partner. Receiver interfaces are
 * probed with GETs of an object that does not exist, and the tariffs Receiver with a probe tariff
 * the hub deletes again. A passing check activates the routes of a gated partner that awaits it.
 */
export async function checkPartner(hub: HubContext, platformId: string, reason: CheckReason): Promise<CheckReport> {
  const platform = await getPlatform(hub.db, platformId);
  if (!platform) throw new CheckUnavailableError(404, 'No such partner');
  if (!platform.sealedOutboundToken || !platform.versionsUrl || !platform.ocpiVersion) {
    throw new CheckUnavailableError(409, 'The partner is not registered yet: there is nothing to check');
  }
  const started = new Date().toISOString();
  const [parties, endpoints] = await Promise.all([partiesOf(hub.db, platform.id), endpointsOf(hub.db, platform.id)]);
  const version = platform.ocpiVersion as OcpiVersion;
  const ctx = new CheckContext(
    version,
    [...new Set(parties.map((p) => p.role))],
    hub.config.party,
    parties[0] && { countryCode: parties[0].countryCode, partyId: parties[0].partyId },
    endpoints,
    hub.sealer.open(platform.sealedOutboundToken),
    platform.quirks.token_encoding ?? 'base64',
    platform.quirks,
    hub.config.callTimeoutMs,
    async (kind, body) => (await translateObject(hub.db, kind, CANONICAL_VERSION, version, body, { owner: hub.config.party })).value,
    hub.outbound,
  );

  const cases: CheckCase[] = [];
  const versions = await versionsCases(ctx, platform.versionsUrl);
  cases.push(...versions.cases);
  if (versions.versionUrl) cases.push(await detailsCase(ctx, versions.versionUrl));
  cases.push(...endpointCases(ctx));
  cases.push(...(await senderCases(ctx)));
  cases.push(...(await receiverCases(ctx)), ...(await writeProbeCase(ctx)));
  cases.push(...envelopeCases(ctx), ...headerCases(ctx));

  const report = await saveCheck(hub.db, {
    platform_id: platform.id,
    started_at: started,
    finished_at: new Date().toISOString(),
    reason,
    verdict: verdictOf(cases),
    cases,
    quirks: suggestedQuirks(cases),
  });
  if (report.verdict === 'PASS' && awaitsActivation(platform)) {
    await activateRoutes(hub, platform.id, `conformance check ${report.id} passed`);
  }
  return report;
}
