//! Campaign pages: the body's list, form and progress page (with reminders
//! and exports), and an agency's view of the campaigns it takes part in.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use super::{DoneQuery, Layout, PrintQuery, render, render_status, shown_on_form};
use crate::db::campaigns::Campaign;
use crate::db::orgs::Org;
use crate::error::Result;
use crate::insights::export::{self, Cell, Table};
use crate::service::campaigns::{self as svc, AgencyPart, CampaignForm, Progress};
use crate::service::files;
use crate::state::AppState;
use crate::web::extract::{Authz, BodyAuthz, FileForm, act, body_act};
use crate::web::{Routes, Scope};

const FORM_LIMIT: usize = files::MAX_FILE_BYTES + 256 * 1024;

/// A campaign in a list or at the head of its page.
pub struct CampaignRow {
    pub id: i64,
    pub name: String,
    pub theme: String,
    pub dates: String,
    pub hashtags: String,
    pub running: bool,
    pub ended: bool,
}

fn campaign_row(l: &Layout, c: &Campaign, tz: &str, now: i64) -> CampaignRow {
    CampaignRow {
        id: c.id,
        name: c.name.clone(),
        theme: c.theme.clone(),
        dates: crate::clock::days_in(c.starts_at, c.ends_at, tz, l.tr.locale),
        hashtags: c.hashtag_list().join(" "),
        running: c.running(now),
        ended: now >= c.ends_at,
    }
}

/// One agency's row on a campaign's page.
pub struct PartRow {
    pub aid: i64,
    pub agency: String,
    pub expected: i64,
    pub planned: i64,
    pub submitted: i64,
    pub approved: i64,
    pub published: i64,
    pub behind: bool,
    pub channels: String,
    pub views: String,
    pub reach: String,
    pub completion: String,
    pub reminded: String,
}

fn part_row(l: &Layout, p: &AgencyPart, tz: &str) -> PartRow {
    let none = l.tr.t("insights-absent");
    let num = |v: Option<f64>| {
        v.map_or(none.clone(), |x| {
            crate::insights::chart::fmt_num_in(x, l.tr.locale)
        })
    };
    PartRow {
        aid: p.agency_id.0,
        agency: p.agency.clone(),
        expected: p.expected,
        planned: p.stages.planned,
        submitted: p.stages.submitted,
        approved: p.stages.approved,
        published: p.stages.published,
        behind: p.stages.published < p.expected,
        channels: p
            .channels
            .iter()
            .map(|(k, n)| format!("{} {n}", l.tr.t(&format!("platform-{k}"))))
            .collect::<Vec<_>>()
            .join(", "),
        views: num(p.views),
        reach: num(p.reach),
        completion: p.completion.map_or(none.clone(), |c| {
            format!(
                "{}%",
                crate::insights::chart::fmt_num_in((c * 100.0).round(), l.tr.locale)
            )
        }),
        reminded: p.reminded_at.map(|t| l.time(&t, tz)).unwrap_or_default(),
    }
}

#[derive(Template)]
#[template(path = "campaigns.html")]
struct ListPage {
    l: Layout,
    /// The body's list (links under /b) or the agency's (under /a).
    base: String,
    can_create: bool,
    rows: Vec<(CampaignRow, Option<PartRow>)>,
}

pub async fn body_list(
    State(st): State<AppState>,
    b: BodyAuthz<body_act::ViewBody>,
) -> Result<Response> {
    let l = Layout::build(&st, &b.ctx, None).await?;
    let now = st.now();
    let rows = svc::list_of_body(&st, b.agency.id)
        .await?
        .iter()
        .map(|c| (campaign_row(&l, c, &b.agency.time_zone, now), None))
        .collect();
    let can_create = crate::domain::policy::allows_in_body(
        &b.principal.subject(),
        b.agency.id,
        crate::domain::policy::BodyAction::ManageCampaigns,
    );
    render(&ListPage {
        base: format!("/b/{}", b.agency.id),
        can_create,
        rows,
        l,
    })
}

