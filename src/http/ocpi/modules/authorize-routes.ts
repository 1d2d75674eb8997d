import type { FastifyInstance } from 'fastify';
import { OcpiError } from '../../../ocpi/status.js';
import { TOKEN_TYPES, type LocationReferences, type TokenType } from '../../../ocpi/v2_2_1/index.js';
import { authorize } from '../../../hub/authorization.js';
import type { HubContext } from '../../../hub/context.js';
import { requesterParty } from '../../../hub/requester.js';
import { callerOf } from '../context.js';
import { readObject, renderObject } from '../edge.js';

/**
 * Real-time authorization on the hub's tokens Sender interface: a CPO POSTs
 * `tokens/{uid}/authorize[?type=]` with optional LocationReferences (mod_tokens → POST Method).
 */
export async function authorizeRoutes(app: FastifyInstance, hub: HubContext): Promise<void> {
  app.post<{ Params: { uid: string }; Querystring: { type?: string } }>(
    '/sender/tokens/:uid/authorize',
    async (request, reply) => {
      const caller = callerOf(request);
      const cpo = await requesterParty(hub.directory, caller, request.ocpi.routing, ['CPO']);
      // The body is optional; when given it must be LocationReferences.
      const location =
        request.body == null ? undefined : await readObject<LocationReferences>(hub, request, 'LocationReferences', cpo.ref);
      const type = tokenType(request.query.type);
      const answer = await authorize(hub, {
        cpo,
        to: request.ocpi.routing.to,
        uid: request.params.uid,
        type,
        location,
        correlationId: request.ocpi.tracing.correlationId,
      });
      if (answer.body.data !== undefined) {
        const info = answer.body.data as { token?: { country_code?: string; party_id?: string } };
        const owner = { countryCode: info.token?.country_code ?? cpo.ref.countryCode, partyId: info.token?.party_id ?? cpo.ref.partyId };
        answer.body.data = await renderObject(hub, request, 'AuthorizationInfo', answer.body.data, owner);
      }
      return reply.code(answer.httpStatus).headers(answer.headers).send(answer.body);
    },
  );
}

/** The `type` URL parameter; RFID when omitted, as the spec says. */
function tokenType(value: string | undefined): TokenType {
  if (value === undefined) return 'RFID';
  if (!(TOKEN_TYPES as readonly string[]).includes(value)) {
    throw OcpiError.invalid(`type must be one of ${TOKEN_TYPES.join(', ')}`);
  }
  return value as TokenType;
}
