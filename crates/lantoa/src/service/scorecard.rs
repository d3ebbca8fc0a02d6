//! The province scorecard: for one month, each agency of the body beside the
//! province median — clips published, the median time from upload to the
//! first post, posts within their platform's length, clips signed by the head
//! (or K/T), corrections and incidents, campaign coverage, reach and
//! completion, survey answers — and the clips published over the months
//! before.

use jiff::civil::Date;
use jiff::tz::TimeZone;

use crate::db::campaigns as cdb;
use crate::db::orgs::{self, Org};
use crate::db::{Tx, scorecard as sdb};
use crate::domain::Invalid;
use crate::error::Result;
use crate::insights::report::{completion, median};
use crate::media::specs;
use crate::platforms::Platform;
use crate::state::AppState;

/// Months the trend looks back over, the month shown included.
pub const TREND_MONTHS: i32 = 6;

/// One agency's month (or the province median of each figure).
#[derive(Debug, Clone, Default, serde::Serialize, utoipa::ToSchema)]
pub struct Line {
    pub agency_id: i64,
    pub agency: String,
    /// Clips that first went out in the month.
    pub published: f64,
    /// Median hours from upload to the first post.
    pub median_hours: Option<f64>,
    /// Share (0–1) of posts whose length the platform accepts.
    pub within_length: Option<f64>,
    /// Share (0–1) of the published clips signed by the head (or K/T).
    pub head_signed: Option<f64>,
    pub corrections: f64,
    pub incidents: f64,
    /// Share (0–1) of the clips expected by the campaigns running in the
    /// month that the agency has published (each campaign capped at 100 %).
    pub campaign_coverage: Option<f64>,
    pub reach: Option<f64>,
    /// Median completion (0–1) of the month's posts.
    pub completion: Option<f64>,
    pub survey_answers: f64,
}

/// The scorecard of one month.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Scorecard {
    /// `YYYY-MM`.
    pub month: String,
    pub lines: Vec<Line>,
    /// Each figure's median over the agencies that have it.
    pub median: Line,
    /// (`YYYY-MM`, clips published per agency in `lines` order), oldest first.
    pub trend: Vec<(String, Vec<f64>)>,
}

/// The month asked for (`YYYY-MM`), or the current one in the zone.
pub fn month_of(asked: Option<&str>, now: i64, tz: &str) -> Result<Date> {
    match asked.map(str::trim).filter(|s| !s.is_empty()) {
        Some(m) => Ok(format!("{m}-01")
            .parse::<Date>()
            .map_err(|_| Invalid::new("month", "insights-bad-month"))?),
        None => Ok(crate::clock::local_date(now, tz).first_of_month()),
    }
}

/// The UTC instants a month begins and ends in the zone.
fn bounds(first: Date, tz: &TimeZone) -> (i64, i64) {
    let at = |d: Date| {
        d.to_zoned_datetime(tz.clone())
            .map_or(0, |z| z.timestamp().as_millisecond())
    };
    let next = first
        .checked_add(jiff::Span::new().months(1))
        .unwrap_or(first);
    (at(first), at(next))
}

/// Whether a post's length is one its platform takes (no known length or no
/// rule: not counted).
fn within(platform: &str, duration_s: f64) -> Option<bool> {
    let id = Platform::parse(platform)?.spec_id();
    let spec = specs::builtin().iter().find(|s| s.id == id)?;
    let (lo, hi) = (spec.accepts.min_duration_s, spec.accepts.max_duration_s);
    Some(lo.is_none_or(|l| duration_s >= l) && hi.is_none_or(|h| duration_s <= h))
}

/// A campaign running in the month: who takes part, expecting how many
/// clips, and how many each has published (read once for every agency).
struct Running {
    expected: Vec<(crate::domain::OrgId, i64)>,
    published: Vec<(crate::domain::OrgId, i64)>,
}

async fn running(
    tx: &mut Tx,
    campaigns: &[cdb::Campaign],
    (from, to): (i64, i64),
) -> Result<Vec<Running>> {
    let mut out = Vec::new();
    for c in campaigns
        .iter()
        .filter(|c| c.starts_at < to && from < c.ends_at)
    {
        out.push(Running {
            expected: cdb::agencies(tx, c.id)
                .await?
                .into_iter()
                .map(|(a, n, _)| (a, n))
                .collect(),
            published: cdb::stages(tx, c.id)
                .await?
                .iter()
                .map(|s| (s.agency_id, s.published))
                .collect(),
        });
    }
    Ok(out)
}