pub async fn agency_list(
    State(st): State<AppState>,
    a: Authz<act::ViewCampaigns>,
) -> Result<Response> {
    let l = Layout::build(&st, &a.ctx, Some(&a.agency)).await?;
    let now = st.now();
    let tz = &a.agency.time_zone;
    let rows = svc::for_agency(&st, &a.agency, |_| true)
        .await?
        .iter()
        .map(|(c, p)| (campaign_row(&l, c, tz, now), Some(part_row(&l, p, tz))))
        .collect();
    render(&ListPage {
        base: format!("/a/{}", a.agency.id),
        can_create: false,
        rows,
        l,
    })
}

/// An agency of the body on the form.
pub struct AgencyChoice {
    pub id: i64,
    pub name: String,
    pub chosen: bool,
    pub expected: String,
}

#[derive(Template)]
#[template(path = "campaign_form.html")]
struct FormPage {
    l: Layout,
    bid: i64,
    /// The campaign being changed; none for a new one.
    id: Option<i64>,
    error: Option<String>,
    name: String,
    theme: String,
    brief: String,
    hashtags: String,
    starts_on: String,
    ends_on: String,
    agencies: Vec<AgencyChoice>,
    max_mb: usize,
}

/// The form, from a campaign being changed, what was typed, or empty.
async fn form_page(
    st: &AppState,
    b: &BodyAuthz<body_act::ManageCampaigns>,
    id: Option<i64>,
    kept: Option<&FileForm>,
    error: Option<(StatusCode, String)>,
) -> Result<Response> {
    let l = Layout::build(st, &b.ctx, None).await?;
    let tz = &b.agency.time_zone;
    let members = {
        let mut tx = st.db.read().await?;
        crate::db::orgs::agencies_of_body(&mut tx, b.agency.id).await?
    };
    let existing = match (id, kept) {
        (Some(id), None) => Some(svc::progress(st, b.agency.id, id, None).await?),
        _ => None,
    };
    let date = |ms: i64| {
        crate::clock::datetime_input(ms, tz)
            .get(..10)
            .unwrap_or("")
            .to_string()
    };
    let (name, theme, brief, hashtags, starts_on, ends_on) = match (&existing, kept) {
        (Some(p), _) => {
            let c = &p.campaign;
            (
                c.name.clone(),
                c.theme.clone(),
                c.brief.clone(),
                c.hashtag_list().join(" "),
                date(c.starts_at),
                date(c.ends_at - 1),
            )
        }
        (None, Some(f)) => (
            f.get("name").into(),
            f.get("theme").into(),
            f.get("brief").into(),
            f.get("hashtags").into(),
            f.get("starts_on").into(),
            f.get("ends_on").into(),
        ),
        (None, None) => Default::default(),
    };
    let agencies = members
        .iter()
        .map(|o: &Org| {
            let part = existing
                .as_ref()
                .and_then(|p| p.parts.iter().find(|x| x.agency_id == o.id));
            let id = o.id.0.to_string();
            AgencyChoice {
                id: o.id.0,
                name: o.name.clone(),
                chosen: part.is_some()
                    || kept.is_some_and(|f| f.all("agency").any(|x| x == id))
                    || (existing.is_none() && kept.is_none()),
                expected: match (part, kept) {
                    (Some(p), _) => p.expected.to_string(),
                    (None, Some(f)) => f.get(&format!("expected_{id}")).to_string(),
                    (None, None) => "3".into(),
                },
            }
        })
        .collect();
    let (status, error) = super::form_status(error);
    render_status(
        status,
        &FormPage {
            bid: b.agency.id.0,
            id,
            error,
            name,
            theme,
            brief,
            hashtags,
            starts_on,
            ends_on,
            agencies,
            max_mb: files::MAX_FILE_BYTES / (1024 * 1024),
            l,
        },
    )
}

pub async fn new_form(
    State(st): State<AppState>,
    b: BodyAuthz<body_act::ManageCampaigns>,
) -> Result<Response> {
    form_page(&st, &b, None, None, None).await
}

pub async fn edit_form(
    State(st): State<AppState>,
    b: BodyAuthz<body_act::ManageCampaigns>,
    Path((_, id)): Path<(i64, i64)>,
) -> Result<Response> {
    form_page(&st, &b, Some(id), None, None).await
}

