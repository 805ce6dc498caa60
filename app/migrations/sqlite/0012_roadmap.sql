-- The roadmap orders each horizon's lane (Now, Next, Later, unplanned) on
-- its own, apart from the board's order within a status: keys of the same
-- kind as `rank`.
ALTER TABLE items ADD COLUMN roadmap_rank TEXT NOT NULL DEFAULT '';
-- Existing items keep the board's order within each lane, numbered with
-- five-character keys (d0000, d0001, …: room for 14 million per lane), so
-- no two share one.
UPDATE items SET roadmap_rank = numbered.key FROM (
    SELECT id, 'd'
        || substr('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz', (n / 238328) % 62 + 1, 1)
        || substr('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz', (n / 3844) % 62 + 1, 1)
        || substr('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz', (n / 62) % 62 + 1, 1)
        || substr('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz', n % 62 + 1, 1) AS key
    FROM (
        SELECT id, CAST(ROW_NUMBER() OVER (
            PARTITION BY workspace_id, horizon ORDER BY rank, id
        ) - 1 AS INTEGER) AS n FROM items
    ) AS ordered
) AS numbered WHERE numbered.id = items.id;
-- A lane lists and counts the items of one horizon that are not archived,
-- in roadmap order, straight off this index.
CREATE INDEX items_workspace_id_horizon_archived_roadmap_rank ON items (workspace_id, horizon, archived, roadmap_rank, id);
