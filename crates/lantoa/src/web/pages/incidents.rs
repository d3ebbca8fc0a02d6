//! Incident pages: an agency's list and report form, one incident with its
//! timeline and the steps each side may take, its printable report, and the
//! body's list of its agencies' incidents.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use super::{DoneQuery, Layout, PrintQuery, render, render_status, shown_on_form};
use crate::db::incidents::Incident;
use crate::domain::incident::{IncidentKind, IncidentState, Severity, Step};
use crate::domain::{Action, OrgId};
use crate::error::{Error, Result};
use crate::service::files::{self, Checked};
use crate::service::incidents::{self as svc, Report};
use crate::state::AppState;
use crate::web::extract::{Authz, BodyAuthz, FileForm, FormData, act, body_act};
use crate::web::{Routes, Scope};

/// Largest incident form: a file and its words.
const FORM_LIMIT: usize = files::MAX_FILE_BYTES + 256 * 1024;

/// One incident in a list.
pub struct Row {
    pub id: i64,
    pub aid: i64,
    pub agency: String,
    pub number: String,
    pub at: String,
    pub kind: String,
    pub severity: String,
    pub severity_code: String,
    pub title: String,
    pub state: String,
    pub state_code: String,
    pub due: String,
    pub overdue: bool,
}

fn row(l: &Layout, i: &Incident, agency: &str, tz: &str, now: i64) -> Row {
    Row {
        id: i.id,
        aid: i.agency_id.0,
        agency: agency.to_string(),
        number: number(i, tz),
        at: l.time(&i.created_at, tz),
        kind: l.tr.t(&format!("incident-kind-{}", i.kind)),
        severity: l.tr.t(&format!("incident-severity-{}", i.severity)),
        severity_code: i.severity.clone(),
        title: title_of(i),
        state: l.tr.t(&format!("incident-state-{}", i.state)),
        state_code: i.state.clone(),
        due: i.due_at.map(|d| l.time(&d, tz)).unwrap_or_default(),
        overdue: svc::overdue(i, now),
    }
}

/// The incident's number as its report gives it: `3/2026`.
fn number(i: &Incident, tz: &str) -> String {
    let year = crate::clock::local_date(i.created_at, tz).year();
    format!("{}/{year}", i.number.max(1))
}

/// What a person calls it: a takedown's clip title, else what was reported.
fn title_of(i: &Incident) -> String {
    let d: serde_json::Value = serde_json::from_str(&i.details).unwrap_or_default();
    match d["title"].as_str() {
        Some(t) if i.kind == IncidentKind::Takedown.as_str() => format!("{t} — {}", i.reason),
        _ => i.reason.clone(),
    }
}

#[derive(Template)]
#[template(path = "incidents.html")]
struct ListPage {
    l: Layout,
    heading: String,
    /// The agency's page (its report button), or the body's.
    aid: Option<i64>,
    can_report: bool,
    rows: Vec<Row>,
}

pub async fn agency_list(
    State(st): State<AppState>,
    a: Authz<act::ViewIncidents>,
) -> Result<Response> {
    let l = Layout::build(&st, &a.ctx, Some(&a.agency)).await?;
    let tz = &a.agency.time_zone;
    let now = st.now();
    let rows = svc::list(&st, &[a.agency.id])
        .await?
        .iter()
        .map(|i| row(&l, i, &a.agency.name, tz, now))
        .collect();
    render(&ListPage {
        heading: l.tr.t("nav-incidents"),
        aid: Some(a.agency.id.0),
        can_report: a.may(Action::ReportIncident),
        rows,
        l,
    })
}

