import { DiscoveryError, discoverEndpoints, type DiscoveredVersion } from '../ocpi/discovery.js';
import { OcpiCallError } from '../ocpi/client.js';
import { OcpiError, OcpiStatus } from '../ocpi/status.js';
import type { Credentials } from '../ocpi/v2_2_1/index.js';
import { versionsUrl, type HubContext } from './context.js';
import {
  addToken,
  getPlatform,
  isRegistered,
  PartyTakenError,
  removeToken,
  removeTokens,
  saveRegistration,
  unregister,
  type DeclaredRole,
  type Endpoint,
  type Platform,
} from './registry.js';
import { journaledCaller } from './journaled-call.js';
import { exchangeClientInfo } from './peering/client-info-sync.js';
import { newToken } from './secrets.js';
import { SUPPORTED_VERSIONS } from './versions.js';
import type { OcpiVersion } from '../ocpi/translate/index.js';
import { CANONICAL_VERSION, translateObject } from './translation.js';

/**
 * Modules the hub needs from a platform, per role it hosts: without a CPO's locations or an eMSP's
 * tokens the hub cannot serve the party. Every platform needs credentials.
 */
const REQUIRED_MODULES: Record<string, { module: string; role: 'SENDER' | 'RECEIVER' }[]> = {
  CPO: [{ module: 'locations', role: 'SENDER' }],
  EMSP: [{ module: 'tokens', role: 'SENDER' }],
};

/**
 * The hub's credentials for a platform that speaks `version`. 2.3.0 platforms are told the hub's
 * party in `hub_party_id` and, in `roles`, the parties they can reach through it (the spec expects
 * a hub to list them, and requires at least one role).
 */
export async function hubCredentialsFor(ctx: HubContext, token: string, version: string, platformId: string): Promise<Credentials> {
  const ours = hubCredentials(ctx, token);
  if (version === '2.3.0') ours.roles.push(...(await reachableRoles(ctx, platformId)));
  return ours;
}

/** The parties of every other platform that are there to reach. */
async function reachableRoles(ctx: HubContext, platformId: string): Promise<Credentials['roles']> {
  type Role = Credentials['roles'][number];
  const rows = await ctx.db.query<{ role: Role['role']; country_code: string; party_id: string; business_details: Role['business_details'] }>(
    `SELECT role, country_code, party_id, business_details FROM parties
     WHERE platform_id <> $1 AND status IN ('CONNECTED', 'OFFLINE') ORDER BY country_code, party_id, role`,
    [platformId],
  );
  return rows.map((row) => ({ role: row.role, country_code: row.country_code, party_id: row.party_id, business_details: row.business_details }));
}

/** The hub's own credentials, carrying the token the partner is to use from now on. */
function hubCredentials(ctx: HubContext, token: string): Credentials {
  return {
    token,
    url: versionsUrl(ctx.config),
    roles: [
      {
        role: 'HUB',
        country_code: ctx.config.party.countryCode,
        party_id: ctx.config.party.partyId,
        business_details: { name: ctx.config.name },
      },
    ],
  };
}

/**
 * Partner → hub credentials, receiver side: POST registers (with token A), PUT re-reads the
 * endpoints and rotates the token. The hub calls the partner back, checks the endpoints its roles
 * need, and issues a new token; if anything fails, the previous registration stays as it was and
 * keeps working. The version is the one whose credentials endpoint the partner used.
 */
export async function acceptCredentials(
  ctx: HubContext,
  platform: Platform,
  credentials: Credentials,
  correlationId: string,
  version: OcpiVersion = CANONICAL_VERSION,
): Promise<Credentials> {
  const discovered = await discoverPartner(ctx, platform, credentials.url, credentials.token, correlationId, [version]).catch(
    async (error) => {
      if (!(error instanceof DiscoveryError)) throw error;
      // The detail (what answered, or did not, at that address) is the operator's: the partner
      // learns only that its URL could not be used, so the hub cannot be used to scan networks.
      await ctx.journalWriter.write({
        direction: 'OUT',
        correlationId,
        platformId: platform.id,
        module: 'versions',
        method: 'GET',
        url: credentials.url,
        blame: 'NETWORK',
        error: error.message,
      });
      throw new OcpiError(OcpiStatus.UNABLE_TO_USE_CLIENT_API, 'Cannot reach your versions URL or use its endpoints');
    },
  );
  const roles = declaredRoles(credentials);
  checkRequiredEndpoints(roles, discovered.endpoints);
  const tokenC = newToken();
  await completeRegistration(ctx, platform.id, discovered, credentials, roles, tokenC);
  return hubCredentials(ctx, tokenC);
}

