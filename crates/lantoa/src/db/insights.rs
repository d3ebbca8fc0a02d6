//! Metric snapshots and their rollups (see `migrations/0006_insights.sql`).
//!
//! Counters travel as [`Counters`]: the eight normalised figures in a fixed
//! order, `None` where the platform does not give one. Writes are multi-row
//! statements so that a batch of snapshots costs a handful of round trips.

use super::{DbResult, Engine, Tx, on_tx};
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

const POST: &str = "SELECT publication_id, agency_id, channel_id, clip_id, platform, author_id,
        category, duration_s, published_at, local_dow, local_hour, taken_at,
        views, reach, watch_time_s, avg_view_s, reactions, comments, shares, followers_gained,
        views_48h FROM post_metrics ";

#[derive(sqlx::FromRow)]
struct RawPost {
    publication_id: PublicationId,
    agency_id: OrgId,
    channel_id: ChannelId,
    clip_id: ClipId,
    platform: String,
    author_id: UserId,
    category: String,
    duration_s: Option<f64>,
    published_at: i64,
    local_dow: i64,
    local_hour: i64,
    taken_at: Option<i64>,
    views: Option<i64>,
    reach: Option<i64>,
    watch_time_s: Option<f64>,
    avg_view_s: Option<f64>,
    reactions: Option<i64>,
    comments: Option<i64>,
    shares: Option<i64>,
    followers_gained: Option<i64>,
    views_48h: Option<i64>,
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

/// Binds a figure with the column's type.
macro_rules! bind_counters {
    ($q:expr, $c:expr, $skip_avg:expr) => {{
        let mut q = $q;
        for (i, v) in $c.iter().enumerate() {
            if $skip_avg && i == AVG_VIEW {
                continue;
            }
            q = if integral(i) {
                q.bind(v.map(|x| x.round() as i64))
            } else {
                q.bind(*v)
            };
        }
        q
    }};
}

/// Registers a post that has just been published: its row in
/// `post_metrics`, one more post on its channel's day, and its first
/// metrics fetch at `first_fetch_at`.
pub async fn add_post(tx: &mut Tx, p: &Post, day: i64, first_fetch_at: i64) -> DbResult<bool> {
    let sql = format!(
        "INSERT INTO post_metrics (publication_id, agency_id, channel_id, clip_id, platform,
            author_id, category, duration_s, published_at, local_dow, local_hour)
         VALUES {} ON CONFLICT (publication_id) DO NOTHING",
        values(tx.engine(), 1, 11)
    );
    let n = on_tx!(tx, c => sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
        .bind(p.publication_id).bind(p.agency_id).bind(p.channel_id).bind(p.clip_id)
        .bind(&p.platform).bind(p.author_id).bind(&p.category).bind(p.duration_s)
        .bind(p.published_at).bind(p.local_dow).bind(p.local_hour)
        .execute(c).await.map(|r| r.rows_affected()))?;
    if n == 0 {
        return Ok(false);
    }
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO channel_daily (channel_id, day, agency_id, posts) VALUES ($1, $2, $3, 1)
         ON CONFLICT (channel_id, day) DO UPDATE SET posts = channel_daily.posts + 1")
        .bind(p.channel_id).bind(day).bind(p.agency_id)
        .execute(c).await.map(|r| r.rows_affected()))?;
    on_tx!(tx, c => sqlx::query("UPDATE publications SET metrics_next_at = $1 WHERE id = $2")
        .bind(first_fetch_at).bind(p.publication_id)
        .execute(c).await.map(|r| r.rows_affected()))?;
    Ok(true)
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

/// The posts of these agencies published in `[from, to)`.
pub async fn posts_published(
    tx: &mut Tx,
    agencies: &[OrgId],
    from: i64,
    to: i64,
) -> DbResult<Vec<Post>> {
    let rows: Vec<RawPost> = in_range(tx, POST, "published_at", agencies, from, to).await?;
    Ok(rows.into_iter().map(Post::from).collect())
}

