//! The content calendar: an agency's posts (or the province's) day by day in
//! the agency's time zone, one entry per clip and time with the channels it
//! goes to; the same as an iCalendar feed (RFC 5545) for people's own
//! calendars, at an address signed for one person and agency.

use jiff::civil::Date;

use crate::db::calendar as cdb;
use crate::domain::{ClipId, OrgId, UserId};
use crate::error::Result;
use crate::state::AppState;

/// One channel of an entry.
#[derive(Debug, Clone)]
pub struct Chan {
    pub platform: String,
    pub channel: String,
    /// The publication's state.
    pub state: String,
    pub removal: Option<String>,
}

/// A clip going out (or gone out) at one time, on one or more channels.
#[derive(Debug, Clone)]
pub struct Entry {
    pub clip: ClipId,
    pub agency: OrgId,
    pub title: String,
    pub clip_state: String,
    pub political: bool,
    pub at: i64,
    /// The signed window: (from, until); from `None` is "from approval".
    pub window: (Option<i64>, Option<i64>),
    pub chans: Vec<Chan>,
}

impl Entry {
    /// Nothing of it has left: it can still be moved to another time.
    pub fn movable(&self) -> bool {
        self.clip_state == "scheduled" && self.chans.iter().all(|c| c.state == "scheduled")
    }
}

/// The posts of `agencies` from `from` to before `to` (ms), one entry per
/// clip and time, in time order.
pub async fn entries(st: &AppState, agencies: &[OrgId], from: i64, to: i64) -> Result<Vec<Entry>> {
    let mut tx = st.db.read().await?;
    let mut out: Vec<Entry> = Vec::new();
    for a in agencies {
        for p in cdb::posts(&mut tx, *a, from, to).await? {
            let chan = Chan {
                platform: p.platform,
                channel: p.channel,
                state: p.state,
                removal: p.removal,
            };
            match out.iter_mut().find(|e| e.clip == p.clip_id && e.at == p.at) {
                Some(e) => e.chans.push(chan),
                None => out.push(Entry {
                    clip: p.clip_id,
                    agency: p.agency_id,
                    title: p.title,
                    clip_state: p.clip_state,
                    political: p.political != 0,
                    at: p.at,
                    window: (p.publish_at, p.publish_until),
                    chans: vec![chan],
                }),
            }
        }
    }
    out.sort_by_key(|e| (e.at, e.clip));
    Ok(out)
}

/// The days a calendar view shows: a week from Monday, or the weeks that
/// hold a month (Monday to Sunday).
pub fn days(view: View, date: Date) -> Vec<Date> {
    let (first, last) = match view {
        View::Week => (
            monday_of(date),
            monday_of(date).saturating_add(jiff::Span::new().days(6)),
        ),
        View::Month => {
            let first = monday_of(date.first_of_month());
            let last = monday_of(date.last_of_month()).saturating_add(jiff::Span::new().days(6));
            (first, last)
        }
    };
    let mut out = Vec::new();
    let mut d = first;
    while d <= last {
        out.push(d);
        d = d.saturating_add(jiff::Span::new().days(1));
    }
    out
}

/// A week or a month.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    Week,
    Month,
}

impl View {
    pub fn parse(s: &str) -> View {
        if s == "month" {
            View::Month
        } else {
            View::Week
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            View::Week => "week",
            View::Month => "month",
        }
    }

    /// The same view one period before (`-1`) or after (`1`) `date`.
    pub fn step(self, date: Date, by: i64) -> Date {
        match self {
            View::Week => date.saturating_add(jiff::Span::new().days(7 * by)),
            View::Month => date
                .first_of_month()
                .saturating_add(jiff::Span::new().months(by)),
        }
    }
}

fn monday_of(d: Date) -> Date {
    let back = i64::from(d.weekday().to_monday_zero_offset());
    d.saturating_sub(jiff::Span::new().days(back))
}

/// The UTC millisecond a local day starts at, in the zone `tz`.
pub fn day_start(d: Date, tz: &str) -> i64 {
    crate::clock::local_date_start_ms(&d.to_string(), tz).unwrap_or(0)
}

