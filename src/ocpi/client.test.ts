import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { callOcpi, OcpiCallError } from './client.js';

const ENVELOPE = { status_code: 1000, status_message: 'Success', timestamp: '2026-12-01T00:00:00Z' };

interface Seen {
  method?: string;
  url?: string;
  headers: IncomingMessage['headers'];
  body: string;
}

const servers: Server[] = [];

/** A real HTTP server on a free port; `answer` writes the response, `seen` gets each request. */
async function serve(answer: (request: IncomingMessage, response: ServerResponse) => void, seen: Seen[] = []): Promise<string> {
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      seen.push({ method: request.method, url: request.url, headers: request.headers, body });
      answer(request, response);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

const failureOf = (call: Promise<unknown>) => call.then(() => expect.unreachable('the call succeeded'), (error: unknown) => error as OcpiCallError);

describe('calling a partner', () => {
  it('sends the method, body and OCPI headers, and reads the envelope and the headers back', async () => {
    const seen: Seen[] = [];
    const base = await serve((_request, response) => {
      response.setHeader('Set-Cookie', ['a=1', 'b=2']);
      response.setHeader('X-Total-Count', '7');
      response.setHeader('Content-Type', 'application/json');
      response.end(JSON.stringify({ ...ENVELOPE, data: { ok: true } }));
    }, seen);

    const reply = await callOcpi({
      method: 'PATCH',
      url: `${base}/ocpi/emsp/2.2.1/locations/US/CPO/LOC1/EVSE1?x=1`,
      token: 'secret',
      tokenEncoding: 'raw',
      json: '{"status":"CHARGING"}',
      routing: { from: { countryCode: 'US', partyId: 'CPO' }, to: { countryCode: 'US', partyId: 'MSP' } },
      correlationId: 'corr-1',
      requestId: 'req-1',
    });

    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ method: 'PATCH', url: '/ocpi/emsp/2.2.1/locations/US/CPO/LOC1/EVSE1?x=1', body: '{"status":"CHARGING"}' });
    expect(seen[0].headers).toMatchObject({
      authorization: 'Token secret',
      'x-request-id': 'req-1',
      'x-correlation-id': 'corr-1',
      'content-type': 'application/json',
      'ocpi-from-party-id': 'CPO',
      'ocpi-to-party-id': 'MSP',
    });
    expect(reply.httpStatus).toBe(200);
    expect(reply.envelope).toEqual({ ...ENVELOPE, data: { ok: true } });
    expect(reply.headers['x-total-count']).toBe('7');
    expect(reply.headers['set-cookie']).toBe('a=1, b=2');
  });

  it('reads a body that comes in parts', async () => {
    const text = JSON.stringify({ ...ENVELOPE, data: 'x'.repeat(100_000) });
    const base = await serve((_request, response) => {
      response.write(text.slice(0, 10));
      setTimeout(() => response.end(text.slice(10)), 20);
    });
    const reply = await callOcpi({ method: 'GET', url: `${base}/ocpi/versions`, token: 't' });
    expect(reply.envelope).toEqual(JSON.parse(text));
  });

  it('reads an envelope that begins with a byte order mark', async () => {
    const base = await serve((_request, response) => response.end(`\ufeff${JSON.stringify(ENVELOPE)}`));
    const reply = await callOcpi({ method: 'GET', url: `${base}/ocpi/versions`, token: 't' });
    expect(reply.envelope?.status_code).toBe(1000);
  });

  it('follows a 307 with the same method and body', async () => {
    const seen: Seen[] = [];
    const target = await serve((_request, response) => response.end(JSON.stringify(ENVELOPE)), seen);
    const base = await serve((_request, response) => {
      response.statusCode = 307;
      response.setHeader('Location', `${target}/moved`);
      response.end('moved');
    });
    const reply = await callOcpi({ method: 'PUT', url: `${base}/first`, token: 't', body: { a: 1 } });
    expect(reply.envelope?.status_code).toBe(1000);
    expect(seen).toMatchObject([{ method: 'PUT', url: '/moved', body: '{"a":1}' }]);
  });

  it('gives up on a partner that does not answer once the call’s time is up', async () => {
    const base = await serve(() => undefined);
    const failure = await failureOf(callOcpi({ method: 'GET', url: `${base}/slow`, token: 't', timeoutMs: 300 }));
    expect(failure).toBeInstanceOf(OcpiCallError);
    expect(failure.kind).toBe('timeout');
    expect(failure.message).toBe(`No answer from ${base}/slow within 300 ms`);
  });

  it('gives up on an answer whose body stops coming once the call’s time is up, as an answer without an envelope', async () => {
    const base = await serve((_request, response) => {
      response.writeHead(200, { 'Content-Type': 'application/json' });
      response.write('{"status_code":');
    });
    const failure = await failureOf(callOcpi({ method: 'GET', url: `${base}/drip`, token: 't', timeoutMs: 300 }));
    expect(failure.kind).toBe('not-ocpi');
    expect(failure.reply?.httpStatus).toBe(200);
  });

  it('gives up on the call as a whole, redirects included, when the time is up', async () => {
    const target = await serve(() => undefined);
    const base = await serve((_request, response) => {
      response.statusCode = 307;
      response.setHeader('Location', `${target}/never`);
      response.end();
    });
    const failure = await failureOf(callOcpi({ method: 'GET', url: `${base}/hop`, token: 't', timeoutMs: 300 }));
    expect(failure.kind).toBe('timeout');
  });

  it('says a partner that refuses connections cannot be reached', async () => {
    const base = await serve(() => undefined);
    const closed = servers.pop()!;
    await new Promise((resolve) => closed.close(resolve));
    const failure = await failureOf(callOcpi({ method: 'GET', url: `${base}/gone`, token: 't', timeoutMs: 5_000 }));
    expect(failure.kind).toBe('network');
    expect(failure.message).toBe(`Cannot reach ${base}/gone: ECONNREFUSED`);
  });

  it('refuses an answer that is not OCPI', async () => {
    const base = await serve((_request, response) => response.end('<html>hello</html>'));
    const failure = await failureOf(callOcpi({ method: 'GET', url: `${base}/page`, token: 't' }));
    expect(failure.kind).toBe('not-ocpi');
    expect(failure.message).toBe(`GET ${base}/page answered HTTP 200 without an OCPI envelope`);
  });
});