/// The rows of `select` whose `col` lies in `[from, to)` and whose agency is
/// one of `agencies` (none: no rows). The set goes into the SQL itself, so a
/// report never reads, let alone sums, another agency's figures; each
/// agency's rows come through its `(agency_id, …)` index.
async fn in_range<R>(
    tx: &mut Tx,
    select: &str,
    col: &str,
    agencies: &[OrgId],
    from: i64,
    to: i64,
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
        "{select} WHERE agency_id IN {} AND {col} >= $1 AND {col} < $2",
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

/// Every post of a clip.
pub async fn clip_posts(tx: &mut Tx, clip: ClipId) -> DbResult<Vec<Post>> {
    let sql = format!("{POST} WHERE clip_id = $1 ORDER BY published_at");
    let rows: Vec<RawPost> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(clip).fetch_all(c).await)?;
    Ok(rows.into_iter().map(Post::from).collect())
}

/// Figures as PostgreSQL column arrays, one per figure, for `UNNEST`: a
/// batch costs one statement with nine parameters however many rows it has.
#[derive(Default)]
struct Arrays {
    ints: [Vec<Option<i64>>; 8],
    floats: [Vec<Option<f64>>; 8],
}

impl Arrays {
    fn push(&mut self, c: &Counters) {
        for (i, v) in c.iter().enumerate() {
            if integral(i) {
                self.ints[i].push(v.map(|x| x.round() as i64));
            } else {
                self.floats[i].push(*v);
            }
        }
    }

    /// `$n::int8[], …` for the figures, numbered from `first`.
    fn casts(first: usize) -> String {
        (0..8)
            .map(|i| {
                let t = if integral(i) { "int8" } else { "float8" };
                format!("${}::{t}[]", first + i)
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn bind<'q>(
        self,
        mut q: sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments>,
    ) -> sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments> {
        let Arrays { ints, floats } = self;
        for (i, (iv, fv)) in ints.into_iter().zip(floats).enumerate() {
            q = if integral(i) { q.bind(iv) } else { q.bind(fv) };
        }
        q
    }
}

/// Stores raw snapshots; one already stored for the same post and time is
/// left as it was.
pub async fn insert_snapshots(tx: &mut Tx, snaps: &[Snapshot]) -> DbResult<()> {
    if let Tx::Postgres(t) = tx {
        let mut a = Arrays::default();
        let (mut ids, mut at) = (Vec::new(), Vec::new());
        for x in snaps {
            ids.push(x.publication_id.0);
            at.push(x.taken_at);
            a.push(&x.c);
        }
        let sql = format!(
            "INSERT INTO metric_snapshots (publication_id, taken_at, {COLS})
             SELECT * FROM UNNEST($1::int8[], $2::int8[], {})
             ON CONFLICT (publication_id, taken_at) DO NOTHING",
            Arrays::casts(3)
        );
        let q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(ids).bind(at);
        a.bind(q).execute(&mut **t).await?;
        return Ok(());
    }
    for chunk in snaps.chunks(CHUNK) {
        let sql = format!(
            "INSERT INTO metric_snapshots (publication_id, taken_at, {COLS}) VALUES {}
             ON CONFLICT (publication_id, taken_at) DO NOTHING",
            values(tx.engine(), chunk.len(), 10)
        );
        on_tx!(tx, c => {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.clone()));
            for s in chunk {
                q = q.bind(s.publication_id).bind(s.taken_at);
                q = bind_counters!(q, s.c, false);
            }
            q.execute(c).await.map(|r| r.rows_affected())
        })?;
    }
    Ok(())
}

/// Sets the end-of-day figures of posts: `(post, day, figures)`.
pub async fn put_post_days(tx: &mut Tx, rows: &[(PublicationId, i64, Counters)]) -> DbResult<()> {
    if let Tx::Postgres(t) = tx {
        let mut a = Arrays::default();
        let (mut ids, mut days) = (Vec::new(), Vec::new());
        for (p, d, c) in rows {
            ids.push(p.0);
            days.push(*d);
            a.push(c);
        }
        let set = METRICS
            .iter()
            .map(|m| format!("{m} = excluded.{m}"))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "INSERT INTO post_daily (publication_id, day, {COLS})
             SELECT * FROM UNNEST($1::int8[], $2::int8[], {})
             ON CONFLICT (publication_id, day) DO UPDATE SET {set}",
            Arrays::casts(3)
        );
        let q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(ids).bind(days);
        a.bind(q).execute(&mut **t).await?;
        return Ok(());
    }
    for chunk in rows.chunks(CHUNK) {
        let set = METRICS
            .iter()
            .map(|m| format!("{m} = excluded.{m}"))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "INSERT INTO post_daily (publication_id, day, {COLS}) VALUES {}
             ON CONFLICT (publication_id, day) DO UPDATE SET {set}",
            values(tx.engine(), chunk.len(), 10)
        );
        on_tx!(tx, c => {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.clone()));
            for (p, d, v) in chunk {
                q = q.bind(*p).bind(*d);
                q = bind_counters!(q, v, false);
            }
            q.execute(c).await.map(|r| r.rows_affected())
        })?;
    }
    Ok(())
}

