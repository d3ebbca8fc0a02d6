//! The subtitle editor of a clip (`/a/{aid}/clips/{cid}/subtitles`): the
//! player with the burn-in preview and the platforms' UI zones, the waveform
//! strip, the cue list with its checks and one-click fixes; import and export
//! (SRT, WebVTT), a machine draft when the operator runs a speech-to-text
//! server, and the agency's subtitle settings. Without JavaScript the track
//! is edited as SRT text; the script turns it into the cue list and keys.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};

use crate::domain::subtitles::{self as subs, Cue, Delivery, Position, Settings};
use crate::domain::{Action, ChannelId, ClipId};
use crate::error::{Error, Result};
use crate::media::subtitles as fmt;
use crate::service::review::{self as review, CueIssue, TrackEdit, TrackState};
use crate::state::AppState;
use crate::web::extract::{Authz, FileForm, FormData, JsonBody, act};
use crate::web::pages::{Layout, render_status};
use crate::web::{Routes, Scope};

/// A cue issue as the page and the script show it.
#[derive(Debug, Clone, Serialize)]
pub struct IssueView {
    pub index: usize,
    pub error: bool,
    pub message: String,
    /// The cue's text once fixed, for the one-click fix.
    pub fixed: Option<String>,
}

fn issue_views(l: &Layout, issues: &[CueIssue]) -> Vec<IssueView> {
    issues
        .iter()
        .map(|i| {
            let message = match &i.finding {
                Some(f) => f.message(&l.tr),
                None => {
                    let mut args = i.args.clone();
                    args.push(("n", (i.index + 1).to_string()));
                    l.tr.t_args(&i.code, &args)
                }
            };
            IssueView {
                index: i.index,
                error: i.error,
                message,
                fixed: i.fixed.clone(),
            }
        })
        .collect()
}

/// A language a track may be added in, with its name.
pub struct LangOption {
    pub code: String,
    pub label: String,
}

fn lang_label(l: &Layout, code: &str) -> String {
    let id = format!("subs-lang-{code}");
    let t = l.tr.t(&id);
    if t == id { code.to_string() } else { t }
}

/// A target channel kind and how it receives the subtitles.
pub struct DeliveryView {
    /// The platform's code.
    pub code: String,
    pub platform: String,
    pub how: String,
}

#[derive(Template)]
#[template(path = "subtitles.html")]
struct EditorPage {
    l: Layout,
    aid: i64,
    cid: i64,
    vid: i64,
    title: String,
    lang: String,
    lang_label: String,
    tracks: Vec<(String, String, usize, usize)>,
    /// The open track's state as JSON for the script (cues, revision).
    cues_json: String,
    revision: String,
    /// The open track as SRT text (the form without the script).
    srt: String,
    issues: Vec<IssueView>,
    issues_json: String,
    drafts: usize,
    settings: Settings,
    /// The UI zones of the clip's target platforms, percent of the frame.
    zones: Vec<(String, u32, u32, u32)>,
    margin_bottom: u32,
    margin_top: u32,
    langs: Vec<LangOption>,
    can_edit: bool,
    can_draft: bool,
    has_audio: bool,
    duration_ms: i64,
    notice: Option<String>,
    done: Option<String>,
    delivery: Vec<DeliveryView>,
}

