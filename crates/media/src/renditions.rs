//! Platform renditions, made only where a platform refuses the original.
//!
//! What a platform merely recommends is never a reason: a re-encode costs time
//! and quality, and the platform transcodes anyway. For each platform that
//! refuses the original for something a rendition can change (shape, codec,
//! pixel format, audio format, frame rate, container, index), [`plan`] takes
//! the cheapest output that the platform would accept: a remux (streams copied
//! into an MP4 with its index first, no decode), then a transcode in the
//! original's own shape, then one in the shape the platform asks for, with a
//! blurred copy of the picture filling the background. Whether the platform
//! would accept an output is judged by checking the output's known properties
//! against the same spec, so a rendition is never made for a platform that would
//! still refuse it (too long, too large): that refusal stays in the report.
//! Each rendition records the platforms it was made for and what it fixes, so
//! its label can say so. [`render`] makes every shape from one decode.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::MediaError;
use super::probe::{Probe, aspect};
use super::specs::{PlatformSpec, parse_aspect, unmet};
use crate::subprocess::Subprocess;

/// A target frame shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Shape {
    Portrait9x16,
    Square1x1,
    Landscape16x9,
}

impl Shape {
    /// The rendition's name in its object key and URL.
    pub fn label(self) -> &'static str {
        match self {
            Shape::Portrait9x16 => "9x16",
            Shape::Square1x1 => "1x1",
            Shape::Landscape16x9 => "16x9",
        }
    }

    /// The shape of a rendition named `label`.
    pub fn from_label(label: &str) -> Option<Shape> {
        [Shape::Portrait9x16, Shape::Square1x1, Shape::Landscape16x9]
            .into_iter()
            .find(|s| s.label() == label)
    }

    /// A Fluent selector key for messages naming the shape.
    pub fn key(self) -> &'static str {
        match self {
            Shape::Portrait9x16 => "portrait",
            Shape::Square1x1 => "square",
            Shape::Landscape16x9 => "landscape",
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

/// What a rendition corrects in the original, for its label. The order is the
/// order in which labels list them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Fix {
    /// The frame shape (aspect ratio, orientation).
    Shape,
    /// The frame size (a side too small or too large).
    FrameSize,
    VideoCodec,
    PixelFormat,
    FrameRate,
    /// Audio codec, sample rate, bit rate or channels.
    Audio,
    Container,
    /// The MP4 index moved to the front.
    Index,
}

impl Fix {
    pub const ALL: [Fix; 8] = [
        Fix::Shape,
        Fix::FrameSize,
        Fix::VideoCodec,
        Fix::PixelFormat,
        Fix::FrameRate,
        Fix::Audio,
        Fix::Container,
        Fix::Index,
    ];

    /// What a refusal (a `spec-…` code) is about; None for what no rendition
    /// changes (duration, file size).
    pub fn of(code: &str) -> Option<Fix> {
        Some(match code {
            "spec-aspect" | "spec-orientation" => Fix::Shape,
            "spec-resolution-too-low" | "spec-side-too-small" | "spec-side-too-large" => {
                Fix::FrameSize
            }
            "spec-video-codec" => Fix::VideoCodec,
            "spec-pixel-format" => Fix::PixelFormat,
            "spec-fps-too-low" | "spec-fps-too-high" | "spec-fps-variable" => Fix::FrameRate,
            "spec-audio-codec"
            | "spec-audio-sample-rate"
            | "spec-audio-bit-rate-too-low"
            | "spec-audio-channels" => Fix::Audio,
            "spec-container" => Fix::Container,
            "spec-moov-not-at-front" => Fix::Index,
            _ => return None,
        })
    }

    /// Whether a refusal of this kind is a reason to make a rendition. A frame
    /// too small is not: the desk does not upscale to meet a minimum, though a
    /// rendition made for another reason may meet it on the way.
    fn is_reason(self) -> bool {
        self != Fix::FrameSize
    }

    /// The message naming this fix in a rendition's label.
    pub fn message_id(self) -> &'static str {
        match self {
            Fix::Shape => "rendition-fix-shape",
            Fix::FrameSize => "rendition-fix-frame-size",
            Fix::VideoCodec => "rendition-fix-video-codec",
            Fix::PixelFormat => "rendition-fix-pixel-format",
            Fix::FrameRate => "rendition-fix-frame-rate",
            Fix::Audio => "rendition-fix-audio",
            Fix::Container => "rendition-fix-container",
            Fix::Index => "rendition-fix-index",
        }
    }
}

