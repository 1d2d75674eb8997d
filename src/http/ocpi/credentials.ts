import type { FastifyInstance, FastifyRequest } from 'fastify';
import { success } from '../../ocpi/envelope.js';
import { tokenCandidates } from '../../ocpi/auth.js';
import { OcpiError } from '../../ocpi/status.js';
import type { Credentials } from '../../ocpi/v2_2_1/index.js';
import type { HubContext } from '../../hub/context.js';
import { acceptCredentials, acceptUnregistration, hubCredentials } from '../../hub/credentials.js';
import { isRegistered, type Platform } from '../../hub/registry.js';
import { callerOf } from './context.js';
import { readObject, renderObject, versionOf } from './edge.js';

/** The hub's credentials endpoint, receiver side of the handshake, in every version. */
export async function credentialsRoutes(app: FastifyInstance, hub: HubContext): Promise<void> {
  const url = '/credentials';
  const config = { registrationTokenAllowed: true };

  // The hub keeps only digests of the tokens it issued; the token the caller used is the one to show.
  app.get(url, { config }, async (request) => {
    if (!isRegistered(callerOf(request))) throw OcpiError.methodNotAllowed('Not registered yet');
    return success(await renderHubCredentials(hub, request, tokenCandidates(request.headers.authorization)[0]));
  });

  app.post(url, { config }, async (request) => {
    const platform = callerOf(request);
    if (isRegistered(platform)) {
      throw OcpiError.methodNotAllowed('Already registered: use PUT to update credentials or DELETE to unregister');
    }
    const credentials = await readCredentials(hub, request, platform);
    const ours = await acceptCredentials(hub, platform, credentials, request.ocpi.tracing.correlationId, versionOf(request));
    return success(await renderHubCredentials(hub, request, ours.token));
  });

  app.put(url, { config }, async (request) => {
    const platform = callerOf(request);
    if (request.ocpi.tokenKind === 'REGISTRATION' || !isRegistered(platform)) {
      throw OcpiError.methodNotAllowed('Not registered: use POST first');
    }
    const credentials = await readCredentials(hub, request, platform);
    const ours = await acceptCredentials(hub, platform, credentials, request.ocpi.tracing.correlationId, versionOf(request));
    return success(await renderHubCredentials(hub, request, ours.token));
  });

  app.delete(url, { config }, async (request) => {
    const platform = callerOf(request);
    if (request.ocpi.tokenKind === 'REGISTRATION') throw OcpiError.methodNotAllowed('Not registered: nothing to delete');
    await acceptUnregistration(hub, platform);
    return success();
  });
}

/** A partner's credentials, canonical. 2.1.1 credentials name no role: the operator's hint gives it. */
async function readCredentials(hub: HubContext, request: FastifyRequest, platform: Platform): Promise<Credentials> {
  const body = (request.body ?? {}) as { country_code?: unknown; party_id?: unknown };
  if (versionOf(request) === '2.1.1' && !platform.roleHint) {
    throw OcpiError.invalid('OCPI 2.1.1 credentials carry no role: the hub operator must set this partner\'s role (CPO or EMSP)');
  }
  const owner = {
    countryCode: String(body.country_code ?? ''),
    partyId: String(body.party_id ?? ''),
    role: platform.roleHint ?? undefined,
  };
  return readObject<Credentials>(hub, request, 'Credentials', owner);
}

/**
 * The hub's credentials in the caller's version. 2.3.0 platforms are told the hub's party in
 * `hub_party_id` and, in `roles`, the parties they can reach through it.
 */
async function renderHubCredentials(hub: HubContext, request: FastifyRequest, token: string): Promise<unknown> {
  const ours = hubCredentials(hub, token);
  if (versionOf(request) === '2.3.0') ours.roles.push(...(await reachableRoles(hub, callerOf(request).id)));
  return renderObject(hub, request, 'Credentials', ours, { ...hub.config.party, role: 'HUB' });
}

async function reachableRoles(hub: HubContext, callerPlatformId: string): Promise<Credentials['roles']> {
  const rows = await hub.db.query<{ role: Credentials['roles'][number]['role']; country_code: string; party_id: string; business_details: Credentials['roles'][number]['business_details'] }>(
    `SELECT role, country_code, party_id, business_details FROM parties
     WHERE platform_id <> $1 AND status IN ('CONNECTED', 'OFFLINE') ORDER BY country_code, party_id, role`,
    [callerPlatformId],
  );
  return rows.map((row) => ({ role: row.role, country_code: row.country_code, party_id: row.party_id, business_details: row.business_details }));
}
