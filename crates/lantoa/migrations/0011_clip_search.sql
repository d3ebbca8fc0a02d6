-- A clip's words as search compares them: title, caption, caption variants,
-- hashtags and comments, lowercased and without tone marks ("thai nguyen"
-- finds "Thái Nguyên"). Kept by the application on every save and comment;
-- filled for existing clips when this migration runs.
ALTER TABLE clips ADD COLUMN search_text TEXT NOT NULL DEFAULT '';
-- The title the same way, for sorting by title in the Vietnamese alphabet's
-- order whatever the database's collation (Đ with D, Ă and Â with A).
ALTER TABLE clips ADD COLUMN title_key TEXT NOT NULL DEFAULT '';
