-- Measured metrics: per-squad API tokens and the events pipelines send.
--
-- Event tables use integer ids drawn in blocks from `id_blocks` (one portable
-- way to get compact integer keys on both backends), so a million
-- deployments stay small and their indexes fast.

CREATE TABLE api_tokens (
    id           TEXT PRIMARY KEY,
    squad_id     TEXT NOT NULL REFERENCES squads (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    -- The first characters of the token, so people can tell tokens apart.
    hint         TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    last_used_at BIGINT,
    revoked_at   BIGINT
);
CREATE INDEX api_tokens_squad ON api_tokens (squad_id, created_at);

CREATE TABLE id_blocks (
    name    TEXT PRIMARY KEY,
    next_id BIGINT NOT NULL
);
INSERT INTO id_blocks (name, next_id) VALUES ('events', 1);

CREATE TABLE services (
    id         BIGINT PRIMARY KEY,
    squad_id   TEXT NOT NULL REFERENCES squads (id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (squad_id, name)
);

CREATE TABLE deployments (
    -- INTEGER PRIMARY KEY: SQLite's rowid itself, one index fewer per row.
    id          INTEGER PRIMARY KEY,
    squad_id    TEXT NOT NULL,
    external_id TEXT NOT NULL,
    service_id  BIGINT NOT NULL,
    environment TEXT NOT NULL,
    -- 1 when the environment is production or prod (any case): what the four metrics count.
    production  BIGINT NOT NULL,
    success     BIGINT NOT NULL,
    started_at  BIGINT,
    finished_at BIGINT NOT NULL,
    -- The commits it brings and its stages, as JSON: always read with their
    -- deployment, never searched. A separate commits table needs an index on
    -- the sha, and inserts into an index of random keys dirtied a page per
    -- commit: it held ingestion to a third of its target (docs/perf.md).
    commits     TEXT NOT NULL,
    stages      TEXT,
    received_at BIGINT NOT NULL,
    UNIQUE (squad_id, external_id)
);
CREATE INDEX deployments_window ON deployments (squad_id, finished_at);

CREATE TABLE incidents (
    id                     INTEGER PRIMARY KEY,
    squad_id               TEXT NOT NULL,
    external_id            TEXT NOT NULL,
    service_id             BIGINT NOT NULL,
    title                  TEXT,
    opened_at              BIGINT NOT NULL,
    started_at             BIGINT,
    -- When impact began: started_at, else opened_at.
    began_at               BIGINT NOT NULL,
    resolved_at            BIGINT,
    deployment_external_id TEXT,
    commit_sha             TEXT,
    received_at            BIGINT NOT NULL,
    UNIQUE (squad_id, external_id)
);
CREATE INDEX incidents_began ON incidents (squad_id, began_at);
CREATE INDEX incidents_resolved ON incidents (squad_id, resolved_at);
