import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { cdrHistory, CDR_STATUSES, countClearingCdrs, getClearingCdr, listClearingCdrs, type CdrStatus, type ClearingCdrFilter, type ClearingCdrRecord } from '../../clearing/cdr-records.js';
import { applyLifecycle, DISPUTE_REASONS, LifecycleError, listMissingCdrs, type LifecycleAction, type DisputeReason } from '../../clearing/lifecycle.js';
import { locationTimeZone } from '../../clearing/locations.js';
import { priceRequest, type PriceRequest } from '../../clearing/price-request.js';
import { PricingInputError } from '../../clearing/pricing/input.js';
import type { HubContext } from '../../hub/context.js';
import { formatParty } from '../../ocpi/headers.js';
import { clearingTermsRoutes } from './clearing-terms.js';
import { badRequest, PartyText, partyArgument } from './schemas.js';

/**
 * Clearing for operators and partners: price a CDR by a tariff as the hub reads it, list and read
 * the audited CDRs, move a CDR through its dispute lifecycle, and set the clearing terms.
 */

export function recordView(record: ClearingCdrRecord) {
  return {
    country_code: record.owner.countryCode,
    party_id: record.owner.partyId,
    id: record.cdrId,
    emsp: record.emsp ? formatParty(record.emsp) : null,
    currency: record.currency,
    session_id: record.sessionId ?? null,
    start_date_time: record.start.toISOString(),
    end_date_time: record.end.toISOString(),
    location_id: record.locationId ?? null,
    evse_uid: record.evseUid ?? null,
    status: record.status,
    divergences: record.divergences,
    claimed: record.claimed,
    computed: record.computed ?? null,
    credit: record.credit,
    credits_cdr_id: record.creditsCdrId ?? null,
    credited_by_cdr_id: record.creditedByCdrId ?? null,
    revises_cdr_id: record.revisesCdrId ?? null,
    revised_by_cdr_id: record.revisedByCdrId ?? null,
    invoice_reference_id: record.invoiceReferenceId ?? null,
    dispute_deadline: record.disputeDeadline?.toISOString() ?? null,
    received_at: record.receivedAt.toISOString(),
    audited_at: record.auditedAt?.toISOString() ?? null,
  };
}

interface ListQuery {
  party?: string;
  counterparty?: string;
  from?: string;
  to?: string;
  status?: string;
  divergence?: string;
  after?: number;
  limit?: number;
}

const CdrParams = Type.Object({ cc: Type.String(), pid: Type.String(), id: Type.String() });
type CdrParamsT = { cc: string; pid: string; id: string };

const LifecycleBody = Type.Object({
  actor: Type.Optional(Type.String({ description: 'Who acts, e.g. operator:alice; defaults to operator' })),
  on_behalf_of: Type.Optional(PartyText('The party the operator acts for (the eMSP or the CPO)')),
  reason: Type.Optional(Type.String({ enum: [...DISPUTE_REASONS] })),
  comment: Type.Optional(Type.String({ maxLength: 2000 })),
  evidence: Type.Optional(Type.Unknown({ description: 'Anything that supports a dispute (links, readings)' })),
});
interface LifecycleBodyT {
  actor?: string;
  on_behalf_of?: string;
  reason?: DisputeReason;
  comment?: string;
  evidence?: unknown;
}

const date = (text: string | undefined, field: string) => {
  if (text === undefined) return undefined;
  const value = new Date(text);
  if (Number.isNaN(value.getTime())) throw badRequest(`${field} must be a date-time`);
  return value;
};

