-- Audience surveys of an agency: the form (sections and questions, as JSON
-- the domain reads), its public address and its dates.
CREATE TABLE surveys (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    agency_id    BIGINT NOT NULL REFERENCES orgs(id),
    -- The unguessable part of the public address /s/{token}.
    token        TEXT   NOT NULL UNIQUE,
    title        TEXT   NOT NULL,
    intro        TEXT   NOT NULL,
    form         TEXT   NOT NULL,
    -- draft, open or closed
    state        TEXT   NOT NULL,
    opens_at     BIGINT,
    closes_at    BIGINT,
    target       BIGINT NOT NULL,
    created_by   BIGINT NOT NULL REFERENCES users(id),
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    published_at BIGINT,
    closed_at    BIGINT
);
CREATE INDEX surveys_agency ON surveys (agency_id, created_at);

-- One row per answer given. Nothing about who gave it: no account, no
-- address, no device; the time is cut to the hour.
CREATE TABLE survey_responses (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    survey_id  BIGINT NOT NULL REFERENCES surveys(id),
    hour       BIGINT NOT NULL,
    answers    TEXT   NOT NULL
);
CREATE INDEX survey_responses_survey ON survey_responses (survey_id, id);

-- "This device already answered today": a keyed hash of the address and the
-- browser's name with the day's secret salt. Both are deleted when the day
-- is over, so no hash can be recomputed or linked later.
CREATE TABLE survey_devices (
    survey_id BIGINT NOT NULL REFERENCES surveys(id),
    day       BIGINT NOT NULL,
    device    TEXT   NOT NULL,
    PRIMARY KEY (survey_id, day, device)
);
CREATE INDEX survey_devices_day ON survey_devices (day);

-- The day's random salt, shared by every web process; deleted with the day.
CREATE TABLE survey_salts (
    day  BIGINT PRIMARY KEY,
    salt TEXT   NOT NULL
);
