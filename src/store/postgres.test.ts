import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from './database.js';
import { openPostgres } from './postgres.js';

describe.runIf(process.env.DATABASE_URL)('the hub’s PostgreSQL connections', () => {
  let db: Database;
  beforeAll(async () => {
    db = await openPostgres(process.env.DATABASE_URL!);
  });
  afterAll(async () => {
    await db?.close();
  });

  const jit = async (connection: Pick<Database, 'query'>) => (await connection.query<{ jit: string }>('SHOW jit'))[0].jit;

  it('run without JIT compilation, pooled, in transactions and in dedicated sessions', async () => {
    // Several at once, so that more than one pooled connection is opened.
    expect(await Promise.all(Array.from({ length: 4 }, () => jit(db)))).toEqual(['off', 'off', 'off', 'off']);
    expect(await db.transaction((tx) => jit(tx))).toBe('off');
    const session = await db.session!(() => undefined);
    try {
      expect(await jit(session)).toBe('off');
    } finally {
      await session.close();
    }
  });
});
