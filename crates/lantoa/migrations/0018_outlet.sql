-- The agency's own outlet ("Trang riêng"): public pages, feeds and embeds of
-- the clips published to its outlet channel (a row of `channels` with the
-- platform code 'outlet'), measured first-hand, without cookies and without
-- keeping anyone's address.

-- What the agency's operator chose for its outlet.
CREATE TABLE outlet_settings (
    agency_id     BIGINT PRIMARY KEY REFERENCES orgs(id),
    enabled       BIGINT NOT NULL DEFAULT 0,
    -- The address the public reaches the outlet at (e.g. https://video.baotinh.vn);
    -- empty: Lantoa's own address under /v/{slug}.
    base_url      TEXT   NOT NULL DEFAULT '',
    show_authors  BIGINT NOT NULL DEFAULT 0,
    -- 0: pages ask search engines not to index them.
    indexable     BIGINT NOT NULL DEFAULT 1,
    -- The sites that may embed the player and the widget (origins, one per line).
    embed_origins TEXT   NOT NULL DEFAULT '',
    updated_at    BIGINT NOT NULL
);

-- One post on the outlet: what was approved and published, as the public sees
-- it. Shown only while its publication is published and not removed.
CREATE TABLE outlet_posts (
    publication_id BIGINT PRIMARY KEY REFERENCES publications(id),
    agency_id      BIGINT NOT NULL REFERENCES orgs(id),
    -- The post's public id (its address), never an internal id.
    token          TEXT   NOT NULL UNIQUE,
    title          TEXT   NOT NULL,
    caption        TEXT   NOT NULL,
    category       TEXT   NOT NULL,
    campaign_id    BIGINT,
    author         TEXT   NOT NULL,
    duration_ms    BIGINT,
    width          BIGINT,
    height         BIGINT,
    video_key      TEXT   NOT NULL,
    video_bytes    BIGINT NOT NULL,
    light_key      TEXT,
    light_bytes    BIGINT,
    poster_key     TEXT,
    published_at   BIGINT NOT NULL
);
CREATE INDEX outlet_posts_agency ON outlet_posts (agency_id, published_at);

-- Today's viewing per device: a keyed hash of its address and browser name
-- with the day's salt (the only trace of it); rolled into outlet_daily and
-- deleted once the day is over.
CREATE TABLE outlet_viewers (
    publication_id BIGINT NOT NULL,
    day            BIGINT NOT NULL,
    viewer         TEXT   NOT NULL,
    views          BIGINT NOT NULL,
    watched_ms     BIGINT NOT NULL,
    -- The furthest quarter reached (0–4).
    reached        BIGINT NOT NULL,
    -- embed, search, social, link or direct; and the site, when there is one.
    referrer       TEXT   NOT NULL,
    site           TEXT   NOT NULL,
    -- phone, tablet or desktop.
    device         TEXT   NOT NULL,
    updated_at     BIGINT NOT NULL,
    PRIMARY KEY (publication_id, day, viewer)
);
CREATE INDEX outlet_viewers_day ON outlet_viewers (day);

-- Finished days, by where viewers came from and on what.
CREATE TABLE outlet_daily (
    publication_id BIGINT NOT NULL,
    day            BIGINT NOT NULL,
    referrer       TEXT   NOT NULL,
    site           TEXT   NOT NULL,
    device         TEXT   NOT NULL,
    views          BIGINT NOT NULL,
    viewers        BIGINT NOT NULL,
    watched_ms     BIGINT NOT NULL,
    -- Viewers who reached a quarter, half, three quarters, the end.
    q1             BIGINT NOT NULL,
    q2             BIGINT NOT NULL,
    q3             BIGINT NOT NULL,
    q4             BIGINT NOT NULL,
    PRIMARY KEY (publication_id, day, referrer, site, device)
);
