//! The questions an editor-in-chief asks, answered from the rollups only.
//!
//! A report covers a period of local days and compares it with the period of
//! the same length just before. "Wide" (output and reach over time) reads the
//! channel days: what every post gained on each day of the period. The other
//! reports look at the posts *published* in the period and their figures to
//! date (their latest snapshot), which is how editors judge a month's work.
//! A figure no post gave stays `None` ("không có"), never 0.
//!
//! Whose figures a report covers is a set of agencies decided once by the
//! caller (one agency; the agencies an overseer oversees) and passed into
//! every query: nothing outside the set is read, so no total can include it.

use std::collections::BTreeMap;

use jiff::civil::Date;
use jiff::tz::TimeZone;

use crate::db::insights::{self as idb, ChannelDay, ClipSteps, ClipTiming, Counters, Post};
use crate::db::{Db, DbResult, Tx};
use crate::domain::{ChannelId, ClipId, OrgId, UserId};
use crate::error::Result;

/// Local days `[from, to)` (days since 1970-01-01 in the viewer's zone).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Days {
    pub from: i64,
    pub to: i64,
}

impl Days {
    pub fn len(self) -> i64 {
        self.to - self.from
    }
    pub fn is_empty(self) -> bool {
        self.to <= self.from
    }
    /// The period of the same length just before.
    pub fn previous(self) -> Days {
        Days {
            from: self.from - self.len(),
            to: self.from,
        }
    }
    /// The instants `[start, end)` the days cover in a time zone.
    pub fn instants(self, tz: &TimeZone) -> (i64, i64) {
        (day_start(tz, self.from), day_start(tz, self.to))
    }
}

/// The calendar date of a local day number.
pub fn date_of(day: i64) -> Date {
    Date::new(1970, 1, 1)
        .ok()
        .and_then(|d| d.checked_add(jiff::Span::new().days(day)).ok())
        .unwrap_or_default()
}

/// The local day number of a date.
pub fn day_of(d: Date) -> i64 {
    Date::new(1970, 1, 1)
        .ok()
        .and_then(|e| e.until(d).ok())
        .map_or(0, |s| i64::from(s.get_days()))
}

/// The instant a local day starts.
pub fn day_start(tz: &TimeZone, day: i64) -> i64 {
    date_of(day)
        .to_zoned_datetime(tz.clone())
        .map_or(day * 86_400_000, |z| z.timestamp().as_millisecond())
}

/// Median of some values (`None` when there are none).
pub fn median(v: &mut [f64]) -> Option<f64> {
    percentile(v, 0.5)
}

/// The `q` quantile (0–1) by linear interpolation between closest ranks.
pub fn percentile(v: &mut [f64], q: f64) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(|a, b| a.total_cmp(b));
    let pos = q.clamp(0.0, 1.0) * (v.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = pos.ceil() as usize;
    Some(v[lo] + (v[hi] - v[lo]) * (pos - lo as f64))
}

/// A post's completion rate: average view time over its length, at most 1.
pub fn completion(p: &Post) -> Option<f64> {
    completion_of(p.latest[idb::AVG_VIEW], p.duration_s)
}

/// The completion rate of an average view time and a length (seconds).
fn completion_of(avg_view_s: Option<f64>, duration_s: Option<f64>) -> Option<f64> {
    match (avg_view_s, duration_s) {
        (Some(a), Some(d)) if d > 0.0 => Some((a / d).min(1.0)),
        _ => None,
    }
}

/// Reactions, comments and shares together (`None` if none is given).
pub fn engagement(c: &Counters) -> Option<f64> {
    let parts = [c[idb::REACTIONS], c[idb::COMMENTS], c[idb::SHARES]];
    parts
        .iter()
        .any(Option::is_some)
        .then(|| parts.iter().flatten().sum())
}

fn add(a: &mut Counters, b: &Counters) {
    for (x, y) in a.iter_mut().zip(b) {
        if let Some(y) = y {
            *x = Some(x.unwrap_or(0.0) + y);
        }
    }
}

// ---- Wide: output and reach over time --------------------------------------

/// Totals of a period.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Totals {
    pub posts: i64,
    /// Gained in the period, [`idb::METRICS`] order (no `avg_view_s`).
    pub gained: Counters,
}

