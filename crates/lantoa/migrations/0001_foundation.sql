-- Foundation: organisations, users, memberships, sessions, tokens, throttling, audit trail.
-- Times are BIGINT milliseconds since the Unix epoch, UTC.
CREATE TABLE orgs (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    kind        TEXT    NOT NULL CHECK (kind IN ('body', 'agency')),
    parent_id   BIGINT  REFERENCES orgs(id),
    slug        TEXT    NOT NULL UNIQUE,
    name        TEXT    NOT NULL,
    time_zone   TEXT    NOT NULL,
    created_at  BIGINT  NOT NULL
);

CREATE TABLE users (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    username             TEXT    NOT NULL UNIQUE,
    display_name         TEXT    NOT NULL,
    password_hash        TEXT    NOT NULL,
    must_change_password BOOLEAN NOT NULL DEFAULT FALSE,
    is_system_admin      BOOLEAN NOT NULL DEFAULT FALSE,
    disabled             BOOLEAN NOT NULL DEFAULT FALSE,
    locale               TEXT    NOT NULL DEFAULT 'vi',
    created_at           BIGINT  NOT NULL,
    updated_at           BIGINT  NOT NULL
);

CREATE TABLE memberships (
    user_id     BIGINT NOT NULL REFERENCES users(id),
    org_id      BIGINT NOT NULL REFERENCES orgs(id),
    role        TEXT   NOT NULL,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (user_id, org_id, role)
);
CREATE INDEX memberships_org ON memberships (org_id);

CREATE TABLE sessions (
    token_hash   TEXT   PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users(id),
    created_at   BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    client_addr  TEXT   NOT NULL,
    user_agent   TEXT   NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id      BIGINT NOT NULL REFERENCES users(id),
    name         TEXT   NOT NULL,
    token_hash   TEXT   NOT NULL UNIQUE,
    prefix       TEXT   NOT NULL,
    created_at   BIGINT NOT NULL,
    last_used_at BIGINT,
    revoked_at   BIGINT
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE login_attempts (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    username    TEXT    NOT NULL,
    client_addr TEXT    NOT NULL,
    at          BIGINT  NOT NULL,
    success     BOOLEAN NOT NULL
);
CREATE INDEX login_attempts_user ON login_attempts (username, at);
CREATE INDEX login_attempts_addr ON login_attempts (client_addr, at);

CREATE TABLE audit_log (
    seq          BIGINT PRIMARY KEY,
    at           BIGINT NOT NULL,
    actor_id     BIGINT,
    actor_name   TEXT   NOT NULL,
    agency_id    BIGINT,
    action       TEXT   NOT NULL,
    object_type  TEXT   NOT NULL,
    object_id    TEXT   NOT NULL,
    summary      TEXT   NOT NULL,
    client_addr  TEXT   NOT NULL,
    prev_hash    TEXT   NOT NULL,
    hash         TEXT   NOT NULL
);
CREATE INDEX audit_log_agency ON audit_log (agency_id, at);
CREATE INDEX audit_log_actor ON audit_log (actor_id, at);

-- One row: the chain's head. Appending updates it first, which serialises writers
-- on both engines (row lock on PostgreSQL, the write lock on SQLite).
CREATE TABLE audit_head (
    id    BIGINT PRIMARY KEY CHECK (id = 1),
    seq   BIGINT NOT NULL,
    hash  TEXT   NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
