import type { FastifyInstance, FastifyRequest } from 'fastify';
import { success } from '../../ocpi/envelope.js';
import { OcpiError, OcpiStatus } from '../../ocpi/status.js';
import type { HubContext } from '../../hub/context.js';
import { SUPPORTED_VERSIONS } from '../../hub/versions.js';
import { callerOf } from './context.js';

const ROUTED_MODULES = ['locations', 'tariffs', 'sessions', 'cdrs', 'tokens', 'commands', 'chargingprofiles'];
/** 2.1.1 has neither hub client info nor charging profiles. */
const MODULES_211 = ['locations', 'tariffs', 'sessions', 'cdrs', 'tokens', 'commands'];
/** The modules whose data a CPO sends; a 2.1.1 CPO pushes these to the hub's Receiver interfaces. */
const CPO_SENDS = new Set(['locations', 'tariffs', 'sessions', 'cdrs']);

interface HubEndpoint {
  identifier: string;
  role?: 'SENDER' | 'RECEIVER';
  path: string;
}

/**
 * The hub's interfaces in 2.2.1 and 2.3.0: both roles of every routed module and of hubclientinfo,
 * at two URLs, because the Sender and Receiver paths of a module would clash.
 */
function endpointsWithRoles(): HubEndpoint[] {
  return [
    { identifier: 'credentials', role: 'SENDER', path: 'credentials' },
    { identifier: 'hubclientinfo', role: 'SENDER', path: 'hubclientinfo' },
    // Where a neighbouring hub pushes the ClientInfo of the parties behind it.
    { identifier: 'hubclientinfo', role: 'RECEIVER', path: 'receiver/hubclientinfo' },
    ...ROUTED_MODULES.flatMap((module) => [
      { identifier: module, role: 'SENDER' as const, path: `sender/${module}` },
      { identifier: module, role: 'RECEIVER' as const, path: `receiver/${module}` },
    ]),
  ];
}

/**
 * 2.1.1 endpoints name no role: one URL per module, the interface that faces the partner's role.
 * A CPO pushes to the hub's Receiver interfaces and reads tokens from its Sender; an eMSP the other
 * way round.
 */
function endpointsFor211(role: 'CPO' | 'EMSP'): HubEndpoint[] {
  return [
    { identifier: 'credentials', path: 'credentials' },
    ...MODULES_211.map((module) => {
      const hubReceives = module === 'commands' ? role === 'EMSP' : CPO_SENDS.has(module) === (role === 'CPO');
      return { identifier: module, path: `${hubReceives ? 'receiver' : 'sender'}/${module}` };
    }),
  ];
}

/** Modules new in 2.3.0 (edition 2), offered to 2.3.0 partners only. */
const MODULES_230_ONLY = ['invoicereconciliation'];

function hubEndpoints(version: string, request: FastifyRequest): HubEndpoint[] {
  if (version === '2.3.0') {
    return [
      ...endpointsWithRoles(),
      ...MODULES_230_ONLY.flatMap((module) => [
        { identifier: module, role: 'SENDER' as const, path: `sender/${module}` },
        { identifier: module, role: 'RECEIVER' as const, path: `receiver/${module}` },
      ]),
    ];
  }
  if (version !== '2.1.1') return endpointsWithRoles();
  const role = callerOf(request).roleHint;
  if (!role) {
    throw new OcpiError(
      OcpiStatus.CLIENT_ERROR,
      "OCPI 2.1.1 names no roles: the hub operator must set this partner's role (CPO or EMSP) to offer its endpoints",
    );
  }
  return endpointsFor211(role);
}

export async function versionRoutes(app: FastifyInstance, hub: HubContext): Promise<void> {
  // Read at request time: the public URL is only final once the server listens.
  const base = () => `${hub.config.publicUrl}/ocpi`;
  const config = { registrationTokenAllowed: true };

  app.get('/versions', { config }, async () =>
    success([...SUPPORTED_VERSIONS].sort().map((version) => ({ version, url: `${base()}/${version}` }))),
  );

  app.get<{ Params: { version: string } }>('/:version', { config }, async (request) => {
    const { version } = request.params;
    if (!(SUPPORTED_VERSIONS as readonly string[]).includes(version)) {
      throw OcpiError.notFound(`Version ${version} is not supported`, OcpiStatus.UNSUPPORTED_VERSION);
    }
    return success({
      version,
      endpoints: hubEndpoints(version, request).map(({ identifier, role, path }) => ({
        identifier,
        ...(role ? { role } : {}),
        url: `${base()}/${version}/${path}`,
      })),
    });
  });
}
