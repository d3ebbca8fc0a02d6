//! An agency's surveys (*Khảo sát*): the list, the builder (settings and
//! questions, one small form each, usable on a phone without script), the
//! public address with its QR code, publishing and closing; the results
//! page with a chart per question, a cross-tabulation, the words of the
//! short answers, the comparison with the measured figures and the exports.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{Layout, render, render_status};
use crate::domain::policy::BodyAction;
use crate::domain::survey::{FormOp, Kind, QuestionEdit};
use crate::domain::{Action, SurveyId};
use crate::error::{Error, Result};
use crate::service::Caller;
use crate::service::surveys::{self as svc, SettingsForm, Status, form_of};
use crate::state::AppState;
use crate::web::extract::{FormData, OrgAuthz, act, body_act};
use crate::web::middleware::ReqCtx;
use crate::web::{Routes, Scope};

pub use super::survey_results::{export_csv, export_xlsx, results};

/// What a redirect after a change may say (`?done=`).
const DONE: [&str; 5] = ["created", "settings", "question", "published", "closed"];

#[derive(Debug, Default, Deserialize)]
pub struct Done {
    #[serde(default)]
    pub done: String,
}

pub struct Row {
    pub href: String,
    pub title: String,
    pub status: &'static str,
    pub status_label: String,
    pub responses: i64,
    pub target: i64,
}

#[derive(Template)]
#[template(path = "surveys.html")]
struct ListPage {
    l: Layout,
    /// `/a/{aid}` or `/b/{bid}`.
    base: String,
    rows: Vec<Row>,
    can_manage: bool,
}

fn status_label(l: &Layout, s: Status) -> String {
    l.tr.t(&format!("survey-status-{}", s.code()))
}

pub async fn list(
    State(st): State<AppState>,
    a: OrgAuthz<act::ViewSurveys, body_act::ViewBody>,
) -> Result<Response> {
    let l = Layout::build(&st, &a.ctx, Some(&a.agency)).await?;
    let now = st.now();
    let base = a.agency.base_path();
    let rows = svc::list(&a.caller)
        .await?
        .into_iter()
        .map(|s| {
            let status = Status::of_parts(&s.state, s.opens_at, s.closes_at, now);
            Row {
                href: format!("{base}/surveys/{}", s.id),
                title: s.title,
                status: status.code(),
                status_label: status_label(&l, status),
                responses: s.responses,
                target: s.target,
            }
        })
        .collect();
    render(&ListPage {
        can_manage: a.may_here(Action::ManageSurveys, BodyAction::ManageSurveys),
        l,
        base,
        rows,
    })
}

#[derive(Debug, Deserialize)]
pub struct CreateForm {
    #[serde(default)]
    pub template: String,
}

pub async fn create(
    a: OrgAuthz<act::ManageSurveys, body_act::ManageSurveys>,
    FormData(f): FormData<CreateForm>,
) -> Result<Response> {
    let id = svc::create(&a.caller, f.template != "blank").await?;
    let to = format!("{}/surveys/{id}?done=created", a.agency.base_path());
    Ok(Redirect::to(&to).into_response())
}

pub struct QView {
    pub key: String,
    pub kind: &'static str,
    pub kind_label: String,
    pub text: String,
    pub help: String,
    pub section: String,
    pub options: String,
    pub labels: Vec<String>,
    pub required: bool,
    pub demographic: bool,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "survey.html")]
