import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import type { HubContext } from '../../hub/context.js';
import { versionsUrl } from '../../hub/context.js';
import { latestCheckOf } from '../../conformance/store.js';
import { HandshakeError, startRegistration } from '../../hub/credentials.js';
import { activateRoutes } from '../../hub/onboarding-gate.js';
import {
  addToken,
  awaitsActivation,
  createPlatform,
  PartyTakenError,
  deletePlatform,
  endpointsOf,
  getPlatform,
  listPlatforms,
  partiesOf,
  setPlatformStatus,
  setQuirks,
  type ConnectionStatus,
  type Platform,
} from '../../hub/registry.js';
import { KNOWN_QUIRKS, QuirksSchema, unknownQuirks, type Quirks } from '../../hub/quirks.js';
import { newToken } from '../../hub/secrets.js';
import { saveRemoteParty } from '../../hub/peering/parties.js';
import { ErrorReply, Nullable, badRequest, refuseUnknownFields } from './schemas.js';
import type { Queryable } from '../../store/database.js';

const PartyView = Type.Object({
  role: Type.String(),
  country_code: Type.String(),
  party_id: Type.String(),
  status: Type.String(),
  business_details: Type.Record(Type.String(), Type.Unknown()),
  behind_hub: Nullable(
    Type.String({
      enum: ['CLIENT_INFO', 'OPERATOR'],
      description: "Set for a party reached through this partner, a neighbouring hub: learned from its hubclientinfo, or declared by the operator",
    }),
  ),
});

const RemotePartyBody = Type.Object({
  role: Type.String({ enum: ['CPO', 'EMSP', 'NSP', 'OTHER', 'SCSP'] }),
  country_code: Type.String({ pattern: '^[A-Za-z]{2}$', description: 'ISO 3166-1 alpha-2' }),
  party_id: Type.String({ pattern: '^[A-Za-z0-9]{3}$' }),
  status: Type.Optional(Type.String({ enum: ['CONNECTED', 'OFFLINE', 'PLANNED', 'SUSPENDED'], default: 'CONNECTED' })),
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'The business name' })),
});

const PartnerView = Type.Object({
  id: Type.String({ format: 'uuid' }),
  name: Type.String(),
  status: Type.Union(['PLANNED', 'CONNECTED', 'OFFLINE', 'SUSPENDED'].map((s) => Type.Literal(s))),
  ocpi_version: Type.Union([Type.String(), Type.Null()]),
  versions_url: Type.Union([Type.String(), Type.Null()]),
  last_seen_at: Type.Union([Type.String(), Type.Null()]),
  quirks: QuirksSchema,
  gated: Type.Boolean({ description: 'Gated onboarding: its routes wait for a passing conformance check or the operator' }),
  routes_active: Type.Boolean({ description: 'False while a gated partner awaits activation: nothing is routed to or from it' }),
  activated_at: Type.Union([Type.String(), Type.Null()]),
  last_check: Type.Union([
    Type.Object({ id: Type.String(), verdict: Type.String(), reason: Type.String(), finished_at: Type.String() }),
    Type.Null(),
  ]),
  created_at: Type.String(),
  parties: Type.Array(PartyView),
  endpoints: Type.Array(Type.Object({ module: Type.String(), role: Type.String(), url: Type.String() })),
});

/** How long a token A is valid unless the invitation says otherwise: a week to onboard. */
const TOKEN_A_LIFETIME_S = 7 * 86_400;
const MAX_PAGE = 500;

const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

async function partnerView(db: Queryable, platform: Platform) {
  const [parties, endpoints, lastCheck] = await Promise.all([
    partiesOf(db, platform.id),
    endpointsOf(db, platform.id),
    latestCheckOf(db, platform.id),
  ]);
  return {
    id: platform.id,
    name: platform.name,
    status: platform.status,
    ocpi_version: platform.ocpiVersion,
    versions_url: platform.versionsUrl,
    last_seen_at: platform.lastSeenAt?.toISOString() ?? null,
    quirks: platform.quirks,
    gated: platform.gated,
    routes_active: !awaitsActivation(platform),
    activated_at: platform.activatedAt?.toISOString() ?? null,
    last_check: lastCheck ?? null,
    created_at: platform.createdAt.toISOString(),
    parties: parties.map((p) => ({
      role: p.role,
      country_code: p.countryCode,
      party_id: p.partyId,
      status: p.status,
      business_details: p.businessDetails,
      behind_hub: p.behindHub,
    })),
    endpoints,
  };
}

