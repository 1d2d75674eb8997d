-- OCPI versions at the edge: the body a push arrived with, so that receivers on the same version get
-- it as it was, and the role an operator gives a partner whose version (2.1.1) declares none.
ALTER TABLE events ADD COLUMN source_version text;
ALTER TABLE events ADD COLUMN original_body jsonb;
ALTER TABLE platforms ADD COLUMN role_hint text;
