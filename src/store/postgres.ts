import pg from 'pg';
import type { Database, DedicatedSession, Queryable, Statement } from './database.js';
import { channelInSchema } from './channels.js';
import { listenOnPostgres } from './listener.js';

// int8 (counts, sequence numbers) as numbers, as PGlite returns them; they stay far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

/**
 * The hub's statements are short, and PostgreSQL plans a few of them (the delivery backlog's, for
 * one) above its JIT threshold: compiling took most of that statement's 57 ms at every execution,
 * where it runs in 10 ms without. JIT pays off only for queries that run for seconds, which the
 * hub does not make. Set per connection, since a URL's own `options` would replace ours.
 */
const WITHOUT_JIT = 'SET jit = off';

export async function openPostgres(connectionString: string, schema?: string): Promise<Database> {
  const pool = new pg.Pool({
    connectionString,
    max: 10,
    options: schema ? `-c search_path=${schema}` : undefined,
    // A server that is away refuses connections at once (OCPI 3000, /health 503); one that does
    // not answer at all fails callers after this long rather than never.
    connectionTimeoutMillis: 30_000,
    // Awaited before the pool hands the new connection out, so that no statement runs before it.
    onConnect: (client) => client.query(WITHOUT_JIT).then(() => undefined),
  });
  // A lost connection (server restart, 57P01, network) must never end the process: the statement
  // in progress fails, and the pool opens a new connection on next use.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  const query = async <Row>(client: pg.Pool | pg.PoolClient | pg.Client, sql: Statement, params?: readonly unknown[]) =>
    (await client.query(typeof sql === 'string' ? { text: sql, values: params as unknown[] } : { ...sql, values: params as unknown[] })).rows as Row[];

  const database: Database = {
    engine: 'postgres',
    query: (sql, params) => query(pool, sql, params),
    async transaction(work) {
      const client = await pool.connect();
      let broken = false;
      try {
        await client.query('BEGIN');
        const tx: Queryable = { query: (sql, params) => query(client, sql, params) };
        const result = await work(tx);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        // A connection that cannot even roll back is gone: the pool replaces it.
        broken = await client.query('ROLLBACK').then(
          () => false,
          () => true,
        );
        throw error;
      } finally {
        client.release(broken);
      }
    },
    async execScript(sql) {
      await pool.query(sql);
    },
    listen: async (channel, onMessage, onGap) => listenOnPostgres(connectionString, await channelInSchema(database, channel), onMessage, onGap),
    async session(onLost) {
      const client = new pg.Client({ connectionString, options: schema ? `-c search_path=${schema}` : undefined, connectionTimeoutMillis: 5_000 });
      let closing = false;
      let lost = false;
      const lose = (error?: Error) => {
        if (closing || lost) return;
        lost = true;
        onLost(error);
      };
      client.on('error', lose);
      client.on('end', () => lose());
      await client.connect();
      await client.query(WITHOUT_JIT);
      const session: DedicatedSession = {
        query: (sql, params) => query(client, sql, params),
        async close() {
          closing = true;
          await client.end().catch(() => undefined);
        },
      };
      return session;
    },
    close: () => pool.end(),
  };
  return database;
}
