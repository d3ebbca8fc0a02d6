//! Server-rendered pages. One file per area; each handler parses its input,
//! calls a service operation and renders a template.

pub mod admin;
pub mod audit;
pub mod auth;
pub mod calendar;
pub mod campaigns;
pub mod clip_list;
pub mod clip_new;
pub mod clips;
pub mod dashboard;
pub mod history;
pub mod incidents;
pub mod insights;
pub mod jobs;
pub mod members;
pub mod outlet;
mod posters;
pub mod profile;
pub mod publishing;
mod ranged;
pub mod review;
pub mod scorecard;
pub mod sharing;
mod subtitle_settings;
pub mod subtitles;
mod survey_public;
mod survey_results;
pub mod surveys;

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use super::middleware::{Rendered, ReqCtx};
use crate::db::orgs::Org;
use crate::domain::{Action, Role, policy};
use crate::error::{Error, Result};
use crate::i18n::Tr;
use crate::service::orgs::visible_agencies_in;
use crate::state::AppState;
use crate::web::Routes;

/// An agency in the navigation, with what the user may open there.
#[derive(Debug, Clone)]
pub struct NavAgency {
    pub id: i64,
    pub name: String,
    pub can_members: bool,
    pub can_audit: bool,
    pub can_clips: bool,
    pub can_review_settings: bool,
    pub can_delegations: bool,
    pub can_channels: bool,
    pub can_incidents: bool,
    pub can_insights: bool,
    pub can_campaigns: bool,
    pub can_surveys: bool,
    pub can_library: bool,
}

/// What every page's frame needs.
#[derive(Debug, Clone)]
pub struct Layout {
    pub tr: Tr,
    pub csrf: String,
    pub path: String,
    pub user_name: Option<String>,
    pub agency: Option<NavAgency>,
    pub agencies: Vec<NavAgency>,
    pub is_system_admin: bool,
    pub is_overseer: bool,
    /// The body the person oversees (its pages in the menu).
    pub body: Option<i64>,
    /// Unread notifications in the inbox.
    pub unread: i64,
}

impl Layout {
    /// The frame for a visitor who is not signed in.
    pub fn anonymous(ctx: &ReqCtx) -> Layout {
        Layout {
            tr: ctx.tr(),
            csrf: crate::web::middleware::masked_csrf(&ctx.csrf),
            path: ctx.path.clone(),
            user_name: None,
            agency: None,
            agencies: vec![],
            is_system_admin: false,
            is_overseer: false,
            body: None,
            unread: 0,
        }
    }

    /// The frame for a signed-in user, with the agency being viewed if any.
    pub async fn build(st: &AppState, ctx: &ReqCtx, current: Option<&Org>) -> Result<Layout> {
        let mut l = Layout::anonymous(ctx);
        let Some(p) = &ctx.principal else {
            return Ok(l);
        };
        l.user_name = Some(p.display_name.clone());
        l.is_system_admin = p.is_system_admin;
        l.body = p
            .memberships
            .iter()
            .find(|(_, r)| *r == Role::Overseer)
            .map(|(b, _)| b.0);
        l.is_overseer = l.body.is_some();
        let nav = |o: &Org| {
            let t = policy::Target {
                agency: o.id,
                body: o.parent_id,
            };
            NavAgency {
                id: o.id.0,
                name: o.name.clone(),
                can_members: policy::allows(&p.subject(), t, Action::ViewMembers),
                can_audit: policy::allows(&p.subject(), t, Action::ViewAudit),
                can_clips: policy::allows(&p.subject(), t, Action::ViewClips),
                can_review_settings: policy::allows(&p.subject(), t, Action::ManageReviewSettings),
                can_delegations: policy::allows(&p.subject(), t, Action::ManageDelegations),
                can_channels: policy::allows(&p.subject(), t, Action::ViewChannels),
                can_incidents: policy::allows(&p.subject(), t, Action::ViewIncidents),
                can_insights: policy::allows(&p.subject(), t, Action::ViewInsights),
                can_campaigns: policy::allows(&p.subject(), t, Action::ViewCampaigns),
                can_surveys: policy::allows(&p.subject(), t, Action::ViewSurveys),
                can_library: policy::allows(&p.subject(), t, Action::ViewLibrary),
            }
        };
        if !p.must_change_password {
            // One read for the navigation and the inbox badge.
            let mut tx = st.db.read().await?;
            l.agencies = visible_agencies_in(&mut tx, p)
                .await?
                .iter()
                .map(nav)
                .collect();
            l.unread = crate::db::review::unread_count(&mut tx, p.user_id).await?;
        }
        l.agency = current.filter(|o| o.is_agency()).map(nav);
        Ok(l)
    }

