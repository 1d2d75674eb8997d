import { EventEmitter } from 'node:events';
import type { PartyRef } from '../../ocpi/headers.js';
import type { Queryable } from '../../store/database.js';

/**
 * How the hub's processes tell each other that the directory (platforms, their tokens, parties,
 * endpoints, agreements, or one pushed token) changed. The NOTIFY is sent in the writer's
 * transaction, so it reaches the other processes only once the change is committed.
 */
export const DIRECTORY_CHANNEL = 'switchyard_directory';

/** The registry as a whole: small, and reloaded whole. */
export const REGISTRY_CHANGED = 'registry';

/** One token object (mod_tokens) an eMSP pushed, by owner and stored key. */
export function tokenChanged(owner: PartyRef, key: string): string {
  return `token:${owner.countryCode}:${owner.partyId}:${key}`;
}

export function parseTokenChange(payload: string): { owner: PartyRef; key: string } | undefined {
  const match = /^token:([^:]+):([^:]+):(.+)$/.exec(payload);
  return match ? { owner: { countryCode: match[1], partyId: match[2] }, key: match[3] } : undefined;
}

/**
 * This process's own changes, heard at once: its next request must not see what it just changed
 * the old way, whenever its own NOTIFY comes back.
 */
export const localChanges = new EventEmitter();

/** Tells every hub process, this one first, that the directory changed. */
export async function announceChange(db: Queryable, payload: string = REGISTRY_CHANGED): Promise<void> {
  localChanges.emit('change', payload);
  await db.query('SELECT pg_notify($1, $2)', [DIRECTORY_CHANNEL, payload]);
}
