-- Prioritisation (PRODUCT.md §4): each workspace's scoring framework (its
-- criteria, and the custom formula that replaces the default score), each
-- item's ratings, and the score they give, stored for sorting.

-- NULL: the default score, (Value + (1 − Effort)) / 2 × 100.
ALTER TABLE workspaces ADD COLUMN score_formula TEXT;

CREATE TABLE criteria (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    factor TEXT NOT NULL CHECK (factor IN ('value', 'effort')),
    weight REAL NOT NULL CHECK (weight > 0),
    scale TEXT NOT NULL CHECK (scale IN ('zero_to_ten', 'percentage', 'tshirt', 'yes_no', 'number')),
    direction TEXT NOT NULL CHECK (direction IN ('more_is_more', 'more_is_less')),
    position BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX criteria_workspace_id_name ON criteria (workspace_id, name);

-- One rating of one item on one criterion, in the criterion's scale.
CREATE TABLE ratings (
    item_id BIGINT NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    criterion_id BIGINT NOT NULL REFERENCES criteria (id) ON DELETE CASCADE,
    value REAL NOT NULL CHECK (value >= 0),
    rated_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    rated_at BIGINT NOT NULL,
    PRIMARY KEY (item_id, criterion_id)
);
-- The largest rating of a criterion (a number scale normalises by it).
CREATE INDEX ratings_criterion_id_value ON ratings (criterion_id, value);
CREATE INDEX ratings_rated_by ON ratings (rated_by);

-- The item's score as its ratings give it, kept by every write that changes
-- a rating or the framework: the priority (NULL when the item has none; it
-- then sorts after every scored item), the two factors (0–1, for the
-- chart), and whether a criterion that counts is unrated.
ALTER TABLE items ADD COLUMN score REAL;
ALTER TABLE items ADD COLUMN score_value REAL;
ALTER TABLE items ADD COLUMN score_effort REAL;
ALTER TABLE items ADD COLUMN score_partial BIGINT NOT NULL DEFAULT 0 CHECK (score_partial IN (0, 1));
-- The table sorted by score, highest first, read straight off this index
-- (items without a score are at its low end, so they come last).
CREATE INDEX items_workspace_id_archived_score ON items (workspace_id, archived, score, id);

-- Every existing workspace gets the default framework, Value vs Effort.
INSERT INTO criteria (workspace_id, name, factor, weight, scale, direction, position, created_at)
    SELECT id, 'Business value', 'value', 1, 'zero_to_ten', 'more_is_more', 0, created_at FROM workspaces;
INSERT INTO criteria (workspace_id, name, factor, weight, scale, direction, position, created_at)
    SELECT id, 'Customer value', 'value', 1, 'zero_to_ten', 'more_is_more', 1, created_at FROM workspaces;
INSERT INTO criteria (workspace_id, name, factor, weight, scale, direction, position, created_at)
    SELECT id, 'Strategic fit', 'value', 1, 'zero_to_ten', 'more_is_more', 2, created_at FROM workspaces;
INSERT INTO criteria (workspace_id, name, factor, weight, scale, direction, position, created_at)
    SELECT id, 'Development effort', 'effort', 1, 'tshirt', 'more_is_more', 3, created_at FROM workspaces;
INSERT INTO criteria (workspace_id, name, factor, weight, scale, direction, position, created_at)
    SELECT id, 'Risk', 'effort', 1, 'zero_to_ten', 'more_is_more', 4, created_at FROM workspaces;
