-- Deliveries held back for one receiver, counted per event and receiver: a transient failure
-- waiting for its next attempt (RETRY), an event the receiver refused for good (PARKED, until the
-- operator retries or drops it), and later events of the same object queued behind one of those
-- (WAITING). The receiver's cursor moves on past them, so nothing else waits.
CREATE TABLE delivery_holds (
  party            uuid NOT NULL REFERENCES parties (id) ON DELETE CASCADE,
  seq              bigint NOT NULL,
  object_key       text NOT NULL,
  state            text NOT NULL CHECK (state IN ('RETRY', 'PARKED', 'WAITING')),
  attempts         integer NOT NULL DEFAULT 0,
  next_attempt_at  timestamptz NOT NULL DEFAULT now(),
  http_status      integer,
  ocpi_status      integer,
  blame            text,
  error            text,
  held_since       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (party, seq)
);
CREATE INDEX delivery_holds_parked ON delivery_holds (state, held_since) WHERE state = 'PARKED';
