-- A board note's change is written as that note alone (issue 18, point 2):
-- each row is the note after one committed change (`board::NoteLog`, JSON),
-- on top of the document in `checkpoints.doc`. Any write of the document
-- holds every logged change and deletes the checkpoint's rows in the same
-- transaction; the live room writes it every so many note changes.
CREATE TABLE board_log (
    checkpoint_id TEXT NOT NULL REFERENCES checkpoints (id) ON DELETE CASCADE,
    revision      BIGINT NOT NULL,
    entry         TEXT NOT NULL,
    PRIMARY KEY (checkpoint_id, revision)
);
