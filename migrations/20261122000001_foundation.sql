-- Portable SQL: runs unchanged on SQLite and PostgreSQL (ids are UUID text,
-- instants are BIGINT milliseconds since the Unix epoch, UTC).

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('admin', 'facilitator', 'viewer')),
    created_at    BIGINT NOT NULL
);

-- Server-side sessions; the cookie holds a random token, only its SHA-256 is stored.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- One-time setup token for the first admin (hashed); cleared once an admin exists.
CREATE TABLE setup_tokens (
    token_hash TEXT PRIMARY KEY,
    created_at BIGINT NOT NULL
);

-- Failed sign-ins, kept in the database so the limit holds across instances.
CREATE TABLE login_failures (
    id         TEXT PRIMARY KEY,
    key        TEXT NOT NULL,
    at         BIGINT NOT NULL
);
CREATE INDEX login_failures_key_at ON login_failures (key, at);

CREATE TABLE tribes (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    name_key   TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL
);

CREATE TABLE squads (
    id         TEXT PRIMARY KEY,
    slug       TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    tribe_id   TEXT NOT NULL REFERENCES tribes (id),
    industry   TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX squads_tribe ON squads (tribe_id);