/** Partner onboarding: invite (token A), list, hub-initiated connect, removal. */
export async function partnerRoutes(app: FastifyInstance, hub: HubContext): Promise<void> {
  app.post(
    '/partners',
    {
      schema: {
        summary: 'Invite a partner platform',
        description: 'Creates a partner in status PLANNED and issues its token A. Give the partner token A and the versions URL; it registers with a POST to the credentials endpoint.',
        tags: ['partners'],
        body: Type.Object({
          name: Type.String({ minLength: 1, maxLength: 200 }),
          standard_agreement: Type.Optional(
            Type.Boolean({ default: true, description: "Whether the partner's parties join the hub's standard roaming agreement" }),
          ),
          role: Type.Optional(
            Type.Union([Type.Literal('CPO'), Type.Literal('EMSP')], {
              description: 'The role the partner plays; required for OCPI 2.1.1 partners, whose credentials carry no role',
            }),
          ),
          expires_in: Type.Optional(
            Type.Integer({ minimum: 60, maximum: 365 * 86_400, description: 'Seconds token A stays valid (default 7 days)' }),
          ),
          gated: Type.Optional(
            Type.Boolean({
              default: false,
              description:
                'Gated onboarding: after the handshake the hub checks the partner and routes nothing to or from it until a check passes (or the operator activates it)',
            }),
          ),
        }),
        response: {
          201: Type.Object({ id: Type.String(), token_a: Type.String(), versions_url: Type.String(), expires_at: Type.String() }),
        },
      },
    },
    async (request, reply) => {
      const {
        name,
        standard_agreement: standardAgreement = true,
        role,
        expires_in: expiresIn = TOKEN_A_LIFETIME_S,
        gated = false,
      } = request.body as { name: string; standard_agreement?: boolean; role?: 'CPO' | 'EMSP'; expires_in?: number; gated?: boolean };
      const tokenA = newToken();
      const expiresAt = new Date(Date.now() + expiresIn * 1000);
      const platform = await hub.db.transaction(async (tx) => {
        const created = await createPlatform(tx, name, { standardAgreement, roleHint: role, gated });
        await addToken(tx, created.id, tokenA, 'REGISTRATION', expiresAt);
        return created;
      });
      return reply
        .code(201)
        .send({ id: platform.id, token_a: tokenA, versions_url: versionsUrl(hub.config), expires_at: expiresAt.toISOString() });
    },
  );

  app.get(
    '/partners',
    {
      schema: {
        summary: 'List partner platforms',
        description:
          'Partners with their parties, connection status and endpoints, oldest first, one page at a time: X-Total-Count gives the number of partners and Link the next page.',
        tags: ['partners'],
        querystring: Type.Object({
          limit: Type.Integer({ minimum: 1, maximum: MAX_PAGE, default: 100 }),
          offset: Type.Integer({ minimum: 0, maximum: 2_147_483_647, default: 0 }),
        }),
        response: { 200: Type.Array(PartnerView) },
      },
    },
    async (request, reply) => {
      const page = request.query as { limit: number; offset: number };
      const { total, platforms } = await listPlatforms(hub.db, page);
      reply.header('X-Total-Count', String(total));
      if (page.offset + page.limit < total) {
        reply.header('Link', `</api/partners?offset=${page.offset + page.limit}&limit=${page.limit}>; rel="next"`);
      }
      return Promise.all(platforms.map((p) => partnerView(hub.db, p)));
    },
  );

  app.get(
    '/partners/:id',
    {
      schema: {
        summary: 'Show one partner platform',
        tags: ['partners'],
        params: IdParams,
        response: { 200: PartnerView, 404: ErrorReply },
      },
    },
    async (request, reply) => {
      const platform = await getPlatform(hub.db, (request.params as { id: string }).id);
      if (!platform) return reply.code(404).send({ error: 'not_found', message: 'No such partner' });
      return partnerView(hub.db, platform);
    },
  );

  app.get(
    '/quirks',
    {
      schema: {
        summary: 'The quirks the hub knows',
        tags: ['partners'],
        response: { 200: Type.Array(Type.Object({ name: Type.String(), description: Type.String(), schema: Type.Unknown() })) },
      },
    },
    async () => KNOWN_QUIRKS.map((quirk) => ({ ...quirk, schema: QuirksSchema.properties[quirk.name as keyof Quirks] })),
  );

  app.patch(
    '/partners/:id',
    {
      schema: {
        summary: "Set a partner's quirk profile",
        description:
          'How this partner differs from the letter of OCPI: raw tokens, PUT instead of PATCH, a page-size cap, lenient timestamps. Takes effect at once, no restart.',
        tags: ['partners'],
        params: IdParams,
        body: Type.Object({ quirks: QuirksSchema }),
        response: { 200: PartnerView, 400: ErrorReply, 404: ErrorReply },
      },
      // Before the schema strips unknown fields: a misspelled quirk must not pass silently.
      preValidation: async (request) => {
        const unknown = unknownQuirks((request.body as { quirks?: unknown } | undefined)?.quirks);
        if (unknown.length) {
          const known = KNOWN_QUIRKS.map((quirk) => quirk.name).join(', ');
          throw badRequest(`Unknown quirk ${unknown.map((name) => `"${name}"`).join(', ')}; the known quirks are ${known}`);
        }
      },
    },
    async (request, reply) => {
      const platform = await getPlatform(hub.db, (request.params as { id: string }).id);
      if (!platform) return reply.code(404).send({ error: 'not_found', message: 'No such partner' });
      await setQuirks(hub.db, platform.id, (request.body as { quirks: Quirks }).quirks);
      return partnerView(hub.db, (await getPlatform(hub.db, platform.id))!);
    },
  );

  app.post(
    '/partners/:id/connect',
    {
      schema: {
        summary: 'Start the credentials handshake from the hub',
        description: "Given the partner's versions URL and the token A it issued, the hub registers with the partner.",
        tags: ['partners'],
        params: IdParams,
        body: Type.Object({ versions_url: Type.String({ format: 'uri' }), token: Type.String({ minLength: 1 }) }),
        response: { 200: PartnerView, 404: ErrorReply, 409: ErrorReply, 502: ErrorReply },
      },
    },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const body = request.body as { versions_url: string; token: string };
      try {
        const platform = await startRegistration(hub, id, body.versions_url, body.token, randomUUID());
        return partnerView(hub.db, platform);
      } catch (error) {
        if (!(error instanceof HandshakeError)) throw error;
        const code = error.status === 404 ? 'not_found' : error.status === 409 ? 'conflict' : 'handshake_failed';
        return reply.code(error.status as 404 | 409 | 502).send({ error: code, message: error.message });
      }
    },
  );

  app.post(
    '/partners/:id/parties',
    {
      schema: {
        summary: 'Declare a party behind a neighbouring hub',
        description:
          "For a partner that registered with role HUB and whose hubclientinfo does not list the party: the party becomes reachable through it, and agreements decide who roams with it as with any party. Posting it again sets its status (SUSPENDED retires it).",
        tags: ['partners'],
        params: IdParams,
        body: RemotePartyBody,
        response: { 200: PartnerView, 400: ErrorReply, 404: ErrorReply, 409: ErrorReply },
      },
      preValidation: refuseUnknownFields(RemotePartyBody),
    },
    async (request, reply) => {
      const platform = await getPlatform(hub.db, (request.params as { id: string }).id);
      if (!platform) return reply.code(404).send({ error: 'not_found', message: 'No such partner' });
      const body = request.body as { role: string; country_code: string; party_id: string; status?: ConnectionStatus; name?: string };
      if (!(await hub.directory.current()).hubs.has(platform.id)) {
        return reply.code(409).send({ error: 'conflict', message: 'Parties are declared only behind a neighbouring hub: this partner did not register with role HUB' });
      }
      const remote = {
        role: body.role,
        countryCode: body.country_code.toUpperCase(),
        partyId: body.party_id.toUpperCase(),
        status: body.status ?? 'CONNECTED',
        businessDetails: body.name ? { name: body.name } : undefined,
      };
      try {
        const { party, changed } = await hub.db.transaction((tx) => saveRemoteParty(tx, platform.id, remote, 'OPERATOR'));
        if (changed) hub.clientInfo.partiesChanged([party]);
      } catch (error) {
        if (!(error instanceof PartyTakenError)) throw error;
        return reply.code(409).send({ error: 'conflict', message: error.message });
      }
      return partnerView(hub.db, platform);
    },
  );

  app.post(
    '/partners/:id/activation',
    {
      schema: {
        summary: "Activate a gated partner's routes by hand",
        description:
          'For a gated partner whose routes wait (its check failed, passed with warnings the operator accepts, or has not run): its parties become CONNECTED, other partners are told, and the activation is journaled. 409 when its routes are active already.',
        tags: ['partners'],
        params: IdParams,
        response: { 200: PartnerView, 404: ErrorReply, 409: ErrorReply },
      },
    },
    async (request, reply) => {
      const platform = await getPlatform(hub.db, (request.params as { id: string }).id);
      if (!platform) return reply.code(404).send({ error: 'not_found', message: 'No such partner' });
      const actor = request.principal?.actor ?? 'operator';
      if (!(await activateRoutes(hub, platform.id, `activated by ${actor}`))) {
        return reply.code(409).send({ error: 'conflict', message: 'Its routes are active already' });
      }
      return partnerView(hub.db, (await getPlatform(hub.db, platform.id))!);
    },
  );

  app.delete(
    '/partners/:id',
    {
      schema: {
        summary: 'Remove a partner platform',
        description: 'Revokes its tokens, ends its parties SUSPENDED (other partners are told through hubclientinfo) and deletes it.',
        tags: ['partners'],
        params: IdParams,
        response: { 204: Type.Null(), 404: ErrorReply },
      },
    },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const platform = await getPlatform(hub.db, id);
      if (!platform) return reply.code(404).send({ error: 'not_found', message: 'No such partner' });
      const suspended = await setPlatformStatus(hub.db, platform.id, 'SUSPENDED');
      hub.clientInfo.partiesChanged(suspended);
      await deletePlatform(hub.db, platform.id);
      return reply.code(204).send();
    },
  );
}
