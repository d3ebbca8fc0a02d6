//! Platform upload specs (YouTube Shorts, Facebook Reels, TikTok, Zalo OA) as
//! data, from `data/platform-specs.toml` embedded at build time, and the
//! compliance check of a probed file against them.
//!
//! Each platform's spec has two levels, kept apart because they call for
//! different actions: what the platform **accepts** (a file outside it is
//! refused, so a rendition is made or the refusal is an error) and what it
//! **recommends** (a deviation is advice, never a reason to re-encode). The same
//! [`Rules`] describe both levels; an unmet accepted rule is a [`Problem`] with a
//! `spec-…` code, an unmet recommended rule the same finding with an `advice-…`
//! code, both with the limit and actual value as arguments.

use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use super::probe::{AudioStream, Probe, VideoStream};
use super::{MediaError, Problem, mb, num};

const BUILTIN_TOML: &str = include_str!("../data/platform-specs.toml");
/// Relative tolerance when a spec states an aspect without one.
const DEFAULT_ASPECT_TOLERANCE: f64 = 0.02;
/// Sides within this relative difference make a square.
const SQUARE_TOLERANCE: f64 = 0.02;

static BUILTIN: LazyLock<Vec<PlatformSpec>> = LazyLock::new(|| {
    // The embedded file is part of the source and parsed by a unit test.
    parse(BUILTIN_TOML).expect("data/platform-specs.toml is valid (see specs tests)")
});

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Orientation {
    Portrait,
    Landscape,
    Square,
}

impl Orientation {
    pub fn as_str(self) -> &'static str {
        match self {
            Orientation::Portrait => "portrait",
            Orientation::Landscape => "landscape",
            Orientation::Square => "square",
        }
    }

    /// The shape of a displayed `w × h` picture.
    pub fn of(w: u32, h: u32) -> Orientation {
        let (w, h) = (f64::from(w), f64::from(h));
        if h > 0.0 && (w / h - 1.0).abs() <= SQUARE_TOLERANCE {
            Orientation::Square
        } else if h > w {
            Orientation::Portrait
        } else {
            Orientation::Landscape
        }
    }
}

/// One platform: what it accepts and what it recommends.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlatformSpec {
    /// Stable id, e.g. "youtube_shorts".
    pub id: String,
    /// The platform's own (brand) name.
    pub name: String,
    /// A file outside these rules is refused by the platform.
    #[serde(default)]
    pub accepts: Rules,
    /// The platform's advice; a file outside these rules is still taken.
    #[serde(default)]
    pub recommends: Rules,
    /// The parts of a 9:16 frame the platform's app covers with its own
    /// buttons and captions (burnt-in subtitles keep clear of them).
    #[serde(default)]
    pub safe_area: Option<SafeArea>,
}

/// The edges of a 9:16 frame covered by a platform's interface, in percent of
/// the frame's height (top, bottom) and width (left, right).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SafeArea {
    pub top_pct: u32,
    pub bottom_pct: u32,
    pub left_pct: u32,
    pub right_pct: u32,
}