/** Partner → hub DELETE credentials: the platform's tokens die and its parties end SUSPENDED. */
export async function acceptUnregistration(ctx: HubContext, platform: Platform): Promise<void> {
  if (!isRegistered(platform)) throw OcpiError.methodNotAllowed('Not registered: nothing to delete');
  const changed = await ctx.db.transaction((tx) => unregister(tx, platform.id));
  ctx.clientInfo.partiesChanged(changed);
}

/**
 * Hub → partner: the operator gives the hub a partner's versions URL and token A. The hub reads the
 * partner's endpoints, makes token B, POSTs its credentials and keeps the token C it gets back.
 */
export async function startRegistration(
  ctx: HubContext,
  platformId: string,
  partnerVersionsUrl: string,
  tokenA: string,
  correlationId: string,
): Promise<Platform> {
  const platform = await getPlatform(ctx.db, platformId);
  if (!platform) throw new HandshakeError(404, 'No such partner');
  if (isRegistered(platform)) throw new HandshakeError(409, 'The partner is already registered');

  const discovered = await discoverPartner(ctx, platform, partnerVersionsUrl, tokenA, correlationId).catch((error) => {
    throw asHandshakeError(error);
  });
  const credentialsEndpoint = discovered.endpoints.find((e) => e.module === 'credentials');
  if (!credentialsEndpoint) throw new HandshakeError(502, 'The partner offers no credentials endpoint');

  // The partner calls back our versions endpoint with token B before it answers the POST.
  const tokenB = newToken();
  await addToken(ctx.db, platform.id, tokenB, 'ACTIVE');
  let roles: DeclaredRole[];
  try {
    const theirs = await postCredentials(ctx, platform, credentialsEndpoint.url, tokenA, tokenB, correlationId, discovered.version);
    const rediscovered =
      theirs.url === partnerVersionsUrl
        ? discovered
        : await discoverPartner(ctx, platform, theirs.url, theirs.token, correlationId, [discovered.version]);
    roles = declaredRoles(theirs);
    checkRequiredEndpoints(roles, rediscovered.endpoints);
    await completeRegistration(ctx, platform.id, rediscovered, theirs, roles, tokenB);
  } catch (error) {
    await removeToken(ctx.db, tokenB);
    throw asHandshakeError(error);
  }
  const registered = (await getPlatform(ctx.db, platform.id))!;
  // Both sides of the handshake are complete only now: the time for two hubs to meet.
  if (roles.some((role) => role.role === 'HUB')) await exchangeClientInfo(ctx, registered, correlationId);
  return registered;
}

/** The hub-initiated handshake failed; `status` is the admin API's HTTP status. */
export class HandshakeError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'HandshakeError';
  }
}

function asHandshakeError(error: unknown): HandshakeError {
  if (error instanceof HandshakeError) return error;
  // The operator asked for this call: the detail is theirs to see.
  if (error instanceof DiscoveryError) return new HandshakeError(502, `Cannot use the partner's API: ${error.message}`);
  if (error instanceof OcpiError) return new HandshakeError(502, `OCPI ${error.statusCode}: ${error.message}`);
  return new HandshakeError(502, error instanceof Error ? error.message : String(error));
}

/** The hub's credentials POSTed in the partner's version; its own come back canonical. */
async function postCredentials(
  ctx: HubContext,
  platform: Platform,
  url: string,
  tokenA: string,
  tokenB: string,
  correlationId: string,
  version: OcpiVersion,
): Promise<Credentials> {
  const hubParty = { ...ctx.config.party, role: 'HUB' as const };
  const ours = await translateObject(ctx.db, 'Credentials', CANONICAL_VERSION, version, await hubCredentialsFor(ctx, tokenB, version, platform.id), {
    owner: hubParty,
  });
  let reply;
  try {
    reply = await journaledCaller(ctx, { platformId: platform.id, name: platform.name, module: 'credentials' })<Credentials>({
      method: 'POST',
      url,
      token: tokenA,
      body: ours.value,
      correlationId,
      timeoutMs: ctx.config.callTimeoutMs,
      outbound: ctx.outbound,
    });
  } catch (error) {
    throw new HandshakeError(502, error instanceof OcpiCallError ? error.message : String(error));
  }
  const data = reply.envelope?.data;
  if (reply.envelope?.status_code !== OcpiStatus.SUCCESS || !data || typeof data.token !== 'string') {
    const status = reply.envelope
      ? `OCPI ${reply.envelope.status_code} ${reply.envelope.status_message ?? ''}`
      : `HTTP ${reply.httpStatus}`;
    throw new HandshakeError(502, `The partner refused our credentials: ${status.trim()}`);
  }
  const owner = { countryCode: String((data as { country_code?: unknown }).country_code ?? ''), partyId: String((data as { party_id?: unknown }).party_id ?? ''), role: platform.roleHint ?? undefined };
  return (await translateObject(ctx.db, 'Credentials', version, CANONICAL_VERSION, data, { owner })).value as Credentials;
}

