-- Incidents gain their workflow: a type (`kind`, where the takedowns'
-- `takedown` stays), a severity, a number per agency and year for the
-- printed report, the time the body must answer by, and the body's answer.
-- State: open → acknowledged ⇄ more_info → closed.
ALTER TABLE incidents ADD COLUMN severity TEXT NOT NULL DEFAULT 'medium';
ALTER TABLE incidents ADD COLUMN number BIGINT NOT NULL DEFAULT 0;
ALTER TABLE incidents ADD COLUMN due_at BIGINT;
ALTER TABLE incidents ADD COLUMN acknowledged_at BIGINT;
ALTER TABLE incidents ADD COLUMN closed_at BIGINT;
ALTER TABLE incidents ADD COLUMN conclusion TEXT NOT NULL DEFAULT '';
CREATE INDEX incidents_state ON incidents (state, due_at);

-- The clips and channels an incident is about (a takedown's clip stays in
-- incidents.clip_id as well).
CREATE TABLE incident_subjects (
    incident_id BIGINT NOT NULL REFERENCES incidents(id),
    clip_id     BIGINT REFERENCES clips(id),
    channel_id  BIGINT REFERENCES channels(id)
);
CREATE INDEX incident_subjects_incident ON incident_subjects (incident_id);

-- What was done, in order: opened, notes, the body's steps, the agency's
-- answers, attachments (stored as media objects under `incidents/`).
CREATE TABLE incident_events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    incident_id BIGINT NOT NULL REFERENCES incidents(id),
    kind        TEXT   NOT NULL,
    body        TEXT   NOT NULL,
    by_user     BIGINT REFERENCES users(id),
    file_key    TEXT,
    file_name   TEXT,
    file_type   TEXT,
    file_size   BIGINT,
    at          BIGINT NOT NULL
);
CREATE INDEX incident_events_incident ON incident_events (incident_id, id);

-- Campaigns of the coordinating body around a major event.
CREATE TABLE campaigns (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    body_id     BIGINT NOT NULL REFERENCES orgs(id),
    name        TEXT   NOT NULL,
    theme       TEXT   NOT NULL,
    brief       TEXT   NOT NULL,
    -- JSON list, without '#'.
    hashtags    TEXT   NOT NULL,
    starts_at   BIGINT NOT NULL,
    ends_at     BIGINT NOT NULL,
    created_by  BIGINT NOT NULL REFERENCES users(id),
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE INDEX campaigns_body ON campaigns (body_id, starts_at);

-- The agencies taking part, each with the clips expected of it.
CREATE TABLE campaign_agencies (
    campaign_id BIGINT NOT NULL REFERENCES campaigns(id),
    agency_id   BIGINT NOT NULL REFERENCES orgs(id),
    expected    BIGINT NOT NULL,
    reminded_at BIGINT,
    PRIMARY KEY (campaign_id, agency_id)
);
CREATE INDEX campaign_agencies_agency ON campaign_agencies (agency_id);

-- Reference material of a campaign's brief (documents, images, clips).
CREATE TABLE campaign_files (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    campaign_id BIGINT NOT NULL REFERENCES campaigns(id),
    file_key    TEXT   NOT NULL,
    file_name   TEXT   NOT NULL,
    file_type   TEXT   NOT NULL,
    file_size   BIGINT NOT NULL,
    created_at  BIGINT NOT NULL
);
CREATE INDEX campaign_files_campaign ON campaign_files (campaign_id);

-- A clip made for a campaign (part of what the head approves).
ALTER TABLE clips ADD COLUMN campaign_id BIGINT REFERENCES campaigns(id);
CREATE INDEX clips_campaign ON clips (campaign_id);
