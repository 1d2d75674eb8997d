import { Command, Option } from 'commander';
import { JournalStillWritten, moveJournal } from '../hub/journal-move.js';
import type { Database } from '../store/database.js';
import { migrate } from '../store/migrate.js';
import { openPostgres } from '../store/postgres.js';
import { CliError } from './admin-client.js';

interface MoveOptions {
  databaseUrl?: string;
  journalDatabaseUrl?: string;
}

/**
 * `switchyard move-journal`: the journal written beside the data before the hub was given a
 * journal server of its own, moved there. Run it once every hub process has been restarted with
 * `--journal-database-url`; the hub keeps running meanwhile, and a move that stops is run again.
 */
export function moveJournalCommand(): Command {
  return new Command('move-journal')
    .description("move the journal written beside the data to the journal's server of its own (--journal-database-url), oldest day first")
    .addOption(new Option('--database-url <url>', "the data's PostgreSQL server, where the journal was written").env('DATABASE_URL'))
    .addOption(new Option('--journal-database-url <url>', "the journal's PostgreSQL server").env('SWITCHYARD_JOURNAL_DATABASE_URL'))
    .action(async (options: MoveOptions) => {
      if (!options.databaseUrl || !options.journalDatabaseUrl) {
        throw new CliError('move-journal needs both --database-url (where the journal is) and --journal-database-url (where it goes)');
      }
      const data = await openPostgres(options.databaseUrl);
      const journal = await openPostgres(options.journalDatabaseUrl).catch(async (error) => {
        await data.close();
        throw error;
      });
      try {
        if ((await identityOf(data)) === (await identityOf(journal))) {
          throw new CliError('--database-url and --journal-database-url name the same database: there is nothing to move');
        }
        // The journal's server is migrated as a hub process would migrate it; the data's must be at
        // the same migration, or rows would be copied between two shapes of the journal.
        await migrate(journal);
        const [dataAt, journalAt] = await Promise.all([lastMigration(data), lastMigration(journal)]);
        if (dataAt === undefined) throw new CliError('--database-url holds no Switchyard database: no migration was ever applied there');
        if (dataAt !== journalAt) {
          throw new CliError(`the data's database is at migration ${dataAt}, this switchyard at ${journalAt}: start a hub of this version on it first, then move`);
        }
        const moved = await moveJournal(data, journal, (day) => console.log(`${day.day}  ${day.entries} entries, ${day.bodies} shared bodies moved`));
        console.log(`Moved ${moved.entries} journal entries of ${moved.days} days, ${moved.bodies} shared bodies and ${moved.decisions} authorization decisions.`);
      } catch (error) {
        if (error instanceof JournalStillWritten) throw new CliError(error.message);
        throw error;
      } finally {
        await journal.close();
        await data.close();
      }
    });
}

/** One database on one running server, in one schema: the server's start time tells two servers apart. */
async function identityOf(db: Database): Promise<string> {
  const [row] = await db.query<{ identity: string }>(
    "SELECT concat_ws('/', pg_postmaster_start_time()::text, inet_server_port()::text, current_database(), current_schema()) AS identity",
  );
  return row.identity;
}

/** The newest migration applied, or undefined where none was (no migrations table at all). */
async function lastMigration(db: Database): Promise<string | undefined> {
  const [{ table }] = await db.query<{ table: string | null }>("SELECT to_regclass('schema_migrations')::text AS table");
  if (table === null) return undefined;
  const [row] = await db.query<{ name: string | null }>('SELECT max(name) AS name FROM schema_migrations');
  return row.name ?? undefined;
}
