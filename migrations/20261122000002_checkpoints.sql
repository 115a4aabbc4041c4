-- Live checkpoints. `doc` is the JSON of the workshop state that is not a
-- row of its own (stage, phases, locked answers, timers, welcome text);
-- `revision` is bumped in the same transaction as every change.

CREATE TABLE checkpoints (
    id             TEXT PRIMARY KEY,
    squad_id       TEXT NOT NULL REFERENCES squads (id),
    held_on        TEXT NOT NULL,
    facilitator_id TEXT NOT NULL REFERENCES users (id),
    board_url      TEXT,
    benchmark      TEXT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('draft', 'live', 'finished')),
    -- A shared invitation shown to the facilitator at any time, so it is kept
    -- readable; it admits nobody once the checkpoint has finished.
    join_code      TEXT NOT NULL UNIQUE,
    revision       BIGINT NOT NULL,
    doc            TEXT NOT NULL,
    created_at     BIGINT NOT NULL,
    ended_at       BIGINT
);
CREATE INDEX checkpoints_squad ON checkpoints (squad_id, held_on);

CREATE TABLE checkpoint_facilitators (
    checkpoint_id TEXT NOT NULL REFERENCES checkpoints (id) ON DELETE CASCADE,
    user_id       TEXT NOT NULL REFERENCES users (id),
    PRIMARY KEY (checkpoint_id, user_id)
);

-- Everyone in a checkpoint, signed-in or not. Anonymous participants hold a
-- cookie whose SHA-256 is `token_hash`; signed-in users are found by user_id.
CREATE TABLE participants (
    id            TEXT PRIMARY KEY,
    checkpoint_id TEXT NOT NULL REFERENCES checkpoints (id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    user_id       TEXT REFERENCES users (id),
    token_hash    TEXT UNIQUE,
    removed       BIGINT NOT NULL DEFAULT 0,
    joined_at     BIGINT NOT NULL
);
CREATE INDEX participants_checkpoint ON participants (checkpoint_id);
CREATE UNIQUE INDEX participants_user ON participants (checkpoint_id, user_id);

CREATE TABLE votes (
    checkpoint_id  TEXT NOT NULL REFERENCES checkpoints (id) ON DELETE CASCADE,
    question       TEXT NOT NULL,
    participant_id TEXT NOT NULL REFERENCES participants (id),
    answer         TEXT NOT NULL,
    updated_at     BIGINT NOT NULL,
    PRIMARY KEY (checkpoint_id, question, participant_id)
);
