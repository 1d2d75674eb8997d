import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { deleteReceivedRecord, receivedRecord, receiveRecord, recordsFor } from '../../../clearing/reconciliation/records.js';
import type { HubContext } from '../../../hub/context.js';
import { forward } from '../../../hub/forward.js';
import { requesterParty } from '../../../hub/requester.js';
import { agreementFor, findParty, type RoutedParty } from '../../../hub/routing.js';
import { success } from '../../../ocpi/envelope.js';
import { formatParty, type PartyRef } from '../../../ocpi/headers.js';
import { pageHeaders, parsePageRequest } from '../../../ocpi/pagination.js';
import { OcpiError, OcpiStatus } from '../../../ocpi/status.js';
import { InvoiceReconciliationRecordSchema, type InvoiceReconciliationRecord } from '../../../ocpi/v2_3_0/invoicereconciliation.js';
import { callerOf, pageCeiling, parseBody } from '../context.js';

const MODULE = 'invoicereconciliation';
const MAX_PAGE = 100;
/** Whoever issues invoices: the CPO (direct billing) or the eMSP (reverse billing). */
const ISSUER_ROLES = ['CPO', 'EMSP'];

interface RecordParams {
  cc: string;
  pid: string;
  id: string;
}

/**
 * The recipient of a record: the party OCPI-to names, of the other role, that may exchange CDRs
 * with the issuer. Invoice reconciliation has no module of its own in agreements: whoever may
 * exchange CDRs may reconcile the invoices that bill them.
 */
async function recipientOf(hub: HubContext, request: FastifyRequest, issuer: RoutedParty): Promise<RoutedParty> {
  const to = request.ocpi.routing.to;
  if (!to) throw OcpiError.invalid("OCPI-to-country-code and OCPI-to-party-id must name the invoice's recipient");
  const recipient = await findParty(hub.db, to, [issuer.role === 'CPO' ? 'EMSP' : 'CPO']);
  if (!recipient) throw new OcpiError(OcpiStatus.UNKNOWN_RECEIVER, `No ${issuer.role === 'CPO' ? 'eMSP' : 'CPO'} party ${formatParty(to)} on this hub`);
  const decision = await agreementFor(hub.db, issuer, recipient, 'cdrs');
  if (!decision.allowed) throw new OcpiError(OcpiStatus.HUB_ERROR, `${formatParty(issuer.ref)} and ${formatParty(recipient.ref)} have no agreement to exchange CDRs (${decision.basis})`);
  return recipient;
}

function checkOwner(record: { country_code: string; party_id: string; id?: string }, owner: PartyRef, id?: string): void {
  if (record.country_code.toUpperCase() !== owner.countryCode) throw OcpiError.invalid(`must be the issuer's country code (${owner.countryCode})`, '$.country_code');
  if (record.party_id.toUpperCase() !== owner.partyId) throw OcpiError.invalid(`must be the issuer's party id (${owner.partyId})`, '$.party_id');
  if (id !== undefined && record.id?.toUpperCase() !== id.toUpperCase()) throw OcpiError.invalid(`must equal the id in the URL (${id})`, '$.id');
}

/**
 * The 2.3.0 Invoice Reconciliation module through the hub. Issuers push records to the hub's
 * Receiver interface (POST, PUT, DELETE, GET of their own); the hub checks each against its own
 * statement, keeps it and routes it to the recipient's Receiver interface, relaying the answer.
 * Recipients that cannot receive pushes pull the records addressed to them from the hub's Sender
 * interface.
 */
