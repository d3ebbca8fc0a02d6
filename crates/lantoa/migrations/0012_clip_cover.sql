-- The clip's cover: the time (milliseconds into the current version) of the
-- frame a person chose, from the posters or the player. Part of what is
-- approved. NULL: the platforms pick their own.
ALTER TABLE clips ADD COLUMN cover_ms BIGINT;