/// Each channel's days in the period, and totals against the period before.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Wide {
    pub days: Days,
    /// Channel → one entry per day of the period (absent days: 0 posts, no gains).
    pub per_channel: BTreeMap<ChannelId, Vec<Totals>>,
    pub total: Totals,
    pub previous: Totals,
}

pub async fn wide(tx: &mut Tx, agencies: &[OrgId], days: Days) -> Result<Wide> {
    let prev = days.previous();
    let rows = idb::channel_days(tx, agencies, prev.from, days.to).await?;
    Ok(wide_of(&rows, days))
}

fn wide_of(rows: &[ChannelDay], days: Days) -> Wide {
    let mut w = Wide {
        days,
        ..Wide::default()
    };
    let n = days.len().max(0) as usize;
    for r in rows {
        let t = if r.day >= days.from {
            &mut w.total
        } else {
            &mut w.previous
        };
        t.posts += r.posts;
        add(&mut t.gained, &r.gained);
        if r.day >= days.from && r.day < days.to {
            let series = w
                .per_channel
                .entry(r.channel_id)
                .or_insert_with(|| vec![Totals::default(); n]);
            let slot = &mut series[(r.day - days.from) as usize];
            slot.posts += r.posts;
            add(&mut slot.gained, &r.gained);
        }
    }
    w
}

// ---- Fast: from upload to approval to publication ----------------------------

/// One step of a clip's way out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Upload to submission (preparing).
    Prepare,
    /// Submission to the last approval (review and approval).
    Approve,
    /// Approval to the first post (waiting to go out).
    Publish,
}

impl Step {
    pub const ALL: [Step; 3] = [Step::Prepare, Step::Approve, Step::Publish];
    pub fn code(self) -> &'static str {
        match self {
            Step::Prepare => "prepare",
            Step::Approve => "approve",
            Step::Publish => "publish",
        }
    }
    /// The step's duration for a clip, in milliseconds.
    pub fn of(self, t: &ClipTiming) -> Option<i64> {
        self.of_steps(&ClipSteps {
            clip_id: t.clip_id,
            uploaded_at: t.uploaded_at,
            submitted_at: t.submitted_at,
            approved_at: t.approved_at,
            published_at: t.published_at,
        })
    }
    /// The same from a clip's times alone.
    pub fn of_steps(self, t: &ClipSteps) -> Option<i64> {
        let (a, b) = match self {
            Step::Prepare => (Some(t.uploaded_at), t.submitted_at),
            Step::Approve => (t.submitted_at, t.approved_at),
            Step::Publish => (t.approved_at, Some(t.published_at)),
        };
        Some((b? - a?).max(0))
    }
}

/// Medians and 90th percentiles of each step and of the whole way, in hours.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StepStats {
    pub clips: usize,
    /// Per [`Step::ALL`], then the whole way: (median, p90) in hours.
    pub steps: [(Option<f64>, Option<f64>); 4],
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Speed {
    pub current: StepStats,
    pub previous: StepStats,
    /// The slowest clips of the period (whole way), with their slowest step.
    pub slowest: Vec<(ClipTiming, Step)>,
}

pub async fn speed(tx: &mut Tx, agencies: &[OrgId], days: Days, tz: &TimeZone) -> Result<Speed> {
    let (from, to) = days.instants(tz);
    let (pfrom, _) = days.previous().instants(tz);
    // The times only (five numbers a clip); the whole rows of the five
    // slowest afterwards.
    let rows = idb::clip_steps(tx, agencies, pfrom, to).await?;
    let (cur, prev): (Vec<_>, Vec<_>) = rows.into_iter().partition(|t| t.published_at >= from);
    let mut order: Vec<&ClipSteps> = cur.iter().collect();
    order.sort_by_key(|t| std::cmp::Reverse(t.published_at - t.uploaded_at));
    order.truncate(5);
    let ids: Vec<ClipId> = order.iter().map(|t| t.clip_id).collect();
    let slowest: Vec<(ClipTiming, Step)> = idb::clip_timings_of(tx, &ids)
        .await?
        .into_iter()
        .map(|t| {
            let s = Step::ALL
                .into_iter()
                .max_by_key(|s| s.of(&t).unwrap_or(-1))
                .unwrap_or(Step::Approve);
            (t, s)
        })
        .collect();
    Ok(Speed {
        current: step_stats(&cur),
        previous: step_stats(&prev),
        slowest,
    })
}

