-- Commands and charging-profile requests in flight (see hub/commands.ts).

-- The two ends as party rows: results are delivered to the requester's row, and only the
-- receiver's platform may post them. The object is the location, session or reservation the
-- request is about; `response` is the receiver's synchronous answer as relayed.
ALTER TABLE async_requests ADD COLUMN requester_id uuid NOT NULL REFERENCES parties (id) ON DELETE CASCADE;
ALTER TABLE async_requests ADD COLUMN receiver_id uuid NOT NULL REFERENCES parties (id) ON DELETE CASCADE;
ALTER TABLE async_requests ADD COLUMN object_id text NOT NULL;
ALTER TABLE async_requests ADD COLUMN response jsonb;

-- NOT_ACCEPTED: the receiver answered but did not accept; NO_RESPONSE: it gave no OCPI answer.
-- Neither waits for a result, so neither times out.
ALTER TABLE async_requests DROP CONSTRAINT async_requests_status_check;
ALTER TABLE async_requests ADD CONSTRAINT async_requests_status_check
  CHECK (status IN ('PENDING', 'ANSWERED', 'TIMED_OUT', 'NOT_ACCEPTED', 'NO_RESPONSE'));

-- Finds a reservation's RESERVE_NOW and a session's latest charging profile.
CREATE INDEX async_requests_object ON async_requests (module, object_id, created_at);
