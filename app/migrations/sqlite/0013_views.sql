-- Saved views: a view of a workspace's items (the table, the board, the
-- roadmap, the timeline or the chart) with its filter, sort and grouping,
-- under a name. `params` is the view's URL query without the `?`.
CREATE TABLE saved_views (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('items', 'board', 'roadmap', 'timeline', 'chart')),
    params TEXT NOT NULL DEFAULT '',
    created_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX saved_views_workspace_id_name_key ON saved_views (workspace_id, name);

-- Read-only links to a saved view for people without an account. Revoking
-- one deletes its row, so the link stops working at once.
CREATE TABLE share_links (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    view_id BIGINT NOT NULL REFERENCES saved_views (id) ON DELETE CASCADE,
    -- SHA-256 of the link's token; the token itself is never stored.
    token_hash TEXT NOT NULL,
    -- Whether the page shows who each item is assigned to.
    show_names BIGINT NOT NULL DEFAULT 0 CHECK (show_names IN (0, 1)),
    created_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT
);
CREATE UNIQUE INDEX share_links_token_hash_key ON share_links (token_hash);
CREATE INDEX share_links_view_id ON share_links (view_id);