/// One output a plan may make.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Output {
    /// The streams copied into an MP4 with its index at the front.
    Remux,
    /// A new H.264/AAC encode in this shape (blurred fill where the source differs).
    Encode(Shape),
}

/// One planned rendition and why it is made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Planned {
    pub output: Output,
    /// Spec ids of the platforms that refuse the original and accept this.
    pub made_for: Vec<String>,
    /// What it corrects for those platforms, in [`Fix`] order.
    pub fixes: Vec<Fix>,
}

/// What to make for a version: the remux first, then the encodes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    pub outputs: Vec<Planned>,
}

impl Plan {
    pub fn is_empty(&self) -> bool {
        self.outputs.is_empty()
    }

    /// Whether the plan has a remux.
    pub fn remux(&self) -> bool {
        self.outputs.iter().any(|o| o.output == Output::Remux)
    }

    /// The shapes to encode, in plan order.
    pub fn shapes(&self) -> Vec<Shape> {
        self.outputs
            .iter()
            .filter_map(|o| match o.output {
                Output::Encode(s) => Some(s),
                Output::Remux => None,
            })
            .collect()
    }

    /// A plan that encodes `shapes`, made for no platform in particular (benchmarks).
    pub fn encodes(shapes: &[Shape]) -> Plan {
        Plan {
            outputs: shapes
                .iter()
                .map(|s| Planned {
                    output: Output::Encode(*s),
                    made_for: Vec::new(),
                    fixes: Vec::new(),
                })
                .collect(),
        }
    }

    fn add(&mut self, output: Output, platform: &str, fixes: &[Fix]) {
        let i = match self.outputs.iter().position(|o| o.output == output) {
            Some(i) => i,
            None => {
                let planned = Planned {
                    output,
                    made_for: Vec::new(),
                    fixes: Vec::new(),
                };
                // The remux goes first: it is the cheapest and needs no decode.
                if output == Output::Remux {
                    self.outputs.insert(0, planned);
                    0
                } else {
                    self.outputs.push(planned);
                    self.outputs.len() - 1
                }
            }
        };
        let o = &mut self.outputs[i];
        if !o.made_for.iter().any(|p| p == platform) {
            o.made_for.push(platform.to_string());
        }
        o.fixes.extend_from_slice(fixes);
        o.fixes.sort();
        o.fixes.dedup();
    }
}

/// Audio of every encoded rendition: AAC-LC, 48 kHz, stereo, 128 kb/s.
const ENCODE_AUDIO: &str = "-c:a aac -b:a 128k -ar 48000 -ac 2";
const ENCODE_AUDIO_RATE: u32 = 48_000;
const ENCODE_AUDIO_CHANNELS: u32 = 2;
const ENCODE_AUDIO_BIT_RATE: u64 = 128_000;
const ISO_FORMAT_NAMES: &str = "mov,mp4,m4a,3gp,3g2,mj2";
/// Codecs ffmpeg's MP4 muxer takes as they are (VP8, Vorbis and PCM it does not).
const MP4_VIDEO: [&str; 4] = ["h264", "hevc", "vp9", "av1"];
const MP4_AUDIO: [&str; 3] = ["aac", "mp3", "opus"];

/// The constant frame rate of an encoded rendition.
fn encode_fps(p: &Probe) -> f64 {
    p.video
        .as_ref()
        .map(|v| v.avg_fps.round().clamp(24.0, 60.0))
        .unwrap_or(30.0)
}

fn long_side(p: &Probe) -> u32 {
    p.video
        .as_ref()
        .map(|v| v.display_width.max(v.display_height))
        .unwrap_or(1080)
}

/// Whether the streams can be copied into an MP4 as they are.
fn remuxable(p: &Probe) -> bool {
    p.video
        .as_ref()
        .is_some_and(|v| MP4_VIDEO.contains(&v.codec.as_str()))
        && p.audio
            .as_ref()
            .is_none_or(|a| MP4_AUDIO.contains(&a.codec.as_str()))
}

