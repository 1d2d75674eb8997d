import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { success } from '../../../ocpi/envelope.js';
import { formatParty } from '../../../ocpi/headers.js';
import { OcpiError } from '../../../ocpi/status.js';
import type { ObjectKind } from '../../../ocpi/translate/index.js';
import type { HubContext } from '../../../hub/context.js';
import { locationPart } from '../../../hub/location-tree.js';
import { getObject, type ObjectData, type StoredModule } from '../../../hub/objects.js';
import { acceptPush, objectKey, resolvePushRoute } from '../../../hub/push.js';
import { requesterParty } from '../../../hub/requester.js';
import { OWNER_ROLE } from '../../../hub/routing.js';
import { mergeTariffPatch211 } from '../../../ocpi/translate/index.js';
import * as v211 from '../../../ocpi/v2_1_1/index.js';
import type { Tariff } from '../../../ocpi/v2_2_1/index.js';
import { callerOf, parseBody } from '../context.js';
import { originalOf, readObject, renderObject, versionOf } from '../edge.js';

/** The object kind a module stores, to render it in the caller's version. */
const STORED_KIND: Record<StoredModule, ObjectKind> = {
  locations: 'Location',
  tariffs: 'Tariff',
  tokens: 'Token',
  sessions: 'Session',
  cdrs: 'CDR',
};

interface OwnerParams {
  cc: string;
  pid: string;
  id: string;
  evse?: string;
  connector?: string;
}

type PushMethod = 'PUT' | 'PATCH' | 'DELETE';