fn step_stats(rows: &[ClipSteps]) -> StepStats {
    let hours = |v: Vec<i64>| -> (Option<f64>, Option<f64>) {
        let mut h: Vec<f64> = v.into_iter().map(|x| x as f64 / 3_600_000.0).collect();
        (median(&mut h), percentile(&mut h, 0.9))
    };
    let mut out = StepStats {
        clips: rows.len(),
        ..StepStats::default()
    };
    for (i, s) in Step::ALL.into_iter().enumerate() {
        out.steps[i] = hours(rows.iter().filter_map(|t| s.of_steps(t)).collect());
    }
    out.steps[3] = hours(
        rows.iter()
            .map(|t| t.published_at - t.uploaded_at)
            .collect(),
    );
    out
}

// ---- Posts published in the period --------------------------------------------

/// The posts published in a period, and the period before as far as the
/// reports compare with it.
pub struct Published {
    pub current: Vec<Post>,
    pub previous: Before,
}

/// The posts published in the period before, summed up in the database: a
/// province's year is tens of thousands of posts, and the reports compare
/// only their sums per key and their median completion with this period.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Before {
    /// The posts' sums per channel, author and topic.
    pub groups: Vec<idb::PostGroup>,
    /// Each post's completion rate (the posts that have one).
    pub completions: Vec<f64>,
}

impl Before {
    /// How many posts the period before had.
    pub fn posts(&self) -> usize {
        self.groups
            .iter()
            .map(|g| usize::try_from(g.posts).unwrap_or_default())
            .sum()
    }
}

/// The posts published in the period, read in `tx`, and the period before,
/// read at the same time on a second connection of `db` when one is idle
/// (else after, in `tx`). On PostgreSQL each query is a backend's work, so a
/// province's year takes the time of the longer instead of both (the two
/// periods are disjoint; the second is read in its own snapshot).
pub async fn published(
    db: &Db,
    tx: &mut Tx,
    agencies: &[OrgId],
    days: Days,
    tz: &TimeZone,
) -> Result<Published> {
    let (from, to) = days.instants(tz);
    let (pfrom, _) = days.previous().instants(tz);
    let (current, previous) = match db.read_spare().await? {
        Some(mut spare) => tokio::try_join!(
            idb::posts_published(tx, agencies, from, to),
            before(&mut spare, agencies, pfrom, from),
        )?,
        None => (
            idb::posts_published(tx, agencies, from, to).await?,
            before(tx, agencies, pfrom, from).await?,
        ),
    };
    Ok(Published { current, previous })
}

async fn before(tx: &mut Tx, agencies: &[OrgId], from: i64, to: i64) -> DbResult<Before> {
    let groups = idb::post_groups(tx, agencies, from, to).await?;
    let completions = idb::completions(tx, agencies, from, to)
        .await?
        .into_iter()
        .filter_map(|(a, d)| completion_of(Some(a), Some(d)))
        .collect();
    Ok(Before {
        groups,
        completions,
    })
}

/// Posts summed up: how many, and the sums of their figures to date.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Sums {
    pub posts: usize,
    /// No `avg_view_s` (not summable).
    pub sum: Counters,
}

/// A group of posts summed up.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Group {
    pub posts: usize,
    /// Sums of the posts' figures to date (no `avg_view_s`).
    pub sum: Counters,
    pub median_views: Option<f64>,
    pub median_completion: Option<f64>,
}

fn group<'a>(posts: impl Iterator<Item = &'a Post>) -> Group {
    let mut g = Group::default();
    let mut views = Vec::new();
    let mut done = Vec::new();
    for p in posts {
        g.posts += 1;
        let mut c = p.latest;
        c[idb::AVG_VIEW] = None;
        add(&mut g.sum, &c);
        views.extend(p.latest[idb::VIEWS]);
        done.extend(completion(p));
    }
    g.median_views = median(&mut views);
    g.median_completion = median(&mut done);
    g
}

/// What posts are grouped by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum By {
    Category,
    Channel,
    /// Agency-internal only.
    Author,
    /// The overseer's view.
    Agency,
    Platform,
}

impl By {
    /// The key of a post, or of a group of posts, whose channel (which
    /// gives its agency and platform), author and topic are these.
    fn key(self, ch: (OrgId, ChannelId, &str), author: UserId, category: &str) -> String {
        match self {
            By::Category => category.to_string(),
            By::Channel => ch.1.to_string(),
            By::Author => author.to_string(),
            By::Agency => ch.0.to_string(),
            By::Platform => ch.2.to_string(),
        }
    }
}

