//! Counting the outlet's viewing from its players' beacons, first-hand and
//! without tracking anyone.
//!
//! - No cookie, no stored address: a device is a keyed hash of its address
//!   and browser name with the day's random salt (the surveys' salt, deleted
//!   when the next day begins), kept only until the day is rolled up.
//! - A browser that asks not to be tracked (`DNT: 1`, `Sec-GPC: 1`) is not
//!   measured at all; its player sends nothing and what it sends is dropped.
//! - Robots are not counted: a robot's or a missing browser name, a page
//!   fetched without JavaScript (only the player's script sends beacons),
//!   and an address past its budget of beacons a minute.
//! - One device cannot count for more than a device can do: at most
//!   [`MAX_VIEWS_PER_DEVICE_DAY`] views of a post a day, at most
//!   [`MAX_WATCH_PER_BEACON_MS`] of watching per beacon, never more watching
//!   than its views × the clip's length, and only after a play.
//!
//! [`MAX_VIEWS_PER_DEVICE_DAY`]: crate::domain::outlet::MAX_VIEWS_PER_DEVICE_DAY
//! [`MAX_WATCH_PER_BEACON_MS`]: crate::domain::outlet::MAX_WATCH_PER_BEACON_MS

use crate::db::orgs::Org;
use crate::db::outlet::{self as odb, Seen};
use crate::domain::outlet::{
    Beacon, MAX_VIEWS_PER_DEVICE_DAY, classify_referrer, device_class, is_robot, parse_beacon,
    quarter,
};
use crate::error::Result;
use crate::service::surveys::respond::{Origin, day_hash, day_salt};
use crate::state::AppState;

const DAY_MS: i64 = 86_400_000;

/// The day (UTC) viewers are counted in.
pub fn today(st: &AppState) -> i64 {
    st.now().div_euclid(DAY_MS)
}

/// What became of a beacon.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Counted,
    /// Not counted, and no one needs to know why (a robot, a device asking
    /// not to be tracked, a post no longer shown, a device at its limit).
    Dropped,
    /// Not a beacon: malformed, too long or out of range.
    Malformed,
    /// The address sent more than its budget this minute.
    TooMany,
}

/// How a request came: its address and browser name (used for the budget
/// and the day's hash, then dropped) and whether it asks not to be tracked.
pub struct From<'a> {
    pub origin: Origin<'a>,
    pub no_tracking: bool,
}

/// Counts one beacon for the outlet of `agency`, whose public address is
/// `base`.
pub async fn record(
    st: &AppState,
    agency: &Org,
    base: &str,
    body: &[u8],
    from: &From<'_>,
) -> Result<Outcome> {
    let now = st.now();
    let budget = st.config.outlet_requests_per_minute as u32;
    if !st
        .surveys
        .spend_within(&format!("b:{}", from.origin.addr), 1, budget, now)
    {
        return Ok(Outcome::TooMany);
    }
    let Some(beacon) = parse_beacon(body) else {
        return Ok(Outcome::Malformed);
    };
    if from.no_tracking || is_robot(from.origin.user_agent) {
        return Ok(Outcome::Dropped);
    }
    let found = {
        let mut tx = st.db.read().await?;
        odb::measured(&mut tx, agency.id, beacon.token()).await?
    };
    let Some((publication, duration_ms)) = found else {
        return Ok(Outcome::Dropped);
    };
    let day = now.div_euclid(DAY_MS);
    let salt = day_salt(st, day).await?;
    let viewer = viewer_hash(&salt, &from.origin);
    let device = device_class(from.origin.user_agent);
    let own = [host_of(base), host_of(&st.config.public_base())];
    let own: Vec<&str> = own.iter().map(String::as_str).collect();
    let (referrer, site, watched_ms, reached) = match &beacon {
        Beacon::Play {
            referrer, embedded, ..
        } => {
            let (class, site) = classify_referrer(referrer, *embedded, &own);
            (class, site, 0, 0)
        }
        Beacon::Time {
            watched_ms, at_ms, ..
        } => (
            "",
            String::new(),
            *watched_ms,
            quarter(*at_ms, duration_ms.unwrap_or(0)),
        ),
    };
    let play = matches!(beacon, Beacon::Play { .. });
    let duration = duration_ms.unwrap_or(0);
    let counted = st
        .db
        .write_shared(move |tx| {
            let (viewer, site) = (viewer.clone(), site.clone());
            Box::pin(async move {
                let seen = Seen {
                    publication,
                    day,
                    viewer: &viewer,
                    views: 1,
                    watched_ms,
                    reached,
                    referrer,
                    site: &site,
                    device,
                };
                if play {
                    odb::add_view(tx, &seen, MAX_VIEWS_PER_DEVICE_DAY, now).await
                } else {
                    odb::add_watch(tx, &seen, duration, now).await
                }
            })
        })
        .await?;
    Ok(if counted {
        Outcome::Counted
    } else {
        Outcome::Dropped
    })
}

/// The authority of an address (`https://host:port/path` → `host:port`).
fn host_of(url: &str) -> String {
    url.split("://")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .unwrap_or("")
        .to_ascii_lowercase()
}

/// The device's hash for the day: meaningless once the day's salt is gone.
fn viewer_hash(salt: &str, from: &Origin<'_>) -> String {
    day_hash(salt, &format!("outlet\n{}\n{}", from.addr, from.user_agent))
}
