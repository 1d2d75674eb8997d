import type { FastifyInstance } from 'fastify';
import { success } from '../../../ocpi/envelope.js';
import { OcpiError } from '../../../ocpi/status.js';
import { COMMAND_TYPES, type CommandType } from '../../../ocpi/v2_2_1/commands.js';
import { acceptAsyncResult, checkResponseUrl } from '../../../hub/async-requests.js';
import { COMMAND_KINDS, sendCommand, type CommandCall } from '../../../hub/commands.js';
import type { HubContext } from '../../../hub/context.js';
import { requesterParty } from '../../../hub/requester.js';
import { callerOf } from '../context.js';
import { readObject, renderObject } from '../edge.js';

/** The answer to a result that came after the hub had already answered TIMEOUT in its place. */
const LATE_RESULT = 'Result recorded, not relayed: the hub already answered TIMEOUT for this command';

/**
 * Commands through the hub: eMSPs POST them to the hub's Receiver interface; CPOs POST results to
 * the callback on the hub's Sender interface that replaced the eMSP's response_url.
 */
export async function commandRoutes(app: FastifyInstance, hub: HubContext): Promise<void> {
  app.post<{ Params: { command: string } }>('/receiver/commands/:command', async (request, reply) => {
    const command = commandType(request.params.command);
    const caller = callerOf(request);
    const requester = await requesterParty(hub.directory, caller, request.ocpi.routing, ['EMSP']);
    const body = await readObject<{ response_url: string }>(hub, request, COMMAND_KINDS[command], requester.ref);
    checkResponseUrl(body.response_url);
    // The body was checked against this command's own schema.
    const call = { command, body } as CommandCall;
    const relayed = await sendCommand(hub, call, {
      requester,
      to: request.ocpi.routing.to,
      correlationId: request.ocpi.tracing.correlationId,
    });
    if (relayed.body.data !== undefined) {
      relayed.body.data = await renderObject(hub, request, 'CommandResponse', relayed.body.data, requester.ref);
    }
    return reply.code(relayed.httpStatus).headers(relayed.headers).send(relayed.body);
  });

  app.post<{ Params: { command: string; id: string } }>('/sender/commands/:command/:id', async (request) => {
    const caller = callerOf(request);
    // Read before the request's transaction: translation reads the store, which must not wait on it.
    const result = await readObject(hub, request, 'CommandResult');
    const { relayed } = await acceptAsyncResult(hub, {
      module: 'commands',
      kind: request.params.command,
      requestId: request.params.id,
      caller,
      from: request.ocpi.routing.from,
      parseResult: () => result,
    });
    return success(undefined, relayed ? undefined : LATE_RESULT);
  });
}

function commandType(text: string): CommandType {
  const command = COMMAND_TYPES.find((type) => type === text);
  if (!command) throw OcpiError.invalid(`unknown command ${text}; expected one of ${COMMAND_TYPES.join(', ')}`, 'command');
  return command;
}
