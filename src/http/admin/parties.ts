import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { setStandardAgreement } from '../../hub/agreements.js';
import type { HubContext } from '../../hub/context.js';
import {
  AUTHORIZATION_FALLBACKS,
  listPartySettings,
  setAuthorizationFallback,
  type AuthorizationFallback,
  type PartySettings,
} from '../../hub/party-settings.js';
import { ErrorReply, Nullable, PartyText, partyArgument } from './schemas.js';

const PartySettingsView = Type.Object({
  role: Type.String(),
  country_code: Type.String(),
  party_id: Type.String(),
  status: Type.String(),
  partner_id: Type.String({ format: 'uuid' }),
  partner_name: Type.String(),
  behind_hub: Nullable(
    Type.String({
      enum: ['CLIENT_INFO', 'OPERATOR'],
      description: 'Set for a party reached through its partner, a neighbouring hub: learned from its hubclientinfo, or declared by the operator',
    }),
  ),
  standard_agreement: Type.Boolean({ description: "Whether the party roams with every other party in the hub's standard agreement" }),
  authorization_fallback: Type.String({
    enum: [...AUTHORIZATION_FALLBACKS],
    description: "How the hub answers a real-time authorization for this eMSP's tokens when the eMSP cannot",
  }),
});

const partySettingsView = (party: PartySettings) => ({
  role: party.role,
  country_code: party.countryCode,
  party_id: party.partyId,
  status: party.status,
  partner_id: party.platformId,
  partner_name: party.platformName,
  behind_hub: party.behindHub,
  standard_agreement: party.standardAgreement,
  authorization_fallback: party.authorizationFallback,
});

/** Parties and the operator's per-party settings: standard-agreement membership, authorization fallback. */
export async function partyRoutes(app: FastifyInstance, hub: HubContext): Promise<void> {
  app.get(
    '/parties',
    {
      schema: {
        summary: 'List parties',
        description:
          'Every role of every party the partners host (or that neighbouring hubs reach), with its partner, status and settings.',
        tags: ['parties'],
        response: { 200: Type.Array(PartySettingsView) },
      },
    },
    async () => (await listPartySettings(hub.db)).map(partySettingsView),
  );

  app.patch(
    '/parties/:party',
    {
      schema: {
        summary: "Change a party's settings",
        description:
          'Applies to every role of the party. Leaving the standard agreement stops its routes that rest on it (bilateral agreements still apply).',
        tags: ['parties'],
        params: Type.Object({ party: PartyText('The party (US-ABC is accepted too)') }),
        body: Type.Object({
          standard_agreement: Type.Optional(Type.Boolean()),
          authorization_fallback: Type.Optional(Type.String({ enum: [...AUTHORIZATION_FALLBACKS] })),
        }),
        response: { 200: Type.Array(PartySettingsView), 400: ErrorReply, 404: ErrorReply },
      },
    },
    async (request, reply) => {
      const party = partyArgument((request.params as { party: string }).party, 'party');
      const body = request.body as { standard_agreement?: boolean; authorization_fallback?: AuthorizationFallback };
      const updated = await hub.db.transaction(async (tx) => {
        if (body.standard_agreement !== undefined) await setStandardAgreement(tx, party, body.standard_agreement);
        if (body.authorization_fallback) await setAuthorizationFallback(tx, party, body.authorization_fallback);
        return listPartySettings(tx, party);
      });
      if (!updated.length) return reply.code(404).send({ error: 'not_found', message: 'No such party' });
      return updated.map(partySettingsView);
    },
  );
}
