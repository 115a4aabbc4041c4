-- The current editions (2024, 2025) give a 0–10 score instead of a level and
-- a percentile: the history and the trends read it from the row as they read
-- the level. NULL in legacy editions and until every question is locked (or,
-- measured, until the latest finalised summary has every metric).
ALTER TABLE checkpoints ADD COLUMN voted_score DOUBLE PRECISION;
ALTER TABLE checkpoints ADD COLUMN measured_score DOUBLE PRECISION;
-- Rows of a current edition written before these columns are digested again at startup.
UPDATE checkpoints SET digested = 0 WHERE benchmark IN ('2024', '2025');
