import { migrate } from '../../src/store/migrate.js';
import { openDatabase, type Database } from '../../src/store/database.js';
import { isolatedDatabase } from '../support/hub.js';

/** A migrated database of its own (in memory, or a fresh schema on DATABASE_URL); close() drops it. */
export async function openMigratedDatabase(): Promise<Database> {
  const isolated = await isolatedDatabase();
  const db = await openDatabase({ databaseUrl: isolated.options.databaseUrl, schema: isolated.options.databaseSchema });
  await migrate(db);
  return {
    ...db,
    engine: db.engine,
    query: db.query.bind(db),
    transaction: db.transaction.bind(db),
    execScript: db.execScript.bind(db),
    async close() {
      await db.close();
      await isolated.drop();
    },
  };
}
