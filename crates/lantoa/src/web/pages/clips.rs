//! Clips: the upload page (tus in the browser), the clip page
//! with its check report and live processing progress, and media streaming with
//! HTTP Range support.

use askama::Template;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};

use super::{Layout, render};
use crate::db::clips::{self, Clip, Version};
use crate::db::jobs;
use crate::domain::VersionStatus;
use crate::domain::{Category, ClipId, VersionId};
use crate::error::{Error, Result};
use crate::i18n::Tr;
use crate::ingest::{Outputs, RenditionOut};
use crate::media::probe::Probe;
use crate::media::qc::{QcReport, Span};
use crate::media::renditions::{Fix, Shape};
use crate::media::specs::{self, PlatformCheck};
use crate::media::validate::Validation;
use crate::state::AppState;
use crate::web::extract::{Authz, act};
use crate::web::{Routes, Scope};

pub struct CategoryOption {
    pub code: &'static str,
    pub label: String,
}

pub(super) fn categories(l: &Layout) -> Vec<CategoryOption> {
    Category::ALL
        .iter()
        .map(|c| CategoryOption {
            code: c.code(),
            label: l.tr.t(c.message_id()),
        })
        .collect()
}

pub(super) fn category_label(l: &Layout, code: &str) -> String {
    Category::parse(code)
        .map(|c| l.tr.t(c.message_id()))
        .unwrap_or_else(|_| code.to_string())
}

pub(super) async fn load_clip<A>(st: &AppState, a: &Authz<A>, id: ClipId) -> Result<Clip> {
    let mut tx = st.db.read().await?;
    clips::get(&mut tx, a.agency.id, id)
        .await?
        .ok_or(Error::NotFound)
}

/// A version as the clip page shows it.
pub struct VersionView {
    pub id: i64,
    pub number: i64,
    pub status: String,
    pub sha256: String,
    pub size: String,
    pub name: String,
    pub uploaded: String,
    pub error: Option<String>,
    pub probe: Option<Probe>,
    pub validation: Option<Validation>,
    pub qc: Option<QcReport>,
    pub compliance: Vec<ComplianceRow>,
    pub outputs: Option<Outputs>,
    pub renditions: Vec<RenditionView>,
    /// The version has bytes to play (the demo's history clips have none:
    /// figures only).
    pub playable: bool,
}

/// One platform's line in the compliance report.
pub struct ComplianceRow {
    pub name: String,
    pub check: PlatformCheck,
    /// A rendition made for this platform, which it accepts.
    pub fixed: bool,
    /// Refused, and no rendition can change that: the original must be corrected.
    pub blocking: bool,
}

/// A rendition as the clip page lists it.
pub struct RenditionView {
    /// Its name in the media URL.
    pub label: String,
    /// What it is and what it was made for, in the reader's language.
    pub text: String,
    pub width: u32,
    pub height: u32,
}

pub(super) fn parse_json<T: serde::de::DeserializeOwned>(s: &Option<String>) -> Option<T> {
    s.as_deref().and_then(|j| serde_json::from_str(j).ok())
}

pub(crate) fn view(l: &Layout, tz: &str, v: &Version) -> VersionView {
    let probe: Option<Probe> = parse_json(&v.probe);
    let outputs: Option<Outputs> = parse_json(&v.outputs);
    let renditions = outputs.as_ref().map_or(&[][..], |o| &o.renditions[..]);
    VersionView {
        id: v.id.0,
        number: v.number,
        status: v.status.to_string(),
        sha256: v.sha256.clone(),
        size: format!("{:.1} MB", v.size_bytes as f64 / 1_048_576.0),
        name: v.original_name.clone(),
        uploaded: l.time(&v.created_at, tz),
        error: v.error.clone(),
        validation: parse_json(&v.validation),
        qc: parse_json(&v.qc),
        compliance: compliance_rows(probe.as_ref(), &v.compliance, renditions),
        renditions: renditions
            .iter()
            .map(|r| RenditionView {
                label: r.label.clone(),
                text: rendition_text(&l.tr, r),
                width: r.width,
                height: r.height,
            })
            .collect(),
        probe,
        outputs,
        playable: v.size_bytes > 0,
    }
}

