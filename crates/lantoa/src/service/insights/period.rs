//! The period a report covers: read from the request's dates, month or
//! quarter, in the scope's time zone.

use jiff::civil::Date;
use jiff::tz::TimeZone;
use serde::Deserialize;

use crate::error::{Error, Result};
use crate::insights::report::{self, Days};
use crate::state::AppState;

/// The period asked for: `from`/`to` dates (inclusive), or a `month`
/// (`2026-10`) or `quarter` (`2026-Q4`) for the printable report.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PeriodQuery {
    pub from: Option<String>,
    pub to: Option<String>,
    pub month: Option<String>,
    pub quarter: Option<String>,
    /// Which table an export is of (CSV).
    pub table: Option<String>,
}

/// Resolves the period: the dates given, else the last 30 days to today. A
/// refusal names the parameter at fault (`from`, `to`, `month` or
/// `quarter`; `from` when each date reads but together they make no period).
pub fn period(q: &PeriodQuery, today: Date) -> Result<Days> {
    let bad = |field: &'static str, message_id: &'static str| {
        Error::Invalid(crate::domain::Invalid::new(field, message_id))
    };
    let date = |s: &str, field| {
        s.trim()
            .parse::<Date>()
            .map_err(|_| bad(field, "insights-bad-date"))
    };
    if let Some(m) = q.month.as_deref().filter(|s| !s.is_empty()) {
        let first = format!("{}-01", m.trim());
        return months_from(&first, 1).ok_or_else(|| bad("month", "insights-bad-month"));
    }
    if let Some(qr) = q.quarter.as_deref().filter(|s| !s.is_empty()) {
        let bad_quarter = || bad("quarter", "insights-bad-quarter");
        let (y, n) = qr.trim().split_once("-Q").ok_or_else(bad_quarter)?;
        let n: i8 = n.parse().map_err(|_| bad_quarter())?;
        if !(1..=4).contains(&n) {
            return Err(bad_quarter());
        }
        let first = format!("{y}-{:02}-01", (n - 1) * 3 + 1);
        return months_from(&first, 3).ok_or_else(bad_quarter);
    }
    let to = match q.to.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => report::day_of(date(s, "to")?) + 1,
        None => report::day_of(today) + 1,
    };
    let from = match q.from.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => report::day_of(date(s, "from")?),
        None => to - 30,
    };
    if from >= to || to - from > 2 * 366 {
        return Err(bad("from", "insights-bad-period"));
    }
    Ok(Days { from, to })
}

/// The `months` months from the date `first`; `None` when it does not read
/// or the end is out of range.
fn months_from(first: &str, months: i32) -> Option<Days> {
    let d = first.parse::<Date>().ok()?;
    let next = d.checked_add(jiff::Span::new().months(months)).ok()?;
    Some(Days {
        from: report::day_of(d),
        to: report::day_of(next),
    })
}

/// Today in that time zone.
pub fn today(st: &AppState, tz: &TimeZone) -> Date {
    jiff::Timestamp::from_millisecond(st.now())
        .unwrap_or(jiff::Timestamp::UNIX_EPOCH)
        .to_zoned_datetime(tz.clone())
        .date()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_from_dates_months_and_quarters() {
        let today = Date::new(2026, 11, 26).unwrap();
        let d = period(&PeriodQuery::default(), today).unwrap();
        assert_eq!(d.len(), 30);
        assert_eq!(report::date_of(d.to - 1), today);
        let q = PeriodQuery {
            month: Some("2026-02".into()),
            ..Default::default()
        };
        assert_eq!(period(&q, today).unwrap().len(), 28);
        let q = PeriodQuery {
            quarter: Some("2026-Q4".into()),
            ..Default::default()
        };
        let d = period(&q, today).unwrap();
        assert_eq!(
            (report::date_of(d.from), d.len()),
            (Date::new(2026, 10, 1).unwrap(), 92)
        );
        let q = PeriodQuery {
            from: Some("2026-11-10".into()),
            to: Some("2026-11-01".into()),
            ..Default::default()
        };
        assert!(period(&q, today).is_err());
        let q = PeriodQuery {
            quarter: Some("2026-Q5".into()),
            ..Default::default()
        };
        assert!(period(&q, today).is_err());
    }
}
