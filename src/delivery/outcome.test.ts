import { describe, expect, it } from 'vitest';
import type { OcpiReply } from '../ocpi/client.js';
import { classifyReply, retryAfter } from './outcome.js';

const reply = (httpStatus: number, statusCode?: number, headers: Record<string, string> = {}): OcpiReply => ({
  httpStatus,
  envelope: statusCode === undefined ? undefined : { status_code: statusCode, timestamp: '2026-11-22T10:00:00Z' },
  headers,
  requestId: 'r',
  correlationId: 'c',
  durationMs: 1,
});

describe('classifyReply', () => {
  it('delivers on OCPI 1xxx only', () => {
    expect(classifyReply(reply(200, 1000)).kind).toBe('delivered');
    expect(classifyReply(reply(500, 1000)).kind).toBe('transient');
  });

  it('retries server errors, timeouts, rate limits and OCPI 3xxx', () => {
    for (const [http, ocpi] of [[500], [503, 3000], [408], [429], [200, 3001]] as [number, number?][]) {
      expect(classifyReply(reply(http, ocpi)).kind).toBe('transient');
    }
  });

  it('takes OCPI 2xxx as final, a bare HTTP 4xx as a refusal to confirm', () => {
    expect(classifyReply(reply(200, 2001))).toMatchObject({ kind: 'refused', final: true });
    expect(classifyReply(reply(404))).toMatchObject({ kind: 'refused', final: false });
    expect(classifyReply(reply(422, 2001))).toMatchObject({ kind: 'refused', final: true });
  });

  it('honours Retry-After in seconds and as an HTTP date', () => {
    const now = Date.UTC(2026, 10, 22, 10, 0, 0);
    expect(classifyReply(reply(429, undefined, { 'retry-after': '7' }), now)).toMatchObject({ notBeforeMs: now + 7000 });
    expect(retryAfter('Sun, 22 Nov 2026 10:01:00 GMT', now)).toBe(now + 60_000);
    expect(retryAfter('soon', now)).toBeUndefined();
  });
});