/// The local day of a UTC time in the zone `tz`.
pub fn local_day(ms: i64, tz: &str) -> Option<Date> {
    let zone = jiff::tz::TimeZone::get(tz).ok()?;
    Some(
        jiff::Timestamp::from_millisecond(ms)
            .ok()?
            .to_zoned_datetime(zone)
            .date(),
    )
}

/// The signature of one person's feed of one agency's calendar: the
/// session key's HMAC, so that only the address Lantoa showed them opens it.
pub fn feed_key(st: &AppState, agency: OrgId, user: UserId) -> String {
    let mut s =
        crate::crypto::hmac_hex(&st.keys.session, format!("ics:{agency}:{user}").as_bytes());
    s.truncate(32);
    s
}

/// The feed's address for `user` in `agency`, from the site's root.
pub fn feed_path(st: &AppState, agency: OrgId, user: UserId) -> String {
    format!(
        "/calendar/{agency}/{user}/{}.ics",
        feed_key(st, agency, user)
    )
}

/// The entries as an iCalendar document. `link` makes a clip's address.
pub fn ics(name: &str, entries: &[Entry], now: i64, link: impl Fn(&Entry) -> String) -> String {
    let mut out = String::new();
    let mut line = |s: &str| fold(&mut out, s);
    line("BEGIN:VCALENDAR");
    line("VERSION:2.0");
    line("PRODID:-//Lantoa//Content calendar//VI");
    line("CALSCALE:GREGORIAN");
    line(&format!("X-WR-CALNAME:{}", escape(name)));
    for e in entries {
        let chans: Vec<&str> = e.chans.iter().map(|c| c.channel.as_str()).collect();
        line("BEGIN:VEVENT");
        line(&format!("UID:clip-{}-{}@lantoa", e.clip, e.at));
        line(&format!("DTSTAMP:{}", utc(now)));
        line(&format!("DTSTART:{}", utc(e.at)));
        line("DURATION:PT15M");
        line(&format!("SUMMARY:{}", escape(&e.title)));
        line(&format!("DESCRIPTION:{}", escape(&chans.join(", "))));
        line(&format!("URL:{}", link(e)));
        line(&format!(
            "STATUS:{}",
            if e.chans.iter().all(|c| c.state == "published") {
                "CONFIRMED"
            } else {
                "TENTATIVE"
            }
        ));
        line("END:VEVENT");
    }
    line("END:VCALENDAR");
    out
}

/// A UTC time in iCalendar's basic form: `20261204T031500Z`.
fn utc(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| t.strftime("%Y%m%dT%H%M%SZ").to_string())
        .unwrap_or_default()
}

/// Text escaped as RFC 5545 asks: backslash, semicolon, comma, newline.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Appends a content line folded at 75 octets (never inside a character),
/// each line ending in CRLF.
fn fold(out: &mut String, line: &str) {
    let mut width = 0;
    for c in line.chars() {
        if width + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += c.len_utf8();
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_escaped_and_folded_at_75_octets_between_characters() {
        let mut out = String::new();
        fold(
            &mut out,
            &format!("SUMMARY:{}", escape("Lễ hội; Thái Nguyên, 2026\nmới")),
        );
        assert!(out.contains("L\u{1ec5} h\u{1ed9}i\\; Th\u{e1}i Nguy\u{ea}n\\, 2026\\nm"));
        let long = "Đ".repeat(60);
        let mut out = String::new();
        fold(&mut out, &format!("SUMMARY:{long}"));
        for l in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(l.len() <= 75, "{} octets: {l}", l.len());
        }
        let joined: String = out.replace("\r\n ", "");
        assert_eq!(joined, format!("SUMMARY:{long}\r\n"));
    }

    #[test]
    fn a_month_view_runs_monday_to_sunday_around_the_month() {
        let d: Date = "2026-12-04".parse().unwrap();
        let month = days(View::Month, d);
        assert_eq!(month.first().unwrap().to_string(), "2026-11-30");
        assert_eq!(month.last().unwrap().to_string(), "2027-01-03");
        assert_eq!(month.len() % 7, 0);
        let week = days(View::Week, d);
        assert_eq!(week.first().unwrap().to_string(), "2026-11-30");
        assert_eq!(week.len(), 7);
        assert_eq!(View::Month.step(d, 1).to_string(), "2027-01-01");
    }
}
