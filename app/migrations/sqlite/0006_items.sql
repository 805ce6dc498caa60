-- Items, the statuses they move through, their tags, comments and the
-- history of every change; full-text search over title, description and
-- tags.

-- The number the next item of a workspace gets: it only grows, so a key
-- (WAY-12) is never given twice, even after deletes.
ALTER TABLE workspaces ADD COLUMN next_item_number BIGINT NOT NULL DEFAULT 1;
-- Items that are not archived, kept by every write that adds, deletes,
-- archives or restores one, so the start page need not count them.
ALTER TABLE workspaces ADD COLUMN item_count BIGINT NOT NULL DEFAULT 0;

CREATE TABLE statuses (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    -- #rrggbb
    color TEXT NOT NULL,
    category TEXT NOT NULL CHECK (category IN ('planned', 'active', 'done')),
    position BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX statuses_workspace_id_name ON statuses (workspace_id, name);

CREATE TABLE items (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    number BIGINT NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    -- A status is deleted only after its items have moved to another.
    status_id BIGINT NOT NULL REFERENCES statuses (id),
    assignee_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    -- YYYY-MM-DD
    start_date TEXT,
    end_date TEXT,
    horizon TEXT NOT NULL DEFAULT 'unplanned' CHECK (horizon IN ('now', 'next', 'later', 'unplanned')),
    -- Order within the status's board column: keys that sort as text, so a
    -- move writes one row.
    rank TEXT NOT NULL,
    -- The item's tags, sorted and joined by ", " for showing; item_tags is
    -- what filters use.
    tags TEXT NOT NULL DEFAULT '',
    archived BIGINT NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
    -- Every change adds one; an edit based on an older version is refused.
    version BIGINT NOT NULL DEFAULT 1,
    created_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    updated_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX items_workspace_id_number ON items (workspace_id, number);
CREATE INDEX items_workspace_id_status_id_rank ON items (workspace_id, status_id, rank);
-- The table's default order and its order by key, for pages read straight
-- off an index.
CREATE INDEX items_workspace_id_archived_updated_at ON items (workspace_id, archived, updated_at, id);
CREATE INDEX items_workspace_id_archived_number ON items (workspace_id, archived, number);
CREATE INDEX items_status_id ON items (status_id);
CREATE INDEX items_assignee_id ON items (assignee_id);
CREATE INDEX items_created_by ON items (created_by);
CREATE INDEX items_updated_by ON items (updated_by);

CREATE TABLE item_tags (
    workspace_id BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    tag TEXT NOT NULL,
    item_id BIGINT NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    PRIMARY KEY (workspace_id, tag, item_id)
);
CREATE INDEX item_tags_item_id ON item_tags (item_id);

CREATE TABLE comments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    item_id BIGINT NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    author_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    -- Set when the author edited it.
    edited_at BIGINT
);
CREATE INDEX comments_item_id ON comments (item_id, id);
CREATE INDEX comments_author_id ON comments (author_id);

-- Who changed which field of an item from what to what, and when.
CREATE TABLE item_activity (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    item_id BIGINT NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    actor_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    at BIGINT NOT NULL,
    -- created, title, description, status, tags, assignee, start_date,
    -- end_date, horizon, archived, comment
    field TEXT NOT NULL,
    old_value TEXT NOT NULL DEFAULT '',
    new_value TEXT NOT NULL DEFAULT ''
);
CREATE INDEX item_activity_item_id ON item_activity (item_id, id);
CREATE INDEX item_activity_actor_id ON item_activity (actor_id);

-- Every existing workspace gets the default statuses.
INSERT INTO statuses (workspace_id, name, color, category, position, created_at)
    SELECT id, 'Idea', '#8a94a6', 'planned', 0, created_at FROM workspaces;
INSERT INTO statuses (workspace_id, name, color, category, position, created_at)
    SELECT id, 'Planned', '#3b82f6', 'planned', 1, created_at FROM workspaces;
INSERT INTO statuses (workspace_id, name, color, category, position, created_at)
    SELECT id, 'In progress', '#d97706', 'active', 2, created_at FROM workspaces;
INSERT INTO statuses (workspace_id, name, color, category, position, created_at)
    SELECT id, 'Shipped', '#16a34a', 'done', 3, created_at FROM workspaces;

-- Full-text search. SQLite keeps an FTS5 index in step with items through
-- triggers; PostgreSQL uses a generated tsvector column instead. Neither is
-- part of the compared schema.
CREATE VIRTUAL TABLE items_search USING fts5 (
    title, description, tags,
    content = 'items', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);
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
