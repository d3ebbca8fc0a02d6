//! What the reports and pages read: posts with their latest figures, raw
//! snapshots, posts' and channels' days, clip timings and a channel's metrics
//! health. Every range query is confined to a set of agencies in the SQL itself.

use super::{CHUNK, COLS, ClipTiming, Counters, Post, Snapshot, values};
use crate::db::{DbResult, Tx, on_tx, sql};
use crate::domain::{ChannelId, ClipId, OrgId, PublicationId, UserId};

pub(super) const POST: &str =
    "SELECT publication_id, agency_id, channel_id, clip_id, platform, author_id,
        category, duration_s, published_at, local_dow, local_hour, taken_at,
        views, reach, watch_time_s, avg_view_s, reactions, comments, shares, followers_gained,
        views_48h FROM post_metrics ";

#[derive(sqlx::FromRow)]
pub(super) struct RawPost {
    pub(super) publication_id: PublicationId,
    pub(super) agency_id: OrgId,
    pub(super) channel_id: ChannelId,
    pub(super) clip_id: ClipId,
    pub(super) platform: String,
    pub(super) author_id: UserId,
    pub(super) category: String,
    pub(super) duration_s: Option<f64>,
    pub(super) published_at: i64,
    pub(super) local_dow: i64,
    pub(super) local_hour: i64,
    pub(super) taken_at: Option<i64>,
    pub(super) views: Option<i64>,
    pub(super) reach: Option<i64>,
    pub(super) watch_time_s: Option<f64>,
    pub(super) avg_view_s: Option<f64>,
    pub(super) reactions: Option<i64>,
    pub(super) comments: Option<i64>,
    pub(super) shares: Option<i64>,
    pub(super) followers_gained: Option<i64>,
    pub(super) views_48h: Option<i64>,
}

impl From<RawPost> for Post {
    fn from(r: RawPost) -> Post {
        let f = |v: Option<i64>| v.map(|x| x as f64);
        Post {
            publication_id: r.publication_id,
            agency_id: r.agency_id,
            channel_id: r.channel_id,
            clip_id: r.clip_id,
            platform: r.platform,
            author_id: r.author_id,
            category: r.category,
            duration_s: r.duration_s,
            published_at: r.published_at,
            local_dow: r.local_dow,
            local_hour: r.local_hour,
            taken_at: r.taken_at,
            latest: [
                f(r.views),
                f(r.reach),
                r.watch_time_s,
                r.avg_view_s,
                f(r.reactions),
                f(r.comments),
                f(r.shares),
                f(r.followers_gained),
            ],
            views_48h: r.views_48h,
        }
    }
}

/// The posts with these ids that have a `post_metrics` row.
pub async fn posts(tx: &mut Tx, ids: &[PublicationId]) -> DbResult<Vec<Post>> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(CHUNK) {
        let list = values(tx.engine(), 1, chunk.len());
        let sql = format!("{POST} WHERE publication_id IN {list}");
        let rows: Vec<RawPost> = on_tx!(tx, c => {
            let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()));
            for id in chunk {
                q = q.bind(*id);
            }
            q.fetch_all(c).await
        })?;
        out.extend(rows.into_iter().map(Post::from));
    }
    Ok(out)
}

/// The rows of `select` whose `col` lies in `[from, to)` and whose agency is
/// one of `agencies` (none: no rows), with `tail` (more conditions, a
/// `GROUP BY`) after that condition. The set goes into the SQL itself, so a
/// report never reads, let alone sums, another agency's figures; each
/// agency's rows come through its `(agency_id, …)` index.
pub(super) async fn in_range<R>(
    tx: &mut Tx,
    select: &str,
    col: &str,
    agencies: &[OrgId],
    from: i64,
    to: i64,
    tail: &str,
) -> DbResult<Vec<R>>
where
    R: Send
        + Unpin
        + for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>
        + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>,
{
    if agencies.is_empty() {
        // `IN ()` is not SQL on PostgreSQL; no agency has no rows.
        return Ok(Vec::new());
    }
    let sql = format!(
        "{select} WHERE agency_id IN {} AND {col} >= $1 AND {col} < $2{tail}",
        numbered(3, agencies.len())
    );
    Ok(on_tx!(tx, c => {
        let mut q = sqlx::query_as::<_, R>(sqlx::AssertSqlSafe(sql.clone())).bind(from).bind(to);
        for a in agencies {
            q = q.bind(*a);
        }
        q.fetch_all(c).await
    })?)
}

