import { prepared, type Queryable } from '../store/database.js';
import { eventColumns, eventPlaceholders, eventsUnnest, eventValues, NEW_EVENT_COLUMNS, type NewEvent } from '../store/event-log.js';
import type { PartyRef } from '../ocpi/headers.js';
import type { ObjectData } from './objects.js';

/** One EVSE PATCH (a status change, most often) and the event that delivers it. */
export interface EvsePatch {
  owner: PartyRef;
  locationId: string;
  evseUid: string;
  body: ObjectData;
  event: NewEvent;
}

/** PostgreSQL error classes after which a batch is worth another try, or item by item. */
const DEADLOCK = '40P01';
const SERIALIZATION_FAILURE = '40001';
const DATA_EXCEPTION_CLASS = '22';
const ATTEMPTS = 3;

const events = eventsUnnest(7, 'e');

/**
 * The statement that stores and logs EVSE PATCHes, for a given input (the patches as rows of
 * country_code, party_id, location_id, evse_uid, patch, last_updated, ord) and event rows: each
 * EVSE row is merged with its patch and takes its last_updated (the Location's follows on read, see
 * objects.WHOLE_DATA), and an event is appended, in input order, for every EVSE that exists (of a
 * Location not deleted). Returns the positions (1-based) of the patches applied; the others name an
 * unknown location or EVSE. The patches must name distinct EVSEs: one statement updates a row once.
 */
const patchStatement = (input: string, loggedEvents: string) => `WITH input AS (
     ${input}
   ), evse AS (
     UPDATE location_evses l SET data = l.data || i.patch,
                                 last_updated = coalesce(i.last_updated::timestamptz, l.last_updated)
     FROM input i
     WHERE l.country_code = i.country_code AND l.party_id = i.party_id AND l.location_id = i.location_id
       AND l.evse_uid = i.evse_uid
       AND EXISTS (SELECT 1 FROM objects o WHERE o.module = 'locations' AND o.country_code = i.country_code
                   AND o.party_id = i.party_id AND o.object_id = i.location_id AND NOT o.deleted)
     RETURNING i.ord
   ), logged AS (
     INSERT INTO events (${NEW_EVENT_COLUMNS})
     ${loggedEvents}
   )
   SELECT ord::int FROM evse`;

/** Many patches, one array per column. */
const PATCH_EVSES_AND_LOG = prepared(
  'patch-evses-and-log',
  patchStatement(
    `SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::jsonb[], $6::text[]) WITH ORDINALITY
       AS i(country_code, party_id, location_id, evse_uid, patch, last_updated, ord)`,
    `SELECT ${events.select} FROM ${events.from}
     WHERE e.ord IN (SELECT ord FROM evse) ORDER BY e.ord`,
  ),
);

/**
 * One patch, one value per parameter: what a steady stream of changes sends (each comes alone).
 * PostgreSQL plans a statement over arrays anew for each call's values, since it cannot know their
 * length in advance (1.4 ms a plan, more than the statement's run); over single values its one
 * general plan is as good, and it keeps that.
 */
const PATCH_EVSE_AND_LOG = prepared(
  'patch-evse-and-log',
  patchStatement(
    `SELECT $1::text AS country_code, $2::text AS party_id, $3::text AS location_id, $4::text AS evse_uid,
            $5::jsonb AS patch, $6::text AS last_updated, 1::bigint AS ord`,
    `SELECT ${eventPlaceholders(7)} WHERE EXISTS (SELECT 1 FROM evse)`,
  ),
);

/** A patch's values in the order of the statements' input (parameters 1-6). */
function patchValues(patch: EvsePatch): unknown[] {
  return [
    patch.owner.countryCode,
    patch.owner.partyId,
    patch.locationId,
    patch.evseUid.toUpperCase(),
    JSON.stringify(patch.body),
    typeof patch.body.last_updated === 'string' ? patch.body.last_updated : null,
  ];
}