/// The body's incidents: every agency's, the overdue ones first.
pub async fn body_list(
    State(st): State<AppState>,
    b: BodyAuthz<body_act::ViewBody>,
) -> Result<Response> {
    let l = Layout::build(&st, &b.ctx, None).await?;
    let agencies = {
        let mut tx = st.db.read().await?;
        crate::db::orgs::agencies_of_body(&mut tx, b.agency.id).await?
    };
    let ids: Vec<OrgId> = agencies.iter().map(|a| a.id).collect();
    let now = st.now();
    let mut rows: Vec<Row> = svc::list(&st, &ids)
        .await?
        .iter()
        .map(|i| {
            let a = agencies.iter().find(|a| a.id == i.agency_id);
            let name = a.map_or("", |a| a.name.as_str());
            let tz = a.map_or(st.config.time_zone.as_str(), |a| a.time_zone.as_str());
            row(&l, i, name, tz, now)
        })
        .collect();
    rows.sort_by_key(|r| (!r.overdue, r.state_code == "closed"));
    render(&ListPage {
        heading: l.tr.t1("incidents-body-heading", "body", &b.agency.name),
        aid: None,
        can_report: false,
        rows,
        l,
    })
}

/// A choice in a select.
pub struct Opt {
    pub code: String,
    pub label: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "incident_new.html")]
struct NewPage {
    l: Layout,
    aid: i64,
    error: Option<String>,
    kinds: Vec<Opt>,
    severities: Vec<Opt>,
    clips: Vec<Opt>,
    channels: Vec<Opt>,
    title: String,
    description: String,
    max_mb: usize,
}

async fn new_page(
    st: &AppState,
    a: &Authz<act::ReportIncident>,
    kept: Option<&FileForm>,
    error: Option<(StatusCode, String)>,
) -> Result<Response> {
    let l = Layout::build(st, &a.ctx, Some(&a.agency)).await?;
    let get = |k: &str| kept.map_or("", |f| f.get(k)).to_string();
    let chosen = |k: &str, v: &str| kept.is_some_and(|f| f.all(k).any(|x| x == v));
    let kinds = IncidentKind::ALL
        .iter()
        .filter(|k| **k != IncidentKind::Takedown)
        .map(|k| Opt {
            code: k.as_str().into(),
            label: l.tr.t(&format!("incident-kind-{}", k.as_str())),
            selected: get("kind") == k.as_str(),
        })
        .collect();
    let severities = Severity::ALL
        .iter()
        .map(|s| Opt {
            code: s.as_str().into(),
            label: l.tr.t(&format!("incident-severity-{}", s.as_str())),
            selected: get("severity") == s.as_str() || (kept.is_none() && *s == Severity::Medium),
        })
        .collect();
    let (clips, channels) = {
        let mut tx = st.db.read().await?;
        let clips = crate::db::clips::recent_titles(&mut tx, a.agency.id, 50).await?;
        let channels = crate::db::publishing::channels_any(&mut tx, a.agency.id).await?;
        (clips, channels)
    };
    let clips = clips
        .into_iter()
        .map(|(id, t)| Opt {
            selected: chosen("clips", &id.to_string()),
            code: id.to_string(),
            label: t,
        })
        .collect();
    let channels = channels
        .into_iter()
        .map(|c| Opt {
            selected: chosen("channels", &c.id.to_string()),
            code: c.id.to_string(),
            label: format!(
                "{} · {}",
                l.tr.t(&format!("platform-{}", c.platform)),
                c.name
            ),
        })
        .collect();
    let (status, error) = super::form_status(error);
    render_status(
        status,
        &NewPage {
            aid: a.agency.id.0,
            error,
            kinds,
            severities,
            clips,
            channels,
            title: get("title"),
            description: get("description"),
            max_mb: files::MAX_FILE_BYTES / (1024 * 1024),
            l,
        },
    )
}

pub async fn new_form(
    State(st): State<AppState>,
    a: Authz<act::ReportIncident>,
) -> Result<Response> {
    new_page(&st, &a, None, None).await
}

/// The form's file, checked; a refusal is shown like any bad input.
fn checked_file(f: &mut FileForm) -> Result<Option<Checked>> {
    match f.file.take() {
        Some(file) => Ok(Some(files::check(file)?)),
        None => Ok(None),
    }
}