/// The form's fields as the service takes them.
fn campaign_form(f: &FileForm) -> CampaignForm {
    CampaignForm {
        name: f.get("name").into(),
        theme: f.get("theme").into(),
        brief: f.get("brief").into(),
        hashtags: f.get("hashtags").into(),
        starts_on: f.get("starts_on").into(),
        ends_on: f.get("ends_on").into(),
        agencies: f
            .all("agency")
            .filter_map(|a| a.parse::<i64>().ok())
            .map(|a| {
                let n = f.get(&format!("expected_{a}")).trim().parse().unwrap_or(-1);
                (a, n)
            })
            .collect(),
    }
}

async fn save(
    st: &AppState,
    b: &BodyAuthz<body_act::ManageCampaigns>,
    id: Option<i64>,
    mut f: FileForm,
) -> Result<Response> {
    let form = campaign_form(&f);
    let file = f.file.take().map(files::check).transpose();
    let done = match (file, id) {
        (Err(e), _) => Err(e.into()),
        (Ok(file), None) => svc::create(&b.caller, form, file).await,
        (Ok(file), Some(id)) => svc::update(&b.caller, id, form, file).await.map(|_| id),
    };
    match done {
        Ok(id) => Ok(
            Redirect::to(&format!("/b/{}/campaigns/{id}?done=saved", b.agency.id)).into_response(),
        ),
        Err(e) => {
            let shown = shown_on_form(e, &b.ctx.tr())?;
            form_page(st, b, id, Some(&f), Some(shown)).await
        }
    }
}

pub async fn create(
    State(st): State<AppState>,
    b: BodyAuthz<body_act::ManageCampaigns>,
    f: FileForm,
) -> Result<Response> {
    save(&st, &b, None, f).await
}

pub async fn update(
    State(st): State<AppState>,
    b: BodyAuthz<body_act::ManageCampaigns>,
    Path((_, id)): Path<(i64, i64)>,
    f: FileForm,
) -> Result<Response> {
    save(&st, &b, Some(id), f).await
}

#[derive(Template)]
#[template(path = "campaign.html")]
struct CampaignPage {
    l: Layout,
    /// Where its links go: /b/{bid} for the body, /a/{aid} for an agency.
    base: String,
    aid: Option<i64>,
    c: CampaignRow,
    brief: String,
    done: Option<String>,
    parts: Vec<PartRow>,
    totals: PartRow,
    files: Vec<(i64, String)>,
    clips: Vec<(i64, String, String)>,
    can_manage: bool,
}

/// The campaign's figures over every agency shown.
fn totals(l: &Layout, p: &Progress, tz: &str) -> PartRow {
    let mut t = AgencyPart {
        agency_id: crate::domain::OrgId(0),
        agency: l.tr.t("campaign-total"),
        expected: 0,
        stages: crate::db::campaigns::Stages::none(crate::domain::OrgId(0)),
        channels: Vec::new(),
        views: None,
        reach: None,
        completion: None,
        reminded_at: None,
    };
    let add = |a: Option<f64>, b: Option<f64>| match (a, b) {
        (None, None) => None,
        (a, b) => Some(a.unwrap_or(0.0) + b.unwrap_or(0.0)),
    };
    for x in &p.parts {
        t.expected += x.expected;
        t.stages.planned += x.stages.planned;
        t.stages.submitted += x.stages.submitted;
        t.stages.approved += x.stages.approved;
        t.stages.published += x.stages.published;
        t.views = add(t.views, x.views);
        t.reach = add(t.reach, x.reach);
        for (k, n) in &x.channels {
            match t.channels.iter_mut().find(|(c, _)| c == k) {
                Some((_, m)) => *m += n,
                None => t.channels.push((k.clone(), *n)),
            }
        }
    }
    part_row(l, &t, tz)
}

async fn campaign_page(
    st: &AppState,
    l: Layout,
    (body, tz): (crate::domain::OrgId, &str),
    id: i64,
    agency: Option<crate::domain::OrgId>,
    done: &str,
    can_manage: bool,
) -> Result<Response> {
    let p = svc::progress(st, body, id, agency).await?;
    let now = st.now();
    let clips = match agency {
        Some(a) => svc::clips_of(st, id, a)
            .await?
            .into_iter()
            .map(|(c, t, s)| (c, t, l.tr.t(&format!("state-{s}"))))
            .collect(),
        None => Vec::new(),
    };
    let done = ["saved", "reminded"]
        .into_iter()
        .find(|w| *w == done)
        .map(|w| l.tr.t(&format!("campaign-done-{w}")));
    render(&CampaignPage {
        base: match agency {
            Some(a) => format!("/a/{a}"),
            None => format!("/b/{body}"),
        },
        aid: agency.map(|a| a.0),
        c: campaign_row(&l, &p.campaign, tz, now),
        brief: p.campaign.brief.clone(),
        done,
        parts: p.parts.iter().map(|x| part_row(&l, x, tz)).collect(),
        totals: totals(&l, &p, tz),
        files: p
            .files
            .iter()
            .map(|f| (f.id, f.file_name.clone()))
            .collect(),
        clips,
        can_manage,
        l,
    })
}

