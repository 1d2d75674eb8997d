-- The journal partitioned by day (UTC), so that retention drops a whole day at a time instead of
-- deleting rows (see hub/journal-partitions.ts and hub/journal-retention.ts). The table is rebuilt
-- as a partitioned one and every existing row is copied into the partition of its day.

-- The partition of one UTC day, created when absent; several hub processes may ask at once.
CREATE FUNCTION journal_partition_for(day date) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  name text := 'journal_p' || to_char(day, 'YYYYMMDD');
BEGIN
  IF to_regclass(name) IS NULL THEN
    PERFORM pg_advisory_xact_lock(7411002);
    IF to_regclass(name) IS NULL THEN
      EXECUTE format('CREATE TABLE %I PARTITION OF journal FOR VALUES FROM (%L) TO (%L)',
        name, day::timestamp AT TIME ZONE 'UTC', (day + 1)::timestamp AT TIME ZONE 'UTC');
    END IF;
  END IF;
  RETURN name;
END
$$;

-- The old table keeps its rows until they are copied; its index names go to the new table.
ALTER TABLE journal RENAME TO journal_unpartitioned;
ALTER TABLE journal_unpartitioned RENAME CONSTRAINT journal_pkey TO journal_unpartitioned_pkey;
DROP INDEX journal_correlation;
DROP INDEX journal_at;
DROP INDEX journal_object;
DROP INDEX journal_from_party;
DROP INDEX journal_to_party;
DROP INDEX journal_failed;
DROP INDEX journal_object_upper;
-- The id sequence outlives the old table: ids go on from where they were.
ALTER SEQUENCE journal_id_seq OWNED BY NONE;

CREATE TABLE journal (
  id              bigint NOT NULL DEFAULT nextval('journal_id_seq'),
  at              timestamptz NOT NULL DEFAULT now(),
  direction       text NOT NULL CHECK (direction IN ('IN', 'OUT')),
  correlation_id  text,
  request_id      text,
  from_party      text,
  to_party        text,
  platform_id     uuid,
  module          text,
  method          text NOT NULL,
  url             text NOT NULL,
  object_id       text,
  http_status     integer,
  ocpi_status     integer,
  duration_ms     double precision,
  blame           text CHECK (blame IN ('CPO', 'EMSP', 'HUB', 'NETWORK', 'OTHER')),
  error           text,
  request_body    jsonb,
  response_body   jsonb,
  notes           jsonb,
  altered         text,
  truncated       boolean NOT NULL DEFAULT false,
  -- A partitioned table's keys include its partition key; ids stay unique through the sequence.
  PRIMARY KEY (id, at)
) PARTITION BY RANGE (at);
ALTER SEQUENCE journal_id_seq OWNED BY journal.id;

-- Created on the parent, so every partition gets them: the support searches' indexes as before.
CREATE INDEX journal_correlation ON journal (correlation_id);
CREATE INDEX journal_at ON journal (at);
CREATE INDEX journal_object ON journal (module, object_id);
CREATE INDEX journal_from_party ON journal (from_party, id);
CREATE INDEX journal_to_party ON journal (to_party, id);
CREATE INDEX journal_failed ON journal (id) WHERE blame IS NOT NULL;
CREATE INDEX journal_object_upper ON journal (upper(object_id));

SELECT journal_partition_for(day)
FROM (SELECT DISTINCT (at AT TIME ZONE 'UTC')::date AS day FROM journal_unpartitioned) AS days;

INSERT INTO journal (id, at, direction, correlation_id, request_id, from_party, to_party, platform_id, module, method, url,
                     object_id, http_status, ocpi_status, duration_ms, blame, error, request_body, response_body, notes,
                     altered, truncated)
SELECT id, at, direction, correlation_id, request_id, from_party, to_party, platform_id, module, method, url,
       object_id, http_status, ocpi_status, duration_ms, blame, error, request_body, response_body, notes,
       altered, truncated
FROM journal_unpartitioned;

DROP TABLE journal_unpartitioned;
