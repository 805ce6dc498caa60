-- Scoring rounds (PRODUCT.md §4, "priority poker"): an editor picks items,
-- criteria and members; each member rates privately; the editor reveals the
-- ratings, then applies the agreed values to the items in one step.

CREATE TABLE rounds (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    -- open: members rate; revealed: everyone sees the ratings; applied: the
    -- agreed values are the items' ratings.
    state TEXT NOT NULL CHECK (state IN ('open', 'revealed', 'applied')),
    created_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    revealed_at BIGINT,
    applied_at BIGINT
);
CREATE INDEX rounds_workspace_id_id ON rounds (workspace_id, id);
CREATE INDEX rounds_created_by ON rounds (created_by);

CREATE TABLE round_items (
    round_id BIGINT NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
    item_id BIGINT NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    PRIMARY KEY (round_id, item_id)
);
CREATE INDEX round_items_item_id ON round_items (item_id);

CREATE TABLE round_criteria (
    round_id BIGINT NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
    criterion_id BIGINT NOT NULL REFERENCES criteria (id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    PRIMARY KEY (round_id, criterion_id)
);
CREATE INDEX round_criteria_criterion_id ON round_criteria (criterion_id);

-- Who takes part, and when each said they had finished.
CREATE TABLE round_participants (
    round_id BIGINT NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    finished_at BIGINT,
    PRIMARY KEY (round_id, user_id)
);
CREATE INDEX round_participants_user_id ON round_participants (user_id);

-- A participant's private rating of one item on one criterion.
CREATE TABLE round_ratings (
    round_id BIGINT NOT NULL,
    user_id BIGINT NOT NULL,
    item_id BIGINT NOT NULL,
    criterion_id BIGINT NOT NULL,
    value REAL NOT NULL CHECK (value >= 0),
    rated_at BIGINT NOT NULL,
    PRIMARY KEY (round_id, user_id, item_id, criterion_id),
    FOREIGN KEY (round_id, user_id) REFERENCES round_participants (round_id, user_id) ON DELETE CASCADE,
    FOREIGN KEY (round_id, item_id) REFERENCES round_items (round_id, item_id) ON DELETE CASCADE,
    FOREIGN KEY (round_id, criterion_id) REFERENCES round_criteria (round_id, criterion_id) ON DELETE CASCADE
);