/// `($first, …)`: a list of `n` numbered placeholders, the same text for
/// both engines (an agency set is tens or hundreds of ids, far from the
/// binding cost that makes [`values`] use `?` on SQLite).
fn numbered(first: usize, n: usize) -> String {
    let list: Vec<String> = (first..first + n).map(|i| format!("${i}")).collect();
    format!("({})", list.join(", "))
}

/// Every post of the clips tagged to a campaign.
pub async fn campaign_posts(tx: &mut Tx, campaign: i64) -> DbResult<Vec<Post>> {
    let sql = format!(
        "{POST} WHERE clip_id IN (SELECT id FROM clips WHERE campaign_id = $1) ORDER BY published_at"
    );
    let rows: Vec<RawPost> = sql!(tx, fetch_all sqlx::AssertSqlSafe(sql.clone()), campaign)?;
    Ok(rows.into_iter().map(Post::from).collect())
}

/// Every post of a clip.
pub async fn clip_posts(tx: &mut Tx, clip: ClipId) -> DbResult<Vec<Post>> {
    let sql = format!("{POST} WHERE clip_id = $1 ORDER BY published_at");
    let rows: Vec<RawPost> = sql!(tx, fetch_all sqlx::AssertSqlSafe(sql.clone()), clip)?;
    Ok(rows.into_iter().map(Post::from).collect())
}

/// A channel's metrics health: (when its latest figures were taken, failures
/// in a row, last error, next try).
pub type Health = (Option<i64>, i64, Option<String>, Option<i64>);

/// The latest figures' time is read from the posts' rollups, the same rows
/// the insights pages show, so the channel's line cannot disagree with them
/// (figures written by the demo's history or by a benchmark count as well as
/// the collector's).
pub async fn channel_health(tx: &mut Tx, channel: ChannelId) -> DbResult<Option<Health>> {
    Ok(sql!(tx, fetch_optional
        "SELECT (SELECT MAX(m.taken_at) FROM post_metrics m
                  WHERE m.agency_id = ch.agency_id AND m.channel_id = ch.id),
                ch.metrics_failures, ch.metrics_error, ch.metrics_retry_at
           FROM channels ch WHERE ch.id = $1",
        channel)?)
}

/// A post's raw snapshots, oldest first.
pub async fn snapshots(tx: &mut Tx, post: PublicationId) -> DbResult<Vec<Snapshot>> {
    let sql = format!(
        "SELECT taken_at AS k, {COLS} FROM metric_snapshots WHERE publication_id = $1 ORDER BY taken_at"
    );
    let rows: Vec<RawCounters> = sql!(tx, fetch_all sqlx::AssertSqlSafe(sql.clone()), post)?;
    Ok(rows
        .into_iter()
        .map(|r| Snapshot {
            publication_id: post,
            taken_at: r.k,
            c: r.counters(),
        })
        .collect())
}

/// A post's end-of-day figures, by day.
pub async fn post_days(tx: &mut Tx, post: PublicationId) -> DbResult<Vec<(i64, Counters)>> {
    let sql =
        format!("SELECT day AS k, {COLS} FROM post_daily WHERE publication_id = $1 ORDER BY day");
    let rows: Vec<RawCounters> = sql!(tx, fetch_all sqlx::AssertSqlSafe(sql.clone()), post)?;
    Ok(rows.into_iter().map(|r| (r.k, r.counters())).collect())
}