/// Adds what posts gained to their channels' days: `(channel, day, agency,
/// gains)`; a `None` gain leaves the figure as it was (absent stays absent).
pub async fn add_channel_days(
    tx: &mut Tx,
    rows: &[(ChannelId, i64, OrgId, Counters)],
) -> DbResult<()> {
    const SUMMED: [&str; 7] = [
        "views",
        "reach",
        "watch_time_s",
        "reactions",
        "comments",
        "shares",
        "followers_gained",
    ];
    for chunk in rows.chunks(CHUNK) {
        let set = SUMMED
            .iter()
            .map(|m| {
                format!(
                    "{m} = CASE WHEN excluded.{m} IS NULL THEN channel_daily.{m}
                      ELSE COALESCE(channel_daily.{m}, 0) + excluded.{m} END"
                )
            })
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "INSERT INTO channel_daily (channel_id, day, agency_id, {}) VALUES {}
             ON CONFLICT (channel_id, day) DO UPDATE SET {set}",
            SUMMED.join(", "),
            values(tx.engine(), chunk.len(), 10)
        );
        on_tx!(tx, c => {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.clone()));
            for (ch, d, a, v) in chunk {
                q = q.bind(*ch).bind(*d).bind(*a);
                q = bind_counters!(q, v, true);
            }
            q.execute(c).await.map(|r| r.rows_affected())
        })?;
    }
    Ok(())
}

/// Saves posts' latest figures (rows already in `post_metrics`).
pub async fn put_latest(tx: &mut Tx, posts: &[&Post]) -> DbResult<()> {
    if let Tx::Postgres(t) = tx {
        // Every post here already has its row: only the figures change.
        let mut a = Arrays::default();
        let (mut ids, mut at, mut v48) = (Vec::new(), Vec::new(), Vec::new());
        for p in posts {
            ids.push(p.publication_id.0);
            at.push(p.taken_at);
            v48.push(p.views_48h);
            a.push(&p.latest);
        }
        let set = METRICS
            .iter()
            .chain(&["taken_at", "views_48h"])
            .map(|m| format!("{m} = u.{m}"))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "UPDATE post_metrics SET {set}
               FROM UNNEST($1::int8[], $2::int8[], $3::int8[], {})
                    AS u(publication_id, taken_at, views_48h, {COLS})
              WHERE post_metrics.publication_id = u.publication_id",
            Arrays::casts(4)
        );
        let q = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(ids)
            .bind(at)
            .bind(v48);
        a.bind(q).execute(&mut **t).await?;
        return Ok(());
    }
    for chunk in posts.chunks(CHUNK / 2) {
        let set = METRICS
            .iter()
            .chain(&["taken_at", "views_48h"])
            .map(|m| format!("{m} = excluded.{m}"))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "INSERT INTO post_metrics (publication_id, agency_id, channel_id, clip_id, platform,
                author_id, category, duration_s, published_at, local_dow, local_hour, taken_at,
                {COLS}, views_48h) VALUES {}
             ON CONFLICT (publication_id) DO UPDATE SET {set}",
            values(tx.engine(), chunk.len(), 21)
        );
        on_tx!(tx, c => {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.clone()));
            for p in chunk {
                q = q.bind(p.publication_id).bind(p.agency_id).bind(p.channel_id)
                    .bind(p.clip_id).bind(&p.platform).bind(p.author_id).bind(&p.category)
                    .bind(p.duration_s).bind(p.published_at).bind(p.local_dow)
                    .bind(p.local_hour).bind(p.taken_at);
                q = bind_counters!(q, p.latest, false);
                q = q.bind(p.views_48h);
            }
            q.execute(c).await.map(|r| r.rows_affected())
        })?;
    }
    Ok(())
}