/// The report judged against today's platform specs from the stored probe, so
/// a spec corrected since the check (they change) shows at once; the verdict
/// stored at check time, which decided the renditions, is the fallback.
fn compliance_rows(
    probe: Option<&Probe>,
    stored: &Option<String>,
    renditions: &[RenditionOut],
) -> Vec<ComplianceRow> {
    let builtin = specs::builtin();
    let (checks, planned) = match probe {
        Some(p) => (
            specs::compliance(p, builtin),
            Some(crate::media::renditions::plan(p, builtin)),
        ),
        None => (parse_json(stored).unwrap_or_default(), None),
    };
    checks
        .into_iter()
        .map(|check| {
            let fixed = !check.ok
                && renditions
                    .iter()
                    .any(|r| r.made_for.contains(&check.platform));
            let blocking = !check.ok
                && planned.as_ref().is_some_and(|plan| {
                    !plan
                        .outputs
                        .iter()
                        .any(|o| o.made_for.contains(&check.platform))
                });
            ComplianceRow {
                name: specs::name_of(&check.platform),
                check,
                fixed,
                blocking,
            }
        })
        .collect()
}

/// What a rendition is and what it was made for: "Bản dọc 9:16 … — để YouTube
/// Shorts nhận: sửa khung hình". Copies made before their purpose was recorded
/// are described by what they are.
fn rendition_text(tr: &Tr, r: &RenditionOut) -> String {
    let kind = if r.label == "loudness" {
        tr.t("clip-rendition-loudness")
    } else if r.remuxed {
        tr.t("rendition-remux")
    } else if let Some(shape) = Shape::from_label(&r.label) {
        let id = if r.fixes.contains(&Fix::Shape) {
            "rendition-reshaped"
        } else if r.made_for.is_empty() {
            "rendition-encoded"
        } else {
            "rendition-reencoded"
        };
        tr.t1(id, "shape", shape.key())
    } else {
        r.label.clone()
    };
    if r.made_for.is_empty() {
        return kind;
    }
    let platforms: Vec<String> = r.made_for.iter().map(|id| specs::name_of(id)).collect();
    let fixes: Vec<String> = r.fixes.iter().map(|f| tr.t(f.message_id())).collect();
    tr.t_args(
        "rendition-purpose",
        &[
            ("kind", kind),
            ("platforms", platforms.join(", ")),
            ("fixes", fixes.join(", ")),
        ],
    )
}

/// `m:ss.cc` for a time in seconds.
pub fn timecode(s: f64) -> String {
    let s = s.max(0.0);
    let m = (s / 60.0).floor() as u64;
    let rest = s - (m as f64) * 60.0;
    format!("{m}:{rest:05.2}")
}

#[derive(Template)]
#[template(path = "clip.html")]
pub(crate) struct ClipPage {
    pub(crate) l: Layout,
    aid: i64,
    clip: Clip,
    category: String,
    categories: Vec<CategoryOption>,
    political: bool,
    current: Option<VersionView>,
    versions: Vec<VersionView>,
    progress: Option<f64>,
    job_error: Option<String>,
    /// Checks before this one, while it waits its turn.
    ahead: Option<i64>,
    /// Upload a new version; check again or delete an unusable one.
    can_new_version: bool,
    can_manage_versions: bool,
    /// The review side; absent only for people without a principal.
    pub(crate) r: Option<super::review::ReviewView>,
    /// The per-channel publishing panel.
    pub(crate) pb: super::publishing::PublishView,
    /// The sharing panel (offer, source, spread).
    pub(crate) share: super::sharing::ShareView,
    /// The current version's subtitle tracks, as the approver signs them.
    subs: super::subtitles::Summary,
}

impl ClipPage {
    fn spans<'a>(&self, q: &'a QcReport) -> Vec<(&'static str, &'a Span)> {
        q.found
            .black
            .iter()
            .map(|s| ("qc-black", s))
            .chain(q.found.frozen.iter().map(|s| ("qc-frozen", s)))
            .chain(q.found.silent.iter().map(|s| ("qc-silent", s)))
            .collect()
    }
    fn tc(&self, s: &f64) -> String {
        timecode(*s)
    }
    fn num(&self, v: &Option<f64>) -> String {
        v.map(|x| format!("{x:.1}")).unwrap_or_else(|| "—".into())
    }
    fn pct(&self) -> String {
        format!("{:.0}", self.progress.unwrap_or(0.0) * 100.0)
    }
    fn loud_warning(&self, q: &QcReport) -> bool {
        q.found
            .integrated_lufs
            .is_some_and(|i| !(-16.0..=-12.0).contains(&i))
            || q.found.true_peak_dbtp.is_some_and(|p| p > -1.0)
    }
}

