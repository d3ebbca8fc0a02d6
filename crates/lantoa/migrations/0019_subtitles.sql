-- Subtitles: tracks per clip version (Vietnamese first, other languages
-- allowed), covered by the approval digest; the agency's burn-in style and
-- reading-speed limits; how each channel receives them; burned renditions
-- kept so a resumed upload sends the same bytes.

-- One track: the cues of one language for one version, as JSON
-- (`[{start_ms, end_ms, text, draft?, confidence?}]`, sorted by start).
CREATE TABLE subtitle_tracks (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    version_id  BIGINT NOT NULL REFERENCES clip_versions(id),
    -- BCP-47 language tag: vi, en, or an ethnic-minority language's code.
    lang        TEXT   NOT NULL,
    cues        TEXT   NOT NULL,
    -- Where the cues came from last: 'hand', 'import' or 'machine'.
    origin      TEXT   NOT NULL,
    -- Bumped on every save: a save made on an older revision is refused.
    revision    BIGINT NOT NULL DEFAULT 1,
    updated_by  BIGINT REFERENCES users(id),
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    UNIQUE (version_id, lang)
);

-- The SHA-256 of the version's tracks in their canonical form (the approval
-- digest carries it); NULL while the version has none.
ALTER TABLE clip_versions ADD COLUMN subtitles_sha256 TEXT;

-- The agency's subtitle style (burned in) and reading limits.
CREATE TABLE subtitle_settings (
    agency_id      BIGINT PRIMARY KEY REFERENCES orgs(id),
    font           TEXT   NOT NULL,
    size_pct       BIGINT NOT NULL,
    boxed          BIGINT NOT NULL,
    position       TEXT   NOT NULL,
    max_cps        DOUBLE PRECISION NOT NULL,
    max_line_chars BIGINT NOT NULL,
    max_lines      BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL
);

-- How a channel receives a clip's subtitles: 'auto' (a caption track where
-- the platform takes one, else burned in), 'burn', 'track' or 'off'.
ALTER TABLE channels ADD COLUMN subtitles TEXT NOT NULL DEFAULT 'auto';

-- A rendition with a track burned in, made once per version, subtitles and
-- style, so every channel and every retry sends the same bytes.
CREATE TABLE subtitle_burns (
    version_id       BIGINT NOT NULL REFERENCES clip_versions(id),
    subtitles_sha256 TEXT   NOT NULL,
    style_sha256     TEXT   NOT NULL,
    object_key       TEXT   NOT NULL,
    size_bytes       BIGINT NOT NULL,
    sha256           TEXT   NOT NULL,
    created_at       BIGINT NOT NULL,
    PRIMARY KEY (version_id, subtitles_sha256, style_sha256)
);

-- The subtitle tracks an outlet post was published with (JSON
-- `[{lang, name, vtt}]`), served beside its player.
ALTER TABLE outlet_posts ADD COLUMN captions TEXT NOT NULL DEFAULT '[]';
