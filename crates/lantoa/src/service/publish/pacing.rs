//! The platforms' limits a publication waits for: TikTok's inits a minute,
//! Facebook's reels a day per Page, the YouTube project's uploads a day
//! (reset at midnight Pacific time), counted in shared buckets.

use crate::db::publishing::{self as pdb, Channel};
use crate::jobs::JobError;
use crate::platforms::connector::Limit;
use crate::state::AppState;

/// Whether a limit leaves room now; if not, when it will.
pub(super) async fn pace(
    st: &AppState,
    ch: &Channel,
    limit: Limit,
) -> std::result::Result<Option<i64>, JobError> {
    let c = &st.config.platforms;
    let (bucket, window, max) = match limit {
        Limit::TikTokInit => (
            format!("tiktok-init:{}", ch.id),
            60_000,
            c.tiktok_inits_per_minute,
        ),
        Limit::FacebookReel => (
            format!("facebook-reel:{}", ch.external_id),
            86_400_000,
            c.facebook_reels_per_day,
        ),
        // The quota belongs to the install's Google project, not the channel.
        Limit::YouTubeUpload => (
            "youtube-upload".to_string(),
            86_400_000,
            c.youtube_uploads_per_day,
        ),
    };
    let now = st.now();
    // A turn of the write lock shared with the other jobs' small writes.
    let full_until = st
        .db
        .write_shared(move |tx| {
            let bucket = bucket.clone();
            Box::pin(async move {
                pdb::lock_bucket(tx, &bucket).await?;
                let full = pdb::rate_full_until(tx, &bucket, now - window, max.max(1)).await?;
                if full.is_none() {
                    pdb::rate_event(tx, &bucket, now).await?;
                }
                Ok(full)
            })
        })
        .await?;
    Ok(full_until.map(|oldest| oldest + window + 1))
}

/// YouTube's quotas reset at midnight Pacific time.
pub(super) fn next_pacific_midnight(now: i64) -> i64 {
    let zone = jiff::tz::TimeZone::get("America/Los_Angeles").unwrap_or(jiff::tz::TimeZone::UTC);
    jiff::Timestamp::from_millisecond(now)
        .ok()
        .map(|t| t.to_zoned_datetime(zone))
        .and_then(|z| z.tomorrow().ok())
        .and_then(|z| z.start_of_day().ok())
        .map(|z| z.timestamp().as_millisecond() + 60_000)
        .unwrap_or(now + 3_600_000)
}