pub(crate) async fn clip_page<A>(st: &AppState, a: &Authz<A>, cid: ClipId) -> Result<ClipPage> {
    let clip = load_clip(st, a, cid).await?;
    let l = Layout::build(st, &a.ctx, Some(&a.agency)).await?;
    let tz = a.agency.time_zone.clone();
    let mut tx = st.db.read().await?;
    let versions = clips::versions_of(&mut tx, clip.id).await?;
    let current = versions
        .iter()
        .find(|v| Some(v.id) == clip.current_version_id)
        .cloned();
    let (progress, job_error, ahead) = match &current {
        Some(v) if v.status == VersionStatus::Processing => {
            let j = job_for(&mut tx, v.id).await?;
            let ahead = waiting_place(&mut tx, j.as_ref()).await?;
            (
                j.as_ref().and_then(|j| j.progress).or(Some(0.0)),
                j.and_then(|j| j.last_error),
                ahead,
            )
        }
        _ => (None, None, None),
    };
    let r = super::review::review_view(
        st,
        &mut tx,
        &l,
        &a.principal,
        &clip,
        current.as_ref(),
        &versions,
        &tz,
    )
    .await?;
    let subs = super::subtitles::summary(&mut tx, &l, a, &clip, current.as_ref()).await?;
    drop(tx);
    let pb = super::publishing::publish_view(st, a, &l, &clip).await?;
    let (can_new_version, can_manage_versions) = (r.can_new_version, r.can_manage_versions);
    let can_take_down = pb.can_take_down;
    let share = super::sharing::share_view(st, a, &l, &clip, can_take_down, r.can_edit).await?;
    Ok(ClipPage {
        pb,
        share,
        subs,
        aid: a.agency.id.0,
        category: category_label(&l, &clip.category),
        categories: categories(&l),
        political: clip.political,
        r: Some(r),
        current: current.as_ref().map(|v| view(&l, &tz, v)),
        versions: versions.iter().map(|v| view(&l, &tz, v)).collect(),
        progress,
        job_error,
        ahead,
        can_new_version,
        can_manage_versions,
        clip,
        l,
    })
}

/// A queued check's place in the line (`None` once it runs).
async fn waiting_place(tx: &mut crate::db::Tx, job: Option<&jobs::JobRow>) -> Result<Option<i64>> {
    match job {
        Some(j) if j.state == crate::domain::JobState::Queued => {
            Ok(Some(jobs::ahead_of(tx, j).await?))
        }
        _ => Ok(None),
    }
}

/// The newest ingest job of a version.
async fn job_for(tx: &mut crate::db::Tx, v: VersionId) -> Result<Option<jobs::JobRow>> {
    Ok(jobs::latest_with_key(tx, &format!("ingest:{}", v.0)).await?)
}

/// `?done=` after an action on the clip page: what it did, said on the page
/// the browser is sent back to (redirect-after-post).
#[derive(Debug, Default, serde::Deserialize)]
pub struct Done {
    #[serde(default)]
    done: String,
}

/// The actions whose success the clip page says in words.
pub(crate) const DONE: [&str; 20] = [
    "save",
    "ticks",
    "submit",
    "withdraw",
    "request_changes",
    "approve",
    "schedule",
    "unschedule",
    "spike",
    "unspike",
    "start_correction",
    "publish",
    "takedown",
    "cover",
    "campaign",
    "take",
    "taken_before",
    "offer",
    "withdraw_offer",
    "take_correction",
];

pub async fn detail(
    State(st): State<AppState>,
    a: Authz<act::ViewClips>,
    Path((_, cid)): Path<(i64, i64)>,
    axum::extract::Query(d): axum::extract::Query<Done>,
) -> Result<Response> {
    let mut page = clip_page(&st, &a, ClipId(cid)).await?;
    if let Some(r) = page.r.as_mut()
        && let Some(code) = DONE.iter().find(|c| **c == d.done)
    {
        r.done = Some(page.l.tr.t(&format!("done-{code}")));
    }
    render(&page)
}

#[derive(Template)]
#[template(path = "clip_status.html")]
struct StatusFragment {
    l: Layout,
    aid: i64,
    cid: i64,
    progress: Option<f64>,
    job_error: Option<String>,
    /// Checks before this one, while it waits its turn.
    ahead: Option<i64>,
}

impl StatusFragment {
    fn pct(&self) -> String {
        format!("{:.0}", self.progress.unwrap_or(0.0) * 100.0)
    }
}

