//! What the collector and the rollups write (new posts, raw snapshots, posts'
//! days and latest figures, channels' days, clip timings), and the queries that
//! schedule their fetches and record how each channel's went.

use super::{
    AVG_VIEW, CHUNK, COLS, ClipTiming, Counters, METRICS, Post, Snapshot, integral, values,
};
use crate::db::{DbResult, Tx, on_tx, sql};
use crate::domain::{ChannelId, ClipId, OrgId, PublicationId};

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
/// `col = source.col, …` for each column: an update's assignments from the
/// row source `source` (`excluded` in an upsert).
fn assign<'a>(cols: impl IntoIterator<Item = &'a &'a str>, source: &str) -> String {
    cols.into_iter()
        .map(|m| format!("{m} = {source}.{m}"))
        .collect::<Vec<_>>()
        .join(", ")
}

pub async fn add_post(tx: &mut Tx, p: &Post, day: i64, first_fetch_at: i64) -> DbResult<bool> {
    let sql = format!(
        "INSERT INTO post_metrics (publication_id, agency_id, channel_id, clip_id, platform,
            author_id, category, duration_s, published_at, local_dow, local_hour)
         VALUES {} ON CONFLICT (publication_id) DO NOTHING",
        values(tx.engine(), 1, 11)
    );
    let n = sql!(tx, execute sqlx::AssertSqlSafe(sql.clone()),
        p.publication_id, p.agency_id, p.channel_id, p.clip_id, &p.platform, p.author_id,
        &p.category, p.duration_s, p.published_at, p.local_dow, p.local_hour)?;
    if n == 0 {
        return Ok(false);
    }
    sql!(tx, execute
        "INSERT INTO channel_daily (channel_id, day, agency_id, posts) VALUES ($1, $2, $3, 1)
         ON CONFLICT (channel_id, day) DO UPDATE SET posts = channel_daily.posts + 1",
        p.channel_id, day, p.agency_id)?;
    sql!(tx, execute "UPDATE publications SET metrics_next_at = $1 WHERE id = $2",
        first_fetch_at, p.publication_id)?;
    Ok(true)
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
    if let Tx::Postgres(t, _) = tx {
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
    if let Tx::Postgres(t, _) = tx {
        let mut a = Arrays::default();
        let (mut ids, mut days) = (Vec::new(), Vec::new());
        for (p, d, c) in rows {
            ids.push(p.0);
            days.push(*d);
            a.push(c);
        }
        let set = assign(&METRICS, "excluded");
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
        let set = assign(&METRICS, "excluded");
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
    if let Tx::Postgres(t, _) = tx {
        // Every post here already has its row: only the figures change.
        let mut a = Arrays::default();
        let (mut ids, mut at, mut v48) = (Vec::new(), Vec::new(), Vec::new());
        for p in posts {
            ids.push(p.publication_id.0);
            at.push(p.taken_at);
            v48.push(p.views_48h);
            a.push(&p.latest);
        }
        let set = assign(METRICS.iter().chain(&["taken_at", "views_48h"]), "u");
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
        let set = assign(METRICS.iter().chain(&["taken_at", "views_48h"]), "excluded");
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
        sql!(tx, execute "UPDATE publications SET metrics_next_at = $1 WHERE id = $2", *at, *id)?;
    }
    Ok(())
}

/// Channels with posts whose figures are due and that are not backing off.
pub async fn due_channels(tx: &mut Tx, now: i64, limit: i64) -> DbResult<Vec<ChannelId>> {
    Ok(sql!(tx, scalar fetch_all
        "SELECT DISTINCT p.channel_id FROM publications p JOIN channels ch ON ch.id = p.channel_id
          WHERE p.metrics_next_at <= $1 AND ch.status = 'active'
            AND (ch.metrics_retry_at IS NULL OR ch.metrics_retry_at <= $1)
          LIMIT $2",
        now, limit)?)
}

/// The agency a channel belongs to (jobs know only the channel).
pub async fn channel_agency(tx: &mut Tx, id: ChannelId) -> DbResult<Option<OrgId>> {
    Ok(sql!(tx, scalar fetch_optional "SELECT agency_id FROM channels WHERE id = $1", id)?)
}

/// A channel's posts whose figures are due: `(publication, post id on the
/// platform, published at)`, oldest due first.
pub async fn due_posts(
    tx: &mut Tx,
    channel: ChannelId,
    now: i64,
    limit: i64,
) -> DbResult<Vec<(PublicationId, String, i64)>> {
    Ok(sql!(tx, fetch_all
        "SELECT id, external_id, published_at FROM publications
          WHERE channel_id = $1 AND metrics_next_at <= $2 AND external_id IS NOT NULL
            AND published_at IS NOT NULL
          ORDER BY metrics_next_at LIMIT $3",
        channel, now, limit)?)
}

/// Records how a channel's last metrics fetch went: `Ok` clears the failure
/// count; an error counts one more and sets when to try again. When figures
/// were last taken is not recorded here: the rollups know it (see
/// [`channel_health`](super::channel_health)), whoever wrote the figures.
pub async fn set_channel_health(
    tx: &mut Tx,
    channel: ChannelId,
    outcome: Result<(), (&str, i64)>,
) -> DbResult<()> {
    match outcome {
        Ok(()) => sql!(tx, execute
            "UPDATE channels SET metrics_failures = 0, metrics_error = NULL,
                    metrics_retry_at = NULL WHERE id = $1",
            channel)?,
        Err((why, retry_at)) => sql!(tx, execute
            "UPDATE channels SET metrics_failures = metrics_failures + 1, metrics_error = $1,
                    metrics_retry_at = $2 WHERE id = $3",
            why, retry_at, channel)?,
    };
    Ok(())
}

/// Deletes raw snapshots taken before `before` (rollups keep their figures).
pub async fn purge_snapshots(tx: &mut Tx, before: i64) -> DbResult<u64> {
    Ok(sql!(tx, execute "DELETE FROM metric_snapshots WHERE taken_at < $1", before)?)
}

/// Records a clip's timing once (its first publication).
pub async fn add_clip_timing(tx: &mut Tx, t: &ClipTiming) -> DbResult<()> {
    sql!(tx, execute
        "INSERT INTO clip_timings (clip_id, agency_id, author_id, category, duration_s,
            uploaded_at, submitted_at, approved_at, published_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (clip_id) DO NOTHING",
        t.clip_id, t.agency_id, t.author_id, &t.category, t.duration_s, t.uploaded_at,
        t.submitted_at, t.approved_at, t.published_at)?;
    Ok(())
}

/// When a clip was first submitted and last approved (audit trail), for
/// [`ClipTiming`].
pub async fn submit_and_approve_times(
    tx: &mut Tx,
    clip: ClipId,
) -> DbResult<(Option<i64>, Option<i64>)> {
    let id = clip.to_string();
    let submitted: Option<i64> = sql!(tx, scalar fetch_one
        "SELECT MIN(at) FROM audit_log WHERE object_type = 'clip' AND object_id = $1
            AND action = 'clip.submit'",
        &id)?;
    let approved: Option<i64> = sql!(tx, scalar fetch_one
        "SELECT MAX(created_at) FROM approvals WHERE clip_id = $1 AND voided_at IS NULL",
        clip)?;
    Ok((submitted, approved))
}
