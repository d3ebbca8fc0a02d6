-- Durable job queue. A job is claimed with one UPDATE … RETURNING; its lease token
-- must match when it completes, so a worker that lost its lease cannot overwrite
-- the outcome of the worker that took over.
CREATE TABLE jobs (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    kind         TEXT    NOT NULL,
    payload      TEXT    NOT NULL,
    state        TEXT    NOT NULL CHECK (state IN ('queued', 'running', 'succeeded', 'failed', 'dead', 'cancelled')),
    priority     BIGINT  NOT NULL DEFAULT 0,
    run_at       BIGINT  NOT NULL,
    attempts     BIGINT  NOT NULL DEFAULT 0,
    max_attempts BIGINT  NOT NULL,
    unique_key   TEXT,
    agency_id    BIGINT,
    lease_token  TEXT,
    lease_until  BIGINT,
    worker       TEXT,
    progress     DOUBLE PRECISION,
    last_error   TEXT,
    created_at   BIGINT  NOT NULL,
    updated_at   BIGINT  NOT NULL,
    finished_at  BIGINT
);
-- At most one live job per unique key.
CREATE UNIQUE INDEX jobs_unique_live ON jobs (unique_key)
    WHERE unique_key IS NOT NULL AND state IN ('queued', 'running', 'failed');
CREATE INDEX jobs_ready ON jobs (state, run_at);
CREATE INDEX jobs_agency ON jobs (agency_id, created_at);
