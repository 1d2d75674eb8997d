-- Partner platforms, the parties they host, their endpoints, and the tokens that identify them.

CREATE TABLE platforms (
  id              uuid PRIMARY KEY,
  name            text NOT NULL,
  status          text NOT NULL DEFAULT 'PLANNED'
                  CHECK (status IN ('PLANNED', 'CONNECTED', 'OFFLINE', 'SUSPENDED')),
  ocpi_version    text,
  versions_url    text,
  -- The token the hub presents to this platform, sealed with the hub's secret key (it must be
  -- recoverable to be sent, so it is encrypted rather than hashed).
  outbound_token  text,
  last_seen_at    timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE parties (
  id                uuid PRIMARY KEY,
  platform_id       uuid NOT NULL REFERENCES platforms (id) ON DELETE CASCADE,
  role              text NOT NULL,
  country_code      text NOT NULL,
  party_id          text NOT NULL,
  business_details  jsonb NOT NULL,
  status            text NOT NULL DEFAULT 'PLANNED'
                    CHECK (status IN ('PLANNED', 'CONNECTED', 'OFFLINE', 'SUSPENDED')),
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now()
);
-- OCPI ids are case-insensitive (CiString); the hub stores them upper-case.
CREATE UNIQUE INDEX parties_identity ON parties (country_code, party_id, role);
CREATE INDEX parties_platform ON parties (platform_id);
CREATE INDEX parties_updated ON parties (updated_at);

CREATE TABLE endpoints (
  platform_id  uuid NOT NULL REFERENCES platforms (id) ON DELETE CASCADE,
  module       text NOT NULL,
  role         text NOT NULL CHECK (role IN ('SENDER', 'RECEIVER')),
  url          text NOT NULL,
  PRIMARY KEY (platform_id, module, role)
);

-- Tokens partners present to the hub, stored as SHA-256 digests only.
-- REGISTRATION tokens (OCPI token A) open only the versions and credentials endpoints.
CREATE TABLE platform_tokens (
  token_hash   text PRIMARY KEY,
  platform_id  uuid NOT NULL REFERENCES platforms (id) ON DELETE CASCADE,
  kind         text NOT NULL CHECK (kind IN ('REGISTRATION', 'ACTIVE')),
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX platform_tokens_platform ON platform_tokens (platform_id);

-- Hub-wide settings kept in the database so that every hub process shares them.
CREATE TABLE hub_settings (
  key    text PRIMARY KEY,
  value  text NOT NULL
);
