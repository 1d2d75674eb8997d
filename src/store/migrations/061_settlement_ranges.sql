-- Statement membership by ranges of the CDR sequence instead of one row per CDR.
--
-- Every settlement CDR has a sequence number (settlement_cdrs.seq) that only grows. A statement's
-- range says which CDRs of its (CPO, eMSP, currency) it took: those numbered up to through_seq
-- whose session ended before ends_at, less those an earlier statement of the same parties had
-- already taken (numbered up to after_seq and ended before after_ends_at). Each run starts where
-- the parties' previous statement stopped, so a CDR is on one statement only, and a late CDR (a
-- number past a closed statement's range) goes on the next one. A run holds the table against
-- writes while it reads the highest number, so no CDR below it can still be uncommitted.
DROP TABLE statement_lines;

CREATE TABLE statement_ranges (
  statement_id   text PRIMARY KEY,
  period         text NOT NULL REFERENCES settlement_periods (label),
  cpo_country    text NOT NULL,
  cpo_party      text NOT NULL,
  emsp_country   text NOT NULL,
  emsp_party     text NOT NULL,
  currency       text NOT NULL,
  time_zone      text NOT NULL,
  -- The period's bounds in the agreement's time zone when the statement was first taken; a CDR
  -- that ended before starts_at is a prior-period adjustment.
  starts_at      timestamptz NOT NULL,
  ends_at        timestamptz NOT NULL,
  after_seq      bigint NOT NULL,
  after_ends_at  timestamptz NOT NULL,
  through_seq    bigint NOT NULL,
  -- The lowest number on the statement: where reading its lines starts.
  first_seq      bigint NOT NULL
);
CREATE INDEX statement_ranges_parties ON statement_ranges (cpo_country, cpo_party, emsp_country, emsp_party, currency, through_seq);
CREATE INDEX statement_ranges_period ON statement_ranges (period);

-- A statement's lines are read in sequence order among its parties' CDRs.
CREATE INDEX settlement_cdrs_parties ON settlement_cdrs (owner_country, owner_party, emsp_country, emsp_party, currency, seq);

-- What a run summed per statement and class of line (tax_name NULL), and per tax within them.
CREATE TABLE statement_sums (
  statement_id      text NOT NULL,
  period            text NOT NULL,
  class             text NOT NULL,
  tax_name          text,
  tax_percentage    text,
  count             integer NOT NULL,
  net               numeric NOT NULL,
  tax               numeric NOT NULL,
  energy_cost       numeric NOT NULL,
  time_cost         numeric NOT NULL,
  parking_cost      numeric NOT NULL,
  fixed_cost        numeric NOT NULL,
  reservation_cost  numeric NOT NULL,
  sessions          integer NOT NULL,
  kwh               numeric NOT NULL,
  credit_count      integer NOT NULL,
  credit_gross      numeric NOT NULL,
  prior_count       integer NOT NULL,
  prior_gross       numeric NOT NULL
);
CREATE INDEX statement_sums_period ON statement_sums (period, statement_id);
