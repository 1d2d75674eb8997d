-- A change delivered to fifty receivers was journaled fifty times with the same body: at the size
-- of a North American network that is most of what the database writes. A body that several
-- entries share is now stored once a day, by digest, and the entries refer to it.
CREATE TABLE journal_bodies (
  day     date NOT NULL,
  -- SHA-256 (base64url) of the body's JSON text as stored.
  digest  text NOT NULL,
  body    jsonb NOT NULL,
  PRIMARY KEY (day, digest)
);

ALTER TABLE journal ADD COLUMN request_body_ref text;
