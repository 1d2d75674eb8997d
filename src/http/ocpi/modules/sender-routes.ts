import type { FastifyInstance, FastifyRequest } from 'fastify';
import { rawEnvelope, success } from '../../../ocpi/envelope.js';
import { formatParty } from '../../../ocpi/headers.js';
import { pageHeaders, parsePageRequest } from '../../../ocpi/pagination.js';
import { OcpiError, OcpiStatus } from '../../../ocpi/status.js';
import type { HubContext } from '../../../hub/context.js';
import { forward } from '../../../hub/forward.js';
import { locationPart } from '../../../hub/location-tree.js';
import { decodeCursor, encodeCursor, findById, listObjects, type StoredModule } from '../../../hub/objects.js';
import { objectKey } from '../../../hub/push.js';
import { requesterParty } from '../../../hub/requester.js';
import { agreementFor, findParty, OWNER_ROLE } from '../../../hub/routing.js';
import { CANONICAL_VERSION } from '../../../hub/translation.js';
import type { ObjectKind } from '../../../ocpi/translate/index.js';
import { callerOf, pageCeiling } from '../context.js';
import { renderList, renderObject, versionOf } from '../edge.js';

/** The hub's page ceiling for GET-all (X-Limit). */
const MAX_PAGE = 100;

/** The object kind of each module's list, to render it in the caller's version. */
const LIST_KIND: Record<string, ObjectKind> = {
  locations: 'Location',
  tariffs: 'Tariff',
  sessions: 'Session',
  cdrs: 'CDR',
  tokens: 'Token',
};

/** Who may pull each module from the hub's Sender interface. */
const PULLER_ROLES: Record<string, string[]> = {
  locations: ['EMSP', 'NSP', 'OTHER', 'SCSP'],
  tariffs: ['EMSP', 'NSP', 'OTHER'],
  sessions: ['EMSP', 'SCSP'],
  cdrs: ['EMSP'],
  tokens: ['CPO'],
};

/**
 * The hub's Sender interfaces (GET-all via the hub): the merged objects of every party the
 * requester has an agreement with, paginated over the merged list. Sessions and CDRs are limited
 * to those of the requester's own drivers.
 */
export async function senderRoutes(app: FastifyInstance, hub: HubContext): Promise<void> {
  const base = '/sender';

  for (const module of Object.keys(PULLER_ROLES) as StoredModule[]) {
    app.get(`${base}/${module}`, async (request, reply) => {
      const requester = await requesterParty(hub.directory, callerOf(request), request.ocpi.routing, PULLER_ROLES[module]);
      const maxPage = pageCeiling(request, MAX_PAGE);
      const page = parsePageRequest(request.query as Record<string, string>, maxPage);
      const after = page.after === undefined ? undefined : decodeCursor(page.after);
      if (page.after !== undefined && !after) throw OcpiError.invalid('after must be a value from a Link this hub gave');
      const owners = (await hub.directory.current()).visibleOwners(requester, module, OWNER_ROLE[module]);
      const personal = module === 'sessions' || module === 'cdrs';
      const { total, items, next } = await listObjects(hub.db, module, {
        owners,
        tokenOwners: personal ? [requester.ref] : undefined,
        ...page,
        after,
      });
      const continuation = { after: next && encodeCursor(next) };
      reply.headers(pageHeaders(new URL(`${hub.config.publicUrl}${request.url}`), page, total, maxPage, continuation));
      if (versionOf(request) === CANONICAL_VERSION) {
        // The page goes out as the database wrote it: no parse, no re-serialization.
        return reply.type('application/json').send(rawEnvelope(items.map((item) => item.json)));
      }
      const objects = items.map((item) => ({ data: JSON.parse(item.json), owner: item.owner }));
      return success(await renderList(hub, request, LIST_KIND[module], objects));
    });
  }

  // One Location, EVSE or connector: forwarded to the CPO when TO names it, else from the hub's store.
  const oneLocation = async (
    request: FastifyRequest<{ Params: { id: string; evse?: string; connector?: string } }>,
    reply: import('fastify').FastifyReply,
  ) => {
    const requester = await requesterParty(hub.directory, callerOf(request), request.ocpi.routing, PULLER_ROLES.locations);
    const { id, evse, connector } = request.params;
    const partKind = connector ? 'Connector' : evse ? 'EVSE' : 'Location';
    const to = request.ocpi.routing.to;
    const toHub = to && formatParty(to) === formatParty(hub.config.party);
    if (to && !toHub) {
      const cpo = await findParty(hub.db, to, ['CPO']);
      if (!cpo) throw new OcpiError(OcpiStatus.UNKNOWN_RECEIVER, `Unknown receiver ${formatParty(to)}`);
      if (!(await agreementFor(hub.db, requester, cpo, 'locations')).allowed) {
        throw new OcpiError(OcpiStatus.HUB_ERROR, `No roaming agreement with ${formatParty(to)} for locations`);
      }
      const result = await forward(hub, {
        from: requester,
        to: cpo,
        module: 'locations',
        interfaceRole: 'SENDER',
        method: 'GET',
        path: request.url.slice(request.url.indexOf('/locations/') + '/locations'.length),
        correlationId: request.ocpi.tracing.correlationId,
        objectId: objectKey('locations', id),
        timeoutMs: hub.config.forwardTimeoutMs,
        answerKind: partKind,
      });
      if (result.answered && result.body.data !== undefined) {
        result.body.data = await renderObject(hub, request, partKind, result.body.data, cpo.ref);
      }
      return reply.code(result.httpStatus).headers(result.headers).send(result.body);
    }
    for (const stored of await findById(hub.db, 'locations', objectKey('locations', id))) {
      const owner = { ref: stored.owner, role: 'CPO' };
      if (!(await agreementFor(hub.db, owner, requester, 'locations')).allowed) continue;
      const part = locationPart(stored.data, evse, connector);
      if (part) return success(await renderObject(hub, request, partKind, part, stored.owner));
    }
    throw OcpiError.notFound(`Unknown location ${[id, evse, connector].filter(Boolean).join('/')}`, OcpiStatus.UNKNOWN_LOCATION);
  };
  app.get(`${base}/locations/:id`, oneLocation);
  app.get(`${base}/locations/:id/:evse`, oneLocation);
  app.get(`${base}/locations/:id/:evse/:connector`, oneLocation);

  // One tariff from the store, for the owners the requester may see.
  app.get<{ Params: { id: string } }>(`${base}/tariffs/:id`, async (request) => {
    const requester = await requesterParty(hub.directory, callerOf(request), request.ocpi.routing, PULLER_ROLES.tariffs);
    for (const stored of await findById(hub.db, 'tariffs', objectKey('tariffs', request.params.id))) {
      if ((await agreementFor(hub.db, { ref: stored.owner, role: OWNER_ROLE.tariffs }, requester, 'tariffs')).allowed) {
        return success(await renderObject(hub, request, 'Tariff', stored.data, stored.owner));
      }
    }
    throw OcpiError.notFound(`Unknown tariff ${request.params.id}`);
  });
}
