import { describe, expect, it } from 'vitest';
import type { JournalRow } from '../journal.js';
import { timelineOf } from './timeline.js';

/** A hop that ended at `endMs` (stamped to the millisecond, as the journal is) after `durationMs`. */
function hop(id: number, direction: 'IN' | 'OUT', endMs: number, durationMs: number): JournalRow {
  return {
    id, at: new Date(Math.floor(endMs)), direction, correlation_id: 'c1', request_id: null, from_party: 'US*MS1', to_party: 'US*CP1',
    module: 'locations', method: 'GET', url: '/ocpi/2.2.1/sender/locations/LOC-1', object_id: 'LOC-1', http_status: 200,
    ocpi_status: 1000, duration_ms: durationMs, blame: null, error: null, request_body: null, response_body: null, notes: null,
    truncated: false, altered: null,
  };
}

describe("a correlation id's timeline", () => {
  it('puts a request before the call made inside it, though its millisecond stamp makes it look later', () => {
    // The eMSP's request started at 1,000.1 ms; the hub's call to the CPO, written first, at 1,000.5.
    const call = hop(1, 'OUT', 1_001.9, 1.4);
    const request = hop(2, 'IN', 1_003.0, 2.9);
    expect(timelineOf([call, request], []).hops.map((h) => h.direction)).toEqual(['IN', 'OUT']);
  });

  it('orders hops a millisecond or more apart by when they started, whatever their ends', () => {
    const later = hop(1, 'OUT', 1_010, 2);
    const earlier = hop(2, 'IN', 1_020, 15);
    expect(timelineOf([later, earlier], []).hops.map((h) => h.direction)).toEqual(['IN', 'OUT']);
  });
});