pub async fn create(
    State(st): State<AppState>,
    a: Authz<act::ReportIncident>,
    mut f: FileForm,
) -> Result<Response> {
    let ids = |k: &str| {
        f.all(k)
            .filter_map(|v| v.parse().ok())
            .collect::<Vec<i64>>()
    };
    let report = Report {
        kind: f.get("kind").into(),
        severity: f.get("severity").into(),
        title: f.get("title").into(),
        description: f.get("description").into(),
        clips: ids("clips"),
        channels: ids("channels"),
    };
    let done = match checked_file(&mut f) {
        Ok(file) => svc::report(&a.caller, report, file).await,
        Err(e) => Err(e),
    };
    match done {
        Ok(id) => Ok(
            Redirect::to(&format!("/a/{}/incidents/{id}?done=reported", a.agency.id))
                .into_response(),
        ),
        Err(e) => {
            let shown = shown_on_form(e, &a.ctx.tr())?;
            new_page(&st, &a, Some(&f), Some(shown)).await
        }
    }
}

/// An entry of the timeline as shown.
pub struct EventRow {
    pub id: i64,
    pub kind: String,
    pub kind_code: String,
    pub by: String,
    pub at: String,
    pub body: String,
    pub file: Option<String>,
    pub file_size: String,
}

/// The timeline as shown, in the agency's zone.
fn event_rows(l: &Layout, d: &svc::Detail, tz: &str) -> Vec<EventRow> {
    d.events
        .iter()
        .map(|e| EventRow {
            id: e.id,
            kind: l.tr.t(&format!("incident-event-{}", e.kind)),
            kind_code: e.kind.clone(),
            by: e.by_name.clone().unwrap_or_default(),
            at: l.time(&e.at, tz),
            body: e.body.clone(),
            file: e.file_name.clone(),
            file_size: e
                .file_size
                .map(|b| format!("{:.1} MB", b as f64 / 1_048_576.0))
                .unwrap_or_default(),
        })
        .collect()
}

/// The clips (id, title) and channels (platform · name) it is about.
fn subjects(l: &Layout, d: &svc::Detail) -> (Vec<(i64, String)>, Vec<String>) {
    (
        d.clips.iter().map(|(c, t)| (c.0, t.clone())).collect(),
        d.channels
            .iter()
            .map(|(_, p, n)| format!("{} · {n}", l.tr.t(&format!("platform-{p}"))))
            .collect(),
    )
}