    pub fn other_lang_code(&self) -> &'static str {
        self.tr.locale.other().code()
    }

    /// The label of the language switch: the other language, in that language.
    pub fn other_lang_label(&self) -> &'static str {
        match self.tr.locale.other() {
            crate::domain::Locale::Vi => "Tiếng Việt",
            crate::domain::Locale::En => "English",
        }
    }

    /// A time in the agency's zone, written the reader's way.
    pub fn time(&self, ms: &i64, tz: &str) -> String {
        crate::clock::format_local_in(*ms, tz, self.tr.locale)
    }
}

/// Renders a page with a status; the response is marked as rendered so the error
/// middleware leaves it alone.
pub fn render_status<T: Template>(status: StatusCode, t: &T) -> Result<Response> {
    let html = t
        .render()
        .map_err(|e| Error::Internal(format!("template: {e}")))?;
    let mut r = (status, Html(html)).into_response();
    r.extensions_mut().insert(Rendered);
    Ok(r)
}

/// A refusal a form page shows beside the form (bad input, a step not
/// allowed now), with its status and message; any other error passes on.
pub fn shown_on_form(e: Error, tr: &Tr) -> Result<(StatusCode, String)> {
    match e {
        Error::Invalid(i) => Ok((StatusCode::BAD_REQUEST, tr.t(i.message_id))),
        Error::Refused(r) => Ok((StatusCode::CONFLICT, r.message(tr))),
        Error::Conflict(id) => Ok((StatusCode::CONFLICT, tr.t(id))),
        Error::NotPermitted(id) => Ok((StatusCode::FORBIDDEN, tr.t(id))),
        e => Err(e),
    }
}

/// The style sheet, inlined into pages printed to PDF (the printer reads
/// no other address).
pub(crate) const APP_CSS: &str = include_str!("../../../static/app.css");

/// A printable page as a PDF download named `lantoa-{stem}.pdf`, printed
/// for `user` through the bounded printer pool.
pub(crate) async fn as_pdf<T: Template>(
    st: &AppState,
    user: crate::domain::UserId,
    page: &T,
    stem: &str,
) -> Result<Response> {
    let html = page
        .render()
        .map_err(|e| Error::Internal(format!("template: {e}")))?;
    let bytes = crate::insights::pdf::print(&st.printing, &st.config, user, &html).await?;
    Ok(attachment(
        bytes,
        "application/pdf",
        &format!("lantoa-{stem}.pdf"),
    ))
}

/// A file made for the person (an export) sent as a download named `name`.
pub(crate) fn attachment(body: impl Into<axum::body::Body>, mime: &str, name: &str) -> Response {
    let mut r = axum::response::Response::new(body.into());
    let h = r.headers_mut();
    if let Ok(v) = axum::http::HeaderValue::from_str(mime) {
        h.insert(axum::http::header::CONTENT_TYPE, v);
    }
    if let Ok(v) = axum::http::HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        h.insert(axum::http::header::CONTENT_DISPOSITION, v);
    }
    r
}

/// A file people attached (kept in the store) sent back as a download under
/// its own name, never shown inline.
pub(crate) async fn stored_file(
    st: &AppState,
    key: &str,
    name: &str,
    mime: &str,
) -> Result<Response> {
    let (stream, size, _) = st
        .store
        .read_range(key, None)
        .await
        .map_err(|e| Error::Internal(e.to_string()))?;
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = form_urlencoded::byte_serialize(name.as_bytes()).collect();
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, mime.to_string()),
            (axum::http::header::CONTENT_LENGTH, size.to_string()),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}"),
            ),
            (
                axum::http::header::X_CONTENT_TYPE_OPTIONS,
                "nosniff".to_string(),
            ),
            (
                axum::http::header::CACHE_CONTROL,
                "private, no-store".to_string(),
            ),
        ],
        axum::body::Body::from_stream(stream),
    )
        .into_response())
}

/// `?pdf=true`: a printable page as a PDF file.
#[derive(serde::Deserialize, Default)]
pub struct PrintQuery {
    #[serde(default)]
    pub pdf: bool,
}

