//! Platform renditions, made only when the original does not comply.
//!
//! [`plan`] reads the compliance checks: a file whose only fault is its MP4 index
//! at the end is remuxed (no decode, streams copied); a wrong shape (Reels wants
//! 9:16, Shorts vertical or square) gets a rendition of that shape with a blurred
//! copy of the picture filling the background; faults only a new encode fixes
//! (codec, pixel format, audio format, variable frame rate) get a transcode in the
//! original's own shape. Faults no rendition can fix (too long, too large) are
//! left to the report. [`render`] makes every shape from one decode.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::MediaError;
use super::probe::Probe;
use super::process::Job;
use super::specs::PlatformCheck;

/// A target frame shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Shape {
    Portrait9x16,
    Square1x1,
    Landscape16x9,
}

impl Shape {
    pub fn label(self) -> &'static str {
        match self {
            Shape::Portrait9x16 => "9x16",
            Shape::Square1x1 => "1x1",
            Shape::Landscape16x9 => "16x9",
        }
    }

    /// The shape nearest to a display size.
    pub fn nearest(w: u32, h: u32) -> Shape {
        let r = w as f64 / h.max(1) as f64;
        if r < 0.8 {
            Shape::Portrait9x16
        } else if r > 1.25 {
            Shape::Landscape16x9
        } else {
            Shape::Square1x1
        }
    }

    /// Output size for a source whose long side is `long`: never above 1080p,
    /// never below 640 px on the long side, even dimensions.
    pub fn dimensions(self, long: u32) -> (u32, u32) {
        let l = (long.clamp(640, 1920) / 16) * 16;
        let short = ((l * 9 / 16) / 2) * 2;
        match self {
            Shape::Portrait9x16 => (short, l),
            Shape::Landscape16x9 => (l, short),
            Shape::Square1x1 => (l.min(1080), l.min(1080)),
        }
    }
}

/// What to make for a version.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    /// Copy the streams into an MP4 with its index at the front.
    pub remux: bool,
    /// Shapes to encode, each with blurred fill where the source shape differs.
    pub shapes: Vec<Shape>,
}

impl Plan {
    pub fn is_empty(&self) -> bool {
        !self.remux && self.shapes.is_empty()
    }
}

const SHAPE_FAULTS: &[&str] = &["spec-aspect", "spec-orientation"];
const ENCODE_FAULTS: &[&str] = &[
    "spec-video-codec",
    "spec-pixel-format",
    "spec-audio-codec",
    "spec-audio-sample-rate",
    "spec-audio-bit-rate-too-low",
    "spec-audio-channels",
    "spec-fps-variable",
    "spec-fps-too-high",
];
const REMUX_FAULTS: &[&str] = &["spec-moov-not-at-front", "spec-container"];

/// Decides the renditions from the compliance checks.
pub fn plan(p: &Probe, checks: &[PlatformCheck], specs: &[super::specs::PlatformSpec]) -> Plan {
    let mut out = Plan::default();
    let Some(v) = &p.video else { return out };
    let own = Shape::nearest(v.display_width, v.display_height);
    let add = |s: Shape, out: &mut Plan| {
        if !out.shapes.contains(&s) {
            out.shapes.push(s);
        }
    };
    for c in checks.iter().filter(|c| !c.ok) {
        let has = |codes: &[&str]| c.issues.iter().any(|i| codes.contains(&i.code.as_str()));
        if has(SHAPE_FAULTS) {
            let spec = specs.iter().find(|s| s.id == c.platform);
            let wanted = match spec {
                Some(s) if s.aspect.as_deref() == Some("9:16") => Shape::Portrait9x16,
                Some(s) if s.aspect.as_deref() == Some("16:9") => Shape::Landscape16x9,
                Some(s) if s.aspect.as_deref() == Some("1:1") => Shape::Square1x1,
                Some(s) if s.orientations.iter().any(|o| o.as_str() == "portrait") => {
                    Shape::Portrait9x16
                }
                Some(s) if s.orientations.iter().any(|o| o.as_str() == "square") => {
                    Shape::Square1x1
                }
                _ => Shape::Landscape16x9,
            };
            add(wanted, &mut out);
        } else if has(ENCODE_FAULTS) {
            add(own, &mut out);
        } else if has(REMUX_FAULTS) {
            out.remux = true;
        }
    }
    // A transcode in the source's own shape also fixes the index: no remux then.
    if out.shapes.contains(&own) {
        out.remux = false;
    }
    out
}

