-- A correction of a finalised summary may correct a locked answer: the
-- corrected answers (a JSON object, metric id -> stored answer) are kept with
-- the draft, so that every later revision is built from them too.
ALTER TABLE summary_drafts ADD COLUMN answer_corrections TEXT NOT NULL DEFAULT '{}';