impl EditorPage {
    fn boxed(&self) -> bool {
        self.settings.style.box_
    }
    fn position(&self) -> &'static str {
        match self.settings.style.position {
            Position::Top => "top",
            Position::Middle => "middle",
            Position::Bottom => "bottom",
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct EditorQuery {
    #[serde(default)]
    lang: String,
    #[serde(default)]
    done: String,
}

/// What a refused save or import typed, shown again.
struct Typed {
    srt: String,
    notice: String,
}

async fn editor_page(
    st: &AppState,
    a: &Authz<impl Send + Sync>,
    cid: ClipId,
    lang: &str,
    typed: Option<Typed>,
) -> Result<EditorPage> {
    let l = Layout::build(st, &a.ctx, Some(&a.agency)).await?;
    let lang = subs::parse_lang(lang).unwrap_or_else(|_| subs::FIRST_LANG.to_string());
    let mut tx = st.db.read().await?;
    let (clip, version) = review::clip_and_version(&mut tx, a.agency.id, cid).await?;
    let tracks = review::subtitle_tracks(&mut tx, a.agency.id, &version).await?;
    let settings = crate::service::subtitles::settings(&mut tx, a.agency.id).await?;
    let channels = crate::db::publishing::channels(&mut tx, a.agency.id).await?;
    drop(tx);
    let open: Option<&TrackState> = tracks.iter().find(|t| t.lang == lang);
    let cues: Vec<Cue> = open.map(|t| t.cues.clone()).unwrap_or_default();
    let issues = issue_views(&l, open.map_or(&[][..], |t| &t.issues));
    let zones: Vec<(String, u32, u32, u32)> = clip
        .target_channels
        .iter()
        .filter_map(|code| {
            let p = crate::platforms::Platform::parse(code)?;
            let z = crate::media::specs::safe_area(p.spec_id())?;
            Some((
                l.tr.t(&format!("platform-{code}")),
                z.top_pct,
                z.bottom_pct,
                z.right_pct,
            ))
        })
        .collect();
    let delivery = delivery_views(&l, &clip, &channels);
    let mut langs: Vec<LangOption> = subs::LANGS
        .iter()
        .filter(|c| !tracks.iter().any(|t| &t.lang == *c))
        .map(|c| LangOption {
            code: c.to_string(),
            label: lang_label(&l, c),
        })
        .collect();
    if !tracks.iter().any(|t| t.lang == lang) && !langs.iter().any(|o| o.code == lang) {
        langs.insert(
            0,
            LangOption {
                code: lang.clone(),
                label: lang_label(&l, &lang),
            },
        );
    }
    let typed_notice = typed.as_ref().map(|t| t.notice.clone());
    let (margin_bottom, margin_top) = zones
        .iter()
        .fold((0, 0), |(b, t), z| (b.max(z.2), t.max(z.1)));
    Ok(EditorPage {
        aid: a.agency.id.0,
        cid: cid.0,
        vid: version.id.0,
        title: clip.title.clone(),
        lang_label: lang_label(&l, &lang),
        tracks: tracks
            .iter()
            .map(|t| {
                (
                    t.lang.clone(),
                    lang_label(&l, &t.lang),
                    t.cues.len(),
                    t.errors,
                )
            })
            .collect(),
        cues_json: serde_json::to_string(&cues).unwrap_or_else(|_| "[]".into()),
        revision: open.map(|t| t.revision.to_string()).unwrap_or_default(),
        srt: typed.map(|t| t.srt).unwrap_or_else(|| fmt::to_srt(&cues)),
        issues_json: serde_json::to_string(&issues).unwrap_or_else(|_| "[]".into()),
        issues,
        drafts: open.map_or(0, |t| t.drafts),
        settings,
        zones,
        margin_bottom,
        margin_top,
        langs,
        can_edit: a.caller.may(Action::WorkOnClip),
        can_draft: crate::service::subtitles::draft::backend(st).is_some()
            && a.caller.may(Action::WorkOnClip),
        has_audio: version
            .probe
            .as_deref()
            .and_then(|p| serde_json::from_str::<serde_json::Value>(p).ok())
            .is_some_and(|p| p["audio"].is_object()),
        duration_ms: review::duration_ms(&version).unwrap_or(0),
        notice: typed_notice,
        done: None,
        delivery,
        lang,
        l,
    })
}

/// The clip page's subtitles card: every track of the current version with
/// its cues (what the approver signs), its errors, and how each target
/// channel receives them.
#[derive(Default)]
pub struct Summary {
    pub tracks: Vec<SummaryTrack>,
    pub delivery: Vec<DeliveryView>,
    /// Tracks for the review player (`<track>`): language, name, address.
    pub players: Vec<(String, String, String)>,
    pub editor: String,
}

pub struct SummaryTrack {
    pub lang: String,
    pub label: String,
    pub cues: Vec<(String, String)>,
    pub errors: usize,
    pub drafts: usize,
}

pub(crate) async fn summary<A>(
    tx: &mut crate::db::Tx,
    l: &Layout,
    a: &Authz<A>,
    clip: &crate::db::clips::Clip,
    version: Option<&crate::db::clips::Version>,
) -> Result<Summary> {
    let Some(version) = version else {
        return Ok(Summary::default());
    };
    let tracks = review::subtitle_tracks(tx, a.agency.id, version).await?;
    let channels = crate::db::publishing::channels(tx, a.agency.id).await?;
    let base = format!("/a/{}/clips/{}/subtitles", a.agency.id.0, clip.id.0);
    let fmt_ms = |ms: i64| format!("{}:{:06.3}", ms / 60_000, (ms % 60_000) as f64 / 1000.0);
    Ok(Summary {
        players: tracks
            .iter()
            .filter(|t| !t.cues.is_empty())
            .map(|t| {
                (
                    t.lang.clone(),
                    lang_label(l, &t.lang),
                    format!("{base}/{}.vtt", t.lang),
                )
            })
            .collect(),
        tracks: tracks
            .iter()
            .map(|t| SummaryTrack {
                lang: t.lang.clone(),
                label: lang_label(l, &t.lang),
                cues: t
                    .cues
                    .iter()
                    .map(|c| {
                        (
                            format!("{} → {}", fmt_ms(c.start_ms), fmt_ms(c.end_ms)),
                            c.text.clone(),
                        )
                    })
                    .collect(),
                errors: t.errors,
                drafts: t.drafts,
            })
            .collect(),
        delivery: delivery_views(l, clip, &channels),
        editor: base,
    })
}

/// How each of the clip's target channels receives the subtitles.
fn delivery_views(
    l: &Layout,
    clip: &crate::db::clips::Clip,
    channels: &[crate::db::publishing::Channel],
) -> Vec<DeliveryView> {
    clip.target_channels
        .iter()
        .map(|code| {
            let chosen = channels
                .iter()
                .find(|c| &c.platform == code)
                .and_then(|c| Delivery::parse(&c.subtitles))
                .unwrap_or_default();
            let how = match subs::delivery(code, chosen) {
                Some(s) => l.tr.t(&format!("subs-sent-{}", s.as_str())),
                None => l.tr.t("subs-sent-off"),
            };
            DeliveryView {
                code: code.clone(),
                platform: l.tr.t(&format!("platform-{code}")),
                how,
            }
        })
        .collect()
}

pub async fn editor(
    State(st): State<AppState>,
    a: Authz<act::ViewClips>,
    Path((_, cid)): Path<(i64, i64)>,
    Query(q): Query<EditorQuery>,
) -> Result<Response> {
    let mut page = editor_page(&st, &a, ClipId(cid), &q.lang, None).await?;
    if q.done == "saved" || q.done == "draft" {
        page.done = Some(page.l.tr.t(&format!("subs-done-{}", q.done)));
    }
    render_status(StatusCode::OK, &page)
}

fn editor_url(aid: i64, cid: i64, lang: &str, done: &str) -> String {
    format!("/a/{aid}/clips/{cid}/subtitles?lang={lang}&done={done}")
}

/// The page again with a refusal's message and what the person typed.
async fn refused(
    st: &AppState,
    a: &Authz<act::WorkOnClip>,
    cid: i64,
    lang: &str,
    srt: String,
    e: Error,
) -> Result<Response> {
    let tr = a.ctx.tr();
    let (notice, status) = match &e {
        Error::Refused(r) => (r.message(&tr), StatusCode::CONFLICT),
        Error::Invalid(i) => (tr.t(i.message_id), StatusCode::BAD_REQUEST),
        Error::TooMany(id) => (tr.t(id), StatusCode::CONFLICT),
        _ => return Err(e),
    };
    let typed = Typed { srt, notice };
    let page = editor_page(st, a, ClipId(cid), lang, Some(typed)).await?;
    render_status(status, &page)
}

#[derive(Debug, Deserialize)]
pub struct SaveForm {
    pub lang: String,
    /// The revision edited; empty for a new track.
    #[serde(default)]
    pub revision: String,
    /// The cues as JSON (the script's editor).
    #[serde(default)]
    pub cues: String,
    /// The track as SRT text (the form without the script).
    #[serde(default)]
    pub srt: String,
}

fn revision_of(s: &str) -> Option<i64> {
    s.trim().parse().ok()
}

/// Saves a track from the editor (JSON cues) or from the SRT text form.
pub async fn save(
    State(st): State<AppState>,
    a: Authz<act::WorkOnClip>,
    Path((aid, cid)): Path<(i64, i64)>,
    FormData(f): FormData<SaveForm>,
) -> Result<Response> {
    let cues = if f.cues.trim().is_empty() {
        review::parse_subtitles(f.srt.as_bytes()).or_else(|e| {
            // An emptied text box deletes the track.
            if f.srt.trim().is_empty() {
                Ok(Vec::new())
            } else {
                Err(e)
            }
        })
    } else {
        serde_json::from_str::<Vec<Cue>>(&f.cues)
            .map_err(|_| crate::domain::Invalid::new("cues", "subs-invalid-cue").into())
    };
    let cues = match cues {
        Ok(c) => c,
        Err(e) => return refused(&st, &a, cid, &f.lang, f.srt, e).await,
    };
    let edit = TrackEdit {
        lang: f.lang.clone(),
        cues: cues.clone(),
        revision: revision_of(&f.revision),
        origin: "hand",
    };
    match review::save_track(&a.caller, ClipId(cid), edit).await {
        Ok(_) => Ok(Redirect::to(&editor_url(aid, cid, &f.lang, "saved")).into_response()),
        Err(e) => {
            let srt = if f.srt.is_empty() {
                fmt::to_srt(&cues)
            } else {
                f.srt
            };
            refused(&st, &a, cid, &f.lang, srt, e).await
        }
    }
}

/// Imports an SRT or WebVTT file into a track (replacing its cues); a
/// malformed file is refused with its line and reason, and its text is kept
/// in the form to be mended there.
pub async fn import(
    State(st): State<AppState>,
    a: Authz<act::WorkOnClip>,
    Path((aid, cid)): Path<(i64, i64)>,
    form: FileForm,
) -> Result<Response> {
    let lang = form.get("lang").to_string();
    let Some(file) = form.file.as_ref() else {
        let e = crate::domain::Invalid::new("file", "subs-empty").into();
        return refused(&st, &a, cid, &lang, String::new(), e).await;
    };
    let text = String::from_utf8_lossy(&file.bytes).into_owned();
    let cues = match review::parse_subtitles(&file.bytes) {
        Ok(c) => c,
        Err(e) => return refused(&st, &a, cid, &lang, text, e).await,
    };
    let edit = TrackEdit {
        lang: lang.clone(),
        cues,
        revision: revision_of(form.get("revision")),
        origin: "import",
    };
    match review::save_track(&a.caller, ClipId(cid), edit).await {
        Ok(_) => Ok(Redirect::to(&editor_url(aid, cid, &lang, "saved")).into_response()),
        Err(e) => refused(&st, &a, cid, &lang, text, e).await,
    }
}

/// A track as a file: `{lang}.srt` or `{lang}.vtt` (also the review
/// player's caption track).
pub async fn export(
    State(st): State<AppState>,
    a: Authz<act::ViewClips>,
    Path((_, cid, file)): Path<(i64, i64, String)>,
) -> Result<Response> {
    let (lang, ext) = file.rsplit_once('.').ok_or(Error::NotFound)?;
    let lang = subs::parse_lang(lang).map_err(|_| Error::NotFound)?;
    let mut tx = st.db.read().await?;
    let (clip, version) = review::clip_and_version(&mut tx, a.agency.id, ClipId(cid)).await?;
    let tracks = review::subtitle_tracks_of(&mut tx, version.id).await?;
    let track = tracks
        .iter()
        .find(|t| t.lang == lang)
        .ok_or(Error::NotFound)?;
    let (body, mime) = match ext {
        "srt" => (
            fmt::to_srt(&track.cues),
            "application/x-subrip; charset=utf-8",
        ),
        "vtt" => (fmt::to_vtt(&track.cues), "text/vtt; charset=utf-8"),
        _ => return Err(Error::NotFound),
    };
    let name = format!("clip-{}-v{}-{lang}.{ext}", clip.id, version.number);
    let mut h = HeaderMap::new();
    h.insert(
        header::CONTENT_TYPE,
        mime.parse().map_err(|_| Error::NotFound)?,
    );
    h.insert(
        header::CACHE_CONTROL,
        "private, no-cache".parse().map_err(|_| Error::NotFound)?,
    );
    if let Ok(v) = format!("inline; filename=\"{name}\"").parse() {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok((h, body).into_response())
}

#[derive(Debug, Deserialize)]
pub struct CheckBody {
    pub cues: Vec<Cue>,
}

/// The checks of cues as edited, before they are saved (the editor asks
/// after each change): the same rules the approval applies.
pub async fn check(
    State(st): State<AppState>,
    a: Authz<act::WorkOnClip>,
    Path((_, cid)): Path<(i64, i64)>,
    JsonBody(b): JsonBody<CheckBody>,
) -> Result<Response> {
    if b.cues.len() > 5_000 {
        return Err(Error::TooLarge);
    }
    let l = Layout::build(&st, &a.ctx, Some(&a.agency)).await?;
    let mut tx = st.db.read().await?;
    let (_, version) = review::clip_and_version(&mut tx, a.agency.id, ClipId(cid)).await?;
    let s = crate::service::subtitles::settings(&mut tx, a.agency.id).await?;
    let rules = review::settings(&mut tx, a.agency.id).await?.rules();
    drop(tx);
    let issues = review::subtitle_issues(&b.cues, review::duration_ms(&version), &s.limits, &rules);
    Ok(axum::Json(issue_views(&l, &issues)).into_response())
}

#[derive(Debug, Deserialize)]
pub struct DraftForm {
    pub lang: String,
}

/// Asks the speech-to-text server for a draft of a track.
pub async fn draft(
    State(st): State<AppState>,
    a: Authz<act::WorkOnClip>,
    Path((aid, cid)): Path<(i64, i64)>,
    FormData(f): FormData<DraftForm>,
) -> Result<Response> {
    match crate::service::subtitles::draft::request(&a.caller, ClipId(cid), &f.lang).await {
        Ok(()) => Ok(Redirect::to(&editor_url(aid, cid, &f.lang, "draft")).into_response()),
        Err(e) => refused(&st, &a, cid, &f.lang, String::new(), e).await,
    }
}

#[derive(Debug, Deserialize)]
pub struct DeliveryForm {
    pub subtitles: String,
}

/// Sets how a channel receives subtitles (from the channels page).
pub async fn delivery(
    State(_): State<AppState>,
    a: Authz<act::ManageChannels>,
    Path((aid, chid)): Path<(i64, i64)>,
    FormData(f): FormData<DeliveryForm>,
) -> Result<Response> {
    let d = Delivery::parse(&f.subtitles).ok_or(Error::Invalid(crate::domain::Invalid::new(
        "subtitles",
        "subs-invalid-delivery",
    )))?;
    crate::service::subtitles::set_delivery(&a.caller, ChannelId(chid), d).await?;
    Ok(Redirect::to(&format!("/a/{aid}/channels?done=subtitles")).into_response())
}

pub(super) fn routes(r: Routes) -> Routes {
    use Scope::*;
    r.get("/a/{aid}/clips/{cid}/subtitles", Agency, editor)
        .post("/a/{aid}/clips/{cid}/subtitles", Agency, save)
        .post_file(
            "/a/{aid}/clips/{cid}/subtitles/import",
            Agency,
            import,
            2 << 20,
        )
        .post("/a/{aid}/clips/{cid}/subtitles/check", Agency, check)
        .post("/a/{aid}/clips/{cid}/subtitles/draft", Agency, draft)
        .get("/a/{aid}/clips/{cid}/subtitles/{track}", Agency, export)
        .post("/a/{aid}/channels/{chid}/subtitles", Agency, delivery)
        .get(
            "/a/{aid}/subtitle-settings",
            Agency,
            super::subtitle_settings::page,
        )
        .post(
            "/a/{aid}/subtitle-settings",
            Agency,
            super::subtitle_settings::save,
        )
}