/// `?done=`: what the action before the redirect did (said on the page).
#[derive(serde::Deserialize, Default)]
pub struct DoneQuery {
    #[serde(default)]
    pub done: String,
}

/// A form page's status and the message shown beside its form, if any.
pub fn form_status(error: Option<(StatusCode, String)>) -> (StatusCode, Option<String>) {
    match error {
        Some((s, e)) => (s, Some(e)),
        None => (StatusCode::OK, None),
    }
}

pub fn render<T: Template>(t: &T) -> Result<Response> {
    render_status(StatusCode::OK, t)
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    l: Layout,
    status: u16,
    title: String,
    message: &'a str,
}

/// The error page, in the user's language.
pub fn error_page(ctx: &ReqCtx, status: StatusCode, message: &str) -> String {
    let mut l = Layout::anonymous(ctx);
    l.user_name = ctx.principal.as_ref().map(|p| p.display_name.clone());
    let tr = ctx.tr();
    let title = match status.as_u16() {
        403 => tr.t("error-title-403"),
        404 => tr.t("error-title-404"),
        500..=599 => tr.t("error-title-500"),
        _ => tr.t("error-title-other"),
    };
    ErrorPage {
        l,
        status: status.as_u16(),
        title,
        message,
    }
    .render()
    .unwrap_or_else(|_| format!("{} {message}", status.as_u16()))
}

/// A local path to return to after a form, never another site.
///
/// Browsers read a `Location` loosely (WHATWG URL parsing): they drop tabs and
/// line breaks anywhere and take `\\` for `/`, so `/\t/evil.example` and
/// `/\\evil.example` lead to another host. Only a path that starts with one `/`
/// and has no control character and no backslash is followed; spaces and
/// non-ASCII letters are percent-encoded, so the answer is always a valid header
/// value (axum's `Redirect::to` panics on anything else).
pub fn safe_back(back: Option<&str>) -> String {
    match back {
        Some(b)
            if b.starts_with('/')
                && !b.starts_with("//")
                && !b.contains('\\')
                && !b.chars().any(char::is_control) =>
        {
            let mut out = String::with_capacity(b.len());
            for c in b.chars() {
                if c.is_ascii_graphic() {
                    out.push(c);
                } else {
                    let mut buf = [0u8; 4];
                    for byte in c.encode_utf8(&mut buf).bytes() {
                        out.push_str(&format!("%{byte:02X}"));
                    }
                }
            }
            out
        }
        _ => "/".to_string(),
    }
}

/// Every page's route, area by area.
pub(in crate::web) fn routes(r: Routes) -> Routes {
    r.area(auth::routes)
        .area(dashboard::routes)
        .area(profile::routes)
        .area(members::routes)
        .area(audit::routes)
        .area(clips::routes)
        .area(calendar::routes)
        .area(review::routes)
        .area(publishing::routes)
        .area(incidents::routes)
        .area(campaigns::routes)
        .area(scorecard::routes)
        .area(posters::routes)
        .area(insights::routes)
        .area(surveys::routes)
        .area(sharing::routes)
        .area(survey_public::routes)
        .area(outlet::routes)
        .area(subtitles::routes)
        .area(admin::routes)
        .area(jobs::routes)
}

#[cfg(test)]
mod tests {
    use super::safe_back;

    #[test]
    fn back_links_stay_on_site() {
        assert_eq!(safe_back(Some("/a/1")), "/a/1");
        assert_eq!(safe_back(Some("//evil.example")), "/");
        assert_eq!(safe_back(Some("https://evil.example")), "/");
        assert_eq!(safe_back(Some("/\\evil")), "/");
        assert_eq!(safe_back(None), "/");
    }

    #[test]
    fn p01_control_characters_and_browser_quirks_lead_home() {
        for hostile in [
            "/\t/evil.example/",
            "/\n/evil.example/",
            "/\r\n/evil.example",
            "/\u{1}x",
            "/a\u{7f}",
            "/\u{85}/evil.example",
            "/a\\b",
        ] {
            assert_eq!(safe_back(Some(hostile)), "/", "{hostile:?}");
        }
        assert_eq!(
            safe_back(Some("/a/1?q=tin tức")),
            "/a/1?q=tin%20t%E1%BB%A9c"
        );
    }
}
