//! The posts of a period with their latest figures: what the dashboards'
//! published-post reports group, rank and take medians of; and the period
//! before, summed up in the database, as far as the reports compare with it.
//!
//! A province's year against the year before is over 100,000 posts. On
//! SQLite, sqlx's row-by-row path cost 5.8 µs a row, 620 ms for 106,000 rows
//! (`lantoa-bench insights`), where SQLite finds and sums them in 40 ms: they
//! are read in place through its C API ([`super::sqlite_rows`]), 140 ms.
//! On PostgreSQL the time is the server's: it finds a province's two years
//! (107,767 posts) in 29 ms, and spends the rest of about 170 ms sending 21
//! values a row (24.7 MB in binary; `psql` on the benchmark's database). A
//! binary `COPY` of the same rows gained under 10 %, and one row of 21
//! arrays (`array_agg` per column) was slower. So the period before is not
//! sent post by post: its sums come per channel, author and topic
//! ([`post_groups`], a few thousand rows for a province), and of each post
//! only the two figures its completion needs ([`completions`]).

use super::report::{POST, RawPost, RawSums, in_range};
use super::{Counters, Post, sqlite_rows};
use std::ffi::c_int;

use crate::db::{DbResult, Tx};
use crate::domain::{ChannelId, ClipId, OrgId, PublicationId, UserId};