/// A channel's day: posts published and what its posts gained.
#[derive(Debug, Clone, PartialEq)]
pub struct ChannelDay {
    pub channel_id: ChannelId,
    pub agency_id: OrgId,
    pub day: i64,
    pub posts: i64,
    /// Gains in [`METRICS`](super::METRICS) order; `avg_view_s` is always `None` (not summable).
    pub gained: Counters,
}

/// The figures that add up (all but `avg_view_s`), as columns of a row.
#[derive(sqlx::FromRow)]
pub(super) struct RawSums {
    views: Option<i64>,
    reach: Option<i64>,
    watch_time_s: Option<f64>,
    reactions: Option<i64>,
    comments: Option<i64>,
    shares: Option<i64>,
    followers_gained: Option<i64>,
}

impl RawSums {
    /// In [`Counters`] order, `avg_view_s` `None`.
    pub(super) fn counters(&self) -> Counters {
        let f = |v: Option<i64>| v.map(|x| x as f64);
        [
            f(self.views),
            f(self.reach),
            self.watch_time_s,
            None,
            f(self.reactions),
            f(self.comments),
            f(self.shares),
            f(self.followers_gained),
        ]
    }
}

#[derive(sqlx::FromRow)]
struct RawChannelDay {
    channel_id: ChannelId,
    agency_id: OrgId,
    day: i64,
    posts: i64,
    #[sqlx(flatten)]
    gained: RawSums,
}

impl From<RawChannelDay> for ChannelDay {
    fn from(r: RawChannelDay) -> ChannelDay {
        ChannelDay {
            channel_id: r.channel_id,
            agency_id: r.agency_id,
            day: r.day,
            posts: r.posts,
            gained: r.gained.counters(),
        }
    }
}

/// Channel days in `[from, to)` of these agencies.
pub async fn channel_days(
    tx: &mut Tx,
    agencies: &[OrgId],
    from: i64,
    to: i64,
) -> DbResult<Vec<ChannelDay>> {
    const SEL: &str = "SELECT channel_id, agency_id, day, posts, views, reach, watch_time_s,
        reactions, comments, shares, followers_gained FROM channel_daily ";
    let rows: Vec<RawChannelDay> = in_range(tx, SEL, "day", agencies, from, to, "").await?;
    Ok(rows.into_iter().map(ChannelDay::from).collect())
}

/// What each of an agency's channels gained per local day in `[from, to)`,
/// computed straight from the raw snapshots with one aggregate (each
/// snapshot's increase over the post's previous one), with no rollups: what
/// "wide" would cost without them. For `lantoa bench insights`' baseline:
/// `offset_ms` is the agency's UTC offset (a zone without daylight saving),
/// posts are those published up to 190 days before the period (the last
/// weekly fetch can come at 180 days plus a week), and `posts` is left at 0.
pub async fn channel_days_from_raw(
    tx: &mut Tx,
    agency: OrgId,
    from: i64,
    to: i64,
    offset_ms: i64,
) -> DbResult<Vec<ChannelDay>> {
    const DAY_MS: i64 = 86_400_000;
    let (start, end) = (from * DAY_MS - offset_ms, to * DAY_MS - offset_ms);
    let sql = "WITH s AS (
        SELECT m.channel_id, m.agency_id, ms.taken_at,
               ms.views - LAG(ms.views, 1, 0) OVER w AS views,
               ms.reach - LAG(ms.reach, 1, 0) OVER w AS reach,
               ms.watch_time_s - LAG(ms.watch_time_s, 1, 0.0) OVER w AS watch_time_s,
               ms.reactions - LAG(ms.reactions, 1, 0) OVER w AS reactions,
               ms.comments - LAG(ms.comments, 1, 0) OVER w AS comments,
               ms.shares - LAG(ms.shares, 1, 0) OVER w AS shares,
               ms.followers_gained - LAG(ms.followers_gained, 1, 0) OVER w AS followers_gained
          FROM metric_snapshots ms JOIN post_metrics m ON m.publication_id = ms.publication_id
         WHERE m.agency_id = $1 AND m.published_at >= $2 AND m.published_at < $4
           AND ms.taken_at < $4
        WINDOW w AS (PARTITION BY ms.publication_id ORDER BY ms.taken_at))
      SELECT channel_id, agency_id, (taken_at + $5) / 86400000 AS day, CAST(0 AS BIGINT) AS posts,
             CAST(SUM(views) AS BIGINT) AS views, CAST(SUM(reach) AS BIGINT) AS reach,
             SUM(watch_time_s) AS watch_time_s, CAST(SUM(reactions) AS BIGINT) AS reactions,
             CAST(SUM(comments) AS BIGINT) AS comments, CAST(SUM(shares) AS BIGINT) AS shares,
             CAST(SUM(followers_gained) AS BIGINT) AS followers_gained
        FROM s WHERE taken_at >= $3
       GROUP BY channel_id, agency_id, (taken_at + $5) / 86400000";
    let rows: Vec<RawChannelDay> = sql!(tx, fetch_all sql,
        agency, start - 190 * DAY_MS, start, end, offset_ms)?;
    Ok(rows.into_iter().map(ChannelDay::from).collect())
}

