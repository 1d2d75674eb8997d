import { createHash } from 'node:crypto';
import type { Queryable } from '../store/database.js';
import type { InsertableEntry, JournalEntry } from './journal.js';
import { dayOf } from './journal-partitions.js';

/** Shorter bodies are stored with each entry: a reference would save little. */
const SHARED_BODY_MIN_CHARS = 256;

/** Digests of bodies stored shared once, by identity: later entries with the same body refer to it too. */
const sharedDigests = new WeakMap<object, string>();

/** A request body as the journal reads it back: the entry's own, else the shared one it refers to. */
export const REQUEST_BODY_READ = `coalesce(request_body, (SELECT b.body FROM journal_bodies b
  WHERE b.day = (journal.at AT TIME ZONE 'UTC')::date AND b.digest = journal.request_body_ref)) AS request_body`;

/**
 * Stores once, in `journal_bodies`, each request body that several entries of a batch carry (one
 * change delivered to many receivers: the same body object, see journal-storable.ts), and points
 * those entries at it: their request body becomes null and their reference the body's digest.
 * `rows` are the entries as they will be inserted, in the same order.
 */
export async function shareRepeatedBodies(db: Queryable, entries: JournalEntry[], rows: InsertableEntry[]): Promise<void> {
  const uses = new Map<object, number[]>();
  entries.forEach((entry, index) => {
    const body = entry.requestBody;
    if (typeof body !== 'object' || body === null) return;
    const indexes = uses.get(body);
    if (indexes) indexes.push(index);
    else uses.set(body, [index]);
  });
  const stored = new Map<string, { day: string; digest: string; text: string }>();
  for (const [body, indexes] of uses) {
    const text = rows[indexes[0]].requestBody!;
    if (text.length < SHARED_BODY_MIN_CHARS || (indexes.length < 2 && !sharedDigests.has(body))) continue;
    let digest = sharedDigests.get(body);
    if (digest === undefined) {
      digest = createHash('sha256').update(text).digest('base64url');
      sharedDigests.set(body, digest);
    }
    for (const index of indexes) {
      const row = rows[index];
      const day = dayOf(row.at);
      stored.set(`${day}/${digest}`, { day, digest, text });
      row.requestBody = null;
      row.columns.request_body_ref = digest;
    }
  }
  if (stored.size === 0) return;
  const bodies = [...stored.values()];
  await db.query(
    `INSERT INTO journal_bodies (day, digest, body)
     SELECT * FROM unnest($1::date[], $2::text[], $3::jsonb[]) ON CONFLICT DO NOTHING`,
    [bodies.map((b) => b.day), bodies.map((b) => b.digest), bodies.map((b) => b.text)],
  );
}

/** Shared bodies go with the journal days that refer to them: those wholly before `before`. */
export async function pruneSharedBodies(db: Queryable, before: Date): Promise<void> {
  await db.query('DELETE FROM journal_bodies WHERE day < $1::date', [dayOf(before)]);
}