struct BuilderPage {
    l: Layout,
    base: String,
    list: String,
    title: String,
    intro: String,
    status: &'static str,
    status_label: String,
    public_url: String,
    public_path: String,
    can_manage: bool,
    locked: bool,
    closed: bool,
    responses: i64,
    target: i64,
    opens: String,
    closes: String,
    questions: Vec<QView>,
    kinds: Vec<(&'static str, String)>,
    done: Option<String>,
    /// The settings form's problem.
    settings_error: Option<String>,
    /// The add form's problem and what was typed in it.
    add: QView,
}

impl BuilderPage {
    /// Whether two codes are the same (for the template's selects).
    fn same(&self, a: &str, b: &str) -> bool {
        a == b
    }
}

/// A local day as the date input takes it.
fn day_input(ms: Option<i64>, tz: &str) -> String {
    ms.map(|m| {
        crate::clock::datetime_input(m, tz)
            .chars()
            .take(10)
            .collect()
    })
    .unwrap_or_default()
}

fn blank_question(l: &Layout) -> QView {
    QView {
        key: String::new(),
        kind: "single",
        kind_label: l.tr.t("survey-kind-single"),
        text: String::new(),
        help: String::new(),
        section: String::new(),
        options: String::new(),
        labels: Vec::new(),
        required: true,
        demographic: false,
        error: None,
    }
}

/// A failed change to show again: the question (none: the add form), what
/// was typed, and why.
type Failed = (Option<String>, QuestionEdit, String);

async fn builder(
    st: &AppState,
    (a, ctx): (&Caller, &ReqCtx),
    id: SurveyId,
    done: Option<String>,
    failed: Option<Failed>,
    settings_error: Option<String>,
) -> Result<BuilderPage> {
    let l = Layout::build(st, ctx, Some(&a.agency)).await?;
    let (s, responses) = svc::get(a, id).await?;
    let form = form_of(&s)?;
    let tz = a.agency.time_zone.clone();
    let status = Status::of(&s, st.now());
    let mut questions: Vec<QView> = form
        .questions
        .iter()
        .map(|q| QView {
            key: q.key.clone(),
            kind: q.kind.code(),
            kind_label: l.tr.t(&format!("survey-kind-{}", q.kind.code())),
            text: q.text.clone(),
            help: q.help.clone(),
            section: q.section.clone(),
            options: q
                .options
                .iter()
                .map(|c| c.label.as_str())
                .collect::<Vec<_>>()
                .join("\n"),
            labels: q.options.iter().map(|c| c.label.clone()).collect(),
            required: q.required,
            demographic: q.demographic,
            error: None,
        })
        .collect();
    let mut add = blank_question(&l);
    if let Some((key, e, msg)) = failed {
        let target = match &key {
            Some(k) => questions.iter_mut().find(|q| q.key == *k),
            None => Some(&mut add),
        };
        if let Some(q) = target {
            q.kind = Kind::parse(&e.kind).map_or(q.kind, Kind::code);
            q.text = e.text;
            q.help = e.help;
            q.section = e.section;
            q.options = e.options;
            q.required = e.required;
            q.error = Some(msg);
        }
    }
    let path = format!("/s/{}", s.token);
    Ok(BuilderPage {
        base: format!("{}/surveys/{id}", a.agency.base_path()),
        list: format!("{}/surveys", a.agency.base_path()),
        title: s.title.clone(),
        intro: s.intro.clone(),
        status: status.code(),
        status_label: status_label(&l, status),
        public_url: format!("{}{path}", st.config.public_base()),
        public_path: path,
        can_manage: a.may_here(Action::ManageSurveys, BodyAction::ManageSurveys),
        locked: responses > 0,
        closed: status == Status::Closed,
        responses,
        target: s.target,
        opens: day_input(s.opens_at, &tz),
        // The last day shown is the day before the closing instant.
        closes: day_input(s.closes_at.map(|c| c - 1), &tz),
        questions,
        kinds: Kind::ALL
            .iter()
            .map(|k| (k.code(), l.tr.t(&format!("survey-kind-{}", k.code()))))
            .collect(),
        done,
        settings_error,
        add,
        l,
    })
}

fn done_text(l_tr: &crate::i18n::Tr, d: &Done) -> Option<String> {
    DONE.iter()
        .find(|c| **c == d.done)
        .map(|c| l_tr.t(&format!("survey-done-{c}")))
}

pub async fn detail(
    State(st): State<AppState>,
    a: OrgAuthz<act::ViewSurveys, body_act::ViewBody>,
    Path((_, sid)): Path<(i64, i64)>,
    Query(d): Query<Done>,
) -> Result<Response> {
    let done = done_text(&a.ctx.tr(), &d);
    render(&builder(&st, (&a.caller, &a.ctx), SurveyId(sid), done, None, None).await?)
}

fn back(a: &Caller, sid: i64, done: &str) -> Response {
    let base = a.agency.base_path();
    Redirect::to(&format!("{base}/surveys/{sid}?done={done}")).into_response()
}

/// The builder again with the refusal beside the survey's settings (bad
/// dates, a survey that cannot open); any other error passes on.
async fn refused_settings(
    st: &AppState,
    a: &OrgAuthz<act::ManageSurveys, body_act::ManageSurveys>,
    sid: i64,
    e: Error,
) -> Result<Response> {
    let Error::Invalid(i) = e else {
        return Err(e);
    };
    let msg = a.ctx.tr().t(i.message_id);
    let p = builder(
        st,
        (&a.caller, &a.ctx),
        SurveyId(sid),
        None,
        None,
        Some(msg),
    )
    .await?;
    render_status(StatusCode::BAD_REQUEST, &p)
}

pub async fn settings(
    State(st): State<AppState>,
    a: OrgAuthz<act::ManageSurveys, body_act::ManageSurveys>,
    Path((_, sid)): Path<(i64, i64)>,
    FormData(f): FormData<SettingsForm>,
) -> Result<Response> {
    match svc::save_settings(&a.caller, SurveyId(sid), &f).await {
        Ok(()) => Ok(back(&a.caller, sid, "settings")),
        Err(e) => refused_settings(&st, &a, sid, e).await,
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct QuestionForm {
    #[serde(default)]
    pub op: String,
    #[serde(default)]
    pub key: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    pub help: String,
    #[serde(default)]
    pub section: String,
    #[serde(default)]
    pub options: String,
    #[serde(default)]
    pub required: Option<String>,
}

pub async fn question(
    State(st): State<AppState>,
    a: OrgAuthz<act::ManageSurveys, body_act::ManageSurveys>,
    Path((_, sid)): Path<(i64, i64)>,
    FormData(f): FormData<QuestionForm>,
) -> Result<Response> {
    let edit = QuestionEdit {
        kind: f.kind,
        text: f.text,
        help: f.help,
        section: f.section,
        options: f.options,
        required: f.required.is_some(),
    };
    let key = f.key;
    let op = match f.op.as_str() {
        "add" => FormOp::Add(edit.clone()),
        "save" => FormOp::Save(key.clone(), edit.clone()),
        "remove" => FormOp::Remove(key.clone()),
        "up" => FormOp::Up(key.clone()),
        "down" => FormOp::Down(key.clone()),
        _ => return Err(Error::NotFound),
    };
    let adding = f.op == "add";
    match svc::edit_form(&a.caller, SurveyId(sid), op).await {
        Ok(()) => Ok(back(&a.caller, sid, "question")),
        Err(Error::Invalid(i)) => {
            let msg = a.ctx.tr().t(i.message_id);
            let failed = ((!adding).then_some(key), edit, msg);
            let who = (&a.caller, &a.ctx);
            let p = builder(&st, who, SurveyId(sid), None, Some(failed), None).await?;
            render_status(StatusCode::BAD_REQUEST, &p)
        }
        Err(e) => Err(e),
    }
}

async fn change_state(
    st: &AppState,
    a: OrgAuthz<act::ManageSurveys, body_act::ManageSurveys>,
    sid: i64,
    publish: bool,
) -> Result<Response> {
    let r = if publish {
        svc::publish(&a.caller, SurveyId(sid)).await
    } else {
        svc::close(&a.caller, SurveyId(sid)).await
    };
    match r {
        Ok(()) => Ok(back(
            &a.caller,
            sid,
            if publish { "published" } else { "closed" },
        )),
        Err(e) => refused_settings(st, &a, sid, e).await,
    }
}

pub async fn publish(
    State(st): State<AppState>,
    a: OrgAuthz<act::ManageSurveys, body_act::ManageSurveys>,
    Path(ids): Path<(i64, i64)>,
) -> Result<Response> {
    change_state(&st, a, ids.1, true).await
}

pub async fn close(
    State(st): State<AppState>,
    a: OrgAuthz<act::ManageSurveys, body_act::ManageSurveys>,
    Path(ids): Path<(i64, i64)>,
) -> Result<Response> {
    change_state(&st, a, ids.1, false).await
}

/// This area's routes: an agency's surveys, and the same pages for the
/// body's province-wide surveys.
pub(in crate::web) fn routes(r: Routes) -> Routes {
    use Scope::{Agency, Body};
    r.get("/a/{aid}/surveys", Agency, list)
        .post("/a/{aid}/surveys", Agency, create)
        .get("/a/{aid}/surveys/{sid}", Agency, detail)
        .post("/a/{aid}/surveys/{sid}/settings", Agency, settings)
        .post("/a/{aid}/surveys/{sid}/questions", Agency, question)
        .post("/a/{aid}/surveys/{sid}/publish", Agency, publish)
        .post("/a/{aid}/surveys/{sid}/close", Agency, close)
        .get("/a/{aid}/surveys/{sid}/results", Agency, results)
        .get("/a/{aid}/surveys/{sid}/results.csv", Agency, export_csv)
        .get("/a/{aid}/surveys/{sid}/results.xlsx", Agency, export_xlsx)
        .get("/b/{bid}/surveys", Body, list)
        .post("/b/{bid}/surveys", Body, create)
        .get("/b/{bid}/surveys/{sid}", Body, detail)
        .post("/b/{bid}/surveys/{sid}/settings", Body, settings)
        .post("/b/{bid}/surveys/{sid}/questions", Body, question)
        .post("/b/{bid}/surveys/{sid}/publish", Body, publish)
        .post("/b/{bid}/surveys/{sid}/close", Body, close)
        .get("/b/{bid}/surveys/{sid}/results", Body, results)
        .get("/b/{bid}/surveys/{sid}/results.csv", Body, export_csv)
        .get("/b/{bid}/surveys/{sid}/results.xlsx", Body, export_xlsx)
}
