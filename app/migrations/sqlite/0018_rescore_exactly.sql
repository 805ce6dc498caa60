-- Scores now round as the decimals people typed do, a formula without a
-- value gives no score (with its reason), and an item nobody has rated is
-- partly rated: the server scores every item again when it next starts
-- (backend::scoring::rescore_if_asked), so that stored scores, which the
-- table sorts by, agree with the item pages. A database without items
-- (a new instance) has nothing to score again.
INSERT INTO instance_settings (key, value, updated_at)
    SELECT 'scoring.rescore_all', '', 0 WHERE EXISTS (SELECT 1 FROM items)
    ON CONFLICT (key) DO NOTHING;
