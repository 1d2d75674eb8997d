import type { Database } from '../../src/store/database.js';

/** Has the database count each write of a receiver's cursor, in a table `cursor_writes (party)`. */
export async function countCursorWrites(db: Pick<Database, 'execScript'>): Promise<void> {
  await db.execScript(`
    CREATE TABLE cursor_writes (party uuid NOT NULL);
    CREATE FUNCTION count_cursor_write() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN INSERT INTO cursor_writes (party) VALUES (NEW.party); RETURN NEW; END $$;
    CREATE TRIGGER count_cursor_writes AFTER UPDATE ON receiver_cursors FOR EACH ROW EXECUTE FUNCTION count_cursor_write();`);
}
