import type { PartyRef } from '../ocpi/headers.js';
import type { Quirks } from '../hub/quirks.js';

/** A receiver party as the delivery worker needs it: where and how to reach it. */
export interface Receiver {
  /** The party's row id. */
  id: string;
  ref: PartyRef;
  role: string;
  platformId: string;
  platformStatus: string;
  ocpiVersion: string;
  token: string;
  quirks: Quirks;
  /** Receiver interface URLs by module. */
  endpoints: Map<string, string>;
  /** Reached through a neighbouring hub, which must be told who sent each message. */
  viaNeighbour: boolean;
}