/**
 * The partner's versions and endpoints, read through the outbound guard with one journal entry
 * per call; DiscoveryError when unusable.
 */
async function discoverPartner(
  ctx: HubContext,
  platform: Platform,
  url: string,
  token: string,
  correlationId: string,
  versions: readonly OcpiVersion[] = SUPPORTED_VERSIONS,
): Promise<DiscoveredVersion<OcpiVersion>> {
  const call = journaledCaller(ctx, { platformId: platform.id, name: platform.name, module: 'versions' });
  const discovered = await discoverEndpoints(url, token, versions, correlationId, call);
  if ('noCommonVersion' in discovered) {
    throw new OcpiError(
      OcpiStatus.UNSUPPORTED_VERSION,
      `No common OCPI version: you offer ${discovered.noCommonVersion.join(', ') || 'none'}, the hub speaks ${versions.join(', ')} here`,
    );
  }
  return discovered;
}

/**
 * 2.1.1 endpoints name no interface role: a module has one interface per platform, the one its
 * role plays. A CPO sends locations, tariffs, sessions and CDRs and receives tokens and commands;
 * an eMSP the other way round.
 */
function interfacesOf211(endpoints: Endpoint[], roles: DeclaredRole[]): Endpoint[] {
  const cpoSends = new Set(['locations', 'tariffs', 'sessions', 'cdrs']);
  const isCpo = roles.some((r) => r.role === 'CPO');
  return endpoints.map((endpoint) => {
    if (endpoint.module === 'credentials') return endpoint;
    const sends = endpoint.module === 'commands' ? !isCpo : cpoSends.has(endpoint.module) === isCpo;
    return { ...endpoint, role: sends ? 'SENDER' : 'RECEIVER' };
  });
}

/**
 * The parties a platform's credentials declare as its own. A neighbouring hub's own is its HUB
 * role: in 2.3.0 it also lists the parties reachable through it, which the hub learns, as from
 * any neighbour, by its hubclientinfo or from the operator, so that they stay behind the hub.
 */
function declaredRoles(credentials: Credentials): DeclaredRole[] {
  const ofHub = credentials.roles.some((role) => role.role === 'HUB');
  return credentials.roles.filter((role) => !ofHub || role.role === 'HUB').map((role) => ({
    role: role.role,
    countryCode: role.country_code.toUpperCase(),
    partyId: role.party_id.toUpperCase(),
    businessDetails: role.business_details as Record<string, unknown>,
  }));
}

function checkRequiredEndpoints(roles: DeclaredRole[], endpoints: Endpoint[]): void {
  const missing = new Set<string>();
  if (!endpoints.some((e) => e.module === 'credentials')) missing.add('credentials');
  for (const { role } of roles) {
    for (const need of REQUIRED_MODULES[role] ?? []) {
      if (!endpoints.some((e) => e.module === need.module && e.role === need.role)) {
        missing.add(`${need.module} (${need.role}, needed for role ${role})`);
      }
    }
  }
  if (missing.size > 0) {
    throw new OcpiError(OcpiStatus.NO_MATCHING_ENDPOINTS, `Required endpoints missing: ${[...missing].join(', ')}`);
  }
}

/**
 * One transaction: the new token replaces every older one, endpoints and parties are replaced, and
 * a conformance check is made due when the hub checks after credentials updates (and always for a
 * gated partner awaiting activation).
 */
async function completeRegistration(
  ctx: HubContext,
  platformId: string,
  discovered: DiscoveredVersion,
  credentials: Credentials,
  roles: DeclaredRole[],
  inboundToken: string,
): Promise<void> {
  let changed;
  try {
    changed = await ctx.db.transaction(async (tx) => {
      const parties = await saveRegistration(tx, platformId, {
        ocpiVersion: discovered.version,
        versionsUrl: credentials.url,
        sealedOutboundToken: ctx.sealer.seal(credentials.token),
        endpoints: discovered.version === '2.1.1' ? interfacesOf211(discovered.endpoints, roles) : discovered.endpoints,
        roles,
        checkAfter: ctx.config.checkAfterCredentials,
      });
      await removeTokens(tx, platformId, inboundToken);
      await addToken(tx, platformId, inboundToken, 'ACTIVE');
      return parties;
    });
  } catch (error) {
    if (error instanceof PartyTakenError) throw OcpiError.invalid(error.message, '$.roles');
    throw error;
  }
  ctx.clientInfo.partiesChanged(changed);
  // The conformance check the registration made due (see registry.saveRegistration) runs now.
  ctx.checks?.kick();
}
