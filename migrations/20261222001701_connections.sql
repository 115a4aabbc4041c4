-- Connections (issue 17): webhooks from the tools a squad already runs.
--
-- GitHub and PagerDuty sign each delivery with the secret (HMAC), so the
-- secret itself must be at hand: it is kept sealed (XChaCha20-Poly1305 under
-- the instance's key file, never in the database). GitLab and Alertmanager
-- send the secret as it is, so only its SHA-256 is kept.
CREATE TABLE connections (
    id               TEXT PRIMARY KEY,
    squad_id         TEXT NOT NULL REFERENCES squads (id) ON DELETE CASCADE,
    kind             TEXT NOT NULL,
    name             TEXT NOT NULL,
    secret_hash      TEXT,
    secret_sealed    TEXT,
    -- The mapping options as JSON (production environments, deploy
    -- workflows, incident label, repository → service, label matcher...).
    options          TEXT NOT NULL,
    created_by       TEXT NOT NULL,
    created_at       BIGINT NOT NULL,
    revoked_at       BIGINT,
    last_delivery_at BIGINT,
    last_outcome     TEXT,
    last_reason      TEXT
);
CREATE INDEX connections_squad ON connections (squad_id, created_at);

-- The last 50 deliveries of each connection, so a person can see why an
-- event did or did not count. A delivery that fails its signature is not
-- kept: anyone could send one.
CREATE TABLE connection_deliveries (
    id            TEXT PRIMARY KEY,
    connection_id TEXT NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    received_at   BIGINT NOT NULL,
    seq           BIGINT NOT NULL,
    event         TEXT NOT NULL,
    delivery      TEXT,
    outcome       TEXT NOT NULL,
    reason        TEXT NOT NULL
);
CREATE INDEX connection_deliveries_recent ON connection_deliveries (connection_id, seq);

-- Commits pushed to a repository's default branch, in push order: a forge's
-- deployment names only its head sha, and the commits it brings are those
-- pushed up to that sha that no earlier successful deployment brought.
-- `repository` carries the forge (`github:owner/name`).
CREATE TABLE pushed_commits (
    squad_id      TEXT NOT NULL REFERENCES squads (id) ON DELETE CASCADE,
    repository    TEXT NOT NULL,
    sha           TEXT NOT NULL,
    committed_at  BIGINT NOT NULL,
    seq           BIGINT NOT NULL,
    -- The first successful deployment that brought it (its external id).
    deployment_id TEXT,
    PRIMARY KEY (squad_id, repository, sha)
);
CREATE INDEX pushed_commits_order ON pushed_commits (squad_id, repository, seq);

-- Where each event came from: `api`, `csv`, or a connection's kind, with the
-- connection's name. Earlier events were all sent through the API.
ALTER TABLE deployments ADD COLUMN source TEXT NOT NULL DEFAULT 'api';
ALTER TABLE deployments ADD COLUMN source_name TEXT;
ALTER TABLE incidents ADD COLUMN source TEXT NOT NULL DEFAULT 'api';
ALTER TABLE incidents ADD COLUMN source_name TEXT;

-- A facilitator's choice for an incident's link, which wins over what its
-- sender said and over inference from then on (a redelivery leaves it):
-- `unlinked`, or `relinked` to `link_deployment` (a deployment's external id).
ALTER TABLE incidents ADD COLUMN link_choice TEXT;
ALTER TABLE incidents ADD COLUMN link_deployment TEXT;
ALTER TABLE incidents ADD COLUMN link_chosen_by TEXT;
ALTER TABLE incidents ADD COLUMN link_chosen_at BIGINT;
