-- Insights: metric snapshots of published posts and the rollups reports read.
--
-- Raw snapshots are kept for a configurable time; the rollups are maintained
-- incrementally as snapshots arrive, so no report scans raw snapshots:
--   post_metrics  one row per published post: what it is (channel, clip, topic,
--                 author, length, when it went out) and its latest counters;
--   post_daily    per post per local day: the counters at the end of that day;
--   channel_daily per channel per local day: posts published and what every
--                 post gained that day (sums of the day's increases).
-- A metric a platform does not give is NULL everywhere, never 0.
-- Days are counted in the agency's time zone (days since 1970-01-01 local).

ALTER TABLE publications ADD COLUMN metrics_next_at BIGINT;
CREATE INDEX publications_metrics_due ON publications (metrics_next_at);

ALTER TABLE channels ADD COLUMN metrics_ok_at BIGINT;
ALTER TABLE channels ADD COLUMN metrics_failures BIGINT NOT NULL DEFAULT 0;
ALTER TABLE channels ADD COLUMN metrics_error TEXT;
ALTER TABLE channels ADD COLUMN metrics_retry_at BIGINT;

CREATE TABLE metric_snapshots (
    publication_id   BIGINT NOT NULL,
    taken_at         BIGINT NOT NULL,
    views            BIGINT,
    reach            BIGINT,
    watch_time_s     DOUBLE PRECISION,
    avg_view_s       DOUBLE PRECISION,
    reactions        BIGINT,
    comments         BIGINT,
    shares           BIGINT,
    followers_gained BIGINT,
    PRIMARY KEY (publication_id, taken_at)
);
CREATE INDEX metric_snapshots_taken ON metric_snapshots (taken_at);

CREATE TABLE post_metrics (
    publication_id   BIGINT PRIMARY KEY,
    agency_id        BIGINT NOT NULL,
    channel_id       BIGINT NOT NULL,
    clip_id          BIGINT NOT NULL,
    platform         TEXT   NOT NULL,
    author_id        BIGINT NOT NULL,
    category         TEXT   NOT NULL,
    duration_s       DOUBLE PRECISION,
    published_at     BIGINT NOT NULL,
    local_dow        BIGINT NOT NULL,
    local_hour       BIGINT NOT NULL,
    taken_at         BIGINT,
    views            BIGINT,
    reach            BIGINT,
    watch_time_s     DOUBLE PRECISION,
    avg_view_s       DOUBLE PRECISION,
    reactions        BIGINT,
    comments         BIGINT,
    shares           BIGINT,
    followers_gained BIGINT,
    views_48h        BIGINT
);
CREATE INDEX post_metrics_agency ON post_metrics (agency_id, published_at);
CREATE INDEX post_metrics_published ON post_metrics (published_at);
CREATE INDEX post_metrics_clip ON post_metrics (clip_id);

CREATE TABLE post_daily (
    publication_id   BIGINT NOT NULL,
    day              BIGINT NOT NULL,
    views            BIGINT,
    reach            BIGINT,
    watch_time_s     DOUBLE PRECISION,
    avg_view_s       DOUBLE PRECISION,
    reactions        BIGINT,
    comments         BIGINT,
    shares           BIGINT,
    followers_gained BIGINT,
    PRIMARY KEY (publication_id, day)
);

CREATE TABLE channel_daily (
    channel_id       BIGINT NOT NULL,
    day              BIGINT NOT NULL,
    agency_id        BIGINT NOT NULL,
    posts            BIGINT NOT NULL DEFAULT 0,
    views            BIGINT,
    reach            BIGINT,
    watch_time_s     DOUBLE PRECISION,
    reactions        BIGINT,
    comments         BIGINT,
    shares           BIGINT,
    followers_gained BIGINT,
    PRIMARY KEY (channel_id, day)
);
CREATE INDEX channel_daily_agency ON channel_daily (agency_id, day);
CREATE INDEX channel_daily_day ON channel_daily (day);

-- How fast each clip went out: one row per clip, written when its first post
-- is published.
CREATE TABLE clip_timings (
    clip_id      BIGINT PRIMARY KEY,
    agency_id    BIGINT NOT NULL,
    author_id    BIGINT NOT NULL,
    category     TEXT   NOT NULL,
    duration_s   DOUBLE PRECISION,
    uploaded_at  BIGINT NOT NULL,
    submitted_at BIGINT,
    approved_at  BIGINT,
    published_at BIGINT NOT NULL
);
CREATE INDEX clip_timings_agency ON clip_timings (agency_id, published_at);
CREATE INDEX clip_timings_published ON clip_timings (published_at);
