//! The posts of a period with their latest figures: what the dashboards'
//! published-post reports group, rank and take medians of.
//!
//! A province's year against the year before is over 100,000 posts. On
//! SQLite, sqlx's row-by-row path cost 5.8 µs a row, 620 ms for 106,000 rows
//! (`lantoa-bench insights`), where SQLite finds and sums them in 40 ms: they
//! are read in place through its C API ([`super::sqlite_rows`]), 140 ms.
//! On PostgreSQL the time is the server's: it finds a province's two years
//! (107,767 posts) in 29 ms, and spends the rest of about 170 ms sending 21
//! values a row (24.7 MB in binary; `psql` on the benchmark's database). The
//! rows come through sqlx: a binary `COPY` of the same rows was tried and
//! gained under 10 %, and one row of 21 arrays (`array_agg` per column) was
//! slower. What would help is sending less: the breakdowns' sums added up
//! in SQL, and per post only the figures the medians need.

use super::report::{POST, RawPost, in_range};
use super::{Post, sqlite_rows};
use crate::db::{DbResult, Tx};
use crate::domain::{ChannelId, ClipId, OrgId, PublicationId, UserId};

/// The posts of these agencies published in `[from, to)`, in no order.
pub async fn posts_published(
    tx: &mut Tx,
    agencies: &[OrgId],
    from: i64,
    to: i64,
) -> DbResult<Vec<Post>> {
    if agencies.is_empty() {
        // No agency has no posts (and `IN ()` is not SQL on PostgreSQL).
        return Ok(Vec::new());
    }
    match tx {
        Tx::Sqlite(t, _) => {
            let list: Vec<String> = (3..3 + agencies.len()).map(|i| format!("?{i}")).collect();
            let sql = format!(
                "{POST} WHERE agency_id IN ({}) AND published_at >= ?1 AND published_at < ?2",
                list.join(", ")
            );
            let mut params = vec![from, to];
            params.extend(agencies.iter().map(|a| a.0));
            let mut out = Vec::new();
            sqlite_rows::each_row(t, &sql, &params, 21, |r| {
                out.push(post_of(r)?);
                Ok(())
            })
            .await?;
            Ok(out)
        }
        Tx::Postgres(..) => {
            let rows: Vec<RawPost> = in_range(tx, POST, "published_at", agencies, from, to).await?;
            Ok(rows.into_iter().map(Post::from).collect())
        }
    }
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
