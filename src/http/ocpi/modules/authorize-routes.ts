import type { FastifyInstance, FastifyRequest } from 'fastify';
import { OcpiError } from '../../../ocpi/status.js';
import { TOKEN_TYPES, type LocationReferences, type TokenType } from '../../../ocpi/v2_2_1/index.js';
import { authorize } from '../../../hub/authorization.js';
import type { HubContext } from '../../../hub/context.js';
import { requesterParty } from '../../../hub/requester.js';
import { callerOf } from '../context.js';
import { readObject, renderObject, versionOf } from '../edge.js';
import { LossLog } from '../../../ocpi/translate/context.js';
import { tokenTypeFrom230 } from '../../../ocpi/translate/v2_3_0/common.js';
import * as v230 from '../../../ocpi/v2_3_0/index.js';
import { parseEmaid } from '../../../pnc/emaid.js';

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
      const type = tokenType(request, request.params.uid);
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

/**
 * The `type` URL parameter in the canonical version; RFID when omitted, as the spec says. A 2.3.0
 * EMAID must be a well-formed EMAID; it becomes OTHER, and the journal keeps the loss.
 */
function tokenType(request: FastifyRequest<{ Querystring: { type?: string } }>, uid: string): TokenType {
  const value = request.query.type;
  if (value === undefined) return 'RFID';
  const known = versionOf(request) === '2.3.0' ? v230.TOKEN_TYPES : TOKEN_TYPES;
  if (!(known as readonly string[]).includes(value)) throw OcpiError.invalid(`type must be one of ${known.join(', ')}`);
  if (value !== 'EMAID') return value as TokenType;
  try {
    parseEmaid(uid);
  } catch (error) {
    throw OcpiError.invalid(`token_uid: ${(error as Error).message}`);
  }
  const log = new LossLog('$.type');
  const canonical = tokenTypeFrom230(value, log);
  request.ocpi.losses.push(...log.entries);
  return canonical;
}