/// What a probe of `output` made from `p` would say, from what [`render`]
/// writes. The file size is taken as the original's (it is not known before).
fn predict(p: &Probe, output: Output) -> Probe {
    let mut q = p.clone();
    q.container = "mp4".into();
    q.format_names = ISO_FORMAT_NAMES.into();
    q.moov_at_front = Some(true);
    q.truncated = false;
    let Output::Encode(shape) = output else {
        return q;
    };
    let (w, h) = shape.dimensions(long_side(p));
    let fps = encode_fps(p);
    if let Some(v) = q.video.as_mut() {
        v.codec = "h264".into();
        v.profile = Some("High".into());
        (v.width, v.height, v.display_width, v.display_height) = (w, h, w, h);
        v.rotation_deg = 0;
        v.display_aspect = aspect(w, h);
        (v.avg_fps, v.r_fps) = (fps, fps);
        v.variable_frame_rate = false;
        v.pix_fmt = Some("yuv420p".into());
        v.frames = None;
        v.bit_rate = None;
    }
    if let Some(a) = q.audio.as_mut() {
        a.codec = "aac".into();
        a.profile = Some("LC".into());
        a.sample_rate = Some(ENCODE_AUDIO_RATE);
        a.channels = Some(ENCODE_AUDIO_CHANNELS);
        a.bit_rate = Some(ENCODE_AUDIO_BIT_RATE);
    }
    q
}

/// The shape a platform asks for, from the aspect or orientations it accepts.
fn wanted_shape(spec: &PlatformSpec) -> Option<Shape> {
    let rules = &spec.accepts;
    if let Some(r) = rules.aspect.as_deref().and_then(parse_aspect) {
        return Some(Shape::nearest((r * 1000.0) as u32, 1000));
    }
    use super::specs::Orientation;
    [
        (Orientation::Portrait, Shape::Portrait9x16),
        (Orientation::Square, Shape::Square1x1),
        (Orientation::Landscape, Shape::Landscape16x9),
    ]
    .into_iter()
    .find(|(o, _)| rules.orientations.contains(o))
    .map(|(_, s)| s)
}

/// Decides the renditions from what each platform accepts.
pub fn plan(p: &Probe, specs: &[PlatformSpec]) -> Plan {
    let mut out = Plan::default();
    let Some(v) = p.video.as_ref().filter(|_| p.readable()) else {
        return out;
    };
    let own = Shape::nearest(v.display_width, v.display_height);
    let accepts = |spec: &PlatformSpec, o: Output| unmet(&predict(p, o), &spec.accepts).is_empty();
    let mut remux_for: Vec<&PlatformSpec> = Vec::new();
    for spec in specs {
        let mut refused: Vec<Fix> = unmet(p, &spec.accepts)
            .iter()
            .filter_map(|r| Fix::of(&r.code))
            .collect();
        refused.sort();
        refused.dedup();
        if !refused.iter().any(|f| f.is_reason()) {
            continue;
        }
        let mut candidates = Vec::with_capacity(3);
        if remuxable(p) {
            candidates.push(Output::Remux);
        }
        candidates.push(Output::Encode(own));
        if let Some(s) = wanted_shape(spec).filter(|s| *s != own) {
            candidates.push(Output::Encode(s));
        }
        // The output fixes every refusal when the platform accepts it, including
        // a frame size met on the way.
        if let Some(c) = candidates.into_iter().find(|c| accepts(spec, *c)) {
            if c == Output::Remux {
                remux_for.push(spec);
            }
            out.add(c, &spec.id, &refused);
        }
    }
    // An encode in the source's own shape is also an MP4 with its index first:
    // when every platform the remux was for takes it, the remux is not made.
    let own_encode = Output::Encode(own);
    if out.remux()
        && out.outputs.iter().any(|o| o.output == own_encode)
        && remux_for.iter().all(|spec| accepts(spec, own_encode))
    {
        let remux = out.outputs.remove(0);
        for id in &remux.made_for {
            out.add(own_encode, id, &remux.fixes);
        }
    }
    out
}

/// One produced rendition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rendition {
    /// `remux`, `loudness`, or the shape's label (`9x16`, `1x1`, `16x9`): the
    /// name in its object key and URL.
    pub label: String,
    pub path: PathBuf,
    pub width: u32,
    pub height: u32,
    pub remuxed: bool,
    /// Spec ids of the platforms it was made for.
    pub made_for: Vec<String>,
    /// What it corrects for them.
    pub fixes: Vec<Fix>,
}

pub(crate) fn push(args: &mut Vec<OsString>, words: &str) {
    args.extend(words.split_whitespace().map(OsString::from));
}

/// ffmpeg's arguments up to the input `file`: quiet, overwriting its outputs.
pub(crate) fn ffmpeg_input(file: &Path) -> Vec<OsString> {
    let mut args = Vec::new();
    push(&mut args, "-nostdin -hide_banner -loglevel error -y -i");
    args.push(file.as_os_str().to_owned());
    args
}

/// Runs ffmpeg; `what` names the run in errors.
pub(crate) async fn ffmpeg(
    what: &str,
    args: Vec<OsString>,
    timeout: Duration,
) -> Result<(), MediaError> {
    Subprocess::new("ffmpeg", timeout)
        .what(what)
        .args(args)
        .output()
        .await?;
    Ok(())
}

