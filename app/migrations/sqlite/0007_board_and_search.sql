-- A board column lists and counts the items of one status that are not
-- archived, in rank order: read straight off this index, without a visit to
-- each row to see whether it is archived.
CREATE INDEX items_workspace_id_status_id_archived_rank ON items (workspace_id, status_id, archived, rank, id);
-- The table filtered by assignee: counted, and paged in its default order,
-- off one index instead of a walk through the whole workspace.
CREATE INDEX items_workspace_id_assignee_id_archived_updated_at ON items (workspace_id, assignee_id, archived, updated_at, id);

-- The search index again, now with prefix indexes: a search for the first
-- two to four letters of a word (`syn` for sync, synced, synchronise) reads
-- one list instead of merging one per word that starts so.
DROP TRIGGER items_search_insert;
DROP TRIGGER items_search_delete;
DROP TRIGGER items_search_update;
DROP TABLE items_search;
CREATE VIRTUAL TABLE items_search USING fts5 (
    title, description, tags,
    content = 'items', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3 4'
);
INSERT INTO items_search (items_search) VALUES ('rebuild');
CREATE TRIGGER items_search_insert AFTER INSERT ON items BEGIN
    INSERT INTO items_search (rowid, title, description, tags)
        VALUES (new.id, new.title, new.description, new.tags);
END;
CREATE TRIGGER items_search_delete AFTER DELETE ON items BEGIN
    INSERT INTO items_search (items_search, rowid, title, description, tags)
        VALUES ('delete', old.id, old.title, old.description, old.tags);
END;
CREATE TRIGGER items_search_update AFTER UPDATE OF title, description, tags ON items BEGIN
    INSERT INTO items_search (items_search, rowid, title, description, tags)
        VALUES ('delete', old.id, old.title, old.description, old.tags);
    INSERT INTO items_search (rowid, title, description, tags)
        VALUES (new.id, new.title, new.description, new.tags);
END;
