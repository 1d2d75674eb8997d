import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { isDatabaseUnavailable } from './availability.js';
import { openPostgres } from './postgres.js';

/** What a statement was rejected with. */
async function rejection(work: Promise<unknown>): Promise<unknown> {
  return work.then(
    () => expect.unreachable('the statement should have failed'),
    (error: unknown) => error,
  );
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('telling a database that is away from a statement that failed', () => {
  it('a server nobody listens for is away', async () => {
    const db = await openPostgres(`postgres://postgres@127.0.0.1:${await closedPort()}/postgres`);
    try {
      const error = await rejection(db.query('SELECT 1'));
      expect(isDatabaseUnavailable(error)).toBe(true);
    } finally {
      await db.close();
    }
  });

  it('an error that merely wraps one that is away is away too', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    expect(isDatabaseUnavailable(new Error('journal write failed', { cause: refused }))).toBe(true);
    expect(isDatabaseUnavailable(new TypeError('x is undefined'))).toBe(false);
    expect(isDatabaseUnavailable(undefined)).toBe(false);
  });

  describe.runIf(process.env.DATABASE_URL)('on a PostgreSQL server', () => {
    it('a connection the server ends is away; a statement it refuses is not', async () => {
      const db = await openPostgres(process.env.DATABASE_URL!);
      try {
        const syntax = await rejection(db.query('SELEC 1'));
        const division = await rejection(db.query('SELECT 1/0'));
        expect([isDatabaseUnavailable(syntax), isDatabaseUnavailable(division)]).toEqual([false, false]);

        const session = await db.session!(() => undefined);
        const [{ pid }] = await session.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
        const sleeping = rejection(session.query('SELECT pg_sleep(60)'));
        await expect.poll(async () => (await db.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = $1 AND state = 'active'`, [pid]))[0].n).toBe(1);
        await db.query('SELECT pg_terminate_backend($1)', [pid]);
        const terminated = await sleeping;
        expect((terminated as { code?: string }).code).toBe('57P01');
        expect(isDatabaseUnavailable(terminated)).toBe(true);
        await session.close().catch(() => undefined);
      } finally {
        await db.close();
      }
    });
  });
});