/// The processing progress, polled by htmx; once the check is done the page
/// reloads. Reads only the version's status and its job.
pub async fn status(
    State(st): State<AppState>,
    a: Authz<act::ViewClips>,
    Path((_, cid)): Path<(i64, i64)>,
) -> Result<Response> {
    let mut tx = st.db.read().await?;
    let clip = clips::get(&mut tx, a.agency.id, ClipId(cid))
        .await?
        .ok_or(Error::NotFound)?;
    let version = match clip.current_version_id {
        Some(v) => clips::get_version(&mut tx, v).await?,
        None => None,
    };
    let job = match &version {
        Some(v) if v.status == VersionStatus::Processing => Some(job_for(&mut tx, v.id).await?),
        _ => None,
    };
    let ahead = waiting_place(&mut tx, job.as_ref().and_then(|j| j.as_ref())).await?;
    drop(tx);
    let Some(job) = job else {
        let mut r = StatusCode::OK.into_response();
        r.headers_mut()
            .insert("hx-refresh", HeaderValue::from_static("true"));
        return Ok(r);
    };
    render(&StatusFragment {
        l: Layout::anonymous(&a.ctx),
        aid: a.agency.id.0,
        cid,
        progress: job.as_ref().and_then(|j| j.progress).or(Some(0.0)),
        job_error: job.and_then(|j| j.last_error),
        ahead,
    })
}

/// Runs the check of a failed version again.
pub async fn retry_check(
    State(_st): State<AppState>,
    a: Authz<act::UploadClip>,
    Path((aid, cid, vid)): Path<(i64, i64, i64)>,
) -> Result<Response> {
    crate::service::clips::retry_check(&a.caller, ClipId(cid), VersionId(vid)).await?;
    Ok(Redirect::to(&format!("/a/{aid}/clips/{cid}")).into_response())
}

/// Deletes an invalid or failed version (and the clip when it was the only one).
pub async fn delete_version(
    State(_st): State<AppState>,
    a: Authz<act::UploadClip>,
    Path((aid, cid, vid)): Path<(i64, i64, i64)>,
) -> Result<Response> {
    let to = match crate::service::clips::delete_version(&a.caller, ClipId(cid), VersionId(vid))
        .await?
    {
        crate::service::clips::Deleted::Version => format!("/a/{aid}/clips/{cid}"),
        crate::service::clips::Deleted::Clip => format!("/a/{aid}/clips"),
    };
    Ok(Redirect::to(&to).into_response())
}

/// Streams a version's original, proxy, storyboard or poster, honouring `Range`.
pub async fn media(
    State(st): State<AppState>,
    a: Authz<act::ViewClips>,
    Path((_, cid, vid, name)): Path<(i64, i64, i64, String)>,
    headers: HeaderMap,
) -> Result<Response> {
    let v = {
        let mut tx = st.db.read().await?;
        clips::version_of(&mut tx, a.agency.id, ClipId(cid), VersionId(vid)).await?
    }
    .ok_or(Error::NotFound)?;
    let cover = match name.strip_prefix("cover-").map(str::parse::<i64>) {
        Some(Ok(ms)) => Some(super::posters::chosen_cover(&st, a.agency.id, &v, ms).await?),
        Some(Err(_)) => return Err(Error::NotFound),
        None => None,
    };
    version_media(&st, &v, &name, cover, &headers).await
}

/// Streams one of a version's files by its name on the clip page (original,
/// playback, storyboard, poster-N, rendition-L; `cover` when the name asked
/// for the chosen cover), honouring `Range`.
pub(crate) async fn version_media(
    st: &AppState,
    v: &Version,
    name: &str,
    cover: Option<String>,
    headers: &HeaderMap,
) -> Result<Response> {
    let outputs: Outputs = parse_json(&v.outputs).unwrap_or_default();
    let (key, mime) = match name {
        _ if cover.is_some() => (cover, "image/jpeg"),
        "original" => (Some(v.original_key.clone()), original_type(v)),
        // The original itself when it needs no proxy (or before the check made one).
        "playback" if outputs.playback.is_empty() || outputs.playback == v.original_key => {
            (Some(v.original_key.clone()), original_type(v))
        }
        "playback" => (Some(outputs.playback.clone()), "video/mp4"),
        "storyboard" => (outputs.storyboard.map(|s| s.key), "image/jpeg"),
        "waveform" => (
            crate::service::subtitles::waveform(st, v).await?,
            "image/png",
        ),
        n => match (
            n.strip_prefix("poster-")
                .and_then(|i| i.parse::<usize>().ok()),
            n.strip_prefix("rendition-"),
        ) {
            (Some(i), _) if i >= 1 => (outputs.posters.get(i - 1).cloned(), "image/jpeg"),
            (_, Some(label)) => (
                outputs
                    .renditions
                    .iter()
                    .find(|r| r.label == label)
                    .map(|r| r.key.clone()),
                "video/mp4",
            ),
            _ => (None, ""),
        },
    };
    let key = key.ok_or(Error::NotFound)?;
    send_ranged(st, &key, mime, headers, "private, max-age=3600").await
}

