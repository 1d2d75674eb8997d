import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { PartyRef } from '../../ocpi/headers.js';
import { notifyInSchema } from '../../store/channels.js';
import type { Queryable } from '../../store/database.js';

/**
 * How the hub's processes tell each other that the directory (platforms, their tokens, parties,
 * endpoints, agreements, or one pushed token) changed. The NOTIFY is sent in the writer's
 * transaction, so it reaches the other processes only once the change is committed.
 */
export const DIRECTORY_CHANNEL = 'switchyard_directory';

/** The registry as a whole: small, and reloaded whole. Each announcement carries an id of its own. */
const REGISTRY_CHANGED = 'registry';

/** The id of a registry change (`registry:<id>`), or undefined for any other payload. */
export function registryChangeId(payload: string): string | undefined {
  return payload.startsWith(`${REGISTRY_CHANGED}:`) ? payload.slice(REGISTRY_CHANGED.length + 1) : undefined;
}

/** One token object (mod_tokens) an eMSP pushed, by owner and stored key. */
export function tokenChanged(owner: PartyRef, key: string): string {
  return `token:${owner.countryCode}:${owner.partyId}:${key}`;
}

export function parseTokenChange(payload: string): { owner: PartyRef; key: string } | undefined {
  const match = /^token:([^:]+):([^:]+):(.+)$/.exec(payload);
  return match ? { owner: { countryCode: match[1], partyId: match[2] }, key: match[3] } : undefined;
}

/**
 * This process's own registry changes, heard at once (event `pending`, with the change's id). The
 * change may not be committed yet, so until its NOTIFY comes back (after the commit) this
 * process's directory reads the registry afresh: its next request never sees the old state.
 */
export const localChanges = new EventEmitter();

/**
 * Tells every hub process that the directory changed: others by NOTIFY when the writer's
 * transaction commits, this one at once.
 */
export async function announceChange(db: Queryable, payload?: string): Promise<void> {
  let message = payload;
  if (message === undefined) {
    const id = randomUUID();
    localChanges.emit('pending', id);
    message = `${REGISTRY_CHANGED}:${id}`;
  }
  await notifyInSchema(db, DIRECTORY_CHANNEL, message);
}