/// Sets when each post's figures are next fetched (`None`: never again).
pub async fn set_next(tx: &mut Tx, rows: &[(PublicationId, Option<i64>)]) -> DbResult<()> {
    for (id, at) in rows {
        on_tx!(tx, c => sqlx::query("UPDATE publications SET metrics_next_at = $1 WHERE id = $2")
            .bind(*at).bind(*id).execute(c).await.map(|r| r.rows_affected()))?;
    }
    Ok(())
}

/// Channels with posts whose figures are due and that are not backing off.
pub async fn due_channels(tx: &mut Tx, now: i64, limit: i64) -> DbResult<Vec<ChannelId>> {
    Ok(on_tx!(tx, c => sqlx::query_scalar(
        "SELECT DISTINCT p.channel_id FROM publications p JOIN channels ch ON ch.id = p.channel_id
          WHERE p.metrics_next_at <= $1 AND ch.status = 'active'
            AND (ch.metrics_retry_at IS NULL OR ch.metrics_retry_at <= $1)
          LIMIT $2")
        .bind(now).bind(limit).fetch_all(c).await)?)
}

/// The agency a channel belongs to (jobs know only the channel).
pub async fn channel_agency(tx: &mut Tx, id: ChannelId) -> DbResult<Option<OrgId>> {
    Ok(
        on_tx!(tx, c => sqlx::query_scalar("SELECT agency_id FROM channels WHERE id = $1")
        .bind(id).fetch_optional(c).await)?,
    )
}

/// A channel's posts whose figures are due: `(publication, post id on the
/// platform, published at)`, oldest due first.
pub async fn due_posts(
    tx: &mut Tx,
    channel: ChannelId,
    now: i64,
    limit: i64,
) -> DbResult<Vec<(PublicationId, String, i64)>> {
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT id, external_id, published_at FROM publications
          WHERE channel_id = $1 AND metrics_next_at <= $2 AND external_id IS NOT NULL
            AND published_at IS NOT NULL
          ORDER BY metrics_next_at LIMIT $3")
        .bind(channel).bind(now).bind(limit).fetch_all(c).await)?)
}

/// Records how a channel's last metrics fetch went: `Ok` clears the failure
/// count; an error counts one more and sets when to try again. When figures
/// were last taken is not recorded here: the rollups know it (see
/// [`channel_health`]), whoever wrote the figures.
pub async fn set_channel_health(
    tx: &mut Tx,
    channel: ChannelId,
    outcome: Result<(), (&str, i64)>,
) -> DbResult<()> {
    match outcome {
        Ok(()) => on_tx!(tx, c => sqlx::query(
            "UPDATE channels SET metrics_failures = 0, metrics_error = NULL,
                    metrics_retry_at = NULL WHERE id = $1")
            .bind(channel).execute(c).await.map(|r| r.rows_affected()))?,
        Err((why, retry_at)) => on_tx!(tx, c => sqlx::query(
            "UPDATE channels SET metrics_failures = metrics_failures + 1, metrics_error = $1,
                    metrics_retry_at = $2 WHERE id = $3")
            .bind(why).bind(retry_at).bind(channel).execute(c).await.map(|r| r.rows_affected()))?,
    };
    Ok(())
}

/// A channel's metrics health: (when its latest figures were taken, failures
/// in a row, last error, next try).
pub type Health = (Option<i64>, i64, Option<String>, Option<i64>);

/// The latest figures' time is read from the posts' rollups, the same rows
/// the insights pages show, so the channel's line cannot disagree with them
/// (figures written by the demo's history or by a benchmark count as well as
/// the collector's).
pub async fn channel_health(tx: &mut Tx, channel: ChannelId) -> DbResult<Option<Health>> {
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT (SELECT MAX(m.taken_at) FROM post_metrics m
                  WHERE m.agency_id = ch.agency_id AND m.channel_id = ch.id),
                ch.metrics_failures, ch.metrics_error, ch.metrics_retry_at
           FROM channels ch WHERE ch.id = $1")
        .bind(channel).fetch_optional(c).await)?)
}

/// Deletes raw snapshots taken before `before` (rollups keep their figures).
pub async fn purge_snapshots(tx: &mut Tx, before: i64) -> DbResult<u64> {
    Ok(
        on_tx!(tx, c => sqlx::query("DELETE FROM metric_snapshots WHERE taken_at < $1")
        .bind(before).execute(c).await.map(|r| r.rows_affected()))?,
    )
}