#[derive(Template)]
#[template(path = "incident.html")]
struct DetailPage {
    l: Layout,
    aid: i64,
    bid: Option<i64>,
    r: Row,
    done: Option<String>,
    error: Option<String>,
    kept: String,
    conclusion: String,
    clips: Vec<(i64, String)>,
    channels: Vec<String>,
    events: Vec<EventRow>,
    /// The agency's side: a note now, an answer when the body asked.
    can_note: bool,
    can_answer: bool,
    /// The body's side, and which steps apply now.
    body_steps: Vec<(&'static str, String)>,
    max_mb: usize,
}

/// The steps' path words, and which step each is.
const STEPS: [(&str, Step); 6] = [
    ("note", Step::Note),
    ("answer", Step::Answer),
    ("acknowledge", Step::Acknowledge),
    ("ask", Step::AskMore),
    ("close", Step::Close),
    ("reopen", Step::Reopen),
];

async fn detail_page(
    st: &AppState,
    a: &Authz<act::ViewIncidents>,
    id: i64,
    done: &str,
    error: Option<(StatusCode, String)>,
    kept: &str,
) -> Result<Response> {
    let l = Layout::build(st, &a.ctx, Some(&a.agency)).await?;
    let d = svc::detail(st, a.agency.id, id).await?;
    let tz = &a.agency.time_zone;
    let state = IncidentState::parse(&d.incident.state).unwrap_or(IncidentState::Open);
    let may_report = a.may(Action::ReportIncident);
    let for_body = svc::handles_for_body(&a.principal, &a.agency);
    let body_steps = STEPS
        .iter()
        .filter(|(_, s)| for_body && s.by_body() && s.next(state).is_some())
        .map(|(w, _)| (*w, l.tr.t(&format!("incident-do-{w}"))))
        .collect();
    let events = event_rows(&l, &d, tz);
    let (clips, channels) = subjects(&l, &d);
    let done = STEPS
        .iter()
        .map(|(w, _)| *w)
        .chain(["reported"])
        .find(|w| *w == done)
        .map(|w| l.tr.t(&format!("incident-done-{w}")));
    let (status, error) = super::form_status(error);
    let now = st.now();
    render_status(
        status,
        &DetailPage {
            aid: a.agency.id.0,
            bid: a.agency.parent_id.map(|b| b.0),
            r: row(&l, &d.incident, &a.agency.name, tz, now),
            done,
            error,
            kept: kept.to_string(),
            conclusion: d.incident.conclusion.clone(),
            clips,
            channels,
            events,
            can_note: may_report && Step::Note.next(state).is_some(),
            can_answer: may_report && Step::Answer.next(state).is_some(),
            body_steps,
            max_mb: files::MAX_FILE_BYTES / (1024 * 1024),
            l,
        },
    )
}

pub async fn detail(
    State(st): State<AppState>,
    a: Authz<act::ViewIncidents>,
    Path((_, iid)): Path<(i64, i64)>,
    Query(q): Query<DoneQuery>,
) -> Result<Response> {
    detail_page(&st, &a, iid, &q.done, None, "").await
}

/// The agency adds a note (with a file) or answers the body.
pub async fn agency_step(
    State(st): State<AppState>,
    a: Authz<act::ReportIncident>,
    Path((_, iid)): Path<(i64, i64)>,
    mut f: FileForm,
) -> Result<Response> {
    let step = if f.get("step") == "answer" {
        Step::Answer
    } else {
        Step::Note
    };
    let done = match checked_file(&mut f) {
        Ok(file) => svc::agency_step(&a.caller, iid, step, f.get("text"), file).await,
        Err(e) => Err(e),
    };
    let word = if step == Step::Answer {
        "answer"
    } else {
        "note"
    };
    match done {
        Ok(()) => Ok(Redirect::to(&format!(
            "/a/{}/incidents/{iid}?done={word}#timeline",
            a.agency.id
        ))
        .into_response()),
        Err(e) => {
            let shown = shown_on_form(e, &a.ctx.tr())?;
            let view = Authz::<act::ViewIncidents>::checked(a.caller.clone(), a.ctx.clone())?;
            detail_page(&st, &view, iid, "", Some(shown), f.get("text")).await
        }
    }
}

#[derive(serde::Deserialize)]
pub struct StepForm {
    #[serde(default)]
    text: String,
}

/// The body acknowledges, asks for more, closes or reopens an incident.
pub async fn body_step(
    State(_st): State<AppState>,
    b: BodyAuthz<body_act::HandleIncidents>,
    Path((_, iid, word)): Path<(i64, i64, String)>,
    FormData(f): FormData<StepForm>,
) -> Result<Response> {
    let step = STEPS
        .iter()
        .find(|(w, s)| *w == word && s.by_body())
        .map(|(_, s)| *s)
        .ok_or(Error::NotFound)?;
    let agency = {
        let mut tx = b.st.db.read().await?;
        crate::db::incidents::get(&mut tx, iid)
            .await?
            .ok_or(Error::NotFound)?
            .agency_id
    };
    match svc::body_step(&b.caller, iid, step, &f.text).await {
        Ok(()) => Ok(
            Redirect::to(&format!("/a/{agency}/incidents/{iid}?done={word}#timeline"))
                .into_response(),
        ),
        Err(e) => {
            let (status, msg) = shown_on_form(e, &b.ctx.tr())?;
            Ok((status, super::error_page(&b.ctx, status, &msg)).into_response())
        }
    }
}

/// A file of the timeline, as a download (never shown inline).
pub async fn file(
    State(st): State<AppState>,
    a: Authz<act::ViewIncidents>,
    Path((_, iid, eid)): Path<(i64, i64, i64)>,
) -> Result<Response> {
    let (key, name, mime) = svc::file(&st, a.agency.id, iid, eid).await?;
    super::stored_file(&st, &key, &name, &mime).await
}

#[derive(Template)]
#[template(path = "incident_report.html")]
struct ReportPage {
    l: Layout,
    inline_css: Option<&'static str>,
    pdf_href: String,
    agency: String,
    body: String,
    place_date: String,
    r: Row,
    conclusion: String,
    clips: Vec<(i64, String)>,
    channels: Vec<String>,
    events: Vec<EventRow>,
    signer: String,
}

/// The incident as an official report: the national motto, the agency, its
/// number and date, what happened and what was done, a signature block.
pub async fn report(
    State(st): State<AppState>,
    a: Authz<act::ViewIncidents>,
    Path((_, iid)): Path<(i64, i64)>,
    Query(q): Query<PrintQuery>,
) -> Result<Response> {
    let l = Layout::build(&st, &a.ctx, Some(&a.agency)).await?;
    let d = svc::detail(&st, a.agency.id, iid).await?;
    let tz = &a.agency.time_zone;
    let body = match a.agency.parent_id {
        Some(b) => {
            let mut tx = st.db.read().await?;
            crate::db::orgs::get(&mut tx, b)
                .await?
                .map(|o| o.name)
                .unwrap_or_default()
        }
        None => String::new(),
    };
    let day = crate::clock::local_date(d.incident.created_at, tz);
    let place_date = l.tr.t_args(
        "incident-report-date",
        &[
            ("day", format!("{:02}", day.day())),
            ("month", format!("{:02}", day.month())),
            ("year", day.year().to_string()),
            (
                "date",
                crate::clock::day_in(d.incident.created_at, tz, l.tr.locale),
            ),
        ],
    );
    let now = st.now();
    let (clips, channels) = subjects(&l, &d);
    let page = ReportPage {
        inline_css: q.pdf.then_some(super::APP_CSS),
        pdf_href: format!("/a/{}/incidents/{iid}/report?pdf=true", a.agency.id),
        agency: a.agency.name.clone(),
        body,
        place_date,
        r: row(&l, &d.incident, &a.agency.name, tz, now),
        conclusion: d.incident.conclusion.clone(),
        clips,
        channels,
        events: event_rows(&l, &d, tz),
        signer: a.principal.display_name.clone(),
        l,
    };
    if !q.pdf {
        return render(&page);
    }
    let stem = format!("su-co-{}", d.incident.id);
    super::as_pdf(&st, a.principal.user_id, &page, &stem).await
}

/// This area's routes, each with who may reach it.
pub(in crate::web) fn routes(r: Routes) -> Routes {
    use Scope::*;
    r.get("/a/{aid}/incidents", Agency, agency_list)
        .get("/a/{aid}/incidents/new", Agency, new_form)
        .post_file("/a/{aid}/incidents", Agency, create, FORM_LIMIT)
        .get("/a/{aid}/incidents/{iid}", Agency, detail)
        .post_file(
            "/a/{aid}/incidents/{iid}/steps",
            Agency,
            agency_step,
            FORM_LIMIT,
        )
        .get("/a/{aid}/incidents/{iid}/files/{eid}", Agency, file)
        .get("/a/{aid}/incidents/{iid}/report", Agency, report)
        .get("/b/{bid}/incidents", Body, body_list)
        .post("/b/{bid}/incidents/{iid}/{step}", Body, body_step)
}
