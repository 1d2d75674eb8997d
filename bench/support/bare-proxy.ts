/**
 * The accept path's baseline as a process of its own: a bare Fastify server that forwards every
 * request with undici to one URL (a sink) and answers what the sink answered. It prints its port.
 *
 *   node --import tsx bench/support/bare-proxy.ts <sink URL>
 */
import Fastify from 'fastify';
import { Agent, request } from 'undici';

const sinkUrl = process.argv[2];
const agent = new Agent({ keepAliveTimeout: 30_000, connections: 64 });
const proxy = Fastify();
proxy.all('/*', async (req, reply) => {
  const answer = await request(`${sinkUrl}${req.url}`, {
    method: req.method as 'PATCH',
    headers: { 'content-type': 'application/json', authorization: req.headers.authorization ?? '' },
    body: JSON.stringify(req.body),
    dispatcher: agent,
  });
  reply.code(answer.statusCode);
  return answer.body.json();
});
await proxy.listen({ port: 0, host: '127.0.0.1' });
console.log((proxy.server.address() as { port: number }).port);