pub async fn body_view(
    State(st): State<AppState>,
    b: BodyAuthz<body_act::ViewBody>,
    Path((_, id)): Path<(i64, i64)>,
    axum::extract::Query(q): axum::extract::Query<DoneQuery>,
) -> Result<Response> {
    let l = Layout::build(&st, &b.ctx, None).await?;
    let can_manage = crate::domain::policy::allows_in_body(
        &b.principal.subject(),
        b.agency.id,
        crate::domain::policy::BodyAction::ManageCampaigns,
    );
    let at = (b.agency.id, b.agency.time_zone.as_str());
    campaign_page(&st, l, at, id, None, &q.done, can_manage).await
}

pub async fn agency_view(
    State(st): State<AppState>,
    a: Authz<act::ViewCampaigns>,
    Path((_, id)): Path<(i64, i64)>,
) -> Result<Response> {
    let body = a.agency.parent_id.ok_or(crate::error::Error::NotFound)?;
    let l = Layout::build(&st, &a.ctx, Some(&a.agency)).await?;
    let at = (body, a.agency.time_zone.as_str());
    campaign_page(&st, l, at, id, Some(a.agency.id), "", false).await
}

pub async fn remind(
    State(_st): State<AppState>,
    b: BodyAuthz<body_act::ManageCampaigns>,
    Path((_, id)): Path<(i64, i64)>,
) -> Result<Response> {
    match svc::remind(&b.caller, id).await {
        Ok(_) => Ok(
            Redirect::to(&format!("/b/{}/campaigns/{id}?done=reminded", b.agency.id))
                .into_response(),
        ),
        Err(e) => {
            let (status, msg) = shown_on_form(e, &b.ctx.tr())?;
            Ok((status, super::error_page(&b.ctx, status, &msg)).into_response())
        }
    }
}

#[derive(Template)]
#[template(path = "campaign_report.html")]
struct ReportPage {
    l: Layout,
    inline_css: Option<&'static str>,
    base: String,
    body: String,
    c: CampaignRow,
    brief: String,
    parts: Vec<PartRow>,
    totals: PartRow,
    generated: String,
}

/// The campaign's report, printed (or as a PDF): its facts and each
/// agency's coverage, as the insights report prints.
pub async fn report(
    State(st): State<AppState>,
    b: BodyAuthz<body_act::ViewBody>,
    Path((_, id)): Path<(i64, i64)>,
    axum::extract::Query(q): axum::extract::Query<PrintQuery>,
) -> Result<Response> {
    let l = Layout::build(&st, &b.ctx, None).await?;
    let p = svc::progress(&st, b.agency.id, id, None).await?;
    let tz = b.agency.time_zone.as_str();
    let page = ReportPage {
        inline_css: q.pdf.then_some(super::APP_CSS),
        base: format!("/b/{}/campaigns/{id}", b.agency.id),
        body: b.agency.name.clone(),
        c: campaign_row(&l, &p.campaign, tz, st.now()),
        brief: p.campaign.brief.clone(),
        parts: p.parts.iter().map(|x| part_row(&l, x, tz)).collect(),
        totals: totals(&l, &p, tz),
        generated: l.time(&st.now(), tz),
        l,
    };
    if !q.pdf {
        return render(&page);
    }
    super::as_pdf(&st, b.principal.user_id, &page, &format!("campaign-{id}")).await
}

