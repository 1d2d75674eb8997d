-- Gated onboarding: a gated partner's routes stay inactive after its credentials handshake (its
-- platform and parties PLANNED) until a conformance check passes or the operator activates them.
ALTER TABLE platforms ADD COLUMN gated boolean NOT NULL DEFAULT false;
ALTER TABLE platforms ADD COLUMN activated_at timestamptz;

-- Conformance checks to come: due after a credentials update or on the schedule (with the reason),
-- and the lease of the hub process running one, so that a partner is checked by one process at a time.
ALTER TABLE platforms ADD COLUMN check_due_at timestamptz;
ALTER TABLE platforms ADD COLUMN check_due_reason text;
ALTER TABLE platforms ADD COLUMN check_lease_until timestamptz;
CREATE INDEX platforms_check_due ON platforms (check_due_at) WHERE check_due_at IS NOT NULL;

-- Why a check ran: the operator asked, the partner's credentials changed, the schedule, or quirks were applied.
ALTER TABLE conformance_checks ADD COLUMN reason text NOT NULL DEFAULT 'OPERATOR'
  CHECK (reason IN ('OPERATOR', 'CREDENTIALS_UPDATED', 'SCHEDULE', 'QUIRKS_APPLIED'));
