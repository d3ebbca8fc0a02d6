-- Editorial review and approval: what goes out with a clip, the clip's review
-- (comments, checklist ticks, approvals), delegations, agency review settings
-- and the in-app inbox.
ALTER TABLE clips ADD COLUMN caption_variants TEXT NOT NULL DEFAULT '{}';
ALTER TABLE clips ADD COLUMN hashtags TEXT NOT NULL DEFAULT '[]';
ALTER TABLE clips ADD COLUMN political BIGINT NOT NULL DEFAULT 0;
ALTER TABLE clips ADD COLUMN political_source TEXT NOT NULL DEFAULT '';
ALTER TABLE clips ADD COLUMN target_channels TEXT NOT NULL DEFAULT '[]';
ALTER TABLE clips ADD COLUMN publish_at BIGINT;
ALTER TABLE clips ADD COLUMN publish_until BIGINT;
ALTER TABLE clips ADD COLUMN revision BIGINT NOT NULL DEFAULT 1;
ALTER TABLE clips ADD COLUMN lock_user_id BIGINT;
ALTER TABLE clips ADD COLUMN lock_at BIGINT;
ALTER TABLE clips ADD COLUMN lint TEXT NOT NULL DEFAULT '[]';
CREATE INDEX clips_state ON clips (agency_id, state);
UPDATE clips SET political = 1, political_source = 'category'
 WHERE category IN ('leadership_message', 'official_event');

CREATE TABLE agency_settings (
    agency_id          BIGINT PRIMARY KEY REFERENCES orgs(id),
    tone_style         TEXT   NOT NULL,
    approval_ttl_hours BIGINT NOT NULL,
    approval_policy    TEXT   NOT NULL,
    checklist          TEXT   NOT NULL,
    official_names     TEXT   NOT NULL,
    watch_list         TEXT   NOT NULL,
    updated_at         BIGINT NOT NULL
);

CREATE TABLE clip_comments (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    clip_id     BIGINT NOT NULL REFERENCES clips(id),
    version_id  BIGINT NOT NULL REFERENCES clip_versions(id),
    parent_id   BIGINT REFERENCES clip_comments(id),
    author_id   BIGINT NOT NULL REFERENCES users(id),
    body        TEXT   NOT NULL,
    fps         DOUBLE PRECISION,
    start_frame BIGINT,
    end_frame   BIGINT,
    resolved_by BIGINT REFERENCES users(id),
    resolved_at BIGINT,
    created_at  BIGINT NOT NULL
);
CREATE INDEX clip_comments_clip ON clip_comments (clip_id, created_at);

CREATE TABLE checklist_ticks (
    clip_id    BIGINT NOT NULL REFERENCES clips(id),
    version_id BIGINT NOT NULL REFERENCES clip_versions(id),
    item       TEXT   NOT NULL,
    user_id    BIGINT NOT NULL REFERENCES users(id),
    at         BIGINT NOT NULL,
    PRIMARY KEY (clip_id, version_id, item)
);

CREATE TABLE delegations (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    agency_id  BIGINT NOT NULL REFERENCES orgs(id),
    from_user  BIGINT NOT NULL REFERENCES users(id),
    to_user    BIGINT NOT NULL REFERENCES users(id),
    starts_at  BIGINT NOT NULL,
    ends_at    BIGINT NOT NULL,
    note       TEXT   NOT NULL,
    revoked_at BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX delegations_to ON delegations (agency_id, to_user);

CREATE TABLE approvals (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    clip_id      BIGINT NOT NULL REFERENCES clips(id),
    version_id   BIGINT NOT NULL REFERENCES clip_versions(id),
    step         BIGINT NOT NULL,
    signer_id    BIGINT NOT NULL REFERENCES users(id),
    role         TEXT   NOT NULL,
    on_behalf_of BIGINT REFERENCES users(id),
    delegation_id BIGINT REFERENCES delegations(id),
    digest       TEXT   NOT NULL,
    content      TEXT   NOT NULL,
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    voided_at    BIGINT,
    void_reason  TEXT,
    used_at      BIGINT
);
CREATE INDEX approvals_clip ON approvals (clip_id, voided_at);
CREATE INDEX approvals_expiry ON approvals (voided_at, used_at, expires_at);

CREATE TABLE notifications (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id    BIGINT NOT NULL REFERENCES users(id),
    agency_id  BIGINT NOT NULL REFERENCES orgs(id),
    clip_id    BIGINT REFERENCES clips(id),
    kind       TEXT   NOT NULL,
    args       TEXT   NOT NULL,
    created_at BIGINT NOT NULL,
    read_at    BIGINT,
    emailed_at BIGINT
);
CREATE INDEX notifications_user ON notifications (user_id, read_at, id);
CREATE INDEX notifications_mail ON notifications (emailed_at, created_at);

CREATE INDEX audit_log_object ON audit_log (object_type, object_id);

-- Where a user wants notification e-mails (empty: none). Used only when the
-- server has an SMTP relay configured.
ALTER TABLE users ADD COLUMN email TEXT NOT NULL DEFAULT '';
