-- The current editions (2024, 2025) give a 0–10 score instead of a level and
-- a percentile: the history and the trends read it from the row as they read
-- the level. NULL in legacy editions and until every question is locked (or,
-- measured, until the latest finalised summary has every metric).
-- In whole tenths (8.1 is 81): a score has one decimal.
ALTER TABLE checkpoints ADD COLUMN voted_score BIGINT;
ALTER TABLE checkpoints ADD COLUMN measured_score BIGINT;
-- Rows of a current edition written before these columns are digested again at startup.
UPDATE checkpoints SET digested = 0 WHERE benchmark IN ('2024', '2025');