/// Groups keyed by a string (category code, or an id as text): the period's
/// posts, and the same key's posts before (keys only the period before has
/// are not listed).
pub fn breakdown(p: &Published, by: By) -> Vec<(String, Group, Sums)> {
    // One pass over the posts (a dashboard may hold a hundred thousand).
    let mut by_key: BTreeMap<String, (Vec<&Post>, Sums)> = BTreeMap::new();
    for x in &p.current {
        let ch = (x.agency_id, x.channel_id, x.platform.as_str());
        let k = by.key(ch, x.author_id, &x.category);
        by_key.entry(k).or_default().0.push(x);
    }
    for g in &p.previous.groups {
        let ch = (g.agency_id, g.channel_id, g.platform.as_str());
        if let Some((_, before)) = by_key.get_mut(&by.key(ch, g.author_id, &g.category)) {
            before.posts += usize::try_from(g.posts).unwrap_or_default();
            add(&mut before.sum, &g.sum);
        }
    }
    let mut out: Vec<(String, Group, Sums)> = by_key
        .into_iter()
        .map(|(k, (cur, before))| (k, group(cur.into_iter()), before))
        .collect();
    out.sort_by(|a, b| {
        b.1.sum[idb::VIEWS]
            .unwrap_or(-1.0)
            .total_cmp(&a.1.sum[idb::VIEWS].unwrap_or(-1.0))
    });
    out
}

/// The median completion rate of the posts published in the period and in
/// the period before.
pub fn median_completions(p: &Published) -> (Option<f64>, Option<f64>) {
    let mut cur: Vec<f64> = p.current.iter().filter_map(completion).collect();
    let mut before = p.previous.completions.clone();
    (median(&mut cur), median(&mut before))
}

// ---- Short: length ---------------------------------------------------------------

/// Length buckets, upper bounds in seconds (the last is open), each with
/// the message that names it.
pub const BUCKETS: [(f64, &str); 6] = [
    (15.0, "length-to-15s"),
    (30.0, "length-15-30s"),
    (60.0, "length-30-60s"),
    (90.0, "length-60-90s"),
    (180.0, "length-90s-3min"),
    (f64::INFINITY, "length-over-3min"),
];

/// The bucket a length falls in.
pub fn bucket_of(duration_s: f64) -> usize {
    BUCKETS
        .iter()
        .position(|(max, _)| duration_s <= *max)
        .unwrap_or(BUCKETS.len() - 1)
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Length {
    /// Per [`BUCKETS`]: the posts of that length.
    pub buckets: Vec<Group>,
    /// (length s, completion 0–1) per post that has both.
    pub points: Vec<(f64, f64)>,
    /// Posts whose length is unknown.
    pub unknown: usize,
}

pub fn length(posts: &[Post]) -> Length {
    let mut out = Length {
        buckets: Vec::with_capacity(BUCKETS.len()),
        ..Length::default()
    };
    for (i, _) in BUCKETS.iter().enumerate() {
        out.buckets.push(group(
            posts
                .iter()
                .filter(|p| p.duration_s.is_some_and(|d| bucket_of(d) == i)),
        ));
    }
    out.unknown = posts.iter().filter(|p| p.duration_s.is_none()).count();
    out.points = posts
        .iter()
        .filter_map(|p| Some((p.duration_s?, completion(p)?)))
        .collect();
    out
}

// ---- Best time to post -------------------------------------------------------------

/// Posts a cell needs before it can be recommended.
pub const MIN_POSTS_PER_CELL: usize = 3;

#[derive(Debug, Clone, PartialEq)]
pub struct Heatmap {
    /// Median views in the first 48 hours, [weekday 0 = Monday][hour].
    pub cells: [[Option<f64>; 24]; 7],
    pub counts: [[usize; 24]; 7],
    /// The best cell with at least [`MIN_POSTS_PER_CELL`] posts.
    pub best: Option<(usize, usize)>,
    /// Posts behind the map (those with a 48-hour figure).
    pub posts: usize,
}

/// Weekday × hour of publication (agency time) against median 48-hour views.
pub fn heatmap<'a>(posts: impl Iterator<Item = &'a Post>) -> Heatmap {
    let mut values: Vec<Vec<Vec<f64>>> = vec![vec![Vec::new(); 24]; 7];
    let mut n = 0;
    for p in posts {
        if let Some(v) = p.views_48h {
            let (d, h) = (
                p.local_dow.clamp(0, 6) as usize,
                p.local_hour.clamp(0, 23) as usize,
            );
            values[d][h].push(v as f64);
            n += 1;
        }
    }
    let mut cells = [[None; 24]; 7];
    let mut counts = [[0; 24]; 7];
    let mut best: Option<((usize, usize), f64)> = None;
    for d in 0..7 {
        for h in 0..24 {
            counts[d][h] = values[d][h].len();
            cells[d][h] = median(&mut values[d][h]);
            if counts[d][h] >= MIN_POSTS_PER_CELL
                && let Some(m) = cells[d][h]
                && best.is_none_or(|(_, b)| m > b)
            {
                best = Some(((d, h), m));
            }
        }
    }
    Heatmap {
        cells,
        counts,
        best: best.map(|b| b.0),
        posts: n,
    }
}

