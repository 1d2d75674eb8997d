/**
 * One interface over the two PostgreSQL engines Switchyard runs on: embedded PGlite (the default,
 * zero setup) and a PostgreSQL server (production, several hub processes). Both speak the same SQL.
 */
export interface Queryable {
  /** Runs one parameterized statement and returns its rows. */
  query<Row = Record<string, unknown>>(sql: Statement, params?: readonly unknown[]): Promise<Row[]>;
}

/**
 * A statement of the hot paths, which a PostgreSQL server parses and plans once per connection
 * instead of on every call (planning the accept statement cost more than running it). Its text
 * must be fixed: one name, one text. The embedded engine runs the text.
 */
export interface PreparedStatement {
  readonly name: string;
  readonly text: string;
}

export type Statement = string | PreparedStatement;

export const prepared = (name: string, text: string): PreparedStatement => ({ name, text });

export const statementText = (sql: Statement): string => (typeof sql === 'string' ? sql : sql.text);

export interface Database extends Queryable {
  readonly engine: 'pglite' | 'postgres';
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Runs a script of several statements without parameters (migrations). */
  execScript(sql: string): Promise<void>;
  /**
   * Calls `onMessage` with the payload of every NOTIFY on `channel`, from any process using this
   * database. `onGap` is called when notifications may have been missed (a lost connection).
   * Resolves to a function that stops listening.
   */
  listen(channel: string, onMessage: (payload: string) => void, onGap: () => void): Promise<() => Promise<void>>;
  /**
   * A connection of its own, held until closed (PostgreSQL server only): what is tied to a
   * database session, such as advisory locks, lives and dies with it. `onLost` is called once
   * when the connection ends for any reason other than close().
   */
  session?(onLost: (error?: Error) => void): Promise<DedicatedSession>;
  close(): Promise<void>;
}

export interface DedicatedSession extends Queryable {
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** A PostgreSQL connection string; when absent the embedded engine is used. */
  databaseUrl?: string;
  /** Where the embedded engine keeps its files; absent means in memory. */
  dataDir?: string;
  /** A schema to work in (tests isolate themselves this way on a shared server). */
  schema?: string;
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.databaseUrl) {
    const { openPostgres } = await import('./postgres.js');
    return openPostgres(options.databaseUrl, options.schema);
  }
  const { openPglite } = await import('./pglite.js');
  return openPglite(options.dataDir);
}
