-- A board column lists and counts the items of one status that are not
-- archived, in rank order: read straight off this index, without a visit to
-- each row to see whether it is archived.
CREATE INDEX items_workspace_id_status_id_archived_rank ON items (workspace_id, status_id, archived, rank, id);
-- The table filtered by assignee: counted, and paged in its default order,
-- off one index instead of a walk through the whole workspace.
CREATE INDEX items_workspace_id_assignee_id_archived_updated_at ON items (workspace_id, assignee_id, archived, updated_at, id);
