-- Publishing: an agency's connected channels (tokens sealed with the install's
-- key), one publication per clip × channel × round (round 1 is the first post,
-- later rounds are corrections), the rate windows the publisher paces itself
-- by, takedowns and the incidents they open for the overseer.
CREATE TABLE channels (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    agency_id        BIGINT NOT NULL REFERENCES orgs(id),
    platform         TEXT   NOT NULL,
    external_id      TEXT   NOT NULL,
    name             TEXT   NOT NULL,
    tokens           TEXT   NOT NULL,
    token_expires_at BIGINT,
    status           TEXT   NOT NULL CHECK (status IN ('active', 'needs_reconnect', 'disconnected')),
    status_reason    TEXT,
    connected_by     BIGINT REFERENCES users(id),
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL,
    UNIQUE (agency_id, platform, external_id)
);
CREATE INDEX channels_refresh ON channels (status, token_expires_at);

-- A consent in progress: the browser comes back with `state`.
CREATE TABLE oauth_states (
    state      TEXT   PRIMARY KEY,
    agency_id  BIGINT NOT NULL REFERENCES orgs(id),
    user_id    BIGINT NOT NULL REFERENCES users(id),
    platform   TEXT   NOT NULL,
    verifier   TEXT   NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE publications (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    agency_id      BIGINT NOT NULL REFERENCES orgs(id),
    clip_id        BIGINT NOT NULL REFERENCES clips(id),
    channel_id     BIGINT NOT NULL REFERENCES channels(id),
    round          BIGINT NOT NULL,
    version_id     BIGINT NOT NULL REFERENCES clip_versions(id),
    digest         TEXT   NOT NULL,
    state          TEXT   NOT NULL CHECK (state IN ('scheduled', 'queued', 'uploading', 'processing',
                                                    'published', 'failed', 'cancelled', 'superseded')),
    run_at         BIGINT NOT NULL,
    late_ms        BIGINT,
    handle         TEXT   NOT NULL DEFAULT '{}',
    progress       DOUBLE PRECISION,
    external_id    TEXT,
    url            TEXT,
    error_class    TEXT,
    error_code     TEXT,
    error_message  TEXT,
    replaces_id    BIGINT REFERENCES publications(id),
    requested_by   BIGINT REFERENCES users(id),
    published_at   BIGINT,
    removal        TEXT CHECK (removal IN ('removing', 'removed', 'manual', 'manual_done', 'failed')),
    removal_error  TEXT,
    removed_by     BIGINT REFERENCES users(id),
    removed_at     BIGINT,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL,
    UNIQUE (clip_id, channel_id, round)
);
CREATE INDEX publications_clip ON publications (clip_id, round);
CREATE INDEX publications_channel ON publications (channel_id, state);

-- Calls that count against a platform limit (TikTok inits per minute, reels
-- per Page per day, YouTube uploads per day).
CREATE TABLE rate_events (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    bucket     TEXT   NOT NULL,
    at         BIGINT NOT NULL
);
CREATE INDEX rate_events_bucket ON rate_events (bucket, at);

CREATE TABLE incidents (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    agency_id   BIGINT NOT NULL REFERENCES orgs(id),
    clip_id     BIGINT REFERENCES clips(id),
    kind        TEXT   NOT NULL,
    reason      TEXT   NOT NULL,
    state       TEXT   NOT NULL,
    details     TEXT   NOT NULL,
    opened_by   BIGINT REFERENCES users(id),
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE INDEX incidents_agency ON incidents (agency_id, created_at);

-- Roles besides the head (and a deputy holding a delegation) that may take a
-- published clip down, as a JSON list.
ALTER TABLE agency_settings ADD COLUMN takedown_roles TEXT NOT NULL DEFAULT '[]';
