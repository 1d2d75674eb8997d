import type { FastifyInstance } from 'fastify';
import { success } from '../../ocpi/envelope.js';
import { OcpiError, OcpiStatus } from '../../ocpi/status.js';
import type { HubContext } from '../../hub/context.js';
import { SUPPORTED_VERSIONS } from '../../hub/versions.js';

/** The hub's interfaces per version: module, the role the hub plays, and the path below /ocpi/{version}. */
const ROUTED_MODULES = ['locations', 'tariffs', 'sessions', 'cdrs', 'tokens', 'commands', 'chargingprofiles'];

const HUB_ENDPOINTS: Record<string, { identifier: string; role: 'SENDER' | 'RECEIVER'; path: string }[]> = {
  '2.2.1': [
    { identifier: 'credentials', role: 'SENDER', path: 'credentials' },
    { identifier: 'hubclientinfo', role: 'SENDER', path: 'hubclientinfo' },
    // The hub plays both roles of every routed module, at two URLs: their paths would clash.
    ...ROUTED_MODULES.flatMap((module) => [
      { identifier: module, role: 'SENDER' as const, path: `sender/${module}` },
      { identifier: module, role: 'RECEIVER' as const, path: `receiver/${module}` },
    ]),
  ],
};

export async function versionRoutes(app: FastifyInstance, hub: HubContext): Promise<void> {
  // Read at request time: the public URL is only final once the server listens.
  const base = () => `${hub.config.publicUrl}/ocpi`;
  const config = { registrationTokenAllowed: true };

  app.get('/versions', { config }, async () =>
    success(SUPPORTED_VERSIONS.map((version) => ({ version, url: `${base()}/${version}` }))),
  );

  app.get<{ Params: { version: string } }>('/:version', { config }, async (request) => {
    const endpoints = HUB_ENDPOINTS[request.params.version];
    if (!endpoints) {
      throw OcpiError.notFound(`Version ${request.params.version} is not supported`, OcpiStatus.UNSUPPORTED_VERSION);
    }
    return success({
      version: request.params.version,
      endpoints: endpoints.map(({ identifier, role, path }) => ({
        identifier,
        role,
        url: `${base()}/${request.params.version}/${path}`,
      })),
    });
  });
}
