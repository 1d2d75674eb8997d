import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callOcpi, OcpiCallError } from '../../src/ocpi/client.js';

/** A partner behind a redirect, as some OCPI implementations answer the credentials POST. */
describe('outbound calls follow HTTP 307/308 redirects', () => {
  let server: FastifyInstance;
  let base: string;
  const seen: { method: string; url: string; body: unknown }[] = [];

  beforeAll(async () => {
    server = Fastify();
    server.all('/*', async (request, reply) => {
      seen.push({ method: request.method, url: request.url, body: request.body });
      if (request.url === '/credentials') return reply.code(307).header('location', '/credentials/').send();
      if (request.url === '/moved') return reply.code(308).header('location', `${base}/credentials/`).send();
      if (request.url === '/elsewhere') return reply.code(307).header('location', 'ftp://127.0.0.1/credentials').send();
      if (request.url === '/loop') return reply.code(307).header('location', '/loop').send();
      return { status_code: 1000, timestamp: '2026-11-22T10:00:00Z', data: request.body };
    });
    base = await server.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(() => server.close());

  it('keeps the method and the body across a 307 and a 308', async () => {
    for (const path of ['/credentials', '/moved']) {
      seen.length = 0;
      const reply = await callOcpi({ method: 'POST', url: `${base}${path}`, token: 'token-a', body: { token: 'b' } });
      expect(reply.envelope?.data).toEqual({ token: 'b' });
      expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual([`POST ${path}`, 'POST /credentials/']);
      expect(seen[1].body).toEqual({ token: 'b' });
    }
  });

  it('refuses a redirect to another scheme, and endless redirects', async () => {
    await expect(callOcpi({ method: 'PUT', url: `${base}/elsewhere`, token: 't', body: {} })).rejects.toThrow(/redirected to ftp:/);
    await expect(callOcpi({ method: 'GET', url: `${base}/loop`, token: 't' })).rejects.toBeInstanceOf(OcpiCallError);
  });
});