export async function invoiceReconciliationRoutes(app: FastifyInstance, hub: HubContext): Promise<void> {
  const relay = async (request: FastifyRequest, reply: FastifyReply, method: 'POST' | 'PUT' | 'DELETE', issuer: RoutedParty, to: RoutedParty, record: InvoiceReconciliationRecord | undefined, path: string) => {
    const relayed = await forward(hub, {
      from: { ref: issuer.ref, role: issuer.role },
      to,
      module: MODULE,
      interfaceRole: 'RECEIVER',
      method,
      path,
      body: record,
      correlationId: request.ocpi.tracing.correlationId ?? randomUUID(),
      objectId: record?.id ?? path.split('/').pop(),
      timeoutMs: hub.config.forwardTimeoutMs,
    });
    return reply.code(relayed.httpStatus).headers(relayed.headers).send(relayed.body);
  };

  const push = (method: 'POST' | 'PUT') => async (request: FastifyRequest<{ Params: Partial<RecordParams> }>, reply: FastifyReply) => {
    const issuer = await requesterParty(hub.directory, callerOf(request), request.ocpi.routing, ISSUER_ROLES);
    const record = parseBody(InvoiceReconciliationRecordSchema, request.body, callerOf(request));
    const { cc, pid, id } = request.params;
    if (cc && pid && `${cc}*${pid}`.toUpperCase() !== formatParty(issuer.ref)) throw OcpiError.invalid(`the URL names ${cc}*${pid}, but the request comes from ${formatParty(issuer.ref)}`);
    checkOwner(record, issuer.ref, id);
    const to = await recipientOf(hub, request, issuer);
    await receiveRecord(hub.db, record, to.ref);
    const path = method === 'PUT' ? `/${issuer.ref.countryCode}/${issuer.ref.partyId}/${encodeURIComponent(record.id)}` : '';
    return relay(request, reply, method, issuer, to, record, path);
  };

  const base = '/receiver/invoicereconciliation';
  app.post(base, push('POST'));
  app.put(`${base}/:cc/:pid/:id`, push('PUT'));

  app.get<{ Params: RecordParams }>(`${base}/:cc/:pid/:id`, async (request) => {
    const issuer = await requesterParty(hub.directory, callerOf(request), request.ocpi.routing, ISSUER_ROLES);
    const owner = { countryCode: request.params.cc.toUpperCase(), partyId: request.params.pid.toUpperCase() };
    const found = formatParty(owner) === formatParty(issuer.ref) ? await receivedRecord(hub.db, owner, request.params.id) : undefined;
    if (!found) throw OcpiError.notFound(`No invoice reconciliation record ${request.params.id}`);
    return success(found.record);
  });

  app.delete<{ Params: RecordParams }>(`${base}/:cc/:pid/:id`, async (request, reply) => {
    const issuer = await requesterParty(hub.directory, callerOf(request), request.ocpi.routing, ISSUER_ROLES);
    const owner = { countryCode: request.params.cc.toUpperCase(), partyId: request.params.pid.toUpperCase() };
    const found = formatParty(owner) === formatParty(issuer.ref) ? await receivedRecord(hub.db, owner, request.params.id) : undefined;
    if (!found) throw OcpiError.notFound(`No invoice reconciliation record ${request.params.id}`);
    const to = await findParty(hub.db, found.recipient, [issuer.role === 'CPO' ? 'EMSP' : 'CPO']);
    await deleteReceivedRecord(hub.db, owner, request.params.id);
    if (!to) return success();
    return relay(request, reply, 'DELETE', issuer, to, undefined, `/${owner.countryCode}/${owner.partyId}/${encodeURIComponent(found.record.id)}`);
  });

  // The Sender interface (pull): the records addressed to the requester, paginated.
  app.get('/sender/invoicereconciliation', async (request, reply) => {
    const requester = await requesterParty(hub.directory, callerOf(request), request.ocpi.routing, ISSUER_ROLES);
    const limit = pageCeiling(request, MAX_PAGE);
    const page = parsePageRequest(request.query as Record<string, string>, limit);
    const { records, total } = await recordsFor(hub.db, requester.ref, page);
    reply.headers(pageHeaders(new URL(`${hub.config.publicUrl}${request.url}`), page, total, limit));
    return success(records);
  });
}
