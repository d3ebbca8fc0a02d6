-- The platforms a new clip targets, as the agency chose them (a JSON list of
-- platform codes). NULL: every platform on which the agency has a connected
-- channel.
ALTER TABLE agency_settings ADD COLUMN default_platforms TEXT;
-- How long the publish window a new clip starts with lasts, in hours.
ALTER TABLE agency_settings ADD COLUMN window_hours BIGINT NOT NULL DEFAULT 48;

-- The time chosen for an approved clip inside its signed publish window
-- (publish_at..publish_until). Not part of the approval: moving it inside the
-- window needs no new signature. NULL: not scheduled.
ALTER TABLE clips ADD COLUMN scheduled_at BIGINT;
