-- The capabilities stage: each participant's rating of each statement of the
-- recommended capabilities (0..4, or -1 for "don't know"), and each
-- checkpoint's confirmed focus capabilities (catalog keys, in order).

CREATE TABLE ratings (
    checkpoint_id  TEXT NOT NULL REFERENCES checkpoints (id) ON DELETE CASCADE,
    participant_id TEXT NOT NULL REFERENCES participants (id),
    capability     TEXT NOT NULL,
    statement      BIGINT NOT NULL,
    value          BIGINT NOT NULL CHECK (value BETWEEN -1 AND 4),
    updated_at     BIGINT NOT NULL,
    PRIMARY KEY (checkpoint_id, participant_id, capability, statement)
);

CREATE TABLE checkpoint_focus (
    checkpoint_id TEXT NOT NULL REFERENCES checkpoints (id) ON DELETE CASCADE,
    position      BIGINT NOT NULL,
    capability    TEXT NOT NULL,
    PRIMARY KEY (checkpoint_id, position)
);
CREATE INDEX checkpoint_focus_capability ON checkpoint_focus (capability);
