//! Time comes from an injected clock, so expiries and schedules are testable.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

pub trait Clock: Send + Sync + 'static {
    /// Milliseconds since the Unix epoch, UTC.
    fn now_ms(&self) -> i64;
}

#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> i64 {
        jiff::Timestamp::now().as_millisecond()
    }
}

/// A clock that only moves when told to (tests).
#[derive(Debug, Clone)]
pub struct ManualClock(Arc<AtomicI64>);

impl ManualClock {
    pub fn new(start_ms: i64) -> ManualClock {
        ManualClock(Arc::new(AtomicI64::new(start_ms)))
    }
    pub fn advance_ms(&self, ms: i64) {
        self.0.fetch_add(ms, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now_ms(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }
}

/// Formats a UTC time for people in the given zone: `26/11/2026 13:45`.
pub fn format_local(ms: i64, tz: &str) -> String {
    strftime_local(ms, tz, "%d/%m/%Y %H:%M")
}

/// A UTC time for people in the zone, the way their language writes it:
/// Vietnamese `26/11/2026 13:45`, English `26 Nov 2026 13:45` (a numeric
/// day/month would read as a month first to many English readers).
pub fn format_local_in(ms: i64, tz: &str, locale: crate::domain::Locale) -> String {
    match locale {
        crate::domain::Locale::Vi => format_local(ms, tz),
        crate::domain::Locale::En => strftime_local(ms, tz, "%-d %b %Y %H:%M"),
    }
}

/// A calendar day the way the reader's language writes it: Vietnamese
/// `04/12/2026` (`04/12` without the year), English `4 Dec 2026` (`4 Dec`).
pub fn date_in(d: jiff::civil::Date, locale: crate::domain::Locale, year: bool) -> String {
    let format = match (locale, year) {
        (crate::domain::Locale::Vi, true) => "%d/%m/%Y",
        (crate::domain::Locale::Vi, false) => "%d/%m",
        (crate::domain::Locale::En, true) => "%-d %b %Y",
        (crate::domain::Locale::En, false) => "%-d %b",
    };
    d.strftime(format).to_string()
}

/// A month the reader's way: `12/2026`, or `Dec 2026` in English.
pub fn month_in(d: jiff::civil::Date, locale: crate::domain::Locale) -> String {
    match locale {
        crate::domain::Locale::Vi => d.strftime("%m/%Y").to_string(),
        crate::domain::Locale::En => d.strftime("%b %Y").to_string(),
    }
}

/// A local time without the year, the reader's way: `04/12 13:45`, or
/// `4 Dec 13:45` in English.
pub fn short_time_in(z: &jiff::ZonedDateTime, locale: crate::domain::Locale) -> String {
    match locale {
        crate::domain::Locale::Vi => z.strftime("%d/%m %H:%M").to_string(),
        crate::domain::Locale::En => z.strftime("%-d %b %H:%M").to_string(),
    }
}

/// Parses a local date `YYYY-MM-DD` in the zone to the UTC millisecond of its start.
pub fn local_date_start_ms(date: &str, tz: &str) -> Option<i64> {
    let d: jiff::civil::Date = date.trim().parse().ok()?;
    let zone = jiff::tz::TimeZone::get(tz).ok()?;
    let z = d.to_zoned_datetime(zone).ok()?;
    Some(z.timestamp().as_millisecond())
}

/// Parses a local `YYYY-MM-DDTHH:MM` (an HTML datetime-local value) in the zone
/// to UTC milliseconds.
pub fn local_datetime_ms(s: &str, tz: &str) -> Option<i64> {
    let d: jiff::civil::DateTime = s.trim().parse().ok()?;
    let zone = jiff::tz::TimeZone::get(tz).ok()?;
    Some(d.to_zoned_datetime(zone).ok()?.timestamp().as_millisecond())
}

/// The calendar day of the UTC time `ms` in the zone (UTC when the zone is
/// unknown).
pub fn local_date(ms: i64, tz: &str) -> jiff::civil::Date {
    let zone = jiff::tz::TimeZone::get(tz).unwrap_or(jiff::tz::TimeZone::UTC);
    jiff::Timestamp::from_millisecond(ms)
        .unwrap_or(jiff::Timestamp::UNIX_EPOCH)
        .to_zoned_datetime(zone)
        .date()
}

/// The UTC millisecond the local year of `ms` began in the zone.
pub fn year_start_ms(ms: i64, tz: &str) -> i64 {
    let first = local_date(ms, tz).first_of_year();
    let zone = jiff::tz::TimeZone::get(tz).unwrap_or(jiff::tz::TimeZone::UTC);
    first
        .to_zoned_datetime(zone)
        .map_or(0, |z| z.timestamp().as_millisecond())
}

/// The local calendar day of `ms` in the zone, the reader's way (see
/// [`date_in`]).
pub fn day_in(ms: i64, tz: &str, locale: crate::domain::Locale) -> String {
    date_in(local_date(ms, tz), locale, true)
}

/// The local days from `from` to before `until` (UTC ms), the reader's way:
/// `04/12/2026 – 24/12/2026`.
pub fn days_in(from: i64, until: i64, tz: &str, locale: crate::domain::Locale) -> String {
    format!(
        "{} – {}",
        day_in(from, tz, locale),
        day_in(until - 1, tz, locale)
    )
}

/// A UTC time as an HTML datetime-local value in the zone.
pub fn datetime_input(ms: i64, tz: &str) -> String {
    strftime_local(ms, tz, "%Y-%m-%dT%H:%M")
}

/// A UTC time in the zone (UTC when the zone is unknown) by a `strftime`
/// format; empty when the time is out of range.
fn strftime_local(ms: i64, tz: &str, format: &str) -> String {
    let Ok(ts) = jiff::Timestamp::from_millisecond(ms) else {
        return String::new();
    };
    let zone = jiff::tz::TimeZone::get(tz).unwrap_or(jiff::tz::TimeZone::UTC);
    ts.to_zoned_datetime(zone).strftime(format).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shown_in_agency_zone() {
        // 2026-11-26 06:30 UTC is 13:30 in Hanoi (UTC+7).
        let ms = 1_795_674_600_000;
        assert_eq!(format_local(ms, "Asia/Ho_Chi_Minh"), "26/11/2026 13:30");
        assert_eq!(format_local(ms, "UTC"), "26/11/2026 06:30");
        use crate::domain::Locale;
        assert_eq!(
            format_local_in(ms, "Asia/Ho_Chi_Minh", Locale::En),
            "26 Nov 2026 13:30"
        );
        let first = 1_796_083_200_000; // 2026-12-01 00:00 UTC
        assert_eq!(
            format_local_in(first, "UTC", Locale::En),
            "1 Dec 2026 00:00"
        );
        assert_eq!(
            format_local_in(first, "UTC", Locale::Vi),
            "01/12/2026 00:00"
        );
    }

    #[test]
    fn datetime_inputs_round_trip_in_the_zone() {
        let ms = local_datetime_ms("2026-11-27T08:30", "Asia/Ho_Chi_Minh").unwrap();
        assert_eq!(format_local(ms, "UTC"), "27/11/2026 01:30");
        assert_eq!(datetime_input(ms, "Asia/Ho_Chi_Minh"), "2026-11-27T08:30");
        assert!(local_datetime_ms("27/11/2026 08:30", "UTC").is_none());
    }

    #[test]
    fn local_dates_start_at_local_midnight() {
        let start = local_date_start_ms("2026-11-26", "Asia/Ho_Chi_Minh").unwrap();
        assert_eq!(format_local(start, "UTC"), "25/11/2026 17:00");
        assert!(local_date_start_ms("26/11/2026", "UTC").is_none());
    }
}
