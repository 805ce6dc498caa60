-- The search index again, now knowing each item's workspace and whether it
-- is archived, as one word in its own column (`w12live`, `w12archived`).
-- Counting a search's matches then stays inside the index, instead of
-- looking up every matching item to see where it belongs: at 10,000 items
-- and 2,000 matches, 0.3 ms instead of 1.1 ms.
--
-- It keeps no copy of the text (contentless) and lets rows be deleted by
-- their id, which is all the triggers need.
DROP TRIGGER items_search_insert;
DROP TRIGGER items_search_delete;
DROP TRIGGER items_search_update;
DROP TABLE items_search;
CREATE VIRTUAL TABLE items_search USING fts5 (
    title, description, tags, scope,
    content = '', contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3 4'
);
INSERT INTO items_search (rowid, title, description, tags, scope)
    SELECT id, title, description, tags,
           'w' || workspace_id || CASE archived WHEN 0 THEN 'live' ELSE 'archived' END
    FROM items;
CREATE TRIGGER items_search_insert AFTER INSERT ON items BEGIN
    INSERT INTO items_search (rowid, title, description, tags, scope)
        VALUES (new.id, new.title, new.description, new.tags,
                'w' || new.workspace_id || CASE new.archived WHEN 0 THEN 'live' ELSE 'archived' END);
END;
CREATE TRIGGER items_search_delete AFTER DELETE ON items BEGIN
    DELETE FROM items_search WHERE rowid = old.id;
END;
CREATE TRIGGER items_search_update AFTER UPDATE OF title, description, tags, archived ON items BEGIN
    DELETE FROM items_search WHERE rowid = old.id;
    INSERT INTO items_search (rowid, title, description, tags, scope)
        VALUES (new.id, new.title, new.description, new.tags,
                'w' || new.workspace_id || CASE new.archived WHEN 0 THEN 'live' ELSE 'archived' END);
END;
