import { PGlite, type Transaction } from '@electric-sql/pglite';
import { channelInSchema } from './channels.js';
import { statementText, type Database, type Queryable, type Statement } from './database.js';

export async function openPglite(dataDir?: string): Promise<Database> {
  const db = await PGlite.create(dataDir ? { dataDir } : {});
  const query = async <Row>(client: PGlite | Transaction, sql: Statement, params?: readonly unknown[]) =>
    (await client.query<Row>(statementText(sql), params as unknown[])).rows;

  const database: Database = {
    engine: 'pglite',
    query: (sql, params) => query(db, sql, params),
    transaction: (work) =>
      db.transaction((tx) => work({ query: (sql, params) => query(tx, sql, params) } satisfies Queryable)),
    async execScript(sql) {
      await db.exec(sql);
    },
    // One embedded instance serves one process, so no notification can be missed.
    listen: async (channel, onMessage) => db.listen(await channelInSchema(database, channel), onMessage),
    close: () => db.close(),
  };
  return database;
}
