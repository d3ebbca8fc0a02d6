-- Sharing across the network: an agency (or the body's overseer) offers an
-- approved clip to the body's agencies with terms; an agency takes it as a
-- clip of its own, linked to the source version (the same stored original),
-- and approves and publishes it itself.

-- An offer of one clip's version. What is taken is the content as approved
-- when it was offered (kept here: the source clip may be in a correction
-- since); a published correction of the source moves the offer on to it.
CREATE TABLE offers (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    body_id          BIGINT NOT NULL REFERENCES orgs(id),
    agency_id        BIGINT NOT NULL REFERENCES orgs(id),
    clip_id          BIGINT NOT NULL REFERENCES clips(id),
    version_id       BIGINT NOT NULL REFERENCES clip_versions(id),
    title            TEXT   NOT NULL,
    caption          TEXT   NOT NULL,
    caption_variants TEXT   NOT NULL,
    hashtags         TEXT   NOT NULL,
    category         TEXT   NOT NULL,
    political        BIGINT NOT NULL,
    campaign_id      BIGINT REFERENCES campaigns(id),
    -- Terms: the line every caption must carry, whether the takers may
    -- adapt the captions and cut the clip, and until when it may be taken.
    credit           TEXT   NOT NULL,
    may_adapt        BIGINT NOT NULL,
    may_cut          BIGINT NOT NULL,
    ends_at          BIGINT,
    -- 1: every agency of the body; 0: those in offer_agencies.
    to_all           BIGINT NOT NULL,
    -- Placed by the body's overseer, with a recommendation.
    by_body          BIGINT NOT NULL DEFAULT 0,
    recommendation   TEXT   NOT NULL DEFAULT '',
    offered_by       BIGINT NOT NULL REFERENCES users(id),
    withdrawn_at     BIGINT,
    withdrawn_by     BIGINT REFERENCES users(id),
    -- Title, caption and hashtags as search compares them (no tone marks).
    search_text      TEXT   NOT NULL,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL
);
CREATE INDEX offers_body ON offers (body_id, created_at);
CREATE INDEX offers_clip ON offers (clip_id);

CREATE TABLE offer_agencies (
    offer_id  BIGINT NOT NULL REFERENCES offers(id),
    agency_id BIGINT NOT NULL REFERENCES orgs(id),
    PRIMARY KEY (offer_id, agency_id)
);
CREATE INDEX offer_agencies_agency ON offer_agencies (agency_id);

-- A clip taken from another agency: the offer, the source clip and the
-- source version it was taken from; a corrected source version published
-- since and not yet taken; the source taken down (time).
ALTER TABLE clips ADD COLUMN offer_id BIGINT REFERENCES offers(id);
ALTER TABLE clips ADD COLUMN source_clip_id BIGINT REFERENCES clips(id);
ALTER TABLE clips ADD COLUMN source_version_id BIGINT REFERENCES clip_versions(id);
ALTER TABLE clips ADD COLUMN source_update_id BIGINT REFERENCES clip_versions(id);
ALTER TABLE clips ADD COLUMN source_down_at BIGINT;
CREATE INDEX clips_source ON clips (source_clip_id);

-- Take our copies down by ourselves when the source agency takes its clip down.
ALTER TABLE agency_settings ADD COLUMN follow_source_takedowns BIGINT NOT NULL DEFAULT 0;
