-- Why an item has no score although every criterion its framework's formula
-- reads is rated (the formula divides by zero, overflows…), in the words the
-- item shows; NULL for every other item. Kept with the score by every write
-- that stores one.
ALTER TABLE items ADD COLUMN no_score_reason TEXT;
