import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { success } from '../../../ocpi/envelope.js';
import { OcpiError } from '../../../ocpi/status.js';
import { ActiveChargingProfileSchema, SetChargingProfileSchema } from '../../../ocpi/v2_2_1/chargingprofiles.js';
import {
  PROFILE_RESULT_SCHEMAS,
  PROFILE_SENDER_ROLES,
  pushActiveProfile,
  sendProfileRequest,
  type ProfileCall,
} from '../../../hub/charging-profiles.js';
import { acceptAsyncResult, checkResponseUrl } from '../../../hub/async-requests.js';
import type { HubContext } from '../../../hub/context.js';
import { requesterParty } from '../../../hub/requester.js';
import { callerOf, parseBody } from '../context.js';

type SessionRequest = FastifyRequest<{ Params: { sessionId: string }; Querystring: Record<string, string | undefined> }>;

/**
 * Charging profiles through the hub: eMSPs and SCSPs set, read and clear session profiles on the
 * hub's Receiver interface; CPOs post results to the hub's callbacks and push ActiveChargingProfile
 * updates to the hub's Sender interface.
 */
export async function chargingProfileRoutes(app: FastifyInstance, hub: HubContext): Promise<void> {
  const receiver = '/receiver/chargingprofiles/:sessionId';
  const sender = '/sender/chargingprofiles';

  const relay = (callOf: (request: SessionRequest) => ProfileCall) => async (request: SessionRequest, reply: FastifyReply) => {
    const requester = await requesterParty(hub.directory, callerOf(request), request.ocpi.routing, PROFILE_SENDER_ROLES);
    const relayed = await sendProfileRequest(hub, request.params.sessionId, callOf(request), {
      requester,
      to: request.ocpi.routing.to,
      correlationId: request.ocpi.tracing.correlationId,
    });
    return reply.code(relayed.httpStatus).headers(relayed.headers).send(relayed.body);
  };

  app.put(
    receiver,
    relay((request) => {
      const payload = parseBody(SetChargingProfileSchema, request.body, callerOf(request));
      checkResponseUrl(payload.response_url);
      return { kind: 'SET_PROFILE', payload };
    }),
  );
  app.get(
    receiver,
    relay((request) => ({
      kind: 'GET_ACTIVE_PROFILE',
      payload: { duration: durationParam(request.query), response_url: responseUrlParam(request.query) },
    })),
  );
  app.delete(
    receiver,
    relay((request) => ({ kind: 'CLEAR_PROFILE', payload: { response_url: responseUrlParam(request.query) } })),
  );

  app.post<{ Params: { id: string } }>(`${sender}/results/:id`, async (request) => {
    const caller = callerOf(request);
    const { relayed } = await acceptAsyncResult(hub, {
      module: 'chargingprofiles',
      requestId: request.params.id,
      caller,
      from: request.ocpi.routing.from,
      parseResult: (kind) => parseBody(PROFILE_RESULT_SCHEMAS[kind as ProfileCall['kind']], request.body, caller),
    });
    return success(undefined, relayed ? undefined : 'Result recorded, not relayed: the request had already timed out');
  });

  app.put<{ Params: { sessionId: string } }>(`${sender}/:sessionId`, async (request) => {
    const caller = callerOf(request);
    const cpo = await requesterParty(hub.directory, caller, request.ocpi.routing, ['CPO']);
    await pushActiveProfile(hub, {
      cpo,
      sessionId: request.params.sessionId,
      to: request.ocpi.routing.to,
      profile: parseBody(ActiveChargingProfileSchema, request.body, caller),
      correlationId: request.ocpi.tracing.correlationId,
    });
    return success();
  });
}

function responseUrlParam(query: Record<string, string | undefined>): string {
  const url = query.response_url;
  if (!url) throw OcpiError.invalid('the response_url query parameter is required', 'response_url');
  checkResponseUrl(url, 'response_url');
  return url;
}

function durationParam(query: Record<string, string | undefined>): number {
  const text = query.duration ?? '';
  if (!/^\d{1,9}$/.test(text)) throw OcpiError.invalid('the duration query parameter must be a whole number of seconds', 'duration');
  return Number(text);
}
