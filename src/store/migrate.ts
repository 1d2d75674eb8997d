import { readdir, readFile } from 'node:fs/promises';
import type { Database } from './database.js';

const MIGRATIONS_DIR = new URL('./migrations/', import.meta.url);
// Any constant; several hub processes starting at once take turns applying migrations.
const MIGRATION_LOCK = 7_411_001;

/**
 * Applies every migration in `migrations/` that this database has not seen yet, in name order;
 * with `through`, only those up to that name (to build a database as an older hub left it).
 */
export async function migrate(db: Database, options: { through?: string } = {}): Promise<string[]> {
  await db.execScript(`CREATE TABLE IF NOT EXISTS schema_migrations (
    name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
  const files = (await readdir(MIGRATIONS_DIR)).filter((f) => f.endsWith('.sql') && (!options.through || f <= options.through)).sort();
  const applied: string[] = [];
  for (const name of files) {
    const sql = await readFile(new URL(name, MIGRATIONS_DIR), 'utf8');
    const didApply = await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      const seen = await tx.query('SELECT 1 FROM schema_migrations WHERE name = $1', [name]);
      if (seen.length > 0) return false;
      for (const statement of splitStatements(sql)) await tx.query(statement);
      await tx.query('INSERT INTO schema_migrations (name) VALUES ($1)', [name]);
      return true;
    });
    if (didApply) applied.push(name);
  }
  return applied;
}

/**
 * Migrations are plain statements separated by semicolons at line ends; a dollar-quoted function
 * body ($$ … $$) is kept whole, semicolons and all.
 */
function splitStatements(sql: string): string[] {
  const statements: string[] = [];
  let statement: string[] = [];
  let inBody = false;
  for (const line of sql.replace(/^\s*--.*$/gm, '').split('\n')) {
    statement.push(line);
    if ((line.match(/\$\$/g)?.length ?? 0) % 2 === 1) inBody = !inBody;
    if (!inBody && /;\s*$/.test(line)) {
      statements.push(statement.join('\n').replace(/;\s*$/, ''));
      statement = [];
    }
  }
  statements.push(statement.join('\n'));
  return statements.map((s) => s.trim()).filter(Boolean);
}
