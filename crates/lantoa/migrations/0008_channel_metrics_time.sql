-- When a channel's figures were last taken is read from the rollups (the
-- latest snapshot of its posts in post_metrics), the rows the insights pages
-- show. The column below was set only by the collector, so figures written
-- any other way (the demo's history) sat beside "never fetched".
ALTER TABLE channels DROP COLUMN metrics_ok_at;
