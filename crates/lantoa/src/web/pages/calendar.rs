//! The content calendar (*Lịch đăng*): an agency's week or month, or the
//! province's for an overseer, with each clip's posts per channel and its
//! state; a scheduled clip is moved by dragging it to another day inside its
//! signed window. Each person has an iCalendar feed of their agency.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use jiff::civil::Date;
use serde::Deserialize;

use super::{Layout, render};
use crate::crypto::constant_time_eq;
use crate::db::orgs::Org;
use crate::domain::{Action, ClipId, OrgId, UserId};
use crate::error::{Error, Result};
use crate::service::calendar::{self as cal, Entry, View};
use crate::state::AppState;
use crate::web::extract::{Authz, CurrentUser, FormData, act};
use crate::web::{Routes, Scope};

#[derive(Debug, Default, Deserialize)]
pub struct CalQuery {
    pub view: Option<String>,
    /// Any day of the period shown (`YYYY-MM-DD`); today when absent.
    pub date: Option<String>,
}

/// One clip on a day.
pub struct Item {
    pub href: String,
    pub title: String,
    pub time: String,
    pub state: String,
    pub state_label: String,
    pub political: bool,
    /// (platform label, publication state, state label)
    pub chans: Vec<(String, String, String)>,
    /// The agency's name, on the province's calendar.
    pub agency: Option<String>,
    /// Where a drop posts the new time, when it may be moved.
    pub move_to: Option<String>,
    /// The signed window's first and last days (`YYYY-MM-DD`), for the drop.
    pub first_day: String,
    pub last_day: String,
}

pub struct Day {
    pub date: String,
    pub label: String,
    pub today: bool,
    /// Outside the month shown (a month view's first and last weeks).
    pub outside: bool,
    pub items: Vec<Item>,
    /// The body's campaigns running that day: (link, name).
    pub campaigns: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "calendar.html")]
struct CalendarPage {
    l: Layout,
    base: String,
    view: &'static str,
    period: String,
    prev: String,
    next: String,
    weeks: Vec<Vec<Day>>,
    weekdays: Vec<String>,
    /// This person's feed of the agency, for their own calendar.
    feed: Option<String>,
    /// Posts in the period, and days without one.
    posts: usize,
    gaps: usize,
}

/// The day asked for, or today in the zone.
fn day_of(q: &CalQuery, now: i64, tz: &str) -> Date {
    q.date
        .as_deref()
        .and_then(|d| d.trim().parse().ok())
        .or_else(|| cal::local_day(now, tz))
        .unwrap_or_default()
}

/// Builds the page for `agencies` (named on each item when more than one).
async fn page(
    st: &AppState,
    l: Layout,
    base: String,
    q: &CalQuery,
    agencies: &[Org],
    movable: impl Fn(&Entry) -> bool,
) -> Result<CalendarPage> {
    let tz = agencies
        .first()
        .map_or(crate::config::DEFAULT_TIME_ZONE.to_string(), |a| {
            a.time_zone.clone()
        });
    let now = st.now();
    let view = View::parse(q.view.as_deref().unwrap_or(""));
    let date = day_of(q, now, &tz);
    let days = cal::days(view, date);
    let (first, last) = (days[0], days[days.len() - 1]);
    let to = cal::day_start(last.saturating_add(jiff::Span::new().days(1)), &tz);
    let ids: Vec<OrgId> = agencies.iter().map(|a| a.id).collect();
    let entries = cal::entries(st, &ids, cal::day_start(first, &tz), to).await?;
    let today = cal::local_day(now, &tz);
    let many = agencies.len() > 1;
    let mut out: Vec<Day> = days
        .iter()
        .map(|d| Day {
            date: d.to_string(),
            label: short_day(&l, *d),
            today: Some(*d) == today,
            outside: view == View::Month && d.month() != date.month(),
            items: Vec::new(),
            campaigns: Vec::new(),
        })
        .collect();
    // Campaigns of the agencies shown, on each day they run.
    let mut campaigns: Vec<(String, crate::db::campaigns::Campaign)> = Vec::new();
    {
        let mut tx = st.db.read().await?;
        for a in agencies {
            for c in crate::db::campaigns::of_agency(&mut tx, a.id).await? {
                if !campaigns.iter().any(|(_, x)| x.id == c.id) {
                    let link = if many {
                        format!("/b/{}/campaigns/{}", c.body_id, c.id)
                    } else {
                        format!("/a/{}/campaigns/{}", a.id, c.id)
                    };
                    campaigns.push((link, c));
                }
            }
        }
    }
    for (d, day) in days.iter().zip(out.iter_mut()) {
        let (start, end) = (
            cal::day_start(*d, &tz),
            cal::day_start(d.saturating_add(jiff::Span::new().days(1)), &tz),
        );
        day.campaigns = campaigns
            .iter()
            .filter(|(_, c)| c.starts_at < end && start < c.ends_at)
            .map(|(link, c)| (link.clone(), c.name.clone()))
            .collect();
    }
    let posts = entries.len();
    for e in &entries {
        let Some(d) = cal::local_day(e.at, &tz) else {
            continue;
        };
        let Some(day) = out.iter_mut().find(|x| x.date == d.to_string()) else {
            continue;
        };
        let agency = agencies.iter().find(|a| a.id == e.agency);
        day.items
            .push(item(&l, e, &tz, agency.filter(|_| many), movable(e)));
    }
    let gaps = out
        .iter()
        .filter(|d| !d.outside && d.items.is_empty())
        .count();
    let weekdays = (1..=7).map(|i| l.tr.t(&format!("weekday-{i}"))).collect();
    let period = match view {
        View::Week => format!("{} – {}", fmt_day(&l, first), fmt_day(&l, last)),
        View::Month => l.tr.t_args(
            "calendar-month",
            &[
                ("month", date.month().to_string()),
                ("year", date.year().to_string()),
            ],
        ),
    };
    Ok(CalendarPage {
        prev: view.step(date, -1).to_string(),
        next: view.step(date, 1).to_string(),
        view: view.code(),
        period,
        weeks: weeks_of(out),
        weekdays,
        feed: None,
        posts,
        gaps,
        base,
        l,
    })
}

