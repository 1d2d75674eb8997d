-- Per-partner quirk profiles, set at runtime by the operator (see hub/quirks.ts).
ALTER TABLE platforms ADD COLUMN quirks jsonb NOT NULL DEFAULT '{}';