/// A post's raw snapshots, oldest first.
pub async fn snapshots(tx: &mut Tx, post: PublicationId) -> DbResult<Vec<Snapshot>> {
    let sql = format!(
        "SELECT taken_at AS k, {COLS} FROM metric_snapshots WHERE publication_id = $1 ORDER BY taken_at"
    );
    let rows: Vec<RawCounters> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(post).fetch_all(c).await)?;
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
    let rows: Vec<RawCounters> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(post).fetch_all(c).await)?;
    Ok(rows.into_iter().map(|r| (r.k, r.counters())).collect())
}

/// A channel's day: posts published and what its posts gained.
#[derive(Debug, Clone, PartialEq)]
pub struct ChannelDay {
    pub channel_id: ChannelId,
    pub agency_id: OrgId,
    pub day: i64,
    pub posts: i64,
    /// Gains in [`METRICS`] order; `avg_view_s` is always `None` (not summable).
    pub gained: Counters,
}

#[derive(sqlx::FromRow)]
struct RawChannelDay {
    channel_id: ChannelId,
    agency_id: OrgId,
    day: i64,
    posts: i64,
    views: Option<i64>,
    reach: Option<i64>,
    watch_time_s: Option<f64>,
    reactions: Option<i64>,
    comments: Option<i64>,
    shares: Option<i64>,
    followers_gained: Option<i64>,
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
    let rows: Vec<RawChannelDay> = in_range(tx, SEL, "day", agencies, from, to).await?;
    let f = |v: Option<i64>| v.map(|x| x as f64);
    Ok(rows
        .into_iter()
        .map(|r| ChannelDay {
            channel_id: r.channel_id,
            agency_id: r.agency_id,
            day: r.day,
            posts: r.posts,
            gained: [
                f(r.views),
                f(r.reach),
                r.watch_time_s,
                None,
                f(r.reactions),
                f(r.comments),
                f(r.shares),
                f(r.followers_gained),
            ],
        })
        .collect())
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
    let rows: Vec<RawChannelDay> = on_tx!(tx, c => sqlx::query_as(sql)
        .bind(agency).bind(start - 190 * DAY_MS).bind(start).bind(end).bind(offset_ms)
        .fetch_all(c).await)?;
    let f = |v: Option<i64>| v.map(|x| x as f64);
    Ok(rows
        .into_iter()
        .map(|r| ChannelDay {
            channel_id: r.channel_id,
            agency_id: r.agency_id,
            day: r.day,
            posts: r.posts,
            gained: [
                f(r.views),
                f(r.reach),
                r.watch_time_s,
                None,
                f(r.reactions),
                f(r.comments),
                f(r.shares),
                f(r.followers_gained),
            ],
        })
        .collect())
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

/// Records a clip's timing once (its first publication).
pub async fn add_clip_timing(tx: &mut Tx, t: &ClipTiming) -> DbResult<()> {
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO clip_timings (clip_id, agency_id, author_id, category, duration_s,
            uploaded_at, submitted_at, approved_at, published_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (clip_id) DO NOTHING")
        .bind(t.clip_id).bind(t.agency_id).bind(t.author_id).bind(&t.category).bind(t.duration_s)
        .bind(t.uploaded_at).bind(t.submitted_at).bind(t.approved_at).bind(t.published_at)
        .execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
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
    in_range(tx, SEL, "published_at", agencies, from, to).await
}

/// When a clip was first submitted and last approved (audit trail), for
/// [`ClipTiming`].
pub async fn submit_and_approve_times(
    tx: &mut Tx,
    clip: ClipId,
) -> DbResult<(Option<i64>, Option<i64>)> {
    let id = clip.to_string();
    let submitted: Option<i64> = on_tx!(tx, c => sqlx::query_scalar(
        "SELECT MIN(at) FROM audit_log WHERE object_type = 'clip' AND object_id = $1
            AND action = 'clip.submit'")
        .bind(&id).fetch_one(c).await)?;
    let approved: Option<i64> = on_tx!(tx, c => sqlx::query_scalar(
        "SELECT MAX(created_at) FROM approvals WHERE clip_id = $1 AND voided_at IS NULL")
        .bind(clip).fetch_one(c).await)?;
    Ok((submitted, approved))
}