/// Days in rows of seven.
fn weeks_of(days: Vec<Day>) -> Vec<Vec<Day>> {
    let mut weeks = Vec::new();
    let mut it = days.into_iter().peekable();
    while it.peek().is_some() {
        weeks.push(it.by_ref().take(7).collect());
    }
    weeks
}

/// A day the reader's way: `04/12/2026`, or `4 Dec 2026` in English.
fn fmt_day(l: &Layout, d: Date) -> String {
    crate::clock::date_in(d, l.tr.locale, true)
}

/// A day in its cell: `04/12`, or `4 Dec` in English.
fn short_day(l: &Layout, d: Date) -> String {
    crate::clock::date_in(d, l.tr.locale, false)
}

fn item(l: &Layout, e: &Entry, tz: &str, agency: Option<&Org>, movable: bool) -> Item {
    let (aid, cid) = (e.agency.0, e.clip.0);
    let state = crate::domain::workflow::ClipState::parse(&e.clip_state);
    let day = |ms: Option<i64>| {
        ms.and_then(|t| cal::local_day(t, tz))
            .map(|d| d.to_string())
            .unwrap_or_default()
    };
    Item {
        href: format!("/a/{aid}/clips/{cid}"),
        title: e.title.clone(),
        time: crate::clock::datetime_input(e.at, tz)
            .get(11..16)
            .unwrap_or("")
            .to_string(),
        state_label: state.map_or(e.clip_state.clone(), |s| l.tr.t(&s.message_id())),
        state: e.clip_state.clone(),
        political: e.political,
        chans: e
            .chans
            .iter()
            .map(|c| {
                let platform = l.tr.t(&format!("platform-{}", c.platform));
                // Two channels of one platform (two Facebook pages) are told
                // apart by their names; every tip names the channel.
                let twins = e.chans.iter().filter(|o| o.platform == c.platform).count() > 1;
                let label = if twins {
                    format!("{platform} · {}", c.channel)
                } else {
                    platform.clone()
                };
                let s = c
                    .removal
                    .clone()
                    .map_or(c.state.clone(), |r| format!("removal-{r}"));
                let text = match &c.removal {
                    Some(r) => l.tr.t(&format!("pub-removal-{r}")),
                    None => l.tr.t(&format!("pub-state-{}", c.state)),
                };
                let text = format!("{}: {text}", c.channel);
                (label, s, text)
            })
            .collect(),
        agency: agency.map(|a| a.name.clone()),
        move_to: (movable && e.movable()).then(|| format!("/a/{aid}/clips/{cid}/reschedule")),
        first_day: day(e.window.0.or(Some(e.at))),
        last_day: day(e.window.1),
    }
}

/// An agency's calendar.
pub async fn agency_calendar(
    State(st): State<AppState>,
    a: Authz<act::ViewClips>,
    Query(q): Query<CalQuery>,
) -> Result<Response> {
    let l = Layout::build(&st, &a.ctx, Some(&a.agency)).await?;
    let may_move = a.may(Action::Publish);
    let base = format!("/a/{}/calendar", a.agency.id);
    let mut p = page(&st, l, base, &q, std::slice::from_ref(&a.agency), |_| {
        may_move
    })
    .await?;
    let member = a
        .principal
        .memberships
        .iter()
        .any(|(o, _)| *o == a.agency.id);
    if member {
        p.feed = Some(cal::feed_path(&st, a.agency.id, a.principal.user_id));
    }
    render(&p)
}

