-- Measured metrics: per-squad API tokens and the events pipelines send.
--
-- Event tables use BIGINT ids drawn in blocks from `id_blocks` (one portable
-- way to get compact integer keys on both backends): a million deployments
-- with three commits each stay small and their indexes stay fast. The child
-- tables carry no foreign keys on purpose: they are written and deleted with
-- their deployment in one transaction, and a per-row key check would halve
-- the ingestion rate.

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
    id          BIGINT PRIMARY KEY,
    squad_id    TEXT NOT NULL,
    external_id TEXT NOT NULL,
    service_id  BIGINT NOT NULL,
    environment TEXT NOT NULL,
    -- 1 when the environment is production or prod (any case): what the four metrics count.
    production  BIGINT NOT NULL,
    success     BIGINT NOT NULL,
    started_at  BIGINT,
    finished_at BIGINT NOT NULL,
    received_at BIGINT NOT NULL,
    UNIQUE (squad_id, external_id)
);
CREATE INDEX deployments_window ON deployments (squad_id, finished_at);
CREATE INDEX deployments_finished ON deployments (finished_at);

CREATE TABLE deployment_commits (
    deployment_id BIGINT NOT NULL,
    sha           TEXT NOT NULL,
    committed_at  BIGINT NOT NULL,
    PRIMARY KEY (deployment_id, sha)
);
CREATE INDEX deployment_commits_sha ON deployment_commits (sha);

CREATE TABLE deployment_stages (
    deployment_id BIGINT NOT NULL,
    position      BIGINT NOT NULL,
    name          TEXT NOT NULL,
    started_at    BIGINT NOT NULL,
    finished_at   BIGINT NOT NULL,
    PRIMARY KEY (deployment_id, position)
);

CREATE TABLE incidents (
    id                     BIGINT PRIMARY KEY,
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
