-- Settlement: the CDR facts it bills, the terms it bills them under, statements, invoices,
-- payments and OCPI 2.3.0 invoice reconciliation records.

-- What settlement knows of a CDR: a narrow projection fed from the hub's CDR store and the audit.
-- Amounts are invoice amounts (rounded to the currency's minor unit), excluding taxes; a credit
-- CDR's amounts are negative.
CREATE TABLE settlement_cdrs (
  -- A compact key for statement lines to point at.
  seq                   bigserial NOT NULL UNIQUE,
  owner_country         text NOT NULL,
  owner_party           text NOT NULL,
  cdr_id                text NOT NULL,
  emsp_country          text NOT NULL,
  emsp_party            text NOT NULL,
  currency              text NOT NULL,
  session_id            text,
  invoice_reference_id  text,
  start_at              timestamptz NOT NULL,
  end_at                timestamptz NOT NULL,
  time_zone             text NOT NULL,
  evse_uid              text,
  city                  text,
  state                 text,
  country               text,
  contract_id           text,
  tariff_id             text,
  tariff_version        text,
  energy_kwh            numeric NOT NULL DEFAULT 0,
  charging_minutes      numeric NOT NULL DEFAULT 0,
  idle_minutes          numeric NOT NULL DEFAULT 0,
  energy_cost           numeric NOT NULL DEFAULT 0,
  time_cost             numeric NOT NULL DEFAULT 0,
  parking_cost          numeric NOT NULL DEFAULT 0,
  fixed_cost            numeric NOT NULL DEFAULT 0,
  reservation_cost      numeric NOT NULL DEFAULT 0,
  claimed_total         numeric NOT NULL,
  computed_total        numeric,
  -- [{"name": "HST ON", "percentage": "13", "amount": "1.30"}]
  taxes                 jsonb NOT NULL DEFAULT '[]',
  tax_total             numeric NOT NULL DEFAULT 0,
  status                text NOT NULL DEFAULT 'APPROVED'
                        CHECK (status IN ('APPROVED', 'CREDITED', 'DISPUTED', 'WRITTEN_OFF')),
  credit_of             text,
  received_at           timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (owner_country, owner_party, cdr_id)
);
CREATE INDEX settlement_cdrs_end ON settlement_cdrs (end_at);

-- How a CPO and an eMSP settle; the row with no parties holds the hub's defaults.
CREATE TABLE settlement_terms (
  id                      uuid PRIMARY KEY,
  cpo_country             text,
  cpo_party               text,
  emsp_country            text,
  emsp_party              text,
  cadence                 text NOT NULL DEFAULT 'MONTHLY' CHECK (cadence IN ('MONTHLY', 'WEEKLY')),
  time_zone               text NOT NULL DEFAULT 'UTC',
  billing                 text NOT NULL DEFAULT 'DIRECT' CHECK (billing IN ('DIRECT', 'SELF_BILLING')),
  payment_terms_days      integer NOT NULL DEFAULT 30 CHECK (payment_terms_days >= 0),
  -- The hub issues the invoice on the issuer's behalf: it sets invoice_reference_id on the CDRs
  -- and sends the OCPI 2.3.0 InvoiceReconciliationRecord to the recipient.
  hub_issues_invoices     boolean NOT NULL DEFAULT false
);
CREATE UNIQUE INDEX settlement_terms_pair ON settlement_terms (
  coalesce(cpo_country, ''), coalesce(cpo_party, ''), coalesce(emsp_country, ''), coalesce(emsp_party, ''));
INSERT INTO settlement_terms (id) VALUES ('00000000-0000-0000-0000-000000000060');

-- The hub's fee: per agreement (both parties named) or per party (one party named).
CREATE TABLE hub_fee_schedules (
  id            uuid PRIMARY KEY,
  cpo_country   text,
  cpo_party     text,
  emsp_country  text,
  emsp_party    text,
  currency      text NOT NULL,
  payer         text NOT NULL CHECK (payer IN ('CPO', 'EMSP', 'BOTH')),
  per_session   numeric NOT NULL DEFAULT 0,
  per_kwh       numeric NOT NULL DEFAULT 0,
  percent       numeric NOT NULL DEFAULT 0,
  flat          numeric NOT NULL DEFAULT 0,
  minimum       numeric,
  cap           numeric,
  CHECK (cpo_country IS NOT NULL OR emsp_country IS NOT NULL)
);

-- A party's business details as its invoices show them.
CREATE TABLE party_billing (
  country_code         text NOT NULL,
  party_id             text NOT NULL,
  legal_name           text NOT NULL,
  address              text,
  city                 text,
  province             text,
  postal_code          text,
  country              text,
  gst_hst_number       text,
  qst_number           text,
  us_sales_tax_permit  text,
  email                text,
  PRIMARY KEY (country_code, party_id)
);

CREATE TABLE settlement_periods (
  label      text PRIMARY KEY,
  cadence    text NOT NULL,
  status     text NOT NULL DEFAULT 'OPEN' CHECK (status IN ('OPEN', 'CLOSED')),
  closed_at  timestamptz
);

CREATE TABLE settlement_runs (
  id           uuid PRIMARY KEY,
  period       text NOT NULL,
  status       text NOT NULL DEFAULT 'RUNNING' CHECK (status IN ('RUNNING', 'DONE', 'FAILED')),
  steps_total  integer NOT NULL DEFAULT 0,
  steps_done   integer NOT NULL DEFAULT 0,
  error        text,
  started_at   timestamptz NOT NULL DEFAULT now(),
  finished_at  timestamptz
);

-- One statement per (CPO party, eMSP party, currency, period); its totals are written by the run.
CREATE TABLE statements (
  id              text PRIMARY KEY,
  period          text NOT NULL REFERENCES settlement_periods (label),
  cpo_country     text NOT NULL,
  cpo_party       text NOT NULL,
  emsp_country    text NOT NULL,
  emsp_party      text NOT NULL,
  currency        text NOT NULL,
  time_zone       text NOT NULL,
  billing         text NOT NULL,
  totals          jsonb NOT NULL,
  invoice_number  text UNIQUE,
  issued_on       date,
  due_on          date,
  computed_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX statements_period ON statements (period);

-- Membership by list: a CDR (settlement_cdrs.seq) is on exactly one statement, for ever.
-- `status` is the CDR's status when its period closed (or at the last run of an open period);
-- `prior_period` names the period a late CDR belonged to by date. Statement ids begin with their
-- period's label, so a period's lines are one range of the statement index.
CREATE TABLE statement_lines (
  cdr_seq        bigint PRIMARY KEY,
  statement_id   text NOT NULL,
  status         text NOT NULL,
  prior_period   text
);
CREATE INDEX statement_lines_statement ON statement_lines (statement_id, cdr_seq);

CREATE SEQUENCE invoice_numbers;

CREATE TABLE statement_payments (
  id            uuid PRIMARY KEY,
  statement_id  text NOT NULL REFERENCES statements (id),
  amount        numeric NOT NULL CHECK (amount > 0),
  paid_on       date NOT NULL,
  reference     text,
  recorded_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX statement_payments_statement ON statement_payments (statement_id);

-- OCPI 2.3.0 InvoiceReconciliationRecords the hub sent (OUT) or received (IN).
CREATE TABLE reconciliation_records (
  owner_country  text NOT NULL,
  owner_party    text NOT NULL,
  id             text NOT NULL,
  direction      text NOT NULL CHECK (direction IN ('IN', 'OUT')),
  -- The party the record is addressed to (the invoice's recipient).
  recipient_country  text NOT NULL,
  recipient_party    text NOT NULL,
  invoice_id     text NOT NULL,
  cdrs           jsonb NOT NULL,
  last_updated   timestamptz NOT NULL,
  statement_id   text,
  differences    jsonb,
  deleted        boolean NOT NULL DEFAULT false,
  PRIMARY KEY (owner_country, owner_party, id, direction)
);
CREATE INDEX reconciliation_records_recipient ON reconciliation_records (recipient_country, recipient_party, last_updated);
CREATE INDEX reconciliation_records_statement ON reconciliation_records (statement_id);
