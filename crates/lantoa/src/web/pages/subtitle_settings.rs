//! The agency's subtitle settings (`/a/{aid}/subtitle-settings`): the style
//! subtitles are burned in with (font, size, box, position) and the reading
//! limits the editor warns at. Everyone who edits clips sees them; the
//! agency's admin changes them.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::domain::Action;
use crate::domain::subtitles::{FONTS, Position, Settings};
use crate::error::{Error, Result};
use crate::state::AppState;
use crate::web::extract::{Authz, FormData, act};
use crate::web::pages::{DoneQuery, Layout, render_status};

#[derive(Template)]
#[template(path = "subtitle_settings.html")]
struct SettingsPage {
    l: Layout,
    aid: i64,
    s: Settings,
    fonts: Vec<&'static str>,
    can_manage: bool,
    notice: Option<String>,
    saved: bool,
}

impl SettingsPage {
    fn position(&self) -> &'static str {
        position_code(self.s.style.position)
    }
}

fn position_code(p: Position) -> &'static str {
    match p {
        Position::Top => "top",
        Position::Middle => "middle",
        Position::Bottom => "bottom",
    }
}

async fn build(
    st: &AppState,
    a: &Authz<impl Send + Sync>,
    s: Option<Settings>,
    notice: Option<String>,
    saved: bool,
) -> Result<SettingsPage> {
    let s = match s {
        Some(s) => s,
        None => {
            let mut tx = st.db.read().await?;
            crate::service::subtitles::settings(&mut tx, a.agency.id).await?
        }
    };
    Ok(SettingsPage {
        l: Layout::build(st, &a.ctx, Some(&a.agency)).await?,
        aid: a.agency.id.0,
        s,
        fonts: FONTS.to_vec(),
        can_manage: a.caller.may(Action::ManageReviewSettings),
        notice,
        saved,
    })
}

/// Everyone in the agency sees the settings (the editor warns by them);
/// its admin changes them.
pub async fn page(
    State(st): State<AppState>,
    a: Authz<act::ViewDashboard>,
    Query(d): Query<DoneQuery>,
) -> Result<Response> {
    let p = build(&st, &a, None, None, d.done == "saved").await?;
    render_status(StatusCode::OK, &p)
}

#[derive(Debug, Deserialize)]
pub struct SettingsForm {
    pub font: String,
    pub size_pct: String,
    #[serde(default)]
    pub boxed: String,
    pub position: String,
    pub max_cps: String,
    pub max_line_chars: String,
    pub max_lines: String,
}

fn read(f: &SettingsForm) -> Settings {
    let d = Settings::default();
    let mut s = d.clone();
    s.style.font = f.font.trim().to_string();
    s.style.size_pct = f.size_pct.trim().parse().unwrap_or(0);
    s.style.box_ = !f.boxed.is_empty();
    s.style.position = match f.position.as_str() {
        "top" => Position::Top,
        "middle" => Position::Middle,
        _ => Position::Bottom,
    };
    s.limits.max_cps = f.max_cps.trim().replace(',', ".").parse().unwrap_or(0.0);
    s.limits.max_line_chars = f.max_line_chars.trim().parse().unwrap_or(0);
    s.limits.max_lines = f.max_lines.trim().parse().unwrap_or(0);
    s
}

pub async fn save(
    State(st): State<AppState>,
    a: Authz<act::ManageReviewSettings>,
    FormData(f): FormData<SettingsForm>,
) -> Result<Response> {
    let s = read(&f);
    match crate::service::subtitles::save_settings(&a.caller, s.clone()).await {
        Ok(()) => Ok(Redirect::to(&format!(
            "/a/{}/subtitle-settings?done=saved",
            a.agency.id.0
        ))
        .into_response()),
        Err(Error::Invalid(i)) => {
            let notice = Some(a.ctx.tr().t(i.message_id));
            let p = build(&st, &a, Some(s), notice, false).await?;
            render_status(StatusCode::BAD_REQUEST, &p)
        }
        Err(e) => Err(e),
    }
}
