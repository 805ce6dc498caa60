-- The chart counts the items a filter keeps and how many of them have both
-- factors. With the factors in the score index, that count can read the
-- index alone instead of every item's row; the table's sort by score reads
-- the same index as before.
DROP INDEX items_workspace_id_archived_score;
CREATE INDEX items_workspace_id_archived_score ON items (workspace_id, archived, score, id, score_value, score_effort);