/// The campaign's table: one row per agency and the total.
fn table(l: &Layout, p: &Progress) -> Table {
    let heads = [
        "campaign-agency",
        "campaign-expected",
        "campaign-planned",
        "campaign-submitted",
        "campaign-approved",
        "campaign-published",
        "campaign-channels",
        "campaign-views",
        "campaign-reach",
        "campaign-completion",
    ];
    let opt = |v: Option<f64>| v.map_or(Cell::Empty, Cell::Num);
    let row = |x: &AgencyPart| {
        vec![
            Cell::Text(x.agency.clone()),
            Cell::Int(x.expected),
            Cell::Int(x.stages.planned),
            Cell::Int(x.stages.submitted),
            Cell::Int(x.stages.approved),
            Cell::Int(x.stages.published),
            Cell::Text(
                x.channels
                    .iter()
                    .map(|(k, n)| format!("{} {n}", l.tr.t(&format!("platform-{k}"))))
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
            opt(x.views),
            opt(x.reach),
            opt(x.completion),
        ]
    };
    Table {
        title: p.campaign.name.chars().take(31).collect(),
        headers: heads.iter().map(|h| l.tr.t(h)).collect(),
        rows: p.parts.iter().map(row).collect(),
    }
}

async fn export_of(
    st: &AppState,
    b: &BodyAuthz<body_act::ViewBody>,
    id: i64,
    xlsx: bool,
) -> Result<Response> {
    let l = Layout::build(st, &b.ctx, None).await?;
    let p = svc::progress(st, b.agency.id, id, None).await?;
    let t = table(&l, &p);
    let (body, kind, ext) = if xlsx {
        (
            export::xlsx(&[t]),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
        )
    } else {
        (export::csv(&t), "text/csv; charset=utf-8", "csv")
    };
    Ok(super::attachment(
        body,
        kind,
        &format!("lantoa-campaign-{id}.{ext}"),
    ))
}

pub async fn export_csv(
    State(st): State<AppState>,
    b: BodyAuthz<body_act::ViewBody>,
    Path((_, id)): Path<(i64, i64)>,
) -> Result<Response> {
    export_of(&st, &b, id, false).await
}

pub async fn export_xlsx(
    State(st): State<AppState>,
    b: BodyAuthz<body_act::ViewBody>,
    Path((_, id)): Path<(i64, i64)>,
) -> Result<Response> {
    export_of(&st, &b, id, true).await
}

pub async fn body_file(
    State(st): State<AppState>,
    b: BodyAuthz<body_act::ViewBody>,
    Path((_, id, fid)): Path<(i64, i64, i64)>,
) -> Result<Response> {
    let f = svc::file(&st, b.agency.id, id, None, fid).await?;
    super::stored_file(&st, &f.file_key, &f.file_name, &f.file_type).await
}

pub async fn agency_file(
    State(st): State<AppState>,
    a: Authz<act::ViewCampaigns>,
    Path((_, id, fid)): Path<(i64, i64, i64)>,
) -> Result<Response> {
    let body = a.agency.parent_id.ok_or(crate::error::Error::NotFound)?;
    let f = svc::file(&st, body, id, Some(a.agency.id), fid).await?;
    super::stored_file(&st, &f.file_key, &f.file_name, &f.file_type).await
}

/// This area's routes, each with who may reach it.
pub(in crate::web) fn routes(r: Routes) -> Routes {
    use Scope::*;
    r.get("/b/{bid}/campaigns", Body, body_list)
        .get("/b/{bid}/campaigns/new", Body, new_form)
        .post_file("/b/{bid}/campaigns", Body, create, FORM_LIMIT)
        .get("/b/{bid}/campaigns/{campid}", Body, body_view)
        .get("/b/{bid}/campaigns/{campid}/edit", Body, edit_form)
        .post_file("/b/{bid}/campaigns/{campid}", Body, update, FORM_LIMIT)
        .post("/b/{bid}/campaigns/{campid}/remind", Body, remind)
        .get("/b/{bid}/campaigns/{campid}/report", Body, report)
        .get("/b/{bid}/campaigns/{campid}/export.csv", Body, export_csv)
        .get("/b/{bid}/campaigns/{campid}/export.xlsx", Body, export_xlsx)
        .get("/b/{bid}/campaigns/{campid}/files/{fid}", Body, body_file)
        .get("/a/{aid}/campaigns", Agency, agency_list)
        .get("/a/{aid}/campaigns/{campid}", Agency, agency_view)
        .get(
            "/a/{aid}/campaigns/{campid}/files/{fid}",
            Agency,
            agency_file,
        )
}
