-- Who may see a channel's posts, as a person chose it, in the platform's own
-- word (YouTube public|unlisted|private, a TikTok privacy_level). NULL: not
-- chosen yet (TikTok's rules forbid a default: a TikTok channel publishes
-- only once someone has chosen).
ALTER TABLE channels ADD COLUMN visibility TEXT;
-- YouTube's categoryId for each of Lantoa's topic categories (a JSON object);
-- NULL: the defaults.
ALTER TABLE channels ADD COLUMN categories TEXT;
-- The scopes the platform granted at connection, as it wrote them. NULL: the
-- channel was connected before they were kept.
ALTER TABLE channels ADD COLUMN scopes TEXT;
-- TikTok's creator info as last read (privacy options, longest post), JSON.
ALTER TABLE channels ADD COLUMN creator TEXT;
-- One token refresh per channel at a time, across processes: the holder's
-- random token and until when it holds.
ALTER TABLE channels ADD COLUMN refresh_lock TEXT;
ALTER TABLE channels ADD COLUMN refresh_lock_until BIGINT;

-- The visibility asked for this publication (the channel's, or the one a
-- person confirmed when publishing), and what the platform reported after
-- publishing: its word for the level, whether anyone may see the post, and
-- its reason when it made the post less visible than asked.
ALTER TABLE publications ADD COLUMN privacy TEXT;
ALTER TABLE publications ADD COLUMN visibility TEXT;
ALTER TABLE publications ADD COLUMN visible_to_all BOOLEAN;
ALTER TABLE publications ADD COLUMN visibility_reason TEXT;
