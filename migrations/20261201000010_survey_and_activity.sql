-- The survey, kept so that nothing stored pairs an answer with a person.
--
-- Before, who answered and what was answered were rows inserted together, so
-- their order on disk paired them. Now each checkpoint has one row holding the
-- set of who has answered (participant ids, sorted) and the answers (sorted by
-- their content), both rewritten whole at each answer: no order, time or id is
-- shared between the two. `version` guards the rewrite against a concurrent one.
-- The store moves rows of the old tables here at startup and empties them.
CREATE TABLE survey_sets (
    checkpoint_id TEXT PRIMARY KEY REFERENCES checkpoints (id) ON DELETE CASCADE,
    version       BIGINT NOT NULL,
    respondents   TEXT NOT NULL,
    responses     TEXT NOT NULL
);

-- When anything last happened in a checkpoint (a committed change): other
-- facilitators may end one only after a day without activity.
ALTER TABLE checkpoints ADD COLUMN active_at BIGINT;
