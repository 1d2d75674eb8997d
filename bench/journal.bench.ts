/**
 * The journal's growth: writes entries as the hub journals its traffic (through recordAll, the
 * journal writer's path), spread over a few days, and reports the bytes per entry of the
 * partitions, table and indexes apart. Baseline of the same run: the same rows copied into one
 * unpartitioned table with the same indexes.
 *
 *   npm run bench -- journal [--entries 1000000 --days 3]
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { recordAll, type JournalEntry } from '../src/hub/journal.js';
import { openDatabase } from '../src/store/database.js';
import { migrate } from '../src/store/migrate.js';
import { cdr, NOW, session } from '../test/support/fixtures.js';
import { isolatedDatabase } from '../test/support/hub.js';

const { values } = parseArgs({ options: { entries: { type: 'string', default: '100000' }, days: { type: 'string', default: '3' } } });
const entries = Number(values.entries);
const days = Number(values.days);
const BATCH = 500;
const CP1 = { countryCode: 'US', partyId: 'CP1' };
const MS1 = { countryCode: 'US', partyId: 'MS1' };

/** The hub's traffic as the fan-out and NA scenarios make it: mostly EVSE status, some sessions and CDRs. */
const ok = { status_code: 1000, status_message: 'Success', timestamp: NOW };
const KINDS: Array<{ share: number; module: string; method: string; url: string; objectId: string; body: unknown }> = [
  { share: 16, module: 'locations', method: 'PATCH', url: '/ocpi/2.2.1/receiver/locations/US/CP1/LOC-1/EVSE-1', objectId: 'LOC-1', body: { status: 'CHARGING', last_updated: NOW } },
  { share: 2, module: 'tokens', method: 'POST', url: '/ocpi/2.2.1/sender/tokens/04A1B2C3D4E5F6/authorize?type=RFID', objectId: '04A1B2C3D4E5F6', body: null },
  { share: 1, module: 'sessions', method: 'PUT', url: '/ocpi/2.2.1/receiver/sessions/US/CP1/SESSION-1', objectId: 'SESSION-1', body: session(CP1, MS1) },
  { share: 1, module: 'cdrs', method: 'POST', url: '/ocpi/2.2.1/receiver/cdrs', objectId: 'CDR-1', body: cdr(CP1, MS1, 'CDR-1') },
];
const cycle = KINDS.flatMap((kind) => Array.from({ length: kind.share }, () => kind));

function entryOf(i: number, at: Date): JournalEntry {
  const kind = cycle[i % cycle.length];
  // A push arrives (IN) and is delivered (OUT): alternate the two directions.
  const inbound = i % 2 === 0;
  return {
    direction: inbound ? 'IN' : 'OUT',
    correlationId: randomUUID(),
    requestId: randomUUID(),
    fromParty: inbound ? 'US*CP1' : 'US*SWY',
    toParty: inbound ? 'US*SWY' : 'US*MS1',
    module: kind.module,
    method: kind.method,
    url: kind.url,
    objectId: kind.objectId,
    httpStatus: 200,
    ocpiStatus: 1000,
    durationMs: 3 + (i % 40),
    // Its own body, as each push and each single delivery has: nothing for the journal to share.
    requestBody: kind.body === null ? undefined : structuredClone(kind.body),
    responseBody: ok,
    at,
  };
}

const database = await isolatedDatabase();
const db = await openDatabase({ databaseUrl: database.options.databaseUrl, schema: database.options.databaseSchema });
await migrate(db);
const spanMs = days * 86_400_000;
const startedAt = Date.now() - spanMs;
const writeStarted = performance.now();
for (let first = 0; first < entries; first += BATCH) {
  const batch = Array.from({ length: Math.min(BATCH, entries - first) }, (_, k) => {
    const i = first + k;
    return entryOf(i, new Date(startedAt + (i / entries) * spanMs));
  });
  await recordAll(db, batch);
  if (first % 100_000 === 0) process.stdout.write(`\r${first.toLocaleString('en-US')} entries written`);
}
const writeSeconds = (performance.now() - writeStarted) / 1000;
console.log(`\r${entries.toLocaleString('en-US')} entries written in ${writeSeconds.toFixed(0)} s (${Math.round(entries / writeSeconds)} per second)`);
await db.query('ANALYZE journal');

const sizes = async (tables: string) => {
  const [row] = await db.query<{ table_bytes: string; index_bytes: string; partitions: number }>(
    `SELECT sum(pg_table_size(relid))::text AS table_bytes, sum(pg_indexes_size(relid))::text AS index_bytes, count(*)::int AS partitions FROM (${tables}) t`,
  );
  return { table: Number(row.table_bytes), indexes: Number(row.index_bytes), partitions: row.partitions };
};
const partitioned = await sizes(`SELECT relid FROM pg_partition_tree('journal') WHERE isleaf`);

// Baseline: the same rows in one plain table with the same indexes.
await db.query('CREATE TABLE journal_flat (LIKE journal INCLUDING ALL)');
await db.query('INSERT INTO journal_flat SELECT * FROM journal');
await db.query('ANALYZE journal_flat');
const flat = await sizes(`SELECT 'journal_flat'::regclass AS relid`);

const perEntry = (bytes: number) => (bytes / entries).toFixed(0);
const gb = (bytes: number) => ((bytes / entries) * 1e6 / 1e9).toFixed(2);
console.log(`machine: ${os.cpus().length} × ${os.cpus()[0].model}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, load ${os.loadavg()[0].toFixed(1)}; ${db.engine}`);
for (const [name, size] of [
  [`partitioned (${partitioned.partitions} day partitions)`, partitioned],
  ['baseline: one plain table', flat],
] as const) {
  const total = size.table + size.indexes;
  console.log(
    `${name}: ${perEntry(total)} bytes per entry (table ${perEntry(size.table)}, indexes ${perEntry(size.indexes)}); ${gb(total)} GB per million entries`,
  );
}
console.log(`partitioned / plain: ${((partitioned.table + partitioned.indexes) / (flat.table + flat.indexes)).toFixed(2)}`);
await db.close();
await database.drop();
