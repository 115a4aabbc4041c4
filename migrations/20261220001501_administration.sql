-- Administration (issue 16, point 15). A deactivated account keeps its rows
-- (checkpoints name their facilitator) but signs in no more, its sessions are
-- deleted and the API tokens it created stop working until it is reactivated.
ALTER TABLE users ADD COLUMN deactivated_at BIGINT;
-- An archived squad leaves the lists and selects; its checkpoints, summaries
-- and history stay, and its page is still reachable by its slug.
ALTER TABLE squads ADD COLUMN archived_at BIGINT;
