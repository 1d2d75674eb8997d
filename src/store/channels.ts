import type { Queryable } from './database.js';

/**
 * NOTIFY channels are shared by the whole database, schemas are not: hubs on other schemas of one
 * database (a staging hub beside production, test runs side by side) must not wake each other. A
 * channel is therefore suffixed with a hash of the schema in use, computed by the server on both
 * sides, so the sender's search_path and the listener's always agree. The name stays a plain
 * lower-case identifier within PostgreSQL's 63 bytes, whatever the schema's name.
 */
const CHANNEL_IN_SCHEMA = `$1::text || '_' || to_hex(hashtext(current_schema()))`;

/** Sends `payload` on `channel` of the connection's schema (on commit, inside a transaction). */
export async function notifyInSchema(db: Queryable, channel: string, payload: string): Promise<void> {
  await db.query(`SELECT pg_notify(${CHANNEL_IN_SCHEMA}, $2)`, [channel, payload]);
}

/**
 * Like notifyInSchema, with the xmax of the sender's snapshot after the payload and a space (then
 * `suffix`): every transaction that committed before the NOTIFY was sent has an id below it.
 */
export async function notifyInSchemaWithXmax(db: Queryable, channel: string, payload: string, suffix = ''): Promise<void> {
  await db.query(`SELECT pg_notify(${CHANNEL_IN_SCHEMA}, $2 || ' ' || pg_snapshot_xmax(pg_current_snapshot())::text || $3)`, [channel, payload, suffix]);
}

/** The name under which `channel` of the connection's schema is listened to. */
export async function channelInSchema(db: Queryable, channel: string): Promise<string> {
  const [row] = await db.query<{ name: string }>(`SELECT ${CHANNEL_IN_SCHEMA} AS name`, [channel]);
  return row.name;
}
