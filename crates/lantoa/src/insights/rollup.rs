//! Keeps the rollups up to date as snapshots arrive.
//!
//! Platforms report lifetime counters. For each post the latest value of each
//! figure is kept; a new snapshot's increase over it is added to the
//! channel's day, and the post's day row takes the new value. So at any time
//! the channel days summed up to day D equal the posts' latest values known
//! at the end of D, whatever order the platform's corrections came in: a
//! counter that goes down (a platform removing fake plays) is stored as
//! reported and its day gains a negative amount. A figure missing from a
//! snapshot (a metric the platform dropped) changes nothing; one that first
//! appears counts in full on its day.
//!
//! Snapshots of a post must arrive in time order (the collector takes them in
//! order); one older than the post's latest is kept raw but left out of the
//! rollups.

use std::collections::{BTreeMap, HashMap};

use jiff::Timestamp;
use jiff::tz::TimeZone;

use crate::db::Tx;
use crate::db::insights::{self as idb, AVG_VIEW, Counters, Post, Snapshot, VIEWS};
use crate::domain::{ChannelId, OrgId, PublicationId};
use crate::error::Result;

/// After this long, a post's views count as its "first two days" figure.
pub const FIXED_AGE_MS: i64 = 48 * 3_600_000;

/// The day (days since 1970-01-01) an instant falls on in a time zone.
pub fn local_day(tz: &TimeZone, ms: i64) -> i64 {
    let off = i64::from(
        tz.to_offset(Timestamp::from_millisecond(ms).unwrap_or(Timestamp::UNIX_EPOCH))
            .seconds(),
    );
    (ms.div_euclid(1000) + off).div_euclid(86_400)
}

/// Weekday (0 = Monday) and hour of an instant in a time zone.
pub fn local_dow_hour(tz: &TimeZone, ms: i64) -> (i64, i64) {
    let z = Timestamp::from_millisecond(ms)
        .unwrap_or(Timestamp::UNIX_EPOCH)
        .to_zoned_datetime(tz.clone());
    (
        i64::from(z.weekday().to_monday_zero_offset()),
        i64::from(z.hour()),
    )
}

/// Agencies' time zones, loaded once each.
#[derive(Default)]
pub struct Zones(HashMap<OrgId, TimeZone>);

impl Zones {
    pub async fn get(&mut self, tx: &mut Tx, agency: OrgId) -> Result<TimeZone> {
        if let Some(z) = self.0.get(&agency) {
            return Ok(z.clone());
        }
        let name = crate::db::orgs::get(tx, agency)
            .await?
            .map(|o| o.time_zone)
            .unwrap_or_default();
        let z = TimeZone::get(&name).unwrap_or_else(|_| {
            TimeZone::get(crate::config::DEFAULT_TIME_ZONE).unwrap_or(TimeZone::UTC)
        });
        self.0.insert(agency, z.clone());
        Ok(z)
    }
}

/// What an ingest did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Ingested {
    /// Snapshots that moved the rollups.
    pub applied: usize,
    /// Older than the post's latest (kept raw only).
    pub stale: usize,
    /// For posts Lantoa does not know (dropped).
    pub unknown: usize,
}

/// Stores snapshots and brings every rollup up to date, in the caller's
/// transaction.
pub async fn ingest(tx: &mut Tx, zones: &mut Zones, mut snaps: Vec<Snapshot>) -> Result<Ingested> {
    snaps.sort_by_key(|s| (s.publication_id, s.taken_at));
    let mut ids: Vec<PublicationId> = snaps.iter().map(|s| s.publication_id).collect();
    ids.dedup();
    let mut posts: HashMap<PublicationId, Post> = idb::posts(tx, &ids)
        .await?
        .into_iter()
        .map(|p| (p.publication_id, p))
        .collect();
    let mut tzs = HashMap::new();
    let mut agencies: Vec<OrgId> = posts.values().map(|p| p.agency_id).collect();
    agencies.sort();
    agencies.dedup();
    for a in agencies {
        tzs.insert(a, zones.get(tx, a).await?);
    }

    let mut out = Ingested::default();
    let mut keep = Vec::with_capacity(snaps.len());
    let mut days: BTreeMap<(PublicationId, i64), Counters> = BTreeMap::new();
    let mut gains: BTreeMap<(ChannelId, i64), (OrgId, Counters)> = BTreeMap::new();
    let mut changed: Vec<PublicationId> = Vec::new();
    for s in snaps {
        let Some(p) = posts.get_mut(&s.publication_id) else {
            out.unknown += 1;
            continue;
        };
        if p.taken_at.is_some_and(|t| t >= s.taken_at) {
            out.stale += 1;
            keep.push(s);
            continue;
        }
        let day = local_day(&tzs[&p.agency_id], s.taken_at);
        let g = &mut gains
            .entry((p.channel_id, day))
            .or_insert((p.agency_id, [None; 8]))
            .1;
        apply(p, &s, g);
        days.insert((p.publication_id, day), p.latest);
        if changed.last() != Some(&p.publication_id) {
            changed.push(p.publication_id);
        }
        out.applied += 1;
        keep.push(s);
    }

    idb::insert_snapshots(tx, &keep).await?;
    let days: Vec<_> = days.into_iter().map(|((p, d), c)| (p, d, c)).collect();
    idb::put_post_days(tx, &days).await?;
    let gains: Vec<_> = gains
        .into_iter()
        .map(|((ch, d), (a, c))| (ch, d, a, c))
        .collect();
    idb::add_channel_days(tx, &gains).await?;
    let changed: Vec<&Post> = changed.iter().map(|id| &posts[id]).collect();
    idb::put_latest(tx, &changed).await?;
    Ok(out)
}

/// Applies one snapshot to a post's latest figures, adding what it gained
/// to `gained`.
fn apply(p: &mut Post, s: &Snapshot, gained: &mut Counters) {
    for (i, v) in s.c.iter().enumerate() {
        let Some(v) = *v else { continue };
        if i != AVG_VIEW {
            let d = v - p.latest[i].unwrap_or(0.0);
            gained[i] = Some(gained[i].unwrap_or(0.0) + d);
        }
        p.latest[i] = Some(v);
    }
    p.taken_at = Some(s.taken_at);
    if s.taken_at - p.published_at <= FIXED_AGE_MS
        && let Some(v) = s.c[VIEWS]
    {
        p.views_48h = Some(v.round() as i64);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_and_hours_follow_the_time_zone() {
        let hcm = TimeZone::get("Asia/Ho_Chi_Minh").unwrap();
        // 2026-11-26 18:30 UTC is 01:30 on the 27th in Hà Nội, a Friday.
        let ms = Timestamp::from_second(1_795_717_800)
            .unwrap()
            .as_millisecond();
        assert_eq!(local_day(&TimeZone::UTC, ms), 20_783);
        assert_eq!(local_day(&hcm, ms), 20_784);
        assert_eq!(local_dow_hour(&hcm, ms), (4, 1));
        assert_eq!(local_day(&TimeZone::UTC, -1), -1);
    }
}
