-- Routing: the canonical store, agreements, the delivery log, commands and the journal.

-- The latest state of every routed object, in the canonical (2.2.1) form with unknown fields kept.
CREATE TABLE objects (
  module        text NOT NULL,
  country_code  text NOT NULL,
  party_id      text NOT NULL,
  object_id     text NOT NULL,
  data          jsonb NOT NULL,
  -- Copied from data.last_updated: the owner's time, never the hub's.
  last_updated  timestamptz NOT NULL,
  deleted       boolean NOT NULL DEFAULT false,
  stored_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (module, country_code, party_id, object_id)
);
CREATE INDEX objects_by_update ON objects (module, last_updated, country_code, party_id, object_id);
CREATE INDEX objects_by_id ON objects (module, object_id);

-- Parties roam with every other party in the standard agreement; platforms set the default.
ALTER TABLE platforms ADD COLUMN standard_agreement boolean NOT NULL DEFAULT true;
ALTER TABLE parties ADD COLUMN standard_agreement boolean NOT NULL DEFAULT true;

-- Bilateral agreements between a CPO party and an eMSP party add to or override the standard one.
CREATE TABLE agreements (
  id            uuid PRIMARY KEY,
  cpo_country   text NOT NULL,
  cpo_party     text NOT NULL,
  emsp_country  text NOT NULL,
  emsp_party    text NOT NULL,
  -- NULL: every module.
  modules       text[],
  valid_from    timestamptz,
  valid_until   timestamptz,
  status        text NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE', 'SUSPENDED')),
  note          text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX agreements_pair ON agreements (cpo_country, cpo_party, emsp_country, emsp_party);

-- The delivery log: one row per accepted inbound push, however many receivers it has. Each
-- receiver reads it through its own cursor. `tx` orders rows by committing transaction so that a
-- reader never skips a row committed late (see delivery/log.ts).
CREATE TABLE events (
  seq             bigserial PRIMARY KEY,
  tx              xid8 NOT NULL DEFAULT pg_current_xact_id(),
  module          text NOT NULL,
  method          text NOT NULL,
  owner_country   text NOT NULL,
  owner_party     text NOT NULL,
  -- The stored object this push changes; deliveries of one object coalesce on it.
  object_id       text NOT NULL,
  -- What follows the receiver's module URL (e.g. /US/ABC/LOC1/EVSE1), or a whole URL for callbacks.
  path            text NOT NULL,
  absolute_url    boolean NOT NULL DEFAULT false,
  body            jsonb,
  from_country    text NOT NULL,
  from_party      text NOT NULL,
  -- A single receiver party (direct or open routing); NULL means broadcast to the agreed audience.
  target_party    uuid,
  -- State objects (locations, tariffs, tokens) coalesce; sessions, CDRs and results never do.
  coalescible     boolean NOT NULL,
  correlation_id  text NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX events_order ON events (tx, seq);

CREATE TABLE receiver_cursors (
  party            uuid PRIMARY KEY REFERENCES parties (id) ON DELETE CASCADE,
  last_tx          xid8 NOT NULL DEFAULT '0',
  last_seq         bigint NOT NULL DEFAULT 0,
  failures         integer NOT NULL DEFAULT 0,
  next_attempt_at  timestamptz NOT NULL DEFAULT now(),
  lease_until      timestamptz,
  last_error       text
);

-- Commands and charging-profile requests in flight, to relay their asynchronous results.
CREATE TABLE async_requests (
  id                 uuid PRIMARY KEY,
  module             text NOT NULL,
  kind               text NOT NULL,
  requester_country  text NOT NULL,
  requester_party    text NOT NULL,
  receiver_country   text NOT NULL,
  receiver_party     text NOT NULL,
  response_url       text NOT NULL,
  correlation_id     text NOT NULL,
  status             text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'ANSWERED', 'TIMED_OUT')),
  deadline           timestamptz,
  request_body       jsonb NOT NULL,
  result             jsonb,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX async_requests_deadline ON async_requests (deadline) WHERE status = 'PENDING';

-- Every hop through the hub.
CREATE TABLE journal (
  id              bigserial PRIMARY KEY,
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
  notes           jsonb
);
CREATE INDEX journal_correlation ON journal (correlation_id);
CREATE INDEX journal_at ON journal (at);
CREATE INDEX journal_object ON journal (module, object_id);

-- Real-time authorization decisions and the rule that made each one.
CREATE TABLE authorizations (
  id              uuid PRIMARY KEY,
  at              timestamptz NOT NULL DEFAULT now(),
  correlation_id  text NOT NULL,
  cpo             text NOT NULL,
  emsp            text,
  token_uid       text NOT NULL,
  token_type      text NOT NULL,
  allowed         text,
  rule            text NOT NULL,
  detail          text
);

-- What the hub does for an eMSP's drivers when the eMSP cannot answer a real-time authorization.
ALTER TABLE parties ADD COLUMN authorization_fallback text NOT NULL DEFAULT 'TOKEN_WHITELIST'
  CHECK (authorization_fallback IN ('TOKEN_WHITELIST', 'DENY', 'ALLOW'));
