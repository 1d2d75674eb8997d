import type { FastifyInstance } from 'fastify';
import { success } from '../../ocpi/envelope.js';
import { tokenCandidates } from '../../ocpi/auth.js';
import { CredentialsSchema } from '../../ocpi/v2_2_1/index.js';
import type { HubContext } from '../../hub/context.js';
import {
  acceptRegistration,
  acceptUnregistration,
  acceptUpdate,
  hubCredentials,
} from '../../hub/credentials.js';
import { isRegistered } from '../../hub/registry.js';
import { OcpiError } from '../../ocpi/status.js';
import { callerOf, parseBody } from './context.js';

/** The hub's credentials endpoint (2.2.1), receiver side of the handshake. */
export async function credentialsRoutes(app: FastifyInstance, hub: HubContext): Promise<void> {
  const url = '/2.2.1/credentials';
  const config = { registrationTokenAllowed: true };

  // The hub keeps only digests of the tokens it issued; the token the caller used is the one to show.
  app.get(url, { config }, async (request) => {
    if (!isRegistered(callerOf(request))) throw OcpiError.methodNotAllowed('Not registered yet');
    return success(hubCredentials(hub, tokenCandidates(request.headers.authorization)[0]));
  });

  app.post(url, { config }, async (request) => {
    const platform = callerOf(request);
    if (isRegistered(platform)) {
      throw OcpiError.methodNotAllowed('Already registered: use PUT to update credentials or DELETE to unregister');
    }
    const credentials = parseBody(CredentialsSchema, request.body);
    return success(await acceptRegistration(hub, platform, credentials, request.ocpi.tracing.correlationId));
  });

  app.put(url, { config }, async (request) => {
    const platform = callerOf(request);
    if (request.ocpi.tokenKind === 'REGISTRATION') throw OcpiError.methodNotAllowed('Not registered: use POST first');
    const credentials = parseBody(CredentialsSchema, request.body);
    return success(await acceptUpdate(hub, platform, credentials, request.ocpi.tracing.correlationId));
  });

  app.delete(url, { config }, async (request) => {
    const platform = callerOf(request);
    if (request.ocpi.tokenKind === 'REGISTRATION') throw OcpiError.methodNotAllowed('Not registered: nothing to delete');
    await acceptUnregistration(hub, platform);
    return success();
  });
}
