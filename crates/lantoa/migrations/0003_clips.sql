-- Clips, their versions (one per upload, content-addressed), and resumable uploads.
CREATE TABLE clips (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    agency_id          BIGINT NOT NULL REFERENCES orgs(id),
    author_id          BIGINT NOT NULL REFERENCES users(id),
    title              TEXT   NOT NULL,
    caption            TEXT   NOT NULL,
    category           TEXT   NOT NULL,
    state              TEXT   NOT NULL,
    current_version_id BIGINT,
    created_at         BIGINT NOT NULL,
    updated_at         BIGINT NOT NULL
);
CREATE INDEX clips_agency ON clips (agency_id, updated_at);

CREATE TABLE clip_versions (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    clip_id       BIGINT NOT NULL REFERENCES clips(id),
    number        BIGINT NOT NULL,
    sha256        TEXT   NOT NULL,
    size_bytes    BIGINT NOT NULL,
    original_key  TEXT   NOT NULL,
    original_name TEXT   NOT NULL,
    uploaded_by   BIGINT NOT NULL REFERENCES users(id),
    status        TEXT   NOT NULL CHECK (status IN ('processing', 'ready', 'invalid', 'failed')),
    probe         TEXT,
    validation    TEXT,
    qc            TEXT,
    compliance    TEXT,
    outputs       TEXT,
    error         TEXT,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL,
    UNIQUE (clip_id, number)
);
CREATE INDEX clip_versions_sha ON clip_versions (sha256);

CREATE TABLE uploads (
    id           TEXT   PRIMARY KEY,
    agency_id    BIGINT NOT NULL REFERENCES orgs(id),
    user_id      BIGINT NOT NULL REFERENCES users(id),
    clip_id      BIGINT REFERENCES clips(id),
    length       BIGINT NOT NULL,
    offset_bytes BIGINT NOT NULL,
    metadata     TEXT   NOT NULL,
    state        TEXT   NOT NULL CHECK (state IN ('open', 'complete', 'terminated')),
    version_id   BIGINT,
    expires_at   BIGINT NOT NULL,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL
);
CREATE INDEX uploads_user ON uploads (user_id, state);
CREATE INDEX uploads_expiry ON uploads (state, expires_at);