/// Streams a stored object, honouring `Range` (one byte range; a range the
/// server does not understand gets the whole file, one past the end a 416)
/// and `If-None-Match` against its ETag (the key and size: objects are
/// written once under a key, never in place).
pub(crate) async fn send_ranged(
    st: &AppState,
    key: &str,
    mime: &'static str,
    headers: &HeaderMap,
    cache: &'static str,
) -> Result<Response> {
    let size = st
        .store
        .size(key)
        .await
        .map_err(|e| Error::Internal(e.to_string()))?
        .ok_or(Error::NotFound)?;
    let etag = format!(
        "\"{}-{size:x}\"",
        &hex::encode(<sha2::Sha256 as sha2::Digest>::digest(key.as_bytes()))[..16]
    );
    if headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag))
    {
        let mut r = StatusCode::NOT_MODIFIED.into_response();
        if let Ok(v) = HeaderValue::from_str(&etag) {
            r.headers_mut().insert(header::ETAG, v);
        }
        r.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
        r.extensions_mut().insert(crate::web::middleware::Rendered);
        return Ok(r);
    }
    let asked = headers
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
        .map_or(RangeAsk::Whole, |r| parse_range(r, size));
    let range = match &asked {
        RangeAsk::Part(r) => Some(r.clone()),
        RangeAsk::Whole | RangeAsk::Unsatisfiable => None,
    };
    if asked == RangeAsk::Unsatisfiable {
        let mut r = StatusCode::RANGE_NOT_SATISFIABLE.into_response();
        if let Ok(v) = HeaderValue::from_str(&format!("bytes */{size}")) {
            r.headers_mut().insert(header::CONTENT_RANGE, v);
        }
        r.extensions_mut().insert(crate::web::middleware::Rendered);
        return Ok(r);
    }
    let (stream, _, got) = st
        .store
        .read_range(key, range.clone())
        .await
        .map_err(|e| Error::Internal(e.to_string()))?;
    let mut r = Response::new(Body::from_stream(stream));
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(mime));
    h.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    if let Ok(v) = HeaderValue::from_str(&(got.end - got.start).to_string()) {
        h.insert(header::CONTENT_LENGTH, v);
    }
    if range.is_some() {
        *r.status_mut() = StatusCode::PARTIAL_CONTENT;
        if let Ok(v) = HeaderValue::from_str(&format!(
            "bytes {}-{}/{size}",
            got.start,
            got.end.saturating_sub(1)
        )) {
            r.headers_mut().insert(header::CONTENT_RANGE, v);
        }
    }
    Ok(r)
}

/// The original's media type, from the container its check probed (see
/// [`crate::media::probe::content_type`]); plain bytes before the check.
fn original_type(v: &Version) -> &'static str {
    #[derive(serde::Deserialize)]
    struct Container {
        container: String,
    }
    parse_json::<Container>(&v.probe).map_or("application/octet-stream", |p| {
        crate::media::probe::content_type(&p.container)
    })
}

pub use super::ranged::{RangeAsk, parse_range};

/// This area's routes, each with who may reach it.
pub(in crate::web) fn routes(r: Routes) -> Routes {
    use Scope::*;
    r.get("/a/{aid}/clips", Agency, super::clip_list::list)
        .get("/a/{aid}/clips/new", Agency, super::clip_new::new_clip)
        .get("/a/{aid}/clips/{cid}", Agency, detail)
        .get("/a/{aid}/clips/{cid}/status", Agency, status)
        .get(
            "/a/{aid}/clips/{cid}/new-version",
            Agency,
            super::clip_new::new_version,
        )
        .post(
            "/a/{aid}/clips/{cid}/versions/{vid}/recheck",
            Agency,
            retry_check,
        )
        .post(
            "/a/{aid}/clips/{cid}/versions/{vid}/delete",
            Agency,
            delete_version,
        )
        .get(
            "/a/{aid}/clips/{cid}/versions/{vid}/media/{name}",
            Agency,
            media,
        )
}