/// One produced rendition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rendition {
    /// `remux`, or the shape's label (`9x16`, `1x1`, `16x9`).
    pub label: String,
    pub path: PathBuf,
    pub width: u32,
    pub height: u32,
    pub remuxed: bool,
}

fn push(args: &mut Vec<OsString>, words: &str) {
    args.extend(words.split_whitespace().map(OsString::from));
}

/// Where each shape goes and its frame size.
fn targets(p: &Probe, shapes: &[Shape], out_dir: &Path) -> Vec<(PathBuf, Shape, (u32, u32))> {
    let long = p
        .video
        .as_ref()
        .map(|v| v.display_width.max(v.display_height))
        .unwrap_or(1080);
    shapes
        .iter()
        .map(|s| {
            (
                out_dir.join(format!("rendition_{}.mp4", s.label())),
                *s,
                s.dimensions(long),
            )
        })
        .collect()
}

/// Makes the renditions of `plan` into `out_dir`: shapes from one decode, the
/// remux without decoding.
pub async fn render(
    file: &Path,
    p: &Probe,
    plan: &Plan,
    out_dir: &Path,
    timeout: Duration,
) -> Result<Vec<Rendition>, MediaError> {
    tokio::fs::create_dir_all(out_dir).await?;
    let mut made = Vec::new();
    if plan.remux {
        let out = out_dir.join("rendition_remux.mp4");
        let mut args: Vec<OsString> = Vec::new();
        push(&mut args, "-nostdin -hide_banner -loglevel error -y -i");
        args.push(file.as_os_str().to_owned());
        push(
            &mut args,
            "-map 0:v:0 -map 0:a:0? -c copy -movflags +faststart",
        );
        args.push(out.clone().into_os_string());
        Job::new("ffmpeg", timeout)
            .what("ffmpeg remux")
            .args(args)
            .output()
            .await?;
        let (w, h) = p
            .video
            .as_ref()
            .map(|v| (v.display_width, v.display_height))
            .unwrap_or((0, 0));
        made.push(Rendition {
            label: "remux".into(),
            path: out,
            width: w,
            height: h,
            remuxed: true,
        });
    }
    if plan.shapes.is_empty() {
        return Ok(made);
    }
    let outputs = targets(p, &plan.shapes, out_dir);
    let n = outputs.len();
    let mut graph = vec![format!(
        "[0:v]{}",
        if n == 1 {
            "null[s0]".to_string()
        } else {
            format!(
                "split={n}{}",
                (0..n).map(|i| format!("[s{i}]")).collect::<String>()
            )
        }
    )];
    for (i, (_, _, (w, h))) in outputs.iter().enumerate() {
        graph.push(format!(
            "[s{i}]split[b{i}][f{i}];\
             [b{i}]scale={w}:{h}:force_original_aspect_ratio=increase,crop={w}:{h},boxblur=20:2[bb{i}];\
             [f{i}]scale={w}:{h}:force_original_aspect_ratio=decrease[ff{i}];\
             [bb{i}][ff{i}]overlay=(W-w)/2:(H-h)/2,setsar=1,format=yuv420p[o{i}]"
        ));
    }
    let fps = p
        .video
        .as_ref()
        .map(|v| v.avg_fps.round().clamp(24.0, 60.0))
        .unwrap_or(30.0);
    let mut args: Vec<OsString> = Vec::new();
    push(&mut args, "-nostdin -hide_banner -loglevel error -y -i");
    args.push(file.as_os_str().to_owned());
    push(&mut args, "-filter_complex");
    args.push(graph.join(";").into());
    for (i, (path, _, _)) in outputs.iter().enumerate() {
        push(&mut args, &format!("-map [o{i}]"));
        if p.audio.is_some() {
            push(&mut args, "-map 0:a:0 -c:a aac -b:a 128k -ar 48000 -ac 2");
        }
        push(
            &mut args,
            &format!(
                "-c:v libx264 -preset veryfast -crf 21 -profile:v high -r {fps} -g {} -movflags +faststart",
                (fps * 2.0) as u32
            ),
        );
        args.push(path.clone().into_os_string());
    }
    Job::new("ffmpeg", timeout)
        .what("ffmpeg renditions")
        .args(args)
        .output()
        .await?;
    for (path, shape, (w, h)) in outputs {
        made.push(Rendition {
            label: shape.label().into(),
            path,
            width: w,
            height: h,
            remuxed: false,
        });
    }
    Ok(made)
}

