-- The journal at scale and the support searches (see hub/support and hub/journal-retention.ts).

-- A payload over the size cap keeps its head only; the entry says so.
ALTER TABLE journal ADD COLUMN truncated boolean NOT NULL DEFAULT false;
-- Newest first by party, and failures first: the support agent's two questions.
CREATE INDEX journal_from_party ON journal (from_party, id);
CREATE INDEX journal_to_party ON journal (to_party, id);
CREATE INDEX journal_failed ON journal (id) WHERE blame IS NOT NULL;
CREATE INDEX journal_object_upper ON journal (upper(object_id));
-- Taps by card, and decisions by exchange.
CREATE INDEX authorizations_token ON authorizations (upper(token_uid), at);
CREATE INDEX authorizations_correlation ON authorizations (correlation_id);
CREATE INDEX authorizations_at ON authorizations (at);
-- Sessions and tokens by what a driver or an agent holds: card, contract, printed number, place.
CREATE INDEX objects_session_token ON objects (upper(data->'cdr_token'->>'uid')) WHERE module = 'sessions';
CREATE INDEX objects_session_contract ON objects (upper(data->'cdr_token'->>'contract_id')) WHERE module = 'sessions';
CREATE INDEX objects_session_location ON objects (upper(data->>'location_id')) WHERE module = 'sessions';
CREATE INDEX objects_session_evse ON objects (upper(data->>'evse_uid')) WHERE module = 'sessions';
CREATE INDEX objects_token_uid ON objects (upper(data->>'uid')) WHERE module = 'tokens';
CREATE INDEX objects_token_contract ON objects (upper(data->>'contract_id')) WHERE module = 'tokens';
CREATE INDEX objects_token_visual ON objects (upper(data->>'visual_number')) WHERE module = 'tokens';
CREATE INDEX objects_cdr_session ON objects (upper(data->>'session_id')) WHERE module = 'cdrs';
CREATE INDEX async_requests_object_upper ON async_requests (upper(object_id));
