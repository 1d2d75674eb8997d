import type { FastifyInstance, FastifyRequest } from 'fastify';
import { success } from '../../ocpi/envelope.js';
import { tokenCandidates } from '../../ocpi/auth.js';
import { OcpiError } from '../../ocpi/status.js';
import type { Credentials } from '../../ocpi/v2_2_1/index.js';
import type { HubContext } from '../../hub/context.js';
import { acceptCredentials, acceptUnregistration, hubCredentialsFor } from '../../hub/credentials.js';
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

/** The hub's credentials in the caller's version (credentials.ts, hubCredentialsFor). */
async function renderHubCredentials(hub: HubContext, request: FastifyRequest, token: string): Promise<unknown> {
  const ours = await hubCredentialsFor(hub, token, versionOf(request), callerOf(request).id);
  return renderObject(hub, request, 'Credentials', ours, { ...hub.config.party, role: 'HUB' });
}
