-- Support searches find an object's journal entries by upper(object_id) (journal_object_upper);
-- nothing reads journal_object, and every journal row paid for its upkeep.
DROP INDEX IF EXISTS journal_object;
