-- Clearing: every tariff version a CPO pushed, one record per received CDR with its audit, and
-- every status change of that record. Amounts are numeric (exact) and always beside a currency.

-- Every version of every tariff, kept so that a session is priced by the tariff in force when it
-- started, even after the CPO changed the tariff.
CREATE TABLE tariff_versions (
  seq             bigserial PRIMARY KEY,
  country_code    text NOT NULL,
  party_id        text NOT NULL,
  tariff_id       text NOT NULL,
  -- The canonical (2.2.1) tariff.
  data            jsonb NOT NULL,
  -- The version the CPO spoke and its own body (2.3.0 tax_included and taxes live there).
  source_version  text,
  original_body   jsonb,
  -- From when this version prices sessions: the tariff's start_date_time, else its last_updated.
  valid_from      timestamptz NOT NULL,
  valid_until     timestamptz,
  -- A DELETE ends the tariff: sessions starting later have no tariff.
  deleted         boolean NOT NULL DEFAULT false,
  received_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX tariff_versions_in_force ON tariff_versions (country_code, party_id, tariff_id, valid_from);

-- One record per received CDR (credit CDRs included). Its row is also the audit job: a record
-- with audited_at NULL is waiting for the audit worker.
CREATE TABLE clearing_cdrs (
  seq                   bigserial PRIMARY KEY,
  country_code          text NOT NULL,
  party_id              text NOT NULL,
  cdr_id                text NOT NULL,
  -- The eMSP the CDR is for (its cdr_token), the counterparty of every amount below.
  emsp_country          text,
  emsp_party            text,
  currency              text NOT NULL,
  session_id            text,
  start_date_time       timestamptz NOT NULL,
  end_date_time         timestamptz NOT NULL,
  location_id           text,
  evse_uid              text,
  total_energy          numeric NOT NULL,
  total_time            numeric NOT NULL,
  total_parking_time    numeric,
  -- What the CPO claims (its CDR's total_cost; negative on a credit CDR).
  claimed_total_excl    numeric NOT NULL,
  claimed_total_incl    numeric,
  -- What the hub computed from the tariff; NULL until audited or when no tariff prices it.
  computed_total_excl   numeric,
  computed_total_incl   numeric,
  -- Per dimension {"total_cost"|"total_energy_cost"|...: {"before_taxes": "1.23", "after_taxes": "1.48"}}
  -- with amounts as decimal strings.
  claimed               jsonb NOT NULL,
  computed              jsonb,
  status                text NOT NULL DEFAULT 'RECEIVED' CHECK (status IN
    ('RECEIVED', 'ACCEPTED', 'FLAGGED', 'APPROVED', 'DISPUTED', 'REVISED', 'CREDITED', 'WRITTEN_OFF')),
  -- Divergence codes (TOTAL_COST, ENERGY_COST, ..., NO_TARIFF); details in audit.
  divergences           text[] NOT NULL DEFAULT '{}',
  -- The full audit: divergences with claimed/computed/kind, the breakdown, warnings, the tariff used.
  audit                 jsonb,
  audited_at            timestamptz,
  -- Credit CDRs (mod_cdrs → Credit CDRs): a credit names the CDR it negates; the credited CDR
  -- names its credit; a replacement CDR names the CDR it revises, and that one its replacement.
  credit                boolean NOT NULL DEFAULT false,
  credits_cdr_id        text,
  credited_by_cdr_id    text,
  revises_cdr_id        text,
  revised_by_cdr_id     text,
  invoice_reference_id  text,
  -- A dispute left open past this time is resolved by the agreement's rule.
  dispute_deadline      timestamptz,
  received_at           timestamptz NOT NULL DEFAULT now(),
  updated_at            timestamptz NOT NULL DEFAULT now(),
  UNIQUE (country_code, party_id, cdr_id)
);
CREATE INDEX clearing_cdrs_pending ON clearing_cdrs (seq) WHERE audited_at IS NULL;
CREATE INDEX clearing_cdrs_emsp ON clearing_cdrs (emsp_country, emsp_party, start_date_time);
CREATE INDEX clearing_cdrs_cpo ON clearing_cdrs (country_code, party_id, start_date_time);
CREATE INDEX clearing_cdrs_session ON clearing_cdrs (country_code, party_id, session_id);
CREATE INDEX clearing_cdrs_evse ON clearing_cdrs (country_code, party_id, evse_uid, start_date_time);
CREATE INDEX clearing_cdrs_status ON clearing_cdrs (status);

-- Every change of a record's status, with who made it and when.
CREATE TABLE clearing_cdr_history (
  seq           bigserial PRIMARY KEY,
  record_seq    bigint NOT NULL REFERENCES clearing_cdrs (seq) ON DELETE CASCADE,
  at            timestamptz NOT NULL DEFAULT now(),
  -- 'hub' for the audit and deadlines, 'operator:<name>', or a party 'NL*ABC'.
  actor         text NOT NULL,
  action        text NOT NULL,
  from_status   text,
  to_status     text NOT NULL,
  reason        text,
  comment       text,
  evidence      jsonb
);
CREATE INDEX clearing_cdr_history_record ON clearing_cdr_history (record_seq, seq);

-- Clearing terms between a CPO and an eMSP (NULL eMSP: the CPO's terms with everyone): the
-- tolerance, the pricing policy, the dispute deadline and what happens when it passes.
CREATE TABLE clearing_terms (
  id            bigserial PRIMARY KEY,
  cpo_country   text NOT NULL,
  cpo_party     text NOT NULL,
  emsp_country  text,
  emsp_party    text,
  terms         jsonb NOT NULL,
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX clearing_terms_pair ON clearing_terms (cpo_country, cpo_party, coalesce(emsp_country, ''), coalesce(emsp_party, ''));

-- Sessions that ended without a CDR after the allowed time.
CREATE TABLE clearing_missing_cdrs (
  country_code  text NOT NULL,
  party_id      text NOT NULL,
  session_id    text NOT NULL,
  ended_at      timestamptz NOT NULL,
  flagged_at    timestamptz NOT NULL DEFAULT now(),
  resolved_at   timestamptz,
  PRIMARY KEY (country_code, party_id, session_id)
);