/// One agency's month, from its clips' timings in the month.
async fn line(
    tx: &mut Tx,
    a: &Org,
    timings: &[(i64, i64)],
    campaigns: &[Running],
    (from, to): (i64, i64),
) -> Result<Line> {
    let mut hours: Vec<f64> = timings
        .iter()
        .map(|(u, p)| (p - u).max(0) as f64 / 3_600_000.0)
        .collect();
    let published = timings.len() as f64;
    let head = sdb::head_signed(tx, a.id, from, to).await? as f64;
    let posts = crate::db::insights::posts_published(tx, &[a.id], from, to).await?;
    let judged: Vec<bool> = posts
        .iter()
        .filter_map(|p| within(&p.platform, p.duration_s?))
        .collect();
    let reach: Vec<f64> = posts
        .iter()
        .filter_map(|p| p.latest[crate::db::insights::REACH])
        .collect();
    let mut done: Vec<f64> = posts.iter().filter_map(completion).collect();
    // Each campaign capped at what it expects of the agency.
    let (mut got, mut asked) = (0i64, 0i64);
    for c in campaigns {
        let Some((_, expected)) = c.expected.iter().find(|(x, _)| *x == a.id) else {
            continue;
        };
        let out = c
            .published
            .iter()
            .find(|(x, _)| *x == a.id)
            .map_or(0, |(_, n)| *n);
        got += out.min(*expected);
        asked += expected;
    }
    Ok(Line {
        agency_id: a.id.0,
        agency: a.name.clone(),
        published,
        median_hours: median(&mut hours),
        within_length: (!judged.is_empty())
            .then(|| judged.iter().filter(|x| **x).count() as f64 / judged.len() as f64),
        head_signed: (published > 0.0).then(|| head / published),
        corrections: sdb::corrections(tx, a.id, from, to).await? as f64,
        incidents: sdb::incidents(tx, a.id, from, to).await? as f64,
        campaign_coverage: (asked > 0).then(|| got as f64 / asked as f64),
        reach: (!reach.is_empty()).then(|| reach.iter().sum()),
        completion: median(&mut done),
        survey_answers: sdb::survey_answers(tx, a.id, from, to).await? as f64,
    })
}

/// The median of each figure over the lines that have it.
fn medians(lines: &[Line], label: String) -> Line {
    let of = |f: &dyn Fn(&Line) -> Option<f64>| {
        let mut v: Vec<f64> = lines.iter().filter_map(f).collect();
        median(&mut v)
    };
    Line {
        agency_id: 0,
        agency: label,
        published: of(&|l| Some(l.published)).unwrap_or(0.0),
        median_hours: of(&|l| l.median_hours),
        within_length: of(&|l| l.within_length),
        head_signed: of(&|l| l.head_signed),
        corrections: of(&|l| Some(l.corrections)).unwrap_or(0.0),
        incidents: of(&|l| Some(l.incidents)).unwrap_or(0.0),
        campaign_coverage: of(&|l| l.campaign_coverage),
        reach: of(&|l| l.reach),
        completion: of(&|l| l.completion),
        survey_answers: of(&|l| Some(l.survey_answers)).unwrap_or(0.0),
    }
}

/// The body's scorecard for the month that begins on `first`.
pub async fn build(
    st: &AppState,
    body: &Org,
    first: Date,
    median_label: String,
) -> Result<Scorecard> {
    let tz = TimeZone::get(&body.time_zone).unwrap_or(TimeZone::UTC);
    let months: Vec<Date> = (0..TREND_MONTHS)
        .rev()
        .map(|back| {
            first
                .checked_sub(jiff::Span::new().months(back))
                .unwrap_or(first)
        })
        .collect();
    let spans: Vec<(i64, i64)> = months.iter().map(|m| bounds(*m, &tz)).collect();
    let (shown, since) = (bounds(first, &tz), spans[0].0);
    let mut tx = st.db.read().await?;
    let agencies = orgs::agencies_of_body(&mut tx, body.id).await?;
    let all_campaigns = cdb::of_body(&mut tx, body.id).await?;
    let campaigns = running(&mut tx, &all_campaigns, shown).await?;
    let mut lines = Vec::with_capacity(agencies.len());
    let mut counts = vec![Vec::with_capacity(agencies.len()); spans.len()];
    for a in &agencies {
        // The six months' clips at once: the trend and the month shown.
        let all = sdb::timings(&mut tx, a.id, since, shown.1).await?;
        for (i, (from, to)) in spans.iter().enumerate() {
            let n = all.iter().filter(|(_, p)| from <= p && p < to).count();
            counts[i].push(n as f64);
        }
        let month: Vec<(i64, i64)> = all
            .into_iter()
            .filter(|(_, p)| shown.0 <= *p && *p < shown.1)
            .collect();
        lines.push(line(&mut tx, a, &month, &campaigns, shown).await?);
    }
    let trend = months
        .iter()
        .zip(counts)
        .map(|(m, c)| (m.strftime("%Y-%m").to_string(), c))
        .collect();
    Ok(Scorecard {
        month: first.strftime("%Y-%m").to_string(),
        median: medians(&lines, median_label),
        lines,
        trend,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_are_judged_by_each_platforms_own_rule() {
        assert_eq!(within("facebook", 2.0), Some(false), "Reels: 3 s at least");
        assert_eq!(within("facebook", 60.0), Some(true));
        assert_eq!(within("facebook", 95.0), Some(false), "Reels: 90 s at most");
        assert_eq!(within("youtube", 170.0), Some(true));
        assert_eq!(within("youtube", 200.0), Some(false), "Shorts: 3 min");
        assert_eq!(within("zalo", 900.0), Some(true), "no length rule");
        assert_eq!(within("myspace", 10.0), None);
    }

    #[test]
    fn the_median_line_takes_only_agencies_that_have_the_figure() {
        let a = Line {
            published: 4.0,
            reach: Some(100.0),
            ..Line::default()
        };
        let b = Line {
            published: 10.0,
            reach: None,
            ..Line::default()
        };
        let c = Line {
            published: 1.0,
            reach: Some(300.0),
            ..Line::default()
        };
        let m = medians(&[a, b, c], "x".into());
        assert_eq!(m.published, 4.0);
        assert_eq!(m.reach, Some(200.0));
        assert_eq!(m.completion, None);
    }
}
