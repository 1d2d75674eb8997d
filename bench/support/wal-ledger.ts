import { rowsOf } from '../../test/support/hub.js';

/**
 * What a PostgreSQL server wrote to its WAL between two readings (`pg_stat_wal`, PostgreSQL 14+):
 * records, full-page images and bytes. A commit waits for the WAL written before it to reach the
 * disk, so WAL per accepted change, and how much of it is whole pages copied after a checkpoint,
 * says how long the accept path's flushes are. Server-wide: everything else on the server counts too.
 */
export interface WalReading {
  records: number;
  fullPageImages: number;
  bytes: number;
}

export async function readWal(url: string): Promise<WalReading | undefined> {
  const rows = await rowsAt<{ records: string; fpi: string; bytes: string }>(
    url,
    'SELECT wal_records::text AS records, wal_fpi::text AS fpi, wal_bytes::text AS bytes FROM pg_stat_wal',
  );
  return rows && { records: Number(rows[0].records), fullPageImages: Number(rows[0].fpi), bytes: Number(rows[0].bytes) };
}

/** The settings that size the WAL an accept writes, as the hub's sessions on that database see them. */
const WAL_SETTINGS = ['wal_compression', 'max_wal_size', 'checkpoint_timeout', 'synchronous_commit'];

export async function walSettings(url: string): Promise<string | undefined> {
  const rows = await rowsAt<{ name: string; setting: string }>(
    url,
    'SELECT name, current_setting(name) AS setting FROM unnest($1::text[]) AS name',
    [WAL_SETTINGS],
  );
  return rows?.map((row) => `${row.name} ${row.setting}`).join(', ');
}

/** A reading is a diagnostic: a server that cannot be read (no `pg_stat_wal` before 14) gives none. */
function rowsAt<Row>(url: string, sql: string, params: unknown[] = []): Promise<Row[] | undefined> {
  return rowsOf<Row>(url, sql, params).catch(() => undefined);
}

export function walBetween(from: WalReading, to: WalReading): WalReading {
  return { records: to.records - from.records, fullPageImages: to.fullPageImages - from.fullPageImages, bytes: to.bytes - from.bytes };
}

export function addWal(a: WalReading, b: WalReading): WalReading {
  return { records: a.records + b.records, fullPageImages: a.fullPageImages + b.fullPageImages, bytes: a.bytes + b.bytes };
}
