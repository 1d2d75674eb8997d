import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import {
  agreementBetween,
  createAgreement,
  deleteAgreement,
  pairProblem,
  sessionsInProgress,
  getAgreement,
  listAgreements,
  updateAgreement,
  type Agreement,
  type AgreementChanges,
} from '../../hub/agreements.js';
import type { HubContext } from '../../hub/context.js';
import { OWNER_ROLE } from '../../hub/routing.js';
import { formatParty, type PartyRef } from '../../ocpi/headers.js';
import { badRequest, ErrorReply, Nullable, PartyText, partyArgument } from './schemas.js';

/** The modules an agreement can cover: the routed ones. */
const MODULES = Object.keys(OWNER_ROLE);

const Module = Type.String({ enum: MODULES });
const Modules = Type.Array(Module, { uniqueItems: true, description: 'The modules the pair may exchange; null or absent: every module' });
const Timestamp = (description: string) => Type.String({ format: 'date-time', description });
const Status = Type.String({ enum: ['ACTIVE', 'SUSPENDED'], description: 'A SUSPENDED agreement blocks the pair, even under the standard agreement' });

const AgreementView = Type.Object({
  id: Type.String({ format: 'uuid' }),
  cpo: Type.String({ examples: ['US*ABC'] }),
  emsp: Type.String({ examples: ['CA*XYZ'] }),
  modules: Nullable(Modules),
  valid_from: Nullable(Type.String({ format: 'date-time' })),
  valid_until: Nullable(Type.String({ format: 'date-time' })),
  status: Status,
  note: Nullable(Type.String()),
});

const agreementView = (agreement: Agreement) => ({
  id: agreement.id,
  cpo: formatParty(agreement.cpo),
  emsp: formatParty(agreement.emsp),
  modules: agreement.modules,
  valid_from: agreement.validFrom?.toISOString() ?? null,
  valid_until: agreement.validUntil?.toISOString() ?? null,
  status: agreement.status,
  note: agreement.note,
});

interface AgreementBody {
  modules?: string[] | null;
  valid_from?: string | null;
  valid_until?: string | null;
  status?: 'ACTIVE' | 'SUSPENDED';
  note?: string | null;
}

/** The body's changes in the store's terms; only the fields the body names. */
function changesOf(body: AgreementBody): AgreementChanges {
  const date = (text: string | null) => (text === null ? null : new Date(text));
  const changes: AgreementChanges = {};
  if (body.modules !== undefined) changes.modules = body.modules;
  if (body.valid_from !== undefined) changes.validFrom = date(body.valid_from);
  if (body.valid_until !== undefined) changes.validUntil = date(body.valid_until);
  if (body.status !== undefined) changes.status = body.status;
  if (body.note !== undefined) changes.note = body.note;
  return changes;
}

/** An empty validity window is a typo, not an agreement. */
function checkWindow(validFrom: Date | null | undefined, validUntil: Date | null | undefined): void {
  if (validFrom && validUntil && validFrom >= validUntil) throw badRequest('valid_from must be before valid_until');
}

/** The pair already has an agreement (unique index agreements_pair). */
const isUniqueViolation = (error: unknown) => (error as { code?: string })?.code === '23505';

const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
const notFound = { error: 'not_found', message: 'No such agreement' };

const Impact = Type.Object({
  sessions_in_progress: Type.Optional(Type.Integer({ description: 'Sessions of the pair not yet ended' })),
  warning: Type.Optional(Type.String()),
});