/// The province's calendar: every agency the person oversees.
pub async fn province_calendar(
    State(st): State<AppState>,
    u: CurrentUser,
    Query(q): Query<CalQuery>,
) -> Result<Response> {
    if !(u.p.is_system_admin
        || u.p
            .memberships
            .iter()
            .any(|(_, r)| *r == crate::domain::Role::Overseer))
    {
        return Err(Error::Forbidden);
    }
    let agencies = crate::service::orgs::visible_agencies(&st, &u.p).await?;
    let l = Layout::build(&st, &u.ctx, None).await?;
    render(&page(&st, l, "/calendar".into(), &q, &agencies, |_| false).await?)
}

#[derive(Debug, Deserialize)]
pub struct MoveForm {
    /// The new local time, `YYYY-MM-DDTHH:MM`.
    pub at: String,
    /// Where to come back to (a calendar address of this agency).
    #[serde(default)]
    pub back: String,
}

/// Moves a scheduled clip to another time inside its signed window. From the
/// calendar's script: 204, or the refusal in the person's language; from a
/// plain form: back to the calendar.
pub async fn reschedule(
    State(st): State<AppState>,
    a: Authz<act::Publish>,
    Path((aid, cid)): Path<(i64, i64)>,
    headers: HeaderMap,
    FormData(f): FormData<MoveForm>,
) -> Result<Response> {
    let scripted = headers.contains_key("x-lantoa-move");
    let res = crate::service::review::reschedule(&a.caller, ClipId(cid), &f.at).await;
    match res {
        Ok(_) if scripted => Ok(StatusCode::NO_CONTENT.into_response()),
        // The refusal as a sentence for the calendar to show.
        Err(Error::Refused(r)) if scripted => {
            Ok(sentence(StatusCode::CONFLICT, r.message(&a.ctx.tr())))
        }
        Err(Error::Invalid(i)) if scripted => Ok(sentence(
            StatusCode::BAD_REQUEST,
            a.ctx.tr().t(i.message_id),
        )),
        // A plain form's refusal: the clip's page says why.
        Err(e @ (Error::Refused(_) | Error::Invalid(_))) => {
            super::review::refused(&st, &a, cid, e, None).await
        }
        Ok(_) => {
            let back = if f.back.starts_with(&format!("/a/{aid}/calendar")) {
                f.back
            } else {
                format!("/a/{aid}/calendar")
            };
            Ok(Redirect::to(&back).into_response())
        }
        Err(e) => Err(e),
    }
}

/// A refusal as one plain sentence (already in the reader's language, so the
/// error pages leave it as it is).
fn sentence(status: StatusCode, text: String) -> Response {
    let ct = [(header::CONTENT_TYPE, "text/plain; charset=utf-8")];
    let mut r = (status, ct, text).into_response();
    r.extensions_mut().insert(crate::web::middleware::Rendered);
    r
}

/// One person's iCalendar feed of one agency: the signature in the address
/// stands for the session; it stops working when they leave the agency or
/// their account is disabled.
pub async fn feed(
    State(st): State<AppState>,
    Path((aid, uid, file)): Path<(i64, i64, String)>,
) -> Result<Response> {
    let (agency, user) = (OrgId(aid), UserId(uid));
    let sig = file.strip_suffix(".ics").ok_or(Error::NotFound)?;
    if !constant_time_eq(sig.as_bytes(), cal::feed_key(&st, agency, user).as_bytes()) {
        return Err(Error::NotFound);
    }
    let org = {
        let mut tx = st.db.read().await?;
        let u = crate::db::users::get(&mut tx, user)
            .await?
            .ok_or(Error::NotFound)?;
        let roles = crate::db::users::roles_in(&mut tx, user, agency).await?;
        if u.disabled || roles.is_empty() {
            return Err(Error::NotFound);
        }
        crate::db::orgs::get(&mut tx, agency)
            .await?
            .ok_or(Error::NotFound)?
    };
    let now = st.now();
    let day = 24 * 3600 * 1000;
    let entries = cal::entries(&st, &[agency], now - 30 * day, now + 90 * day).await?;
    let base = st.config.public_base();
    let body = cal::ics(&org.name, &entries, now, |e| {
        format!("{base}/a/{}/clips/{}", e.agency, e.clip)
    });
    let mut r = body.into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/calendar; charset=utf-8"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=300"),
    );
    Ok(r)
}

pub(in crate::web) fn routes(r: Routes) -> Routes {
    r.get("/a/{aid}/calendar", Scope::Agency, agency_calendar)
        .get("/calendar", Scope::User, province_calendar)
        .post("/a/{aid}/clips/{cid}/reschedule", Scope::Agency, reschedule)
        .get("/calendar/{aid}/{uid}/{file}", Scope::Public, feed)
}
