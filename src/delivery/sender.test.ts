import { describe, expect, it } from 'vitest';
import { deliveryRequestId } from './sender.js';

const UUID_V8 = /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('the request id of a delivery', () => {
  it('is the same for every attempt of one event to one receiver, and a UUID', () => {
    const id = deliveryRequestId('3f2b8c1e-0000-4000-8000-000000000001', 42);
    expect(id).toMatch(UUID_V8);
    expect(deliveryRequestId('3f2b8c1e-0000-4000-8000-000000000001', 42)).toBe(id);
  });

  it('differs for every event of a receiver, however large its number', () => {
    const receiver = 'receiver-a';
    const seqs = [...Array.from({ length: 20_000 }, (_, i) => i), 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 32 + 1, 2 ** 40, 2 ** 47 + 12345, 2 ** 48 - 1];
    const ids = seqs.map((seq) => deliveryRequestId(receiver, seq));
    for (const id of ids) expect(id).toMatch(UUID_V8);
    expect(new Set(ids).size).toBe(seqs.length);
  });

  it('differs between receivers for the same event', () => {
    expect(deliveryRequestId('receiver-a', 7)).not.toBe(deliveryRequestId('receiver-b', 7));
  });
});
