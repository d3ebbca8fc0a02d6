-- Insights at a province's scale: the speed report reads only the times of
-- a clip's way out, and takes them from this index alone (SQLite and
-- PostgreSQL answer from the index without visiting the table's rows: a
-- year for a province is tens of thousands of clips). It leads with the same
-- columns as clip_timings_agency, which it replaces.
CREATE INDEX clip_timings_steps
    ON clip_timings (agency_id, published_at, uploaded_at, submitted_at, approved_at, clip_id);
DROP INDEX clip_timings_agency;
