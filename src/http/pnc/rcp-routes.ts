import type { FastifyInstance } from 'fastify';
import type { HubContext } from '../../hub/context.js';
import { PncError } from '../../pnc/errors.js';
import { addRoot, getRoot, listRoots, removeRoot, rootView, ROOT_TYPES, type RootType } from '../../pnc/roots.js';
import { enqueueEvent } from '../../pnc/webhooks.js';
import { clientOf, deliverSoon, requireOperator } from './context.js';

/** OPCP rcp.v1: every client reads the trusted roots; the operator adds and removes them. */
export async function rcpRoutes(app: FastifyInstance, hub: HubContext, adminToken: string): Promise<void> {
  app.get<{ Querystring: { rootType?: string } }>('/v1/root/rootCerts', async (request) => {
    await clientOf(hub, request);
    const filter = request.query.rootType?.toUpperCase();
    if (filter !== undefined && !ROOT_TYPES.includes(filter as RootType)) throw PncError.invalid('rootType: mo, v2g or oem');
    const roots = await listRoots(hub.db, filter ? [filter as RootType] : undefined);
    return { RootCertificateCollection: { rootCertificates: roots.map(rootView) } };
  });

  app.get<{ Params: { id: string } }>('/v1/root/rootCerts/:id', async (request) => {
    await clientOf(hub, request);
    const root = await getRoot(hub.db, request.params.id);
    if (!root) throw PncError.notFound(`No root certificate ${request.params.id}`);
    return { RootResponse: rootView(root) };
  });

  app.put<{ Body: { caCertificate?: unknown; rootType?: unknown } }>('/v1/root/rootCerts', async (request) => {
    requireOperator(adminToken, request);
    const body = request.body ?? {};
    const root = await hub.db.transaction(async (tx) => {
      const added = await addRoot(tx, body);
      const payload = { rootCertificateId: added.id, rootType: added.rootType, fingerprint: added.fingerprint };
      await enqueueEvent(tx, 'root.cert.added', 'urn:iso:15118:2:2013:MsgDef', payload, { kind: 'ALL' });
      return added;
    });
    deliverSoon(hub);
    return { RootResponse: rootView(root) };
  });

  app.delete<{ Params: { id: string } }>('/v1/root/rootCerts/:id', async (request) => {
    requireOperator(adminToken, request);
    if (!(await removeRoot(hub.db, request.params.id))) throw PncError.notFound(`No root certificate ${request.params.id}`);
    return {};
  });
}
