-- Conformance checks the hub ran against a partner platform: the verdict and every case, kept per partner.
CREATE TABLE conformance_checks (
  id           bigserial PRIMARY KEY,
  platform_id  uuid NOT NULL REFERENCES platforms (id) ON DELETE CASCADE,
  started_at   timestamptz NOT NULL,
  finished_at  timestamptz NOT NULL DEFAULT now(),
  verdict      text NOT NULL CHECK (verdict IN ('PASS', 'PASS_WITH_WARNINGS', 'FAIL')),
  cases        jsonb NOT NULL,
  quirks       jsonb NOT NULL
);
CREATE INDEX conformance_checks_platform ON conformance_checks (platform_id, id);