async function patchEvsesAndLog(db: Queryable, patches: EvsePatch[]): Promise<Set<number>> {
  const rows =
    patches.length === 1
      ? await db.query<{ ord: number }>(PATCH_EVSE_AND_LOG, [...patchValues(patches[0]), ...eventValues(patches[0].event)])
      : await db.query<{ ord: number }>(PATCH_EVSES_AND_LOG, [...columnsOf(patches.map(patchValues)), ...eventColumns(patches.map((p) => p.event))]);
  return new Set(rows.map((row) => row.ord));
}

/** Rows of values as one array per column. */
function columnsOf(rows: unknown[][]): unknown[][] {
  return rows[0].map((_, column) => rows.map((row) => row[column]));
}

interface Waiting {
  patch: EvsePatch;
  key: string;
  /** true: stored and logged; false: no such location or EVSE. */
  settle: (applied: boolean) => void;
  fail: (error: unknown) => void;
}

export interface EvsePatchOptions {
  /** Statements at the database at once. */
  inFlight: number;
  /** Patches in one statement at most. */
  batchSize: number;
}

/**
 * EVSE PATCHes are most of what CPOs send. Those that arrive together are stored and logged
 * together (group commit): while statements are at the database, newly accepted patches wait and
 * then go in one statement, one round trip and one commit for all. Nothing waits for a timer, so a
 * lone patch goes at once. Two patches of one EVSE never share a statement or run at the same
 * time: the later waits for the earlier, so they are stored and logged in the order they came.
 */
export class EvsePatchQueue {
  private waiting: Waiting[] = [];
  private readonly busyKeys = new Set<string>();
  private running = 0;

  constructor(
    private readonly db: Queryable,
    private readonly options: EvsePatchOptions = { inFlight: 2, batchSize: 200 },
  ) {}

  /** Resolves to whether the EVSE existed (and the patch was stored and logged) once committed. */
  submit(patch: EvsePatch): Promise<boolean> {
    return new Promise((settle, fail) => {
      const key = [patch.owner.countryCode, patch.owner.partyId, patch.locationId, patch.evseUid].join('\u0000').toUpperCase();
      this.waiting.push({ patch, key, settle, fail });
      this.pump();
    });
  }

  private pump(): void {
    while (this.running < this.options.inFlight) {
      const batch = this.take();
      if (batch.length === 0) return;
      this.running++;
      for (const item of batch) this.busyKeys.add(item.key);
      void this.store(batch).finally(() => {
        for (const item of batch) this.busyKeys.delete(item.key);
        this.running--;
        this.pump();
      });
    }
  }

  /** The oldest waiting patches of distinct EVSEs that are not at the database already. */
  private take(): Waiting[] {
    const batch: Waiting[] = [];
    const keys = new Set<string>();
    const rest: Waiting[] = [];
    for (const item of this.waiting) {
      const free = batch.length < this.options.batchSize && !keys.has(item.key) && !this.busyKeys.has(item.key);
      if (free) {
        batch.push(item);
        keys.add(item.key);
      } else {
        // A later patch of a held-back EVSE stays behind it.
        keys.add(item.key);
        rest.push(item);
      }
    }
    this.waiting = rest;
    return batch;
  }

  private async store(batch: Waiting[]): Promise<void> {
    try {
      const applied = await this.withRetries(() => patchEvsesAndLog(this.db, batch.map((item) => item.patch)));
      batch.forEach((item, index) => item.settle(applied.has(index + 1)));
    } catch (error) {
      if (batch.length > 1 && sqlState(error)?.startsWith(DATA_EXCEPTION_CLASS)) {
        // One patch the database refuses must not fail the others: each goes alone, in arrival order.
        for (const item of batch) await this.store([item]);
        return;
      }
      for (const item of batch) item.fail(error);
    }
  }

  /** A deadlock with another statement (another process's batch) undoes the whole statement: try again. */
  private async withRetries<T>(work: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await work();
      } catch (error) {
        const state = sqlState(error);
        if (attempt >= ATTEMPTS || (state !== DEADLOCK && state !== SERIALIZATION_FAILURE)) throw error;
      }
    }
  }
}

function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}