/** The hub's Receiver interfaces: where CPOs push locations, tariffs, sessions and CDRs, and eMSPs push tokens. */
export async function pushRoutes(app: FastifyInstance, hub: HubContext): Promise<void> {
  const base = '/receiver';

  const push = (module: StoredModule, method: PushMethod, kind?: ObjectKind) =>
    async (request: FastifyRequest<{ Params: OwnerParams; Querystring: { type?: string } }>, reply: FastifyReply) => {
      const { cc, pid, id, evse, connector } = request.params;
      const requester = await requesterParty(hub.directory, callerOf(request), request.ocpi.routing, [OWNER_ROLE[module]]);
      const owner = { countryCode: cc.toUpperCase(), partyId: pid.toUpperCase() };
      if (formatParty(owner) !== formatParty(requester.ref)) {
        throw OcpiError.invalid(`the URL names ${formatParty(owner)}, but the request comes from ${formatParty(requester.ref)}`);
      }
      const body = kind ? await readObject<ObjectData>(hub, request, kind, owner) : undefined;
      if (body) checkIdentity(module, body, { owner, id: connector ?? evse ?? id, level: connector ? 'connector' : evse ? 'evse' : 'object', type: request.query.type });
      const objectId = objectKey(module, id, request.query.type ?? (body?.type as string | undefined));
      // A PATCH names no driver: open routing finds the eMSP in the stored session.
      const stored = method === 'PATCH' && module === 'sessions' ? await getObject(hub.db, module, owner, objectId) : undefined;
      const route = await resolvePushRoute(hub, module, request.ocpi.routing, requester, { ...stored?.data, ...body });
      const result = await acceptPush(hub, {
        module,
        method,
        requester,
        owner,
        objectId,
        evseUid: evse,
        connectorId: connector,
        path: request.url.slice(request.url.indexOf(`/${module}/`) + module.length + 1),
        body,
        original: originalOf(request),
        route,
        correlationId: request.ocpi.tracing.correlationId,
      });
      hub.delivery.kick();
      reply.code(method === 'PUT' && result.created ? 201 : 200);
      return success();
    };

  const read = (module: StoredModule) =>
    async (request: FastifyRequest<{ Params: OwnerParams; Querystring: { type?: string } }>) => {
      const { cc, pid, id, evse, connector } = request.params;
      const requester = await requesterParty(hub.directory, callerOf(request), request.ocpi.routing, [OWNER_ROLE[module]]);
      const owner = { countryCode: cc.toUpperCase(), partyId: pid.toUpperCase() };
      const stored =
        formatParty(owner) === formatParty(requester.ref)
          ? await getObject(hub.db, module, owner, objectKey(module, id, request.query.type))
          : undefined;
      if (!stored || stored.deleted) throw OcpiError.notFound(`No ${module} object ${id}`);
      if (module !== 'locations') return success(await renderObject(hub, request, STORED_KIND[module], stored.data, owner));
      const part = locationPart(stored.data, evse, connector);
      if (!part) throw OcpiError.notFound(`No such EVSE or connector in location ${id}`);
      return success(await renderObject(hub, request, connector ? 'Connector' : evse ? 'EVSE' : 'Location', part, owner));
    };

  const locations = `${base}/locations/:cc/:pid/:id`;
  app.get(locations, read('locations'));
  app.get(`${locations}/:evse`, read('locations'));
  app.get(`${locations}/:evse/:connector`, read('locations'));
  app.put(locations, push('locations', 'PUT', 'Location'));
  app.put(`${locations}/:evse`, push('locations', 'PUT', 'EVSE'));
  app.put(`${locations}/:evse/:connector`, push('locations', 'PUT', 'Connector'));
  app.patch(locations, push('locations', 'PATCH', 'LocationPatch'));
  app.patch(`${locations}/:evse`, push('locations', 'PATCH', 'EVSEPatch'));
  app.patch(`${locations}/:evse/:connector`, push('locations', 'PATCH', 'ConnectorPatch'));

  const tariffs = `${base}/tariffs/:cc/:pid/:id`;
  app.get(tariffs, read('tariffs'));
  app.put(tariffs, push('tariffs', 'PUT', 'Tariff'));
  app.delete(tariffs, push('tariffs', 'DELETE'));
  // 2.1.1 CPOs may PATCH a tariff, which later versions cannot: the hub merges it into its copy
  // and passes the whole tariff on as a PUT.
  app.patch<{ Params: OwnerParams }>(tariffs, async (request, reply) => {
    if (versionOf(request) !== '2.1.1') throw OcpiError.methodNotAllowed('Tariffs take no PATCH after OCPI 2.1.1');
    const { cc, pid, id } = request.params;
    const owner = { countryCode: cc.toUpperCase(), partyId: pid.toUpperCase() };
    const stored = await getObject(hub.db, 'tariffs', owner, objectKey('tariffs', id));
    if (!stored || stored.deleted) throw OcpiError.notFound(`No tariff ${id} to patch; PUT it first`);
    const patch = parseBody(v211.TariffPatchSchema, request.body, callerOf(request));
    const merged = mergeTariffPatch211(stored.data as Tariff, patch);
    request.ocpi.losses.push(...merged.losses);
    request.body = await renderObject(hub, request, 'Tariff', merged.value, owner);
    return push('tariffs', 'PUT', 'Tariff')(request as never, reply);
  });

  const sessions = `${base}/sessions/:cc/:pid/:id`;
  app.get(sessions, read('sessions'));
  app.put(sessions, push('sessions', 'PUT', 'Session'));
  app.patch(sessions, push('sessions', 'PATCH', 'SessionPatch'));

  const tokens = `${base}/tokens/:cc/:pid/:id`;
  app.get(tokens, read('tokens'));
  app.put(tokens, push('tokens', 'PUT', 'Token'));
  app.patch(tokens, push('tokens', 'PATCH', 'TokenPatch'));

  // CDRs are POSTed to the module URL; the CPO gets back a Location it can GET the hub's copy at.
  app.post(`${base}/cdrs`, async (request, reply) => {
    const requester = await requesterParty(hub.directory, callerOf(request), request.ocpi.routing, ['CPO']);
    const cdr = await readObject<ObjectData & { id: string; country_code: string; party_id: string }>(hub, request, 'CDR', requester.ref);
    const owner = { countryCode: cdr.country_code.toUpperCase(), partyId: cdr.party_id.toUpperCase() };
    if (formatParty(owner) !== formatParty(requester.ref)) {
      throw OcpiError.invalid(`the CDR belongs to ${formatParty(owner)}, not to ${formatParty(requester.ref)}`, '$.country_code');
    }
    const route = await resolvePushRoute(hub, 'cdrs', request.ocpi.routing, requester, cdr);
    await acceptPush(hub, {
      module: 'cdrs',
      method: 'POST',
      requester,
      owner,
      objectId: objectKey('cdrs', cdr.id),
      path: '',
      body: cdr,
      original: originalOf(request),
      route,
      correlationId: request.ocpi.tracing.correlationId,
    });
    hub.delivery.kick();
    reply.header('Location', `${hub.config.publicUrl}/ocpi/${versionOf(request)}${base}/cdrs/${owner.countryCode}/${owner.partyId}/${encodeURIComponent(cdr.id)}`);
    return success();
  });
  app.get(`${base}/cdrs/:cc/:pid/:id`, read('cdrs'));
}

/** The ids in the URL and in the body must agree (OCPI 2001 otherwise). */
function checkIdentity(
  module: StoredModule,
  body: ObjectData,
  expected: { owner: { countryCode: string; partyId: string }; id: string; level: 'object' | 'evse' | 'connector'; type?: string },
): void {
  const idField = expected.level === 'evse' ? 'uid' : module === 'tokens' ? 'uid' : 'id';
  const bodyId = body[idField];
  if (typeof bodyId === 'string' && bodyId.toUpperCase() !== expected.id.toUpperCase()) {
    throw OcpiError.invalid(`must equal the id in the URL (${expected.id})`, `$.${idField}`);
  }
  if (expected.level !== 'object') return;
  for (const [field, value] of [
    ['country_code', expected.owner.countryCode],
    ['party_id', expected.owner.partyId],
  ] as const) {
    if (typeof body[field] === 'string' && (body[field] as string).toUpperCase() !== value) {
      throw OcpiError.invalid(`must equal the ${field} in the URL (${value})`, `$.${field}`);
    }
  }
  if (module === 'tokens' && expected.type && typeof body.type === 'string' && body.type !== expected.type) {
    throw OcpiError.invalid(`must equal the type in the URL (${expected.type})`, '$.type');
  }
}