/// One level of a platform's rules; empty lists and `None` mean "no rule".
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rules {
    #[serde(default)]
    pub containers: Vec<String>,
    #[serde(default)]
    pub video_codecs: Vec<String>,
    #[serde(default)]
    pub audio_codecs: Vec<String>,
    #[serde(default)]
    pub pix_fmts: Vec<String>,
    pub min_duration_s: Option<f64>,
    pub max_duration_s: Option<f64>,
    pub min_width: Option<u32>,
    pub min_height: Option<u32>,
    pub min_side_px: Option<u32>,
    pub max_side_px: Option<u32>,
    pub aspect: Option<String>,
    pub aspect_tolerance: Option<f64>,
    #[serde(default)]
    pub orientations: Vec<Orientation>,
    pub min_fps: Option<f64>,
    pub max_fps: Option<f64>,
    #[serde(default)]
    pub constant_fps: bool,
    pub max_size_bytes: Option<u64>,
    #[serde(default)]
    pub moov_at_front: bool,
    #[serde(default)]
    pub audio_sample_rates: Vec<u32>,
    pub min_audio_bit_rate: Option<u64>,
    pub min_audio_channels: Option<u32>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SpecFile {
    platform: Vec<PlatformSpec>,
}

/// One platform's verdict on a file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlatformCheck {
    /// The spec id, e.g. "youtube_shorts".
    pub platform: String,
    /// Whether the platform accepts the file: `refusals` is empty.
    pub ok: bool,
    /// Why the platform refuses the file (`spec-…` codes). Reports stored
    /// before the two levels were kept apart call these `issues`.
    #[serde(alias = "issues")]
    pub refusals: Vec<Problem>,
    /// Where the file departs from the platform's recommendations (`advice-…`
    /// codes): shown as advice, never a reason for a rendition.
    #[serde(default)]
    pub advice: Vec<Problem>,
}

/// Parses a specs file in the format of `data/platform-specs.toml` (for a
/// deployment that keeps its own copy).
pub fn parse(text: &str) -> Result<Vec<PlatformSpec>, MediaError> {
    let file: SpecFile =
        toml::from_str(text).map_err(|e| MediaError::Parse(format!("platform specs: {e}")))?;
    for spec in &file.platform {
        for a in [&spec.accepts.aspect, &spec.recommends.aspect]
            .into_iter()
            .flatten()
        {
            if parse_aspect(a).is_none() {
                return Err(MediaError::Parse(format!(
                    "platform specs: {}: aspect {a:?} is not W:H",
                    spec.id
                )));
            }
        }
        if let Some(a) = spec.safe_area
            && (a.top_pct + a.bottom_pct >= 100 || a.left_pct + a.right_pct >= 100)
        {
            return Err(MediaError::Parse(format!(
                "platform specs: {}: the safe area leaves nothing of the frame",
                spec.id
            )));
        }
    }
    Ok(file.platform)
}

/// The part of the frame platform `platform_id`'s interface covers, when the
/// specs say.
pub fn safe_area(platform_id: &str) -> Option<SafeArea> {
    builtin()
        .iter()
        .find(|s| s.id == platform_id)
        .and_then(|s| s.safe_area)
}

/// The specs shipped with Lantoa.
pub fn builtin() -> &'static [PlatformSpec] {
    &BUILTIN
}

/// The brand name of the platform with spec id `id` (the id itself when unknown).
pub fn name_of(id: &str) -> String {
    builtin()
        .iter()
        .find(|s| s.id == id)
        .map(|s| s.name.clone())
        .unwrap_or_else(|| id.to_string())
}

pub(crate) fn parse_aspect(s: &str) -> Option<f64> {
    let (w, h) = s.split_once(':')?;
    let (w, h): (f64, f64) = (w.trim().parse().ok()?, h.trim().parse().ok()?);
    (w > 0.0 && h > 0.0 && w.is_finite() && h.is_finite()).then(|| w / h)
}

