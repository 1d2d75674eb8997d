import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { cdrHistory, CDR_STATUSES, countClearingCdrs, getClearingCdr, listClearingCdrs, type CdrStatus, type ClearingCdrFilter, type ClearingCdrRecord } from '../../clearing/cdr-records.js';
import {
  ACTING_SIDE,
  actingParty,
  applyLifecycle,
  availableActions,
  DISPUTE_REASONS,
  LifecycleError,
  listMissingCdrs,
  type DisputeReason,
  type LifecycleAction,
} from '../../clearing/lifecycle.js';
import { locationTimeZone } from '../../clearing/locations.js';
import { priceRequest, type PriceRequest } from '../../clearing/price-request.js';
import { PricingInputError } from '../../clearing/pricing/input.js';
import type { HubContext } from '../../hub/context.js';
import { formatParty, type PartyRef } from '../../ocpi/headers.js';
import type { ScopeOf } from './journal.js';
import { clearingTermsRoutes } from './clearing-terms.js';
import { badRequest, PartyText, partyArgument, refusal } from './schemas.js';

/**
 * Clearing for operators and partners: price a CDR by a tariff as the hub reads it, list and read
 * the audited CDRs, move a CDR through its dispute lifecycle, and set the clearing terms. A
 * partner account sees only the CDRs its parties are on (as CPO or eMSP) and takes only the
 * actions of its side; another partner's CDR is not found.
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
  currency?: string;
  from?: string;
  to?: string;
  status?: string;
  divergence?: string;
  cdr_id?: string;
  after?: number;
  limit?: number;
}

/** A record and the actions its reader may take on it now (none for those who only read). */
function actionableView(record: ClearingCdrRecord, request: FastifyRequest) {
  const principal = request.principal;
  const acts = principal && (principal.role === 'admin' || principal.role === 'partner');
  return { ...recordView(record), actions: acts ? availableActions(record, principal.parties) : [] };
}

const onRecord = (record: ClearingCdrRecord, scope: string[] | undefined) =>
  !scope || scope.includes(formatParty(record.owner)) || (record.emsp !== undefined && scope.includes(formatParty(record.emsp)));

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

const noSuchCdr = (owner: PartyRef, id: string) => `No CDR ${formatParty(owner)} ${id}`;

/** The CDR a request names, if its reader may see it. */
async function visibleCdr(hub: HubContext, request: FastifyRequest<{ Params: CdrParamsT }>, scopeOf: ScopeOf) {
  const { cc, pid, id } = request.params;
  const owner = { countryCode: cc.toUpperCase(), partyId: pid.toUpperCase() };
  const record = await getClearingCdr(hub.db, owner, id);
  return { owner, record: record && onRecord(record, await scopeOf(request)) ? record : undefined };
}

export async function clearingRoutes(app: FastifyInstance, hub: HubContext, scopeOf: ScopeOf): Promise<void> {
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
        description: 'A partner account gets only the CDRs its parties are on, as CPO or as eMSP, whatever the filters.',
        querystring: Type.Object({
          party: Type.Optional(PartyText('The CPO')),
          counterparty: Type.Optional(PartyText('The eMSP')),
          currency: Type.Optional(Type.String({ pattern: '^[A-Za-z]{3}$', description: 'An ISO 4217 currency, e.g. CAD' })),
          from: Type.Optional(Type.String({ format: 'date-time', description: 'Sessions started at or after' })),
          to: Type.Optional(Type.String({ format: 'date-time', description: 'Sessions started before' })),
          status: Type.Optional(Type.String({ description: `Comma-separated: ${CDR_STATUSES.join(', ')}` })),
          divergence: Type.Optional(Type.String({ description: 'A divergence code, e.g. TOTAL_COST' })),
          cdr_id: Type.Optional(Type.String({ minLength: 1, maxLength: 39, description: 'CDR ids containing this text, in any case' })),
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
        currency: q.currency?.toUpperCase(),
        from: date(q.from, 'from'),
        to: date(q.to, 'to'),
        status: status as CdrStatus[] | undefined,
        divergence: q.divergence?.toUpperCase(),
        cdrIdContains: q.cdr_id,
        scope: await scopeOf(request),
      };
      const page = await listClearingCdrs(hub.db, filter, { after: q.after, limit: q.limit });
      return {
        total: await countClearingCdrs(hub.db, filter),
        next: page.next ?? null,
        items: page.items.map((record) => actionableView(record, request)),
      };
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
      const { owner, record } = await visibleCdr(hub, request, scopeOf);
      if (!record) return reply.code(404).send({ error: 'not_found', message: noSuchCdr(owner, request.params.id) });
      const [stored] = await hub.db.query<{ data: unknown }>(
        `SELECT data FROM objects WHERE module = 'cdrs' AND country_code = $1 AND party_id = $2 AND object_id = $3`,
        [owner.countryCode, owner.partyId, record.cdrId],
      );
      const history = await cdrHistory(hub.db, record.seq);
      return {
        ...actionableView(record, request),
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
      {
        schema: {
          tags: ['clearing'],
          summary: `${action} a CDR (recorded with who and when)`,
          description: 'A partner account acts in its own name, on its own CDRs, for the side the action belongs to: the eMSP approves or disputes, the CPO writes off.',
          params: CdrParams,
          body: Type.Optional(LifecycleBody),
        },
      },
      async (request, reply) => {
        const body = request.body ?? {};
        const actor = await actorOf(request, action);
        const { cc, pid, id } = request.params;
        try {
          const record = await applyLifecycle(hub.db, { countryCode: cc.toUpperCase(), partyId: pid.toUpperCase() }, id, {
            action,
            actor,
            reason: body.reason,
            comment: body.comment,
            evidence: body.evidence,
          });
          return actionableView(record, request);
        } catch (error) {
          if (!(error instanceof LifecycleError)) throw error;
          const status = error.code === 'NOT_FOUND' ? 404 : error.code === 'INVALID_TRANSITION' ? 409 : 400;
          return reply.code(status).send({ error: error.code.toLowerCase(), message: error.message });
        }
      },
    );
  }

  /** Who takes an action, as the history records it: the operator as it says, a partner by its account and side. */
  async function actorOf(request: FastifyRequest<{ Params: CdrParamsT; Body: LifecycleBodyT | undefined }>, action: LifecycleAction): Promise<string> {
    const body = request.body ?? {};
    const scope = await scopeOf(request);
    if (!scope) {
      const onBehalf = body.on_behalf_of ? formatParty(partyArgument(body.on_behalf_of, 'on_behalf_of')) : undefined;
      return [body.actor ?? 'operator', onBehalf && `for ${onBehalf}`].filter(Boolean).join(' ');
    }
    if (body.actor !== undefined || body.on_behalf_of !== undefined) throw badRequest('A partner acts in its own name: actor and on_behalf_of are for operators');
    const { owner, record } = await visibleCdr(hub, request, scopeOf);
    if (!record) throw refusal(404, noSuchCdr(owner, request.params.id));
    const party = actingParty(record, action, scope);
    if (!party) throw refusal(403, `Only its ${ACTING_SIDE[action] === 'CPO' ? 'CPO' : 'eMSP'} may ${action} this CDR`);
    return `${request.principal!.actor} for ${party}`;
  }
}