/// The rows of `select` (then `tail`) for the posts of these agencies
/// published in `[from, to)`, in no order. On SQLite each row is read in
/// place ([`sqlite_rows`], `columns` wide) by `in_place`; on PostgreSQL it
/// comes through sqlx as `R`, turned by `from_row`.
async fn published_rows<R, T>(
    tx: &mut Tx,
    (select, tail): (&str, &str),
    (agencies, from, to): (&[OrgId], i64, i64),
    (columns, mut in_place): (c_int, impl FnMut(&sqlite_rows::Row<'_>) -> DbResult<T>),
    from_row: impl Fn(R) -> T,
) -> DbResult<Vec<T>>
where
    R: Send
        + Unpin
        + for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>
        + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>,
{
    if agencies.is_empty() {
        // No agency has no posts (and `IN ()` is not SQL on PostgreSQL).
        return Ok(Vec::new());
    }
    match tx {
        Tx::Sqlite(t, _) => {
            // The range's ends bound first, then the agencies.
            let list: Vec<String> = (3..3 + agencies.len()).map(|i| format!("?{i}")).collect();
            let sql = format!(
                "{select} WHERE agency_id IN ({}) AND published_at >= ?1 AND published_at < ?2{tail}",
                list.join(", ")
            );
            let mut params = vec![from, to];
            params.extend(agencies.iter().map(|a| a.0));
            let mut out = Vec::new();
            sqlite_rows::each_row(t, &sql, &params, columns, |r| {
                out.push(in_place(r)?);
                Ok(())
            })
            .await?;
            Ok(out)
        }
        Tx::Postgres(..) => {
            let rows: Vec<R> =
                in_range(tx, select, "published_at", agencies, from, to, tail).await?;
            Ok(rows.into_iter().map(from_row).collect())
        }
    }
}

/// The posts of these agencies published in `[from, to)`, in no order.
pub async fn posts_published(
    tx: &mut Tx,
    agencies: &[OrgId],
    from: i64,
    to: i64,
) -> DbResult<Vec<Post>> {
    let range = (agencies, from, to);
    published_rows(tx, (POST, ""), range, (21, post_of), |r: RawPost| {
        Post::from(r)
    })
    .await
}

/// A row of [`POST`] read in place (the columns in its order), turned into a
/// post as the row-by-row read turns it.
fn post_of(r: &sqlite_rows::Row<'_>) -> DbResult<Post> {
    let int = |i| r.i64(i).unwrap_or_default();
    Ok(Post::from(RawPost {
        publication_id: PublicationId(int(0)),
        agency_id: OrgId(int(1)),
        channel_id: ChannelId(int(2)),
        clip_id: ClipId(int(3)),
        platform: r.text(4)?,
        author_id: UserId(int(5)),
        category: r.text(6)?,
        duration_s: r.f64(7),
        published_at: int(8),
        local_dow: int(9),
        local_hour: int(10),
        taken_at: r.i64(11),
        views: r.i64(12),
        reach: r.i64(13),
        watch_time_s: r.f64(14),
        avg_view_s: r.f64(15),
        reactions: r.i64(16),
        comments: r.i64(17),
        shares: r.i64(18),
        followers_gained: r.i64(19),
        views_48h: r.i64(20),
    }))
}

/// Posts published in a period that share a channel, an author and a topic
/// (the channel gives the agency and the platform): every key a breakdown
/// groups by is one of these, so any breakdown adds these groups up.
#[derive(Debug, Clone, PartialEq)]
pub struct PostGroup {
    pub agency_id: OrgId,
    pub channel_id: ChannelId,
    pub platform: String,
    pub author_id: UserId,
    pub category: String,
    pub posts: i64,
    /// Sums of the posts' latest figures; `avg_view_s` is always `None`
    /// (not summable), and a figure no post gave stays `None`.
    pub sum: Counters,
}

#[derive(sqlx::FromRow)]
struct RawGroup {
    agency_id: OrgId,
    channel_id: ChannelId,
    platform: String,
    author_id: UserId,
    category: String,
    posts: i64,
    #[sqlx(flatten)]
    sum: RawSums,
}

/// The posts of these agencies published in `[from, to)`, summed up per
/// channel, author and topic, in no order.
pub async fn post_groups(
    tx: &mut Tx,
    agencies: &[OrgId],
    from: i64,
    to: i64,
) -> DbResult<Vec<PostGroup>> {
    // `SUM` of no value is NULL on both engines: a figure no post gave.
    const SEL: &str = "SELECT agency_id, channel_id, platform, author_id, category,
        COUNT(*) AS posts, CAST(SUM(views) AS BIGINT) AS views,
        CAST(SUM(reach) AS BIGINT) AS reach, SUM(watch_time_s) AS watch_time_s,
        CAST(SUM(reactions) AS BIGINT) AS reactions, CAST(SUM(comments) AS BIGINT) AS comments,
        CAST(SUM(shares) AS BIGINT) AS shares,
        CAST(SUM(followers_gained) AS BIGINT) AS followers_gained
        FROM post_metrics";
    const GROUP: &str = " GROUP BY agency_id, channel_id, platform, author_id, category";
    let rows: Vec<RawGroup> = in_range(tx, SEL, "published_at", agencies, from, to, GROUP).await?;
    Ok(rows
        .into_iter()
        .map(|r| PostGroup {
            sum: r.sum.counters(),
            agency_id: r.agency_id,
            channel_id: r.channel_id,
            platform: r.platform,
            author_id: r.author_id,
            category: r.category,
            posts: r.posts,
        })
        .collect())
}

/// (average view time, length) in seconds of each post of these agencies
/// published in `[from, to)` that has both, in no order: what a post's
/// completion is computed from.
pub async fn completions(
    tx: &mut Tx,
    agencies: &[OrgId],
    from: i64,
    to: i64,
) -> DbResult<Vec<(f64, f64)>> {
    const SEL: &str = "SELECT avg_view_s, duration_s FROM post_metrics";
    const BOTH: &str = " AND avg_view_s IS NOT NULL AND duration_s IS NOT NULL";
    // Both columns are non-NULL in every row (`BOTH`).
    let pair =
        |r: &sqlite_rows::Row<'_>| Ok((r.f64(0).unwrap_or_default(), r.f64(1).unwrap_or_default()));
    let range = (agencies, from, to);
    published_rows(tx, (SEL, BOTH), range, (2, pair), |r: (f64, f64)| r).await
}