#[cfg(test)]
mod tests {
    use super::{RangeAsk, RenditionOut, parse_range, rendition_text, timecode};
    use crate::domain::Locale;
    use crate::i18n::Tr;
    use crate::media::renditions::Fix;

    fn rendition(label: &str, remuxed: bool, made_for: &[&str], fixes: &[Fix]) -> RenditionOut {
        RenditionOut {
            label: label.into(),
            key: format!("x/rendition_{label}.mp4"),
            width: 1080,
            height: 1920,
            remuxed,
            made_for: made_for.iter().map(|s| s.to_string()).collect(),
            fixes: fixes.to_vec(),
        }
    }

    /// A copy re-encoded for its audio is labelled by its purpose, not only by
    /// its shape ("9x16").
    #[test]
    fn p16_rendition_labels_say_what_they_were_made_for() {
        let (vi, en) = (Tr::new(Locale::Vi), Tr::new(Locale::En));
        let audio = rendition("9x16", false, &["facebook_reels"], &[Fix::Audio]);
        assert_eq!(
            rendition_text(&vi, &audio),
            "Bản nén lại H.264/AAC, giữ khung dọc 9:16 — để Facebook Reels nhận: sửa định dạng âm thanh"
        );
        assert_eq!(
            rendition_text(&en, &audio),
            "Copy re-encoded in H.264/AAC, same vertical 9:16 frame — made for Facebook Reels: corrects the audio format"
        );
        let reshaped = rendition(
            "9x16",
            false,
            &["youtube_shorts", "zalo_oa"],
            &[Fix::Shape, Fix::VideoCodec, Fix::Container],
        );
        assert_eq!(
            rendition_text(&en, &reshaped),
            "Vertical 9:16 copy in H.264/AAC, blurred fill — made for YouTube Shorts, Zalo OA: corrects the frame shape, video codec, file format"
        );
        let remux = rendition("remux", true, &["tiktok"], &[Fix::Container, Fix::Index]);
        assert_eq!(
            rendition_text(&vi, &remux),
            "MP4 đóng gói lại (giữ nguyên hình và tiếng, không nén lại) — để TikTok nhận: sửa định dạng tệp, chỉ mục MP4 về đầu tệp"
        );
        // Copies made before their purpose was recorded say what they are.
        assert_eq!(
            rendition_text(&vi, &rendition("1x1", false, &[], &[])),
            "Bản vuông 1:1 nén H.264/AAC"
        );
        assert!(
            rendition_text(&vi, &rendition("loudness", false, &[], &[])).starts_with("Âm lượng")
        );
    }

    #[test]
    fn ranges() {
        use RangeAsk::*;
        assert_eq!(parse_range("bytes=0-99", 1000), Part(0..100));
        assert_eq!(parse_range("bytes=900-", 1000), Part(900..1000));
        assert_eq!(parse_range("bytes=-100", 1000), Part(900..1000));
        assert_eq!(parse_range("bytes=-5000", 1000), Part(0..1000));
        assert_eq!(parse_range("bytes=990-2000", 1000), Part(990..1000));
        assert_eq!(parse_range("bytes=1000-", 1000), Unsatisfiable);
        assert_eq!(parse_range("bytes=-0", 1000), Unsatisfiable);
        assert_eq!(parse_range("bytes=0-", 0), Unsatisfiable);
    }

    #[test]
    fn p06_ranges_of_another_unit_or_past_u64_are_ignored_or_clamped() {
        use RangeAsk::*;
        assert_eq!(parse_range("items=0-1", 1000), Whole);
        assert_eq!(parse_range("bytes=0-1,5-6", 1000), Whole);
        assert_eq!(parse_range("bytes=5-2", 1000), Whole);
        assert_eq!(parse_range("bytes=x-2", 1000), Whole);
        assert_eq!(parse_range("bytes", 1000), Whole);
        assert_eq!(
            parse_range("bytes=10-99999999999999999999999", 1000),
            Part(10..1000)
        );
        assert_eq!(
            parse_range("bytes=99999999999999999999999-", 1000),
            Unsatisfiable
        );
        assert_eq!(parse_range("Bytes=0-0", 1000), Part(0..1));
    }

    #[test]
    fn timecodes() {
        assert_eq!(timecode(0.0), "0:00.00");
        assert_eq!(timecode(61.5), "1:01.50");
    }
}