/** Bilateral agreements between a CPO party and an eMSP party, and why a route is allowed or not. */
export async function agreementRoutes(app: FastifyInstance, hub: HubContext): Promise<void> {
  const impactOf = async (cpo: PartyRef, emsp: PartyRef) => {
    const count = await sessionsInProgress(hub.db, cpo, emsp);
    const warning = count
      ? `${count} session${count === 1 ? '' : 's'} in progress between ${formatParty(cpo)} and ${formatParty(emsp)}: suspending refuses their updates and CDRs`
      : undefined;
    return { sessions_in_progress: count, ...(warning ? { warning } : {}) };
  };

  app.post(
    '/agreements',
    {
      schema: {
        summary: 'Create a bilateral agreement',
        description:
          'An agreement between a CPO and an eMSP party decides alone while in its validity window: it allows its modules, or blocks the pair when SUSPENDED. Outside the window the standard agreement applies. One agreement per pair.',
        tags: ['agreements'],
        body: Type.Object({
          cpo: PartyText('The CPO party'),
          emsp: PartyText('The eMSP party'),
          modules: Type.Optional(Nullable(Modules)),
          valid_from: Type.Optional(Nullable(Timestamp('Start of the validity window (RFC 3339); absent: already valid'))),
          valid_until: Type.Optional(Nullable(Timestamp('End of the validity window (RFC 3339); absent: open-ended'))),
          status: Type.Optional(Status),
          note: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
        }),
        response: { 201: AgreementView, 400: ErrorReply, 409: ErrorReply },
      },
    },
    async (request, reply) => {
      const body = request.body as AgreementBody & { cpo: string; emsp: string };
      const input = { cpo: partyArgument(body.cpo, 'cpo'), emsp: partyArgument(body.emsp, 'emsp'), ...changesOf(body) };
      checkWindow(input.validFrom, input.validUntil);
      const problem = await pairProblem(hub.db, input.cpo, input.emsp);
      if (problem) throw badRequest(problem);
      try {
        return reply.code(201).send(agreementView(await createAgreement(hub.db, input)));
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        const pair = `${formatParty(input.cpo)} and ${formatParty(input.emsp)}`;
        return reply.code(409).send({ error: 'conflict', message: `${pair} already have an agreement: change it with PATCH` });
      }
    },
  );

  app.get(
    '/agreements',
    {
      schema: {
        summary: 'List bilateral agreements',
        tags: ['agreements'],
        querystring: Type.Object({ party: Type.Optional(PartyText('Only agreements this party is in')) }),
        response: { 200: Type.Array(AgreementView), 400: ErrorReply },
      },
    },
    async (request) => {
      const text = (request.query as { party?: string }).party;
      const party = text === undefined ? undefined : formatParty(partyArgument(text, 'party'));
      const agreements = await listAgreements(hub.db);
      return agreements
        .filter((a) => !party || formatParty(a.cpo) === party || formatParty(a.emsp) === party)
        .map(agreementView);
    },
  );

  app.get(
    '/agreements/check',
    {
      schema: {
        summary: 'Check whether a CPO and an eMSP may exchange a module',
        description:
          'The decision every route takes, and its basis: BILATERAL, STANDARD (both parties joined the standard agreement), BILATERAL_SUSPENDED, MODULE_NOT_AGREED or NO_AGREEMENT.',
        tags: ['agreements'],
        querystring: Type.Object({ cpo: PartyText('The CPO party'), emsp: PartyText('The eMSP party'), module: Module }),
        response: { 200: Type.Object({ allowed: Type.Boolean(), basis: Type.String() }), 400: ErrorReply },
      },
    },
    async (request) => {
      const query = request.query as { cpo: string; emsp: string; module: string };
      return agreementBetween(hub.db, partyArgument(query.cpo, 'cpo'), partyArgument(query.emsp, 'emsp'), query.module);
    },
  );

  app.get(
    '/agreements/impact',
    {
      schema: {
        summary: 'What suspending a pair would cut',
        description: 'The sessions in progress between the CPO and the eMSP: ask before suspending; their updates and CDRs would be refused.',
        tags: ['agreements'],
        querystring: Type.Object({ cpo: PartyText('The CPO party'), emsp: PartyText('The eMSP party') }),
        response: { 200: Impact, 400: ErrorReply },
      },
    },
    async (request) => {
      const query = request.query as { cpo: string; emsp: string };
      return impactOf(partyArgument(query.cpo, 'cpo'), partyArgument(query.emsp, 'emsp'));
    },
  );

  app.get(
    '/agreements/:id',
    {
      schema: { summary: 'Show one agreement', tags: ['agreements'], params: IdParams, response: { 200: AgreementView, 404: ErrorReply } },
    },
    async (request, reply) => {
      const agreement = await getAgreement(hub.db, (request.params as { id: string }).id);
      return agreement ? agreementView(agreement) : reply.code(404).send(notFound);
    },
  );

  app.patch(
    '/agreements/:id',
    {
      schema: {
        summary: 'Change an agreement',
        description: 'Only the fields given change; null clears modules (every module), the window bounds or the note.',
        tags: ['agreements'],
        params: IdParams,
        body: Type.Object({
          modules: Type.Optional(Nullable(Modules)),
          valid_from: Type.Optional(Nullable(Timestamp('Start of the validity window (RFC 3339)'))),
          valid_until: Type.Optional(Nullable(Timestamp('End of the validity window (RFC 3339)'))),
          status: Type.Optional(Status),
          note: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
        }),
        response: { 200: Type.Object({ ...AgreementView.properties, ...Impact.properties }), 400: ErrorReply, 404: ErrorReply },
      },
    },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const current = await getAgreement(hub.db, id);
      if (!current) return reply.code(404).send(notFound);
      const changes = changesOf(request.body as AgreementBody);
      const next = { ...current, ...changes };
      checkWindow(next.validFrom, next.validUntil);
      const updated = await updateAgreement(hub.db, current.id, changes);
      if (!updated) return reply.code(404).send(notFound);
      const suspending = current.status !== 'SUSPENDED' && updated.status === 'SUSPENDED';
      return { ...agreementView(updated), ...(suspending ? await impactOf(updated.cpo, updated.emsp) : {}) };
    },
  );

  app.delete(
    '/agreements/:id',
    {
      schema: {
        summary: 'Delete an agreement',
        description: 'The pair falls back to the standard agreement.',
        tags: ['agreements'],
        params: IdParams,
        response: { 204: Type.Null(), 404: ErrorReply },
      },
    },
    async (request, reply) => {
      const deleted = await deleteAgreement(hub.db, (request.params as { id: string }).id);
      return deleted ? reply.code(204).send() : reply.code(404).send(notFound);
    },
  );
}
