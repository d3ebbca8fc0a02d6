//! Fetching published posts' figures on a schedule that thins with age.
//!
//! When a post is published it is registered in the rollups and its first
//! fetch is due an hour later. Housekeeping queues one `metrics` job per
//! channel with posts due; the job asks the platform for up to
//! [`BATCH`] posts at once (the connectors batch ids as each API allows),
//! stores a snapshot of each and sets each post's next fetch:
//! hourly for two days, daily to 30 days, weekly to 180 days, then never.
//!
//! A failed fetch never fails the job: the channel backs off (5 minutes,
//! doubling, at most 6 hours) and shows the error on its health line; a
//! dead token marks the channel for reconnection like publishing does.

use serde_json::json;

use super::rollup::{self, Zones};
use crate::db::Tx;
use crate::db::clips::Clip;
use crate::db::insights::{self as idb, ClipTiming, Counters, Post, Snapshot};
use crate::db::publishing::{self as pdb, Publication};
use crate::domain::{ChannelId, PublicationId};
use crate::error::Result;
use crate::jobs::{Enqueue, JobCtx, JobError};
use crate::platforms::connector::{Connector, PostMetrics, platform_of};
use crate::platforms::with_connector;
use crate::platforms::{ErrorClass, Platform};
use crate::state::AppState;

pub const METRICS_JOB: &str = "metrics";

const HOUR: i64 = 3_600_000;
const DAY: i64 = 24 * HOUR;

/// Posts fetched by one job run.
pub const BATCH: i64 = 200;

/// When a post published at `published_at` is next fetched after a fetch at
/// `now`: hourly for two days, daily to 30 days, weekly to 180 days.
pub fn next_fetch(published_at: i64, now: i64) -> Option<i64> {
    let age = now - published_at;
    if age < 2 * DAY {
        Some(now + HOUR)
    } else if age < 30 * DAY {
        Some(now + DAY)
    } else if age < 180 * DAY {
        Some(now + 7 * DAY)
    } else {
        None
    }
}

/// How long a channel waits after `failures` failed fetches in a row.
pub fn backoff_ms(failures: i64) -> i64 {
    ((5 * 60_000i64) << failures.clamp(0, 12)).min(6 * HOUR)
}

/// The normalised figures of a platform's answer, in rollup order.
pub fn counters(m: &PostMetrics) -> Counters {
    let n = |v: Option<u64>| v.map(|x| x as f64);
    [
        n(m.views),
        n(m.reach),
        m.watch_time_s,
        m.avg_view_s,
        n(m.reactions),
        n(m.comments),
        n(m.shares),
        n(m.followers_gained),
    ]
}

/// What registering a post needs beyond the publication and its clip: read
/// before the publisher's write transaction, which then holds the write
/// lock only to write.
#[derive(Clone)]
pub struct Facts {
    platform: String,
    zone: jiff::tz::TimeZone,
    duration_s: Option<f64>,
    submitted_at: Option<i64>,
    approved_at: Option<i64>,
}

/// Reads the [`Facts`] for a post of `version` on a `platform` channel.
pub async fn facts(
    tx: &mut Tx,
    clip: &Clip,
    platform: &str,
    version: &crate::db::clips::Version,
) -> Result<Facts> {
    let zone = Zones::default().get(tx, clip.agency_id).await?;
    let duration_s = version
        .probe
        .as_deref()
        .and_then(|p| serde_json::from_str::<serde_json::Value>(p).ok())
        .and_then(|p| p["duration_s"].as_f64());
    let (submitted_at, approved_at) = idb::submit_and_approve_times(tx, clip.id).await?;
    Ok(Facts {
        platform: platform.to_string(),
        zone,
        duration_s,
        submitted_at,
        approved_at,
    })
}

/// Registers a publication that has just gone out: its row in the rollups,
/// its clip's timing (first post only) and its first fetch, in the
/// publisher's transaction.
pub async fn on_published(
    tx: &mut Tx,
    pb: &Publication,
    clip: &Clip,
    f: &Facts,
    now: i64,
) -> Result<()> {
    let (dow, hour) = rollup::local_dow_hour(&f.zone, now);
    let post = Post {
        publication_id: pb.id,
        agency_id: pb.agency_id,
        channel_id: pb.channel_id,
        clip_id: clip.id,
        platform: f.platform.clone(),
        author_id: clip.author_id,
        category: clip.category.clone(),
        duration_s: f.duration_s,
        published_at: now,
        local_dow: dow,
        local_hour: hour,
        taken_at: None,
        latest: [None; 8],
        views_48h: None,
    };
    idb::add_post(tx, &post, rollup::local_day(&f.zone, now), now + HOUR).await?;
    idb::add_clip_timing(
        tx,
        &ClipTiming {
            clip_id: clip.id,
            agency_id: clip.agency_id,
            author_id: clip.author_id,
            category: clip.category.clone(),
            duration_s: f.duration_s,
            uploaded_at: clip.created_at,
            submitted_at: f.submitted_at,
            approved_at: f.approved_at,
            published_at: now,
        },
    )
    .await?;
    Ok(())
}

/// Housekeeping: queues a fetch for every channel with posts due (one
/// pending job per channel). Returns how many were queued.
pub async fn queue_due(st: &AppState) -> Result<usize> {
    let now = st.now();
    let mut tx = st.db.write().await?;
    let due = idb::due_channels(&mut tx, now, 500).await?;
    let mut queued = 0;
    for ch in due {
        let (_, new) = crate::jobs::enqueue(
            &mut tx,
            METRICS_JOB,
            &json!({"channel": ch}),
            &Enqueue {
                priority: -1,
                max_attempts: 3,
                unique_key: Some(format!("metrics:{ch}")),
                ..Enqueue::default()
            },
            now,
        )
        .await?;
        queued += usize::from(new);
    }
    tx.commit().await?;
    Ok(queued)
}

