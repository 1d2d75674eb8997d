-- The journal is partitioned by day, so a time range already picks its days, and within a day
-- entries are appended in time order. A BRIN index on `at` narrows a day to the block ranges that
-- hold the range at almost no cost per entry; the B-tree it replaces cost every entry (two or more
-- per accepted change) an index insertion and its WAL. Building it reads the journal once, with
-- no sort.
DROP INDEX IF EXISTS journal_at;
CREATE INDEX journal_at ON journal USING brin (at);