/// Loudness targets for social platforms (they publish none; about −14 LUFS is practice).
pub const TARGET_LUFS: f64 = -14.0;
pub const TARGET_TRUE_PEAK: f64 = -1.0;

/// Whether measured loudness is far enough from the target to correct.
pub fn needs_loudness_fix(integrated: Option<f64>, true_peak: Option<f64>) -> bool {
    integrated.is_some_and(|i| (i - TARGET_LUFS).abs() > 1.0)
        || true_peak.is_some_and(|p| p > TARGET_TRUE_PEAK)
}

/// A copy with the audio brought to the target loudness and true-peak limit,
/// from the loudness measured in the check; the video stream is copied as is.
pub async fn normalize_loudness(
    file: &Path,
    integrated: f64,
    out: &Path,
    timeout: Duration,
) -> Result<Rendition, MediaError> {
    let gain = TARGET_LUFS - integrated;
    // alimiter's limit is linear; a little headroom for AAC's own overshoot.
    let limit = 10f64.powf((TARGET_TRUE_PEAK - 0.5) / 20.0);
    let mut args: Vec<OsString> = Vec::new();
    push(&mut args, "-nostdin -hide_banner -loglevel error -y -i");
    args.push(file.as_os_str().to_owned());
    push(
        &mut args,
        "-map 0:v:0 -map 0:a:0 -c:v copy -c:a aac -b:a 160k -ar 48000 -af",
    );
    args.push(format!("volume={gain:.2}dB,alimiter=limit={limit:.4}:level=false").into());
    push(&mut args, "-movflags +faststart");
    args.push(out.as_os_str().to_owned());
    Job::new("ffmpeg", timeout)
        .what("ffmpeg loudness")
        .args(args)
        .output()
        .await?;
    Ok(Rendition {
        label: "loudness".into(),
        path: out.to_path_buf(),
        width: 0,
        height: 0,
        remuxed: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::media::specs::{builtin, compliance};
    use crate::media::testutil::{Fixture, dimensions, make};

    #[tokio::test]
    async fn loudness_is_corrected_without_touching_the_video() {
        use crate::media::qc::{QcPlan, analyze};
        let dir = tempfile::tempdir().unwrap();
        let f = make(dir.path(), Fixture::Loud);
        let p = crate::media::probe::probe(&f, Duration::from_secs(30))
            .await
            .unwrap();
        let measure = |file: PathBuf, p: Probe, sub: &'static str| {
            let out = dir.path().join(sub);
            async move {
                let mut plan = QcPlan::new(out);
                plan.posters = 0;
                plan.storyboard = None;
                plan.proxy = false;
                let (tx, _rx) = tokio::sync::watch::channel(0.0);
                analyze(&file, &p, &plan, tx).await.unwrap()
            }
        };
        let before = measure(f.clone(), p.clone(), "m1").await;
        assert!(
            needs_loudness_fix(before.integrated_lufs, before.true_peak_dbtp),
            "{before:?}"
        );
        let out = dir.path().join("norm.mp4");
        normalize_loudness(
            &f,
            before.integrated_lufs.unwrap(),
            &out,
            Duration::from_secs(60),
        )
        .await
        .unwrap();
        let np = crate::media::probe::probe(&out, Duration::from_secs(30))
            .await
            .unwrap();
        let after = measure(out.clone(), np.clone(), "m2").await;
        let i = after.integrated_lufs.unwrap();
        assert!((i - TARGET_LUFS).abs() <= 1.5, "integrated {i} LUFS");
        assert!(
            after.true_peak_dbtp.unwrap() <= TARGET_TRUE_PEAK + 0.3,
            "{after:?}"
        );
        // The video stream is the original's, copied.
        let (a, b) = (p.video.unwrap(), np.video.unwrap());
        assert_eq!(
            (a.codec, a.profile, a.frames),
            (b.codec, b.profile, b.frames)
        );
    }

    #[test]
    fn shapes_and_sizes() {
        assert_eq!(Shape::nearest(1080, 1920), Shape::Portrait9x16);
        assert_eq!(Shape::nearest(1920, 1080), Shape::Landscape16x9);
        assert_eq!(Shape::nearest(1000, 1000), Shape::Square1x1);
        assert_eq!(Shape::Portrait9x16.dimensions(1920), (1080, 1920));
        assert_eq!(Shape::Landscape16x9.dimensions(3840), (1920, 1080));
        assert_eq!(Shape::Portrait9x16.dimensions(320), (360, 640));
        assert_eq!(Shape::Square1x1.dimensions(1920), (1080, 1080));
    }

    #[tokio::test]
    async fn a_compliant_original_gets_no_rendition() {
        let dir = tempfile::tempdir().unwrap();
        let f = make(dir.path(), Fixture::Faststart);
        let p = crate::media::probe::probe(&f, Duration::from_secs(30))
            .await
            .unwrap();
        let specs = builtin();
        let checks = compliance(&p, specs);
        let plan = plan(&p, &checks, specs);
        // The fixture is small; only checks a rendition could fix matter here.
        assert!(!plan.remux, "{checks:?}");
        assert!(!plan.shapes.contains(&Shape::Landscape16x9));
    }

    #[tokio::test]
    async fn a_landscape_original_gets_a_vertical_rendition_with_blurred_fill() {
        let dir = tempfile::tempdir().unwrap();
        let f = make(dir.path(), Fixture::Landscape);
        let p = crate::media::probe::probe(&f, Duration::from_secs(30))
            .await
            .unwrap();
        let specs = builtin();
        let plan = plan(&p, &compliance(&p, specs), specs);
        assert!(plan.shapes.contains(&Shape::Portrait9x16), "{plan:?}");
        let made = render(
            &f,
            &p,
            &plan,
            &dir.path().join("out"),
            Duration::from_secs(120),
        )
        .await
        .unwrap();
        let r = made.iter().find(|r| r.label == "9x16").unwrap();
        assert_eq!(dimensions(&r.path), (360, 640));
        let rp = crate::media::probe::probe(&r.path, Duration::from_secs(30))
            .await
            .unwrap();
        assert_eq!(rp.video.as_ref().unwrap().codec, "h264");
        assert_eq!(rp.audio.as_ref().unwrap().codec, "aac");
        assert_eq!(rp.moov_at_front, Some(true));
        // The vertical rendition satisfies the shape rules it was made for.
        let again = compliance(&rp, specs);
        for c in &again {
            assert!(
                !c.issues
                    .iter()
                    .any(|i| SHAPE_FAULTS.contains(&i.code.as_str())),
                "{}: {:?}",
                c.platform,
                c.issues
            );
        }
    }

    #[tokio::test]
    async fn an_index_at_the_end_is_fixed_by_a_remux_without_re_encoding() {
        let dir = tempfile::tempdir().unwrap();
        let f = make(dir.path(), Fixture::MoovAtEnd);
        let p = crate::media::probe::probe(&f, Duration::from_secs(30))
            .await
            .unwrap();
        let specs = builtin();
        // When the index is the only fault, the plan is a remux, not a transcode.
        let only_index = [PlatformCheck {
            platform: "youtube_shorts".into(),
            ok: false,
            issues: vec![crate::media::Problem::new("spec-moov-not-at-front")],
        }];
        let plan = plan(&p, &only_index, specs);
        assert_eq!(
            plan,
            Plan {
                remux: true,
                shapes: vec![]
            }
        );
        let made = render(
            &f,
            &p,
            &plan,
            &dir.path().join("out"),
            Duration::from_secs(60),
        )
        .await
        .unwrap();
        let rp = crate::media::probe::probe(&made[0].path, Duration::from_secs(30))
            .await
            .unwrap();
        assert_eq!(rp.moov_at_front, Some(true));
        // Streams copied: same frame count and codec profile.
        let (a, b) = (p.video.unwrap(), rp.video.unwrap());
        assert_eq!(
            (a.codec, a.profile, a.frames),
            (b.codec, b.profile, b.frames)
        );
    }
}
