-- Security: journal entries altered to be storable, token expiry, per-partner request budgets,
-- and client-certificate pinning.

-- What was changed to store an entry: 'escaped' (NUL or unpaired surrogates replaced),
-- 'truncated' (too large or too deep), 'fallback' (only the summary could be stored).
ALTER TABLE journal ADD COLUMN altered text;

-- Registration tokens (token A) expire; NULL never expires (tokens B and C).
ALTER TABLE platform_tokens ADD COLUMN expires_at timestamptz;

-- A partner's request budget, overriding the hub's default: sustained requests per second and burst.
ALTER TABLE platforms ADD COLUMN rate_limit jsonb;

-- A partner pinned to a client certificate: its tokens count only over a TLS connection presenting
-- a certificate with this SHA-256 fingerprint, or one issued by this CA (PEM).
ALTER TABLE platforms ADD COLUMN client_cert_sha256 text;
ALTER TABLE platforms ADD COLUMN client_cert_ca text;
