-- Failed sign-ins and join codes, as a capped backoff per key instead of a
-- lockout (see src/security.rs, Backoff, and src/store/throttle.rs). A key is
-- a username with a client address, or a client address alone. An attempt is
-- counted before it is checked; `version` makes each change a compare-and-set,
-- so parallel attempts (in one instance or several) each see the one before.
CREATE TABLE attempt_throttle (
    key      TEXT PRIMARY KEY,
    failures BIGINT NOT NULL,
    last_at  BIGINT NOT NULL,
    next_at  BIGINT NOT NULL,
    version  BIGINT NOT NULL
);
CREATE INDEX attempt_throttle_last_at ON attempt_throttle (last_at);

-- The per-username lockout it replaces.
DROP TABLE login_failures;
