-- What the history, the trends and the review of actions read of a
-- checkpoint, kept in its row beside the document and rewritten with it, so
-- that a page of 50 reads 50 narrow rows instead of every board and summary.
-- The voted result as the locked answers give it (NULL until all four are).
ALTER TABLE checkpoints ADD COLUMN voted_level TEXT;
ALTER TABLE checkpoints ADD COLUMN voted_percentile BIGINT;
-- JSON: the four locked answer ids (or null), in question order.
ALTER TABLE checkpoints ADD COLUMN voted_answers TEXT NOT NULL DEFAULT '[null,null,null,null]';
ALTER TABLE checkpoints ADD COLUMN actions_open BIGINT NOT NULL DEFAULT 0;
ALTER TABLE checkpoints ADD COLUMN actions_done BIGINT NOT NULL DEFAULT 0;
ALTER TABLE checkpoints ADD COLUMN actions_carried BIGINT NOT NULL DEFAULT 0;
ALTER TABLE checkpoints ADD COLUMN actions_dropped BIGINT NOT NULL DEFAULT 0;
-- JSON: the board's actions (at most 30), for the review at later checkpoints.
ALTER TABLE checkpoints ADD COLUMN actions TEXT NOT NULL DEFAULT '[]';
-- The latest finalised summary revision and its measured result.
ALTER TABLE checkpoints ADD COLUMN summary_revision BIGINT;
ALTER TABLE checkpoints ADD COLUMN measured_level TEXT;
ALTER TABLE checkpoints ADD COLUMN measured_percentile BIGINT;
ALTER TABLE checkpoints ADD COLUMN measured_answers TEXT NOT NULL DEFAULT '[null,null,null,null]';
-- 0 for rows written before these columns: the store fills them in at startup.
ALTER TABLE checkpoints ADD COLUMN digested BIGINT NOT NULL DEFAULT 0;
-- The history, newest first across squads, a page at a time.
CREATE INDEX checkpoints_held_on ON checkpoints (held_on, created_at);