export async function clearingRoutes(app: FastifyInstance, hub: HubContext): Promise<void> {
  await clearingTermsRoutes(app, hub);

  app.post<{ Body: PriceRequest }>(
    '/pricing/price',
    {
      schema: {
        tags: ['clearing'],
        summary: 'Price a CDR or session by a tariff, as the hub reads it (any OCPI version)',
        body: Type.Object({}, { additionalProperties: true }),
      },
    },
    async (request, reply) => {
      try {
        return await priceRequest(request.body, (owner, id) => locationTimeZone(hub.db, owner, id));
      } catch (error) {
        if (!(error instanceof PricingInputError)) throw error;
        return reply.code(400).send({ error: 'invalid', message: `${error.path}: ${error.message}`, path: error.path });
      }
    },
  );

  app.get<{ Querystring: ListQuery }>(
    '/cdrs',
    {
      schema: {
        tags: ['clearing'],
        summary: 'Received CDRs with their audit status, oldest first, paged by `after`',
        querystring: Type.Object({
          party: Type.Optional(PartyText('The CPO')),
          counterparty: Type.Optional(PartyText('The eMSP')),
          from: Type.Optional(Type.String({ format: 'date-time', description: 'Sessions started at or after' })),
          to: Type.Optional(Type.String({ format: 'date-time', description: 'Sessions started before' })),
          status: Type.Optional(Type.String({ description: `Comma-separated: ${CDR_STATUSES.join(', ')}` })),
          divergence: Type.Optional(Type.String({ description: 'A divergence code, e.g. TOTAL_COST' })),
          after: Type.Optional(Type.Integer({ minimum: 0 })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
        }),
      },
    },
    async (request) => {
      const q = request.query;
      const status = q.status?.split(',').map((s) => s.trim().toUpperCase());
      const unknown = status?.find((s) => !(CDR_STATUSES as readonly string[]).includes(s));
      if (unknown) throw badRequest(`status ${unknown} is not one of ${CDR_STATUSES.join(', ')}`);
      const filter: ClearingCdrFilter = {
        cpo: q.party ? partyArgument(q.party, 'party') : undefined,
        emsp: q.counterparty ? partyArgument(q.counterparty, 'counterparty') : undefined,
        from: date(q.from, 'from'),
        to: date(q.to, 'to'),
        status: status as CdrStatus[] | undefined,
        divergence: q.divergence?.toUpperCase(),
      };
      const page = await listClearingCdrs(hub.db, filter, { after: q.after, limit: q.limit });
      return { total: await countClearingCdrs(hub.db, filter), next: page.next ?? null, items: page.items.map(recordView) };
    },
  );

  app.get('/cdrs/missing', { schema: { tags: ['clearing'], summary: 'Sessions that ended without a CDR in time' } }, async () =>
    (await listMissingCdrs(hub.db)).map((m) => ({
      party: formatParty(m.owner),
      session_id: m.sessionId,
      ended_at: m.endedAt.toISOString(),
      flagged_at: m.flaggedAt.toISOString(),
    })),
  );

  app.get<{ Params: CdrParamsT }>(
    '/cdrs/:cc/:pid/:id',
    { schema: { tags: ['clearing'], summary: 'One CDR: as received, its audit and its history', params: CdrParams } },
    async (request, reply) => {
      const { cc, pid, id } = request.params;
      const owner = { countryCode: cc.toUpperCase(), partyId: pid.toUpperCase() };
      const record = await getClearingCdr(hub.db, owner, id);
      if (!record) return reply.code(404).send({ error: 'not_found', message: `No CDR ${cc}*${pid} ${id}` });
      const [stored] = await hub.db.query<{ data: unknown }>(
        `SELECT data FROM objects WHERE module = 'cdrs' AND country_code = $1 AND party_id = $2 AND object_id = $3`,
        [owner.countryCode, owner.partyId, record.cdrId],
      );
      const history = await cdrHistory(hub.db, record.seq);
      return {
        ...recordView(record),
        cdr: stored?.data ?? null,
        audit: record.audit ?? null,
        history: history.map((h) => ({
          at: h.at.toISOString(),
          actor: h.actor,
          action: h.action,
          from_status: h.fromStatus ?? null,
          to_status: h.toStatus,
          reason: h.reason ?? null,
          comment: h.comment ?? null,
          evidence: h.evidence ?? null,
        })),
      };
    },
  );

  for (const action of ['approve', 'dispute', 'write-off'] as LifecycleAction[]) {
    app.post<{ Params: CdrParamsT; Body: LifecycleBodyT | undefined }>(
      `/cdrs/:cc/:pid/:id/${action}`,
      { schema: { tags: ['clearing'], summary: `${action} a CDR (recorded with who and when)`, params: CdrParams, body: Type.Optional(LifecycleBody) } },
      async (request, reply) => {
        const { cc, pid, id } = request.params;
        const body = request.body ?? {};
        const onBehalf = body.on_behalf_of ? formatParty(partyArgument(body.on_behalf_of, 'on_behalf_of')) : undefined;
        const actor = [body.actor ?? 'operator', onBehalf && `for ${onBehalf}`].filter(Boolean).join(' ');
        try {
          const record = await applyLifecycle(hub.db, { countryCode: cc.toUpperCase(), partyId: pid.toUpperCase() }, id, {
            action,
            actor,
            reason: body.reason,
            comment: body.comment,
            evidence: body.evidence,
          });
          return recordView(record);
        } catch (error) {
          if (!(error instanceof LifecycleError)) throw error;
          const status = error.code === 'NOT_FOUND' ? 404 : error.code === 'INVALID_TRANSITION' ? 409 : 400;
          return reply.code(status).send({ error: error.code.toLowerCase(), message: error.message });
        }
      },
    );
  }
}