#[derive(sqlx::FromRow)]
struct RawCounters {
    k: i64,
    views: Option<i64>,
    reach: Option<i64>,
    watch_time_s: Option<f64>,
    avg_view_s: Option<f64>,
    reactions: Option<i64>,
    comments: Option<i64>,
    shares: Option<i64>,
    followers_gained: Option<i64>,
}

impl RawCounters {
    fn counters(&self) -> Counters {
        let f = |v: Option<i64>| v.map(|x| x as f64);
        [
            f(self.views),
            f(self.reach),
            self.watch_time_s,
            self.avg_view_s,
            f(self.reactions),
            f(self.comments),
            f(self.shares),
            f(self.followers_gained),
        ]
    }
}

/// Clips of these agencies first published in `[from, to)`.
pub async fn clip_timings(
    tx: &mut Tx,
    agencies: &[OrgId],
    from: i64,
    to: i64,
) -> DbResult<Vec<ClipTiming>> {
    const SEL: &str = "SELECT clip_id, agency_id, author_id, category, duration_s, uploaded_at,
        submitted_at, approved_at, published_at FROM clip_timings ";
    in_range(tx, SEL, "published_at", agencies, from, to, "").await
}

/// A clip's way out, the times only: what the speed report's medians need.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct ClipSteps {
    pub clip_id: ClipId,
    pub uploaded_at: i64,
    pub submitted_at: Option<i64>,
    pub approved_at: Option<i64>,
    pub published_at: i64,
}

/// [`clip_timings`] reduced to the times (five numbers a clip, read from the
/// covering index `clip_timings_steps`, no table row touched).
pub async fn clip_steps(
    tx: &mut Tx,
    agencies: &[OrgId],
    from: i64,
    to: i64,
) -> DbResult<Vec<ClipSteps>> {
    const SEL: &str =
        "SELECT clip_id, uploaded_at, submitted_at, approved_at, published_at FROM clip_timings ";
    in_range(tx, SEL, "published_at", agencies, from, to, "").await
}

/// The timings of these clips, in the order asked (absent ones left out).
pub async fn clip_timings_of(tx: &mut Tx, ids: &[ClipId]) -> DbResult<Vec<ClipTiming>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT clip_id, agency_id, author_id, category, duration_s, uploaded_at,
            submitted_at, approved_at, published_at FROM clip_timings WHERE clip_id IN {}",
        numbered(1, ids.len())
    );
    let rows: Vec<ClipTiming> = on_tx!(tx, c => {
        let mut q = sqlx::query_as::<_, ClipTiming>(sqlx::AssertSqlSafe(sql.clone()));
        for id in ids {
            q = q.bind(*id);
        }
        q.fetch_all(c).await
    })?;
    let mut by_id: std::collections::HashMap<ClipId, ClipTiming> =
        rows.into_iter().map(|t| (t.clip_id, t)).collect();
    Ok(ids.iter().filter_map(|id| by_id.remove(id)).collect())
}