fn list<T: std::fmt::Display>(items: &[T]) -> String {
    items
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Checks `p` against each spec, in order: refusals from what the platform
/// accepts, advice from what it recommends.
pub fn compliance(p: &Probe, specs: &[PlatformSpec]) -> Vec<PlatformCheck> {
    specs
        .iter()
        .map(|spec| {
            let refusals = unmet(p, &spec.accepts);
            // An unreadable file is refused already; advice on it says nothing more.
            let advice = if p.readable() && p.video.is_some() {
                unmet(p, &spec.recommends)
                    .into_iter()
                    .map(as_advice)
                    .collect()
            } else {
                Vec::new()
            };
            PlatformCheck {
                platform: spec.id.clone(),
                ok: refusals.is_empty(),
                refusals,
                advice,
            }
        })
        .collect()
}

/// The same finding, as advice: `spec-container` becomes `advice-container`,
/// a message of its own that recommends instead of refusing.
fn as_advice(mut p: Problem) -> Problem {
    if let Some(rest) = p.code.strip_prefix("spec-") {
        p.code = format!("advice-{rest}");
    }
    p
}

/// The rules in `s` that `p` does not meet, as `spec-…` problems.
pub fn unmet(p: &Probe, s: &Rules) -> Vec<Problem> {
    let mut out = Vec::new();
    let Some(v) = p.video.as_ref().filter(|_| p.readable()) else {
        out.push(Problem::new("media-not-video").with("format", &p.container));
        return out;
    };
    unmet_formats(p, v, s, &mut out);
    if let Some(a) = &p.audio {
        unmet_audio(a, s, &mut out);
    }
    if let Some(d) = p.duration() {
        unmet_duration(d, s, &mut out);
    }
    unmet_geometry(v, s, &mut out);
    unmet_rate_and_file(p, v, s, &mut out);
    out
}

/// Whether a list of allowed values (empty: anything) leaves `actual` out.
fn not_in<T: PartialEq + ?Sized>(allowed: &[impl std::borrow::Borrow<T>], actual: &T) -> bool {
    !allowed.is_empty() && !allowed.iter().any(|a| a.borrow() == actual)
}

/// Container, video codec and pixel format.
fn unmet_formats(p: &Probe, v: &VideoStream, s: &Rules, out: &mut Vec<Problem>) {
    if not_in(&s.containers, &p.container) {
        out.push(
            Problem::new("spec-container")
                .with("actual", &p.container)
                .with("allowed", list(&s.containers)),
        );
    }
    if not_in(&s.video_codecs, &v.codec) {
        out.push(
            Problem::new("spec-video-codec")
                .with("actual", &v.codec)
                .with("allowed", list(&s.video_codecs)),
        );
    }
    if let Some(pix) = &v.pix_fmt
        && not_in(&s.pix_fmts, pix)
    {
        out.push(
            Problem::new("spec-pixel-format")
                .with("actual", pix)
                .with("allowed", list(&s.pix_fmts)),
        );
    }
}

/// Audio codec, sample rate, bit rate and channels.
fn unmet_audio(a: &AudioStream, s: &Rules, out: &mut Vec<Problem>) {
    if not_in(&s.audio_codecs, &a.codec) {
        out.push(
            Problem::new("spec-audio-codec")
                .with("actual", &a.codec)
                .with("allowed", list(&s.audio_codecs)),
        );
    }
    if let Some(rate) = a.sample_rate
        && !s.audio_sample_rates.is_empty()
        && !s.audio_sample_rates.contains(&rate)
    {
        out.push(
            Problem::new("spec-audio-sample-rate")
                .with("actual", rate)
                .with("allowed", list(&s.audio_sample_rates)),
        );
    }
    if let (Some(min), Some(actual)) = (s.min_audio_bit_rate, a.bit_rate)
        && actual < min
    {
        out.push(
            Problem::new("spec-audio-bit-rate-too-low")
                .with("actual_kbps", actual / 1000)
                .with("limit_kbps", min / 1000),
        );
    }
    if let (Some(min), Some(actual)) = (s.min_audio_channels, a.channels)
        && actual < min
    {
        out.push(
            Problem::new("spec-audio-channels")
                .with("actual", actual)
                .with("limit", min),
        );
    }
}

/// A measure below `min` (problem `codes[0]`) or above `max` (`codes[1]`),
/// each with the limit and the measure.
fn unmet_range(
    actual: f64,
    (min, max): (Option<f64>, Option<f64>),
    codes: [&str; 2],
    out: &mut Vec<Problem>,
) {
    let mut refuse = |code: &str, limit: f64| {
        out.push(
            Problem::new(code)
                .with("limit", num(limit))
                .with("actual", num(actual)),
        );
    };
    if let Some(min) = min
        && actual < min
    {
        refuse(codes[0], min);
    }
    if let Some(max) = max
        && actual > max
    {
        refuse(codes[1], max);
    }
}

/// Shortest and longest length.
fn unmet_duration(d: f64, s: &Rules, out: &mut Vec<Problem>) {
    let codes = ["spec-duration-too-short", "spec-duration-too-long"];
    unmet_range(d, (s.min_duration_s, s.max_duration_s), codes, out);
}

/// Resolution, sides, aspect and orientation.
fn unmet_geometry(v: &VideoStream, s: &Rules, out: &mut Vec<Problem>) {
    let (w, h) = (v.display_width, v.display_height);
    if s.min_width.is_some_and(|m| w < m) || s.min_height.is_some_and(|m| h < m) {
        out.push(
            Problem::new("spec-resolution-too-low")
                .with("width", w)
                .with("height", h)
                .with("min_width", s.min_width.unwrap_or(0))
                .with("min_height", s.min_height.unwrap_or(0)),
        );
    }
    if let Some(min) = s.min_side_px
        && w.min(h) < min
    {
        out.push(
            Problem::new("spec-side-too-small")
                .with("actual", w.min(h))
                .with("limit", min),
        );
    }
    if let Some(max) = s.max_side_px
        && w.max(h) > max
    {
        out.push(
            Problem::new("spec-side-too-large")
                .with("actual", w.max(h))
                .with("limit", max),
        );
    }
    if let Some(want) = &s.aspect
        && let Some(ratio) = parse_aspect(want)
        && h > 0
    {
        let actual = f64::from(w) / f64::from(h);
        let tol = s.aspect_tolerance.unwrap_or(DEFAULT_ASPECT_TOLERANCE);
        if (actual / ratio - 1.0).abs() > tol {
            out.push(
                Problem::new("spec-aspect")
                    .with("actual", &v.display_aspect)
                    .with("required", want),
            );
        }
    }
    let shape = Orientation::of(w, h);
    if !s.orientations.is_empty() && !s.orientations.contains(&shape) {
        // Both values are Fluent selector keys ("portrait", "portrait-square"),
        // in the fixed order portrait, landscape, square.
        let mut allowed = s.orientations.clone();
        allowed.sort();
        allowed.dedup();
        let allowed: Vec<&str> = allowed.iter().map(|o| o.as_str()).collect();
        out.push(
            Problem::new("spec-orientation")
                .with("actual", shape.as_str())
                .with("allowed", allowed.join("-")),
        );
    }
}

/// Frame rate, file size and where the index sits.
fn unmet_rate_and_file(p: &Probe, v: &VideoStream, s: &Rules, out: &mut Vec<Problem>) {
    let fps = v.fps();
    // An unknown rate (0) is never too low.
    let min = s.min_fps.filter(|_| fps > 0.0);
    let codes = ["spec-fps-too-low", "spec-fps-too-high"];
    unmet_range(fps, (min, s.max_fps), codes, out);
    if s.constant_fps && v.variable_frame_rate {
        out.push(Problem::new("spec-fps-variable").with("actual", num(fps)));
    }
    if let Some(max) = s.max_size_bytes
        && p.size_bytes > max
    {
        out.push(
            Problem::new("spec-file-too-large")
                .with("limit_mb", mb(max))
                .with("actual_mb", mb(p.size_bytes)),
        );
    }
    if s.moov_at_front && p.is_iso_bmff() && p.moov_at_front != Some(true) {
        out.push(Problem::new("spec-moov-not-at-front"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil;

    fn by_id<'a>(checks: &'a [PlatformCheck], id: &str) -> &'a PlatformCheck {
        checks.iter().find(|c| c.platform == id).expect("platform")
    }

    fn codes(c: &PlatformCheck) -> Vec<&str> {
        c.refusals.iter().map(|p| p.code.as_str()).collect()
    }

    fn advice(c: &PlatformCheck) -> Vec<&str> {
        c.advice.iter().map(|p| p.code.as_str()).collect()
    }

    #[test]
    fn the_embedded_specs_parse_and_name_the_four_platforms() {
        let specs = builtin();
        let ids: Vec<&str> = specs.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(
            ids,
            ["youtube_shorts", "facebook_reels", "tiktok", "zalo_oa"]
        );
        let reels = &specs[1].accepts;
        assert_eq!(reels.aspect.as_deref(), Some("9:16"));
        assert_eq!(
            (reels.min_duration_s, reels.max_duration_s),
            (Some(3.0), Some(90.0))
        );
        assert_eq!((reels.min_width, reels.min_height), (Some(540), Some(960)));
        assert!(specs[1].recommends.constant_fps);
        let yt = &specs[0];
        assert_eq!(
            yt.accepts.orientations,
            [Orientation::Portrait, Orientation::Square]
        );
        assert!(yt.recommends.moov_at_front && !yt.accepts.moov_at_front);
        assert_eq!(specs[3].accepts.max_size_bytes, Some(50_000_000));
        assert_eq!(specs[2].accepts.max_side_px, Some(4096));
        // Every platform says what its interface covers, and it leaves the
        // middle of the frame free.
        for s in specs {
            let a = s
                .safe_area
                .unwrap_or_else(|| panic!("{}: no safe_area", s.id));
            assert_eq!(safe_area(&s.id), Some(a));
            assert!(
                a.top_pct + a.bottom_pct <= 60 && a.left_pct + a.right_pct <= 40,
                "{a:?}"
            );
            assert!(
                a.bottom_pct > a.top_pct,
                "{}: captions sit at the bottom",
                s.id
            );
        }
        let reels = safe_area("facebook_reels").unwrap();
        assert_eq!((reels.top_pct, reels.bottom_pct), (14, 35));
        assert_eq!(safe_area("myspace"), None);
    }

    /// The data file's promise: what a platform recommends is always something
    /// it accepts (or the advice would send people to a refused file).
    #[test]
    fn p16_each_recommended_format_is_one_the_platform_accepts() {
        for s in builtin() {
            for (rec, acc) in [
                (&s.recommends.containers, &s.accepts.containers),
                (&s.recommends.video_codecs, &s.accepts.video_codecs),
                (&s.recommends.audio_codecs, &s.accepts.audio_codecs),
            ] {
                for r in rec {
                    assert!(
                        acc.is_empty() || acc.contains(r),
                        "{}: recommends {r} but accepts only {acc:?}",
                        s.id
                    );
                }
            }
        }
    }

    #[test]
    fn bad_spec_files_are_refused() {
        let area = |a: &str| {
            parse(&format!(
                "[[platform]]\nid = \"x\"\nname = \"X\"\n[platform.safe_area]\n{a}\n"
            ))
        };
        let ok = area("top_pct = 10\nbottom_pct = 30\nleft_pct = 5\nright_pct = 15").unwrap();
        assert_eq!(ok[0].safe_area.map(|a| a.right_pct), Some(15));
        assert!(area("top_pct = 50\nbottom_pct = 50\nleft_pct = 0\nright_pct = 0").is_err());
        assert!(area("top_pct = 1\nbottom_pct = 1\nleft_pct = 1\nright_pct = 1\nfoo = 1").is_err());
        assert!(area("top_pct = 1").is_err(), "every edge is given");
        assert!(parse("[[platform]]\nid = \"x\"\nname = \"X\"\ncolour = \"red\"\n").is_err());
        assert!(
            parse("[[platform]]\nid = \"x\"\nname = \"X\"\n[platform.accepts]\ncolour = \"red\"\n")
                .is_err()
        );
        assert!(
            parse(
                "[[platform]]\nid = \"x\"\nname = \"X\"\n[platform.accepts]\naspect = \"tall\"\n"
            )
            .is_err()
        );
        assert!(
            parse(
                "[[platform]]\nid = \"x\"\nname = \"X\"\n[platform.recommends]\naspect = \"tall\"\n"
            )
            .is_err()
        );
        // The flat layout of before: a rule outside a level is refused, not ignored.
        assert!(parse("[[platform]]\nid = \"x\"\nname = \"X\"\ncontainers = [\"mp4\"]\n").is_err());
        let ok = parse("[[platform]]\nid = \"x\"\nname = \"X\"\n").expect("minimal spec");
        let c = &compliance(&testutil::good_probe(), &ok)[0];
        assert!(c.ok && c.advice.is_empty());
    }

    #[test]
    fn a_clean_vertical_1080p_clip_fits_every_platform() {
        let checks = compliance(&testutil::good_probe(), builtin());
        assert_eq!(checks.len(), 4);
        for c in &checks {
            assert!(c.ok, "{}: {:?}", c.platform, c.refusals);
            assert!(c.advice.is_empty(), "{}: {:?}", c.platform, c.advice);
        }
    }

    /// What an iPhone records: HEVC in a QuickTime file, AAC at 44.1 kHz, the
    /// index at the end. YouTube takes it (MOV and HEVC are on its list); MP4,
    /// H.264, 48 kHz and an index in front are only what it recommends.
    #[test]
    fn p16_an_iphone_hevc_mov_is_accepted_by_youtube_with_advice() {
        let p = testutil::iphone_probe();
        let checks = compliance(&p, builtin());
        let yt = by_id(&checks, "youtube_shorts");
        assert!(yt.ok, "{:?}", yt.refusals);
        assert_eq!(
            advice(yt),
            [
                "advice-container",
                "advice-video-codec",
                "advice-audio-sample-rate",
                "advice-moov-not-at-front"
            ]
        );
        assert_eq!(yt.advice[1].arg("allowed"), Some("h264"));
        assert_eq!(yt.advice[1].arg("actual"), Some("hevc"));
        let reels = by_id(&checks, "facebook_reels");
        assert!(reels.ok, "{:?}", reels.refusals);
        assert_eq!(
            advice(reels),
            ["advice-container", "advice-audio-sample-rate"]
        );
        let tiktok = by_id(&checks, "tiktok");
        assert!(tiktok.ok, "{:?}", tiktok.refusals);
        assert_eq!(advice(tiktok), ["advice-container", "advice-video-codec"]);
        // Zalo takes only MP4 and AVI: a refusal, and no advice level to speak of.
        let zalo = by_id(&checks, "zalo_oa");
        assert_eq!(codes(zalo), ["spec-container"]);
        assert!(zalo.advice.is_empty());
    }

    #[test]
    fn each_unmet_rule_is_reported_with_limit_and_actual() {
        let mut p = testutil::good_probe();
        p.duration_s = Some(200.0);
        p.video.as_mut().expect("v").frames = Some(6000);
        p.size_bytes = 120_000_000;
        let checks = compliance(&p, builtin());
        let yt = by_id(&checks, "youtube_shorts");
        assert_eq!(codes(yt), ["spec-duration-too-long"]);
        assert_eq!(yt.refusals[0].arg("limit"), Some("180"));
        assert_eq!(yt.refusals[0].arg("actual"), Some("200"));
        assert_eq!(
            codes(by_id(&checks, "facebook_reels")),
            ["spec-duration-too-long"]
        );
        assert!(by_id(&checks, "tiktok").ok);
        let zalo = by_id(&checks, "zalo_oa");
        assert_eq!(codes(zalo), ["spec-file-too-large"]);
        assert_eq!(zalo.refusals[0].arg("limit_mb"), Some("50"));
        assert_eq!(zalo.refusals[0].arg("actual_mb"), Some("120"));

        // Landscape HEVC in MKV with mono Opus at 20 fps, 2 s, variable rate.
        let mut p = testutil::good_probe();
        p.container = "mkv".into();
        p.format_names = "matroska,webm".into();
        p.duration_s = Some(2.0);
        p.moov_at_front = None;
        let v = p.video.as_mut().expect("v");
        v.codec = "hevc".into();
        (v.display_width, v.display_height, v.display_aspect) = (1920, 1080, "16:9".into());
        v.avg_fps = 20.0;
        v.variable_frame_rate = true;
        let a = p.audio.as_mut().expect("a");
        a.codec = "opus".into();
        a.channels = Some(1);
        a.bit_rate = Some(64_000);
        let checks = compliance(&p, builtin());
        let yt = by_id(&checks, "youtube_shorts");
        assert_eq!(codes(yt), ["spec-container", "spec-orientation"]);
        assert_eq!(
            advice(yt),
            [
                "advice-container",
                "advice-video-codec",
                "advice-audio-codec",
                "advice-audio-channels"
            ]
        );
        let orientation = &yt.refusals[1];
        assert_eq!(orientation.arg("actual"), Some("landscape"));
        assert_eq!(orientation.arg("allowed"), Some("portrait-square"));
        let reels = by_id(&checks, "facebook_reels");
        assert_eq!(
            codes(reels),
            ["spec-duration-too-short", "spec-aspect", "spec-fps-too-low"]
        );
        assert_eq!(
            advice(reels),
            [
                "advice-container",
                "advice-audio-codec",
                "advice-audio-bit-rate-too-low",
                "advice-audio-channels",
                "advice-resolution-too-low",
                "advice-fps-variable"
            ]
        );
        assert_eq!(
            codes(by_id(&checks, "tiktok")),
            ["spec-container", "spec-fps-too-low"]
        );
        assert_eq!(codes(by_id(&checks, "zalo_oa")), ["spec-container"]);
    }

    #[test]
    fn size_shape_and_index_rules() {
        let mut p = testutil::good_probe();
        p.moov_at_front = Some(false);
        let v = p.video.as_mut().expect("v");
        (v.display_width, v.display_height, v.display_aspect) = (300, 5000, "3:50".into());
        let checks = compliance(&p, builtin());
        // An index at the end is something YouTube advises against, not refuses.
        let yt = by_id(&checks, "youtube_shorts");
        assert!(yt.ok);
        assert_eq!(advice(yt), ["advice-moov-not-at-front"]);
        assert_eq!(
            codes(by_id(&checks, "tiktok")),
            ["spec-side-too-small", "spec-side-too-large"]
        );
        let reels = by_id(&checks, "facebook_reels");
        assert_eq!(codes(reels), ["spec-resolution-too-low", "spec-aspect"]);
        assert_eq!(reels.refusals[1].arg("required"), Some("9:16"));

        let mut unreadable = testutil::good_probe();
        unreadable.probe_error = Some("moov atom not found".into());
        for c in compliance(&unreadable, builtin()) {
            assert_eq!(codes(&c), ["media-not-video"]);
            assert!(c.advice.is_empty());
        }
    }

    /// Reports stored before the two levels were kept apart still read: their
    /// `issues` are refusals and they carry no advice.
    #[test]
    fn p16_reports_stored_before_the_split_still_read() {
        let old = r#"[{"platform":"tiktok","ok":false,"issues":[{"code":"spec-container","args":[["actual","mkv"]]}]}]"#;
        let checks: Vec<PlatformCheck> = serde_json::from_str(old).expect("old report");
        assert_eq!(codes(&checks[0]), ["spec-container"]);
        assert!(checks[0].advice.is_empty());
    }

    #[test]
    fn orientation_of_shapes() {
        assert_eq!(Orientation::of(1080, 1920), Orientation::Portrait);
        assert_eq!(Orientation::of(1920, 1080), Orientation::Landscape);
        assert_eq!(Orientation::of(1080, 1080), Orientation::Square);
        assert_eq!(Orientation::of(1080, 1090), Orientation::Square);
    }
}
