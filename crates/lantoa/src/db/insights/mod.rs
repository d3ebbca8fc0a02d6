//! Metric snapshots and their rollups (see `migrations/0006_insights.sql`).
//!
//! Counters travel as [`Counters`]: the eight normalised figures in a fixed
//! order, `None` where the platform does not give one. Writes are multi-row
//! statements so that a batch of snapshots costs a handful of round trips.

mod ingest;
mod published;
mod report;
mod sqlite_rows;

pub use ingest::{
    add_channel_days, add_clip_timing, add_post, channel_agency, due_channels, due_posts,
    insert_snapshots, purge_snapshots, put_latest, put_post_days, set_channel_health, set_next,
    submit_and_approve_times,
};
pub use published::{PostGroup, completions, post_groups, posts_published};
pub use report::{
    ChannelDay, ClipSteps, Health, campaign_posts, channel_days, channel_days_from_raw,
    channel_health, clip_posts, clip_steps, clip_timings, clip_timings_of, post_days, posts,
    snapshots,
};

use crate::db::Engine;
use crate::domain::{ChannelId, ClipId, OrgId, PublicationId, UserId};

/// The normalised figures, in [`Counters`] order.
pub const METRICS: [&str; 8] = [
    "views",
    "reach",
    "watch_time_s",
    "avg_view_s",
    "reactions",
    "comments",
    "shares",
    "followers_gained",
];
/// Index of each figure in [`Counters`].
pub const VIEWS: usize = 0;
pub const REACH: usize = 1;
pub const WATCH: usize = 2;
pub const AVG_VIEW: usize = 3;
pub const REACTIONS: usize = 4;
pub const COMMENTS: usize = 5;
pub const SHARES: usize = 6;
pub const FOLLOWERS: usize = 7;

/// Whether a figure is stored as a whole number (all but the two durations).
fn integral(i: usize) -> bool {
    i != WATCH && i != AVG_VIEW
}

/// A post's figures in [`METRICS`] order.
pub type Counters = [Option<f64>; 8];

const COLS: &str =
    "views, reach, watch_time_s, avg_view_s, reactions, comments, shares, followers_gained";

/// Rows are written this many at a time (bind parameters stay well under
/// SQLite's limit).
const CHUNK: usize = 1000;

/// One fetch of one post's figures.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    pub publication_id: PublicationId,
    pub taken_at: i64,
    pub c: Counters,
}

/// A published post as the rollups know it, with its latest figures.
#[derive(Debug, Clone, PartialEq)]
pub struct Post {
    pub publication_id: PublicationId,
    pub agency_id: OrgId,
    pub channel_id: ChannelId,
    pub clip_id: ClipId,
    pub platform: String,
    pub author_id: UserId,
    pub category: String,
    pub duration_s: Option<f64>,
    pub published_at: i64,
    /// Weekday (0 = Monday) and hour of publication in the agency's time zone.
    pub local_dow: i64,
    pub local_hour: i64,
    /// When the latest snapshot was taken (`None`: none yet).
    pub taken_at: Option<i64>,
    /// The latest value of each figure the platform ever gave.
    pub latest: Counters,
    /// Views at the last snapshot within 48 hours of publication: a figure
    /// of the same age for every post, so posting times can be compared.
    pub views_48h: Option<i64>,
}

/// Placeholders for `rows` rows of `width` values, bound in order.
///
/// SQLite gets anonymous `?`: for each numbered parameter sqlx asks SQLite
/// its name, which SQLite finds by a linear scan, so a statement with
/// thousands of `$n` spends its time binding (quadratic: 92% of a raw insert
/// of 1000-row chunks). PostgreSQL needs `$n`.
fn values(engine: Engine, rows: usize, width: usize) -> String {
    let mut s = String::with_capacity(rows * width * 5);
    for r in 0..rows {
        if r > 0 {
            s.push(',');
        }
        s.push('(');
        for c in 0..width {
            if c > 0 {
                s.push(',');
            }
            match engine {
                Engine::Sqlite => s.push('?'),
                Engine::Postgres => {
                    s.push('$');
                    s.push_str(&(r * width + c + 1).to_string());
                }
            }
        }
        s.push(')');
    }
    s
}

/// How fast a clip went out.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ClipTiming {
    pub clip_id: ClipId,
    pub agency_id: OrgId,
    pub author_id: UserId,
    pub category: String,
    pub duration_s: Option<f64>,
    pub uploaded_at: i64,
    pub submitted_at: Option<i64>,
    pub approved_at: Option<i64>,
    pub published_at: i64,
}