/// Where each shape goes and its frame size.
fn targets(p: &Probe, shapes: &[Shape], out_dir: &Path) -> Vec<(PathBuf, Shape, (u32, u32))> {
    let long = long_side(p);
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
    let (progress, _) = tokio::sync::watch::channel(0.0);
    render_with_progress(file, p, plan, out_dir, timeout, &progress).await
}

/// [`render`], telling how far the encode is in 0.0..=1.0 on `progress` (from
/// the frames ffmpeg reports against the frames the clip has).
pub async fn render_with_progress(
    file: &Path,
    p: &Probe,
    plan: &Plan,
    out_dir: &Path,
    timeout: Duration,
    progress: &tokio::sync::watch::Sender<f64>,
) -> Result<Vec<Rendition>, MediaError> {
    tokio::fs::create_dir_all(out_dir).await?;
    let purpose = |o: Output| {
        plan.outputs
            .iter()
            .find(|x| x.output == o)
            .map(|x| (x.made_for.clone(), x.fixes.clone()))
            .unwrap_or_default()
    };
    let mut made = Vec::new();
    if plan.remux() {
        let out = out_dir.join("rendition_remux.mp4");
        let mut args = ffmpeg_input(file);
        push(
            &mut args,
            "-map 0:v:0 -map 0:a:0? -c copy -movflags +faststart",
        );
        args.push(out.clone().into_os_string());
        ffmpeg("ffmpeg remux", args, timeout).await?;
        let (w, h) = p
            .video
            .as_ref()
            .map(|v| (v.display_width, v.display_height))
            .unwrap_or((0, 0));
        let (made_for, fixes) = purpose(Output::Remux);
        made.push(Rendition {
            label: "remux".into(),
            path: out,
            width: w,
            height: h,
            remuxed: true,
            made_for,
            fixes,
        });
    }
    let shapes = plan.shapes();
    if shapes.is_empty() {
        return Ok(made);
    }
    let outputs = targets(p, &shapes, out_dir);
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
    let fps = encode_fps(p);
    let mut args = ffmpeg_input(file);
    push(&mut args, "-filter_complex");
    args.push(graph.join(";").into());
    for (i, (path, _, _)) in outputs.iter().enumerate() {
        push(&mut args, &format!("-map [o{i}]"));
        if p.audio.is_some() {
            push(&mut args, "-map 0:a:0");
            push(&mut args, ENCODE_AUDIO);
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
    let total_frames = p
        .video
        .as_ref()
        .map(|v| {
            v.frames
                .map(|f| f as f64)
                .unwrap_or(v.avg_fps * p.duration().unwrap_or(0.0))
        })
        .filter(|f| *f > 0.0);
    let mut with_progress = vec![
        OsString::from("-progress"),
        OsString::from("pipe:1"),
        "-nostats".into(),
    ];
    with_progress.extend(args);
    let mut last = 0.0f64;
    Subprocess::new("ffmpeg", timeout)
        .what("ffmpeg renditions")
        .args(with_progress)
        .stream(
            |line| {
                if let (Some(("frame", n)), Some(total)) = (line.split_once('='), total_frames)
                    && let Ok(n) = n.trim().parse::<f64>()
                {
                    let f = (n / total).clamp(0.0, 1.0);
                    if f > last {
                        last = f;
                        progress.send_replace(f);
                    }
                }
            },
            |_| {},
        )
        .await?;
    progress.send_replace(1.0);
    for (path, shape, (w, h)) in outputs {
        let (made_for, fixes) = purpose(Output::Encode(shape));
        made.push(Rendition {
            label: shape.label().into(),
            path,
            width: w,
            height: h,
            remuxed: false,
            made_for,
            fixes,
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
    let mut args = ffmpeg_input(file);
    push(
        &mut args,
        "-map 0:v:0 -map 0:a:0 -c:v copy -c:a aac -b:a 160k -ar 48000 -af",
    );
    args.push(format!("volume={gain:.2}dB,alimiter=limit={limit:.4}:level=false").into());
    push(&mut args, "-movflags +faststart");
    args.push(out.as_os_str().to_owned());
    ffmpeg("ffmpeg loudness", args, timeout).await?;
    Ok(Rendition {
        label: "loudness".into(),
        path: out.to_path_buf(),
        width: 0,
        height: 0,
        remuxed: false,
        made_for: Vec::new(),
        fixes: Vec::new(),
    })
}

#[cfg(test)]
mod tests;
