-- Rework (section 7.6): a deployment made to fix a bug users saw, which the
-- 2025 edition's rework rate counts among the successful ones. Earlier
-- deployments were never marked, so they are not rework.
ALTER TABLE deployments ADD COLUMN rework BIGINT NOT NULL DEFAULT 0;
