-- People who use the console: operators by role, and partners who see only their own parties.
CREATE TABLE accounts (
  id             uuid PRIMARY KEY,
  username       text NOT NULL UNIQUE,
  -- scrypt, with its parameters and salt (see hub/accounts/passwords.ts).
  password_hash  text NOT NULL,
  role           text NOT NULL CHECK (role IN ('admin', 'support', 'finance', 'read-only', 'partner')),
  -- A partner account's platform: it sees the parties of that platform only.
  platform_id    uuid REFERENCES platforms (id) ON DELETE CASCADE,
  created_at     timestamptz NOT NULL DEFAULT now(),
  CHECK ((role = 'partner') = (platform_id IS NOT NULL))
);

-- Console sessions: the cookie carries a random token, stored here as its SHA-256 digest.
CREATE TABLE account_sessions (
  token_digest  text PRIMARY KEY,
  account_id    uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  -- Sent back in X-CSRF-Token with every change (synchronizer token).
  csrf_token    text NOT NULL,
  expires_at    timestamptz NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX account_sessions_expiry ON account_sessions (expires_at);

-- Every change made through the admin API, by whom.
CREATE TABLE audit_log (
  id           bigserial PRIMARY KEY,
  at           timestamptz NOT NULL DEFAULT now(),
  actor        text NOT NULL,
  role         text NOT NULL,
  method       text NOT NULL,
  path         text NOT NULL,
  http_status  integer NOT NULL,
  body         jsonb
);
CREATE INDEX audit_log_at ON audit_log (at);