/// Housekeeping: deletes raw snapshots past the retention setting.
pub async fn purge(st: &AppState) -> Result<u64> {
    let before = st.now() - st.config.metrics_retention_days * DAY;
    let mut tx = st.db.write().await?;
    let n = idb::purge_snapshots(&mut tx, before).await?;
    tx.commit().await?;
    Ok(n)
}

/// The `metrics` job: fetches one channel's due posts.
pub async fn run(ctx: JobCtx, payload: serde_json::Value) -> std::result::Result<(), JobError> {
    let id = ChannelId(
        payload["channel"]
            .as_i64()
            .ok_or_else(|| JobError::Permanent("no channel".into()))?,
    );
    fetch_channel(&ctx.st, id).await?;
    Ok(())
}

/// Fetches and stores the figures of a channel's due posts. Returns how many
/// snapshots were stored.
pub async fn fetch_channel(st: &AppState, id: ChannelId) -> Result<usize> {
    let now = st.now();
    let (ch, due) = {
        let mut tx = st.db.read().await?;
        let Some(agency) = idb::channel_agency(&mut tx, id).await? else {
            return Ok(0);
        };
        let Some(ch) = pdb::channel(&mut tx, agency, id).await? else {
            return Ok(0);
        };
        let due = idb::due_posts(&mut tx, id, now, BATCH).await?;
        (ch, due)
    };
    if due.is_empty() || ch.status != "active" {
        return Ok(0);
    }
    let got = if ch.platform == crate::domain::outlet::OUTLET {
        // The outlet's own figures, counted from its players' beacons.
        let ids: Vec<(PublicationId, String)> =
            due.iter().map(|(p, e, _)| (*p, e.clone())).collect();
        crate::service::outlet::metrics(st, &ids)
            .await
            .map_err(|e| crate::platforms::PlatformError {
                class: ErrorClass::Retry { after: None },
                status: None,
                code: "outlet".into(),
                message: e.to_string(),
            })
    } else {
        let Some(platform) = platform_of(&ch.platform) else {
            return Ok(0);
        };
        let ids: Vec<String> = due.iter().map(|(_, e, _)| e.clone()).collect();
        fetch(st, &ch, platform, &ids).await
    };
    let mut tx = st.db.write().await?;
    let stored = match got {
        Ok(list) => {
            let by_ext: std::collections::HashMap<&str, &PostMetrics> =
                list.iter().map(|(e, m)| (e.as_str(), m)).collect();
            let taken_at = st.now();
            let snaps: Vec<Snapshot> = due
                .iter()
                .filter_map(|(p, e, _)| {
                    by_ext.get(e.as_str()).map(|m| Snapshot {
                        publication_id: *p,
                        taken_at,
                        c: counters(m),
                    })
                })
                .collect();
            let n = snaps.len();
            rollup::ingest(&mut tx, &mut Zones::default(), snaps).await?;
            // A post the platform no longer lists (removed there) is asked
            // about again on schedule, like the others.
            let next: Vec<(PublicationId, Option<i64>)> = due
                .iter()
                .map(|(p, _, at)| (*p, next_fetch(*at, taken_at)))
                .collect();
            idb::set_next(&mut tx, &next).await?;
            idb::set_channel_health(&mut tx, id, Ok(())).await?;
            n
        }
        Err(e) => {
            let failures = idb::channel_health(&mut tx, id).await?.map_or(0, |h| h.1);
            tracing::warn!(channel = %id, error = %e, "metrics fetch failed");
            if e.class == ErrorClass::Reconnect {
                crate::service::channels::mark_needs_reconnect(&mut tx, &ch, &e.message, now)
                    .await?;
            }
            idb::set_channel_health(
                &mut tx,
                id,
                Err((&e.to_string(), now + backoff_ms(failures))),
            )
            .await?;
            0
        }
    };
    tx.commit().await?;
    Ok(stored)
}

async fn fetch(
    st: &AppState,
    ch: &pdb::Channel,
    platform: Platform,
    ids: &[String],
) -> std::result::Result<Vec<(String, PostMetrics)>, crate::platforms::PlatformError> {
    let cs = st.config.platforms.connectors();
    let token = crate::service::channels::access_token(st, ch, None).await?;
    with_connector!(cs, platform, c => c.metrics(&token, &ch.external_id, ids).await)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schedule_thins_with_age() {
        let t0 = 1_000 * DAY;
        assert_eq!(next_fetch(t0, t0 + HOUR), Some(t0 + 2 * HOUR));
        assert_eq!(next_fetch(t0, t0 + 2 * DAY), Some(t0 + 3 * DAY));
        assert_eq!(next_fetch(t0, t0 + 29 * DAY), Some(t0 + 30 * DAY));
        assert_eq!(next_fetch(t0, t0 + 30 * DAY), Some(t0 + 37 * DAY));
        assert_eq!(next_fetch(t0, t0 + 180 * DAY), None);
        assert_eq!(backoff_ms(0), 5 * 60_000);
        assert_eq!(backoff_ms(2), 20 * 60_000);
        assert_eq!(backoff_ms(40), 6 * HOUR);
    }
}
