-- Two hub processes making the same day's partition at once: the second waits for the first's
-- lock, but its check for the table after the wait can still read the catalog as it was before
-- (taking an advisory lock does not refresh it), so it tried to create the table again and failed
-- with "already exists". A process starting failed with it; a journal batch written at midnight
-- failed with it. CREATE TABLE IF NOT EXISTS looks again once it holds the schema's lock, which
-- does refresh the catalog, and leaves the table the first one made.
CREATE OR REPLACE FUNCTION journal_partition_for(day date) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  name text := 'journal_p' || to_char(day, 'YYYYMMDD');
BEGIN
  IF to_regclass(name) IS NULL THEN
    PERFORM pg_advisory_xact_lock(7411002);
    EXECUTE format('CREATE TABLE IF NOT EXISTS %I PARTITION OF journal FOR VALUES FROM (%L) TO (%L)',
      name, day::timestamp AT TIME ZONE 'UTC', (day + 1)::timestamp AT TIME ZONE 'UTC');
  END IF;
  RETURN name;
END
$$;
