import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { deleteTerms, effectiveTerms, listStoredTerms, setTerms, type StoredTerms, type TermsInput } from '../../clearing/terms.js';
import { pairProblem, rolesOf } from '../../hub/agreements.js';
import type { HubContext } from '../../hub/context.js';
import { formatParty, type PartyRef } from '../../ocpi/headers.js';
import { badRequest, ErrorReply, PartyText, partyArgument, refuseUnknownFields } from './schemas.js';

/**
 * Clearing terms per CPO, or per CPO and eMSP: set, read and reset by the operator. The API speaks
 * snake_case; the store keeps the clearing module's names.
 */

const DecimalText = (description: string) => Type.String({ pattern: '^\\d+(\\.\\d+)?$', description, examples: ['0.01'] });

const TaxRateBody = Type.Object({
  jurisdiction: Type.String({ pattern: '^[A-Z]{2}(-[A-Z0-9]{1,3})?$', description: 'ISO 3166-2 subdivision (CA-ON) or a country (CA)' }),
  name: Type.String({ minLength: 1, maxLength: 100 }),
  percentage: DecimalText('The rate in percent, e.g. 9.975'),
  from: Type.String({ format: 'date', description: 'First day in force (local), inclusive' }),
  until: Type.Optional(Type.String({ format: 'date', description: 'First day no longer in force, exclusive' })),
});

const TermsBody = Type.Object({
  tolerance: Type.Optional(DecimalText('A claimed amount within this of the computed one is not a divergence (CDR currency)')),
  dispute_deadline_days: Type.Optional(Type.Integer({ minimum: 0, maximum: 3650, description: 'Days a dispute may stay open' })),
  auto_resolve: Type.Optional(Type.String({ enum: ['WRITE_OFF', 'APPROVE'], description: 'What an unanswered dispute becomes' })),
  policy: Type.Optional(
    Type.Object({
      decimals: Type.Optional(Type.Integer({ minimum: 0, maximum: 10 })),
      rounding: Type.Optional(Type.String({ enum: ['HALF_UP', 'HALF_EVEN'] })),
      step_size: Type.Optional(Type.String({ enum: ['PER_SESSION', 'OFF', 'PER_PERIOD'] })),
      tax_on_rounded_net: Type.Optional(Type.Boolean()),
      per_kwh_states: Type.Optional(Type.Array(Type.String({ pattern: '^US-[A-Z]{2}$' }), { uniqueItems: true })),
      extra_tax_rates: Type.Optional(Type.Array(TaxRateBody)),
    }),
  ),
});

const TermsParams = Type.Object({ cpo: PartyText('The CPO'), emsp: Type.Optional(PartyText('The eMSP')) });
const PATHS = ['/clearing/terms/:cpo', '/clearing/terms/:cpo/:emsp'];
const Loose = Type.Object({}, { additionalProperties: true });

const recase = (value: unknown, key: (name: string) => string): unknown => {
  if (Array.isArray(value)) return value.map((item) => recase(item, key));
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([name, child]) => [key(name), recase(child, key)]));
};
const snakeCase = (value: unknown) => recase(value, (name) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`));
const camelCase = (value: unknown) => recase(value, (name) => name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()));

const storedView = (stored: StoredTerms) => ({
  cpo: formatParty(stored.cpo),
  emsp: stored.emsp ? formatParty(stored.emsp) : null,
  terms: snakeCase(stored.terms),
  updated_at: stored.updatedAt.toISOString(),
});

/** Why terms cannot be set for these parties: unknown, or not a CPO (and an eMSP). */
async function partiesProblem(hub: HubContext, cpo: PartyRef, emsp?: PartyRef): Promise<string | undefined> {
  if (emsp) return pairProblem(hub.db, cpo, emsp);
  const roles = await rolesOf(hub.db, cpo);
  if (!roles.length) return `cpo: no party ${formatParty(cpo)} on the hub`;
  return roles.includes('CPO') ? undefined : `cpo: ${formatParty(cpo)} is ${roles.join('/')}, not a CPO`;
}

export async function clearingTermsRoutes(app: FastifyInstance, hub: HubContext): Promise<void> {
  const partiesOf = (params: { cpo: string; emsp?: string }) => ({
    cpo: partyArgument(params.cpo, 'cpo'),
    emsp: params.emsp === undefined ? undefined : partyArgument(params.emsp, 'emsp'),
  });
  const effectiveView = async (cpo: PartyRef, emsp?: PartyRef) => {
    const { terms, layers } = await effectiveTerms(hub.db, cpo, emsp);
    return {
      cpo: formatParty(cpo),
      emsp: emsp ? formatParty(emsp) : null,
      defaults: layers.length === 0,
      layers: layers.map((layer) => (layer.emsp ? 'PAIR' : 'CPO')),
      terms: snakeCase(terms),
    };
  };

  app.get(
    '/clearing/terms',
    { schema: { tags: ['clearing'], summary: 'The clearing terms the operator set, per CPO and per CPO/eMSP pair', response: { 200: Type.Array(Loose) } } },
    async () => (await listStoredTerms(hub.db)).map(storedView),
  );

  for (const path of PATHS) {
    app.get(
      path,
      {
        schema: {
          tags: ['clearing'],
          summary: 'The clearing terms that apply',
          description: "The pair's terms over the CPO's over the hub defaults; `defaults` is true when none was set, `layers` names those that apply.",
          params: TermsParams,
          response: { 200: Loose, 400: ErrorReply, 404: ErrorReply },
        },
      },
      async (request, reply) => {
        const { cpo, emsp } = partiesOf(request.params as { cpo: string; emsp?: string });
        const problem = await partiesProblem(hub, cpo, emsp);
        if (problem) return reply.code(404).send({ error: 'not_found', message: problem });
        return effectiveView(cpo, emsp);
      },
    );

    app.put(
      path,
      {
        schema: {
          tags: ['clearing'],
          summary: 'Set the clearing terms of a CPO, or of a CPO and an eMSP',
          description: 'Replaces the terms stored for these parties; a field left out comes from the CPO terms (for a pair) or the hub defaults.',
          params: TermsParams,
          body: TermsBody,
          response: { 200: Loose, 400: ErrorReply },
        },
        preValidation: refuseUnknownFields(TermsBody),
      },
      async (request) => {
        const { cpo, emsp } = partiesOf(request.params as { cpo: string; emsp?: string });
        const problem = await partiesProblem(hub, cpo, emsp);
        if (problem) throw badRequest(problem);
        await setTerms(hub.db, cpo, emsp, camelCase(request.body ?? {}) as TermsInput);
        return effectiveView(cpo, emsp);
      },
    );

    app.delete(
      path,
      {
        schema: {
          tags: ['clearing'],
          summary: 'Remove the terms set for these parties: the CPO terms (for a pair) or the hub defaults apply again',
          params: TermsParams,
          response: { 200: Loose, 400: ErrorReply, 404: ErrorReply },
        },
      },
      async (request, reply) => {
        const { cpo, emsp } = partiesOf(request.params as { cpo: string; emsp?: string });
        if (!(await deleteTerms(hub.db, cpo, emsp))) {
          return reply.code(404).send({ error: 'not_found', message: `No clearing terms set for ${[cpo, emsp].filter(Boolean).map((p) => formatParty(p!)).join(' and ')}` });
        }
        return effectiveView(cpo, emsp);
      },
    );
  }
}
