import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { LOOPBACK_NETWORKS } from '../../src/net/outbound-guard.js';
import { startSwitchyard, type RunningHub, type SwitchyardOptions } from '../../src/switchyard.js';

/** Which database the suite runs on: the embedded one, or the PostgreSQL server in DATABASE_URL. */
export const databaseLabel = process.env.DATABASE_URL ? 'PostgreSQL server' : 'embedded PGlite';

/**
 * A fresh, isolated database for one test hub: in-memory PGlite, or a schema of its own on the
 * server in DATABASE_URL (dropped on close; `url` works in it).
 */
export async function isolatedDatabase(): Promise<{ options: Partial<SwitchyardOptions>; url?: string; drop(): Promise<void> }> {
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) return { options: {}, drop: async () => undefined };
  const schema = `test_${randomBytes(6).toString('hex')}`;
  const created = await schemaOn(databaseUrl, schema);
  return { options: { databaseUrl, databaseSchema: schema }, url: created.url, drop: created.drop };
}

/**
 * A schema named `schema` on the server at `serverUrl`, with a URL whose connections work in it
 * (for a hub process, which takes no schema option); drop() removes it with everything in it.
 */
export async function schemaOn(serverUrl: string, schema: string): Promise<{ url: string; drop(): Promise<void> }> {
  await withClient(serverUrl, (client) => client.query(`CREATE SCHEMA ${schema}`));
  const url = new URL(serverUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    url: url.toString(),
    drop: () => withClient(serverUrl, (client) => client.query(`DROP SCHEMA ${schema} CASCADE`)).then(() => undefined),
  };
}

/**
 * A database of its own on the server in DATABASE_URL, holding `schema`, for a hub's journal
 * (`journalDatabaseUrl`, with the hub's schema option; `schemaUrl` works in the schema without
 * one); dropped with its connections by drop().
 */
export async function journalDatabase(schema: string): Promise<{ url: string; schemaUrl: string; drop(): Promise<void> }> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) throw new Error('a journal database of its own needs a PostgreSQL server (DATABASE_URL)');
  const name = `sw_journal_${randomBytes(6).toString('hex')}`;
  await withClient(serverUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const inSchema = await schemaOn(url.href, schema);
  return {
    url: url.href,
    schemaUrl: inSchema.url,
    drop: () => withClient(serverUrl, (client) => client.query(`DROP DATABASE ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

/** The rows of one statement through `url` (the URL of schemaOn or journalDatabase reads in its schema). */
export async function rowsOf<Row = Record<string, unknown>>(url: string, sql: string, params: unknown[] = []): Promise<Row[]> {
  return withClient(url, async (client) => (await client.query(sql, params)).rows as Row[]);
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A hub on a loopback port, on the database `options` name (several hubs may share one). */
export async function startLoopbackHub(options: SwitchyardOptions = {}): Promise<RunningHub> {
  const running = await startSwitchyard({
    port: 0,
    host: '127.0.0.1',
    adminToken: 'test-admin-token',
    allowPartnerNetworks: LOOPBACK_NETWORKS,
    ...options,
  });
  // Partners must be able to reach the hub at the URL it advertises.
  running.hub.config.publicUrl = running.url;
  return running;
}

/** A hub on a loopback port with its own database; close() removes both. */
export async function startTestHub(options: SwitchyardOptions = {}): Promise<RunningHub> {
  const database = await isolatedDatabase();
  const running = await startLoopbackHub({ ...database.options, ...options });
  return {
    ...running,
    async close() {
      await running.close();
      await database.drop();
    },
  };
}

/** Calls the admin API of a test hub. */
export async function admin<T = any>(
  hub: RunningHub,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const response = await fetch(`${hub.url}${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${hub.adminToken}`,
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

/** Waits until `check` returns a truthy value, polling; fails after `timeoutMs`. */
export async function eventually<T>(
  check: () => T | Promise<T>,
  timeoutMs = 5_000,
  what = 'condition',
): Promise<Exclude<NonNullable<T>, false | 0 | ''>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as Exclude<NonNullable<T>, false | 0 | ''>;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Waits until every receiver has been sent everything in the delivery log, or it is parked. */
export async function deliveriesSettled(hub: RunningHub, timeoutMs = 10_000): Promise<void> {
  await eventually(
    async () => {
      const [row] = await hub.hub.db.query<{ pending: number }>(
        `SELECT count(*)::int AS pending FROM receiver_cursors c
         WHERE EXISTS (SELECT 1 FROM events e WHERE (e.tx, e.seq) > (c.last_tx, c.last_seq))
            OR EXISTS (SELECT 1 FROM delivery_holds h WHERE h.party = c.party AND h.state = 'RETRY')`,
      );
      return row.pending === 0;
    },
    timeoutMs,
    'deliveries to settle',
  );
}
