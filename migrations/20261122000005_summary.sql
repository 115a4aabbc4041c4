-- The checkpoint summary and the closing survey.
--
-- A draft's highlights live in `summary_drafts` until the facilitator
-- finalises; each finalisation or correction then inserts one row of
-- `summary_revisions` holding the whole summary as JSON. Revisions are never
-- updated or deleted (the store refuses it), so the history stays as it was.

CREATE TABLE summary_drafts (
    checkpoint_id TEXT PRIMARY KEY REFERENCES checkpoints (id) ON DELETE CASCADE,
    highlights    TEXT NOT NULL,
    updated_by    TEXT NOT NULL,
    updated_at    BIGINT NOT NULL
);

CREATE TABLE summary_revisions (
    checkpoint_id TEXT NOT NULL REFERENCES checkpoints (id) ON DELETE CASCADE,
    revision      BIGINT NOT NULL,
    body          TEXT NOT NULL,
    created_by    TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    PRIMARY KEY (checkpoint_id, revision)
);

-- Survey responses carry nothing that links them to a participant: no
-- participant id, no time, a random id. Who has answered (to allow one
-- response each) is kept apart, without the answer.
CREATE TABLE survey_responses (
    id            TEXT PRIMARY KEY,
    checkpoint_id TEXT NOT NULL REFERENCES checkpoints (id) ON DELETE CASCADE,
    usefulness    BIGINT NOT NULL CHECK (usefulness BETWEEN 1 AND 5),
    went_well     TEXT NOT NULL,
    to_improve    TEXT NOT NULL
);
CREATE INDEX survey_responses_checkpoint ON survey_responses (checkpoint_id);

CREATE TABLE survey_answered (
    checkpoint_id  TEXT NOT NULL REFERENCES checkpoints (id) ON DELETE CASCADE,
    participant_id TEXT NOT NULL REFERENCES participants (id),
    PRIMARY KEY (checkpoint_id, participant_id)
);