// ---- Top and bottom clips ------------------------------------------------------------

/// A clip's posts of the period summed up.
#[derive(Debug, Clone, PartialEq)]
pub struct ClipRow {
    pub clip_id: ClipId,
    pub agency_id: OrgId,
    pub author_id: UserId,
    pub category: String,
    pub duration_s: Option<f64>,
    pub published_at: i64,
    pub channels: usize,
    pub sum: Counters,
}

/// The `n` clips with the most and the fewest views (clips whose views no
/// platform gives are left out of the ranking).
pub fn top_bottom(posts: &[Post], n: usize) -> (Vec<ClipRow>, Vec<ClipRow>) {
    let mut by_clip: BTreeMap<ClipId, ClipRow> = BTreeMap::new();
    for p in posts {
        let r = by_clip.entry(p.clip_id).or_insert_with(|| ClipRow {
            clip_id: p.clip_id,
            agency_id: p.agency_id,
            author_id: p.author_id,
            category: p.category.clone(),
            duration_s: p.duration_s,
            published_at: p.published_at,
            channels: 0,
            sum: [None; 8],
        });
        r.channels += 1;
        r.published_at = r.published_at.min(p.published_at);
        let mut c = p.latest;
        c[idb::AVG_VIEW] = None;
        add(&mut r.sum, &c);
    }
    let mut rows: Vec<ClipRow> = by_clip
        .into_values()
        .filter(|r| r.sum[idb::VIEWS].is_some())
        .collect();
    rows.sort_by(|a, b| {
        b.sum[idb::VIEWS]
            .unwrap_or(0.0)
            .total_cmp(&a.sum[idb::VIEWS].unwrap_or(0.0))
            .then(a.clip_id.cmp(&b.clip_id))
    });
    let top: Vec<ClipRow> = rows.iter().take(n).cloned().collect();
    let bottom: Vec<ClipRow> = rows
        .iter()
        .rev()
        .take(n.min(rows.len().saturating_sub(top.len())))
        .cloned()
        .collect();
    (top, bottom)
}

// ---- A clip's own curves ----------------------------------------------------------------

/// One channel's figures of a clip over time: (instant, figures).
#[derive(Debug, Clone, PartialEq)]
pub struct Curve {
    pub post: Post,
    pub points: Vec<(i64, Counters)>,
}

/// Each channel's curve since publication: the raw snapshots still kept,
/// preceded by end-of-day figures for days whose snapshots were purged.
pub async fn clip_curves(tx: &mut Tx, clip: ClipId, tz: &TimeZone) -> Result<Vec<Curve>> {
    let mut out = Vec::new();
    for post in idb::clip_posts(tx, clip).await? {
        let raw = idb::snapshots(tx, post.publication_id).await?;
        let first_raw = raw.first().map(|s| s.taken_at);
        let mut points: Vec<(i64, Counters)> = idb::post_days(tx, post.publication_id)
            .await?
            .into_iter()
            .map(|(d, c)| (day_start(tz, d + 1) - 1, c))
            .filter(|(t, _)| first_raw.is_none_or(|f| *t < f))
            .collect();
        points.extend(raw.into_iter().map(|s| (s.taken_at, s.c)));
        out.push(Curve { post, points });
    }
    Ok(out)
}

#[cfg(test)]
#[path = "report_tests.rs"]
mod tests;
