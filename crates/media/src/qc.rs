//! Quality control in one decode: a single ffmpeg process reads the upload once
//! and, through one `-filter_complex` graph split into branches, measures black,
//! frozen and silent stretches and loudness (EBU R128 integrated, range, true
//! peak), writes poster-frame candidates and a storyboard sprite, and, when asked,
//! a review proxy. Reading the file once instead of once per output is what makes
//! this ~3–5× cheaper than the usual one-process-per-output design.
//!
//! The graph (branches present only when wanted; no audio branches for a silent
//! file):
//!
//! ```text
//! [v] split ─ blackdetect,freezedetect ──────────────┐
//!           ├ select(N times spread over the clip) ─→ poster_01..N.jpg
//!           ├ select(every interval),scale,tile ────→ storyboard.jpg
//!           └ scale(≤720 short side),yuv420p ───────→ proxy.mp4 (H.264, keyframe every 5 frames)
//! [a] asplit ─ ebur128,silencedetect ───────────────┴→ null muxer (drives the whole decode)
//!            └────────────────────────────────────────→ proxy.mp4 (AAC)
//! ```
//!
//! Detections are read from ffmpeg's log on stderr (at `info` level; ebur128's
//! per-frame lines are moved to `verbose`), progress from `-progress pipe:1`.
//! Times are on the file's own timeline (0 for the files the desk accepts).
//! Rotation: ffmpeg autorotates decoded frames, so every output is upright, and
//! frames coming out of a filter graph carry no display matrix, so the proxy has
//! no rotation flag.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use tokio::sync::watch;

use super::MediaError;
use super::probe::{Probe, file_url};
use crate::subprocess::Subprocess;

/// Blacks and freezes shorter than this are cuts, not problems (seconds).
const BLACK_MIN_S: f64 = 0.5;
const FREEZE_MIN_S: f64 = 1.0;
const SILENCE_MIN_S: f64 = 1.0;
/// Demuxers the analysis may use: only the containers the desk accepts, so a
/// playlist or concat file disguised as a video can never pull in other files.
const DEMUXERS: &str = "mov,mp4,m4a,3gp,3g2,mj2,matroska,webm";
/// Proxy: the short side fits in this many pixels.
pub const PROXY_SHORT_SIDE: u32 = 720;
/// Proxy: one keyframe every this many frames, for frame-accurate seeking.
pub const PROXY_GOP: u32 = 5;
/// `needs_proxy`: originals above this overall bit rate are too heavy to review.
const LIGHT_BIT_RATE: u64 = 8_000_000;
/// `needs_proxy`: originals with a longer short side are too heavy to review.
const LIGHT_SHORT_SIDE: u32 = 1080;
const BROWSER_H264_PROFILES: [&str; 4] = ["Constrained Baseline", "Baseline", "Main", "High"];

/// What to produce besides the measurements.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct QcPlan {
    /// Created if missing; outputs are `poster_NN.jpg`, `storyboard.jpg`, `proxy.mp4`.
    pub out_dir: PathBuf,
    /// Poster-frame candidates spread evenly over the clip (0 for none).
    pub posters: u32,
    pub storyboard: Option<StoryboardPlan>,
    pub proxy: bool,
    /// The ffmpeg process is killed past this.
    pub timeout: Duration,
}

impl QcPlan {
    /// The usual plan: 4 posters, a 5×5 storyboard of 160 px tiles, a proxy, and a
    /// 10-minute deadline.
    pub fn new(out_dir: impl Into<PathBuf>) -> QcPlan {
        QcPlan {
            out_dir: out_dir.into(),
            posters: 4,
            storyboard: Some(StoryboardPlan {
                cols: 5,
                rows: 5,
                tile_width: 160,
            }),
            proxy: true,
            timeout: Duration::from_secs(600),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct StoryboardPlan {
    pub cols: u32,
    pub rows: u32,
    pub tile_width: u32,
}

impl StoryboardPlan {
    /// At least one column and row, tiles at least 2 px wide.
    fn normalised(self) -> StoryboardPlan {
        StoryboardPlan {
            cols: self.cols.max(1),
            rows: self.rows.max(1),
            tile_width: self.tile_width.max(2),
        }
    }
}

/// A stretch of the clip, in seconds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Span {
    pub start_s: f64,
    pub end_s: f64,
}

impl Span {
    pub fn duration(&self) -> f64 {
        self.end_s - self.start_s
    }
}

/// A sprite of `cols × rows` tiles of `tile_width × tile_height`, row by row; tile
/// `i` shows the clip at `i × interval_s`. Only the first `tiles` are filled.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Storyboard {
    pub path: PathBuf,
    pub cols: u32,
    pub rows: u32,
    pub tile_width: u32,
    pub tile_height: u32,
    pub interval_s: f64,
    pub tiles: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QcReport {
    /// Loudness and the black, frozen and silent stretches (stored flat, as
    /// the report's own fields).
    #[serde(flatten)]
    pub found: Detections,
    pub posters: Vec<PathBuf>,
    pub storyboard: Option<Storyboard>,
    pub proxy: Option<PathBuf>,
    /// Wall time of the ffmpeg pass.
    pub decode_seconds: f64,
}

/// Whether the original needs a review proxy: false when it is already light and
/// browser-playable (MP4, H.264 up to High profile in 8-bit 4:2:0, AAC or no
/// audio, index at the front, short side ≤ 1080, ≤ 8 Mb/s), true otherwise,
/// including when there is no video to judge.
pub fn needs_proxy(p: &Probe) -> bool {
    let Some(v) = &p.video else { return true };
    let profile_ok = v
        .profile
        .as_deref()
        .is_some_and(|pr| BROWSER_H264_PROFILES.contains(&pr));
    let pix_ok = matches!(v.pix_fmt.as_deref(), Some("yuv420p" | "yuvj420p"));
    let audio_ok = p.audio.as_ref().is_none_or(|a| a.codec == "aac");
    let bit_rate = p.bit_rate.or_else(|| {
        let d = p.duration().filter(|d| *d > 0.0)?;
        Some((p.size_bytes as f64 * 8.0 / d) as u64)
    });
    let light = bit_rate.is_some_and(|b| b <= LIGHT_BIT_RATE) && v.short_side() <= LIGHT_SHORT_SIDE;
    let playable = p.container == "mp4"
        && v.codec == "h264"
        && profile_ok
        && pix_ok
        && audio_ok
        && p.moov_at_front == Some(true)
        && !p.truncated;
    !(playable && light)
}

/// Proxy frame size for a displayed `w × h`: the short side fits in 720 px,
/// aspect kept, both even, never upscaled. Mirrors the scale expression in the
/// graph (which works on the real decoded frames).
pub fn proxy_dimensions(w: u32, h: u32) -> (u32, u32) {
    let even = |x: f64| ((x / 2.0).round() as u32 * 2).max(2);
    if w >= h {
        let nh = h.min(PROXY_SHORT_SIDE) / 2 * 2;
        (even(f64::from(w) * f64::from(nh) / f64::from(h)), nh.max(2))
    } else {
        let nw = w.min(PROXY_SHORT_SIDE) / 2 * 2;
        (nw.max(2), even(f64::from(h) * f64::from(nw) / f64::from(w)))
    }
}

/// Output paths inside `out_dir`.
fn poster_path(dir: &Path, i: u32) -> PathBuf {
    dir.join(format!("poster_{i:02}.jpg"))
}
fn storyboard_path(dir: &Path) -> PathBuf {
    dir.join("storyboard.jpg")
}
fn proxy_path(dir: &Path) -> PathBuf {
    dir.join("proxy.mp4")
}

/// A tile's height for a displayed `w × h` at `tile_width`, even.
fn tile_height(w: u32, h: u32, tile_width: u32) -> u32 {
    if w == 0 {
        return tile_width;
    }
    let th = f64::from(tile_width) * f64::from(h) / f64::from(w);
    ((th / 2.0).round() as u32 * 2).max(2)
}

/// Where the posters of a clip `duration` seconds long are taken: the first at
/// half a step, then one every step, `n` in all (each is the first frame at or
/// after its time).
fn poster_spacing(duration: f64, n: u32) -> (f64, f64) {
    let step = duration / f64::from(n.max(1));
    (step / 2.0, step)
}

/// The times (milliseconds) of the `n` posters of a clip `duration` seconds
/// long: what a person picks as the cover when choosing a poster.
pub fn poster_times_ms(duration: f64, n: u32) -> Vec<u64> {
    let (first, step) = poster_spacing(duration, n);
    (0..n)
        .map(|i| ((first + f64::from(i) * step) * 1000.0).round() as u64)
        .collect()
}

/// Writes the frame at `ms` of `file` as a JPEG to `out`: a clip's cover.
pub async fn frame_at(
    file: &Path,
    ms: u64,
    out: &Path,
    timeout: Duration,
) -> Result<(), MediaError> {
    let at = format!("{}.{:03}", ms / 1000, ms % 1000);
    Subprocess::new("ffmpeg", timeout)
        .what("ffmpeg cover")
        .args(["-nostdin", "-v", "error", "-y", "-ss", &at, "-i"])
        .arg(file_url(file))
        .args(["-frames:v", "1", "-q:v", "2", "-update", "1"])
        .arg(out)
        .output()
        .await?;
    match tokio::fs::metadata(out).await {
        Ok(m) if m.len() > 0 => Ok(()),
        _ => Err(MediaError::Parse(format!("no frame at {at} s"))),
    }
}

/// The ffmpeg arguments for one pass. Pure, so the graph can be checked in tests.
pub fn build_args(file: &Path, probe: &Probe, plan: &QcPlan) -> Result<Vec<OsString>, MediaError> {
    let v = probe
        .video
        .as_ref()
        .ok_or_else(|| MediaError::Parse("no video stream to analyse".into()))?;
    let duration = probe
        .duration()
        .ok_or_else(|| MediaError::Parse("unknown duration".into()))?;
    let has_audio = probe.audio.is_some();

    let mut graph: Vec<String> = Vec::new();
    let mut branches = vec!["vq"];
    if plan.posters > 0 {
        branches.push("vp");
    }
    if plan.storyboard.is_some() {
        branches.push("vs");
    }
    if plan.proxy {
        branches.push("vx");
    }
    let labels: String = branches.iter().map(|b| format!("[{b}]")).collect();
    graph.push(format!("[0:{}]split={}{labels}", v.index, branches.len()));
    graph.push(format!(
        "[vq]blackdetect=d={BLACK_MIN_S}:pic_th=0.98:pix_th=0.10,freezedetect=n=-60dB:d={FREEZE_MIN_S}[mv]"
    ));
    if plan.posters > 0 {
        let (first, step) = poster_spacing(duration, plan.posters);
        graph.push(format!(
            "[vp]select='gte(t,{first:.4}+selected_n*{step:.4})'[posters]"
        ));
    }
    if let Some(sb) = plan.storyboard.map(StoryboardPlan::normalised) {
        let interval = duration / f64::from(sb.cols * sb.rows);
        let th = tile_height(v.display_width, v.display_height, sb.tile_width);
        graph.push(format!(
            "[vs]select='gte(t,selected_n*{interval:.4})',scale={}:{th},setsar=1,tile={}x{}[sb]",
            sb.tile_width, sb.cols, sb.rows
        ));
    }
    if plan.proxy {
        let s = PROXY_SHORT_SIDE;
        graph.push(format!(
            "[vx]scale=w='if(gte(iw,ih),-2,2*trunc(min(iw,{s})/2))':h='if(gte(iw,ih),2*trunc(min(ih,{s})/2),-2)',setsar=1,format=yuv420p[px]"
        ));
    }
    if let Some(a) = &probe.audio {
        if plan.proxy {
            graph.push(format!("[0:{}]asplit=2[aq][ax]", a.index));
        } else {
            graph.push(format!("[0:{}]anull[aq]", a.index));
        }
        graph.push(format!(
            "[aq]ebur128=peak=true:framelog=verbose,silencedetect=n=-50dB:d={SILENCE_MIN_S}[ma]"
        ));
    }

    let dir = &plan.out_dir;
    let mut args = Vec::new();
    push(
        &mut args,
        "-nostdin -hide_banner -nostats -loglevel info -progress pipe:1 -y",
    );
    push(&mut args, "-protocol_whitelist file -format_whitelist");
    push(&mut args, DEMUXERS);
    push(&mut args, "-i");
    args.push(file_url(file));
    push(&mut args, "-filter_complex");
    args.push(graph.join(";").into());

    // Measurements: the null output reads everything, so the pass always covers
    // the whole clip even when the other outputs are done early.
    push(&mut args, "-map [mv]");
    if has_audio {
        push(&mut args, "-map [ma]");
    }
    push(&mut args, "-f null -");
    if plan.posters > 0 {
        push(&mut args, "-map [posters] -fps_mode vfr -q:v 2 -frames:v");
        push(&mut args, &plan.posters.to_string());
        args.push(file_url(&dir.join("poster_%02d.jpg")));
    }
    if plan.storyboard.is_some() {
        push(&mut args, "-map [sb] -frames:v 1 -update 1 -q:v 3");
        args.push(file_url(&storyboard_path(dir)));
    }
    if plan.proxy {
        push(&mut args, "-map [px]");
        if has_audio {
            push(&mut args, "-map [ax]");
        }
        push(
            &mut args,
            "-c:v libx264 -preset veryfast -crf 23 -profile:v high -pix_fmt yuv420p",
        );
        let gop = PROXY_GOP;
        push(
            &mut args,
            &format!("-g {gop} -keyint_min {gop} -sc_threshold 0"),
        );
        if let Some(a) = &probe.audio {
            push(&mut args, "-c:a aac -b:a 128k");
            if a.channels.is_some_and(|c| c > 2) {
                push(&mut args, "-ac 2");
            }
        }
        push(
            &mut args,
            "-map_metadata -1 -map_chapters -1 -movflags +faststart",
        );
        args.push(file_url(&proxy_path(dir)));
    }
    Ok(args)
}

/// Appends whitespace-separated arguments (none of these contain spaces; paths
/// and the graph are pushed whole).
fn push(args: &mut Vec<OsString>, words: &str) {
    args.extend(words.split_whitespace().map(OsString::from));
}

/// Runs the single QC pass over `file` (already probed as `probe`), reporting
/// progress in 0.0..=1.0 on `progress`.
pub async fn analyze(
    file: &Path,
    probe: &Probe,
    plan: &QcPlan,
    progress: watch::Sender<f64>,
) -> Result<QcReport, MediaError> {
    let args = build_args(file, probe, plan)?;
    let duration = probe.duration().unwrap_or(0.0);
    tokio::fs::create_dir_all(&plan.out_dir).await?;
    remove_outputs(plan).await;

    let mut log = LogParser::default();
    let mut last = 0.0f64;
    // Progress comes from the frame count of the first output stream (the measuring
    // null output, which sees every decoded frame). `out_time` is the maximum over
    // all outputs, and the storyboard's tiled frame jumps ahead, so it is used only
    // when the number of frames is unknown.
    let total_frames = probe
        .video
        .as_ref()
        .map(|v| v.frames.map(|f| f as f64).unwrap_or(v.avg_fps * duration))
        .filter(|f| *f > 0.0);
    let started = Instant::now();
    let ran = Subprocess::new("ffmpeg", plan.timeout)
        .what("ffmpeg qc")
        .args(args)
        .stream(
            |line| {
                let f = match (line.split_once('='), total_frames) {
                    (Some(("frame", n)), Some(total)) => {
                        n.trim().parse::<f64>().ok().map(|n| n / total)
                    }
                    (Some(("out_time_us", us)), None) if duration > 0.0 => {
                        us.trim().parse::<f64>().ok().map(|us| us / 1e6 / duration)
                    }
                    _ => None,
                };
                if let Some(f) = f.map(|f| f.clamp(0.0, 1.0))
                    && f > last
                {
                    last = f;
                    progress.send_replace(f);
                }
            },
            |line| log.line(line),
        )
        .await;
    let decode_seconds = started.elapsed().as_secs_f64();
    if let Err(e) = ran {
        remove_outputs(plan).await;
        return Err(e.into());
    }
    progress.send_replace(1.0);

    let found = log.finish(duration);
    let posters = (1..=plan.posters)
        .map(|i| poster_path(&plan.out_dir, i))
        .filter(|p| p.is_file())
        .collect();
    let storyboard = match (
        plan.storyboard.map(StoryboardPlan::normalised),
        &probe.video,
    ) {
        (Some(sb), Some(v)) if storyboard_path(&plan.out_dir).is_file() => {
            let planned = sb.cols * sb.rows;
            let frames = v
                .frames
                .unwrap_or_else(|| (duration * v.fps()).ceil() as u64);
            Some(Storyboard {
                path: storyboard_path(&plan.out_dir),
                cols: sb.cols,
                rows: sb.rows,
                tile_width: sb.tile_width,
                tile_height: tile_height(v.display_width, v.display_height, sb.tile_width),
                interval_s: duration / f64::from(planned),
                tiles: u32::try_from(frames.min(u64::from(planned))).unwrap_or(planned),
            })
        }
        _ => None,
    };
    let proxy = Some(proxy_path(&plan.out_dir)).filter(|p| plan.proxy && p.is_file());
    Ok(QcReport {
        found,
        posters,
        storyboard,
        proxy,
        decode_seconds,
    })
}

/// Removes this plan's outputs, so a rerun never reports a stale file.
async fn remove_outputs(plan: &QcPlan) {
    let dir = &plan.out_dir;
    let mut paths = vec![storyboard_path(dir), proxy_path(dir)];
    paths.extend((1..=plan.posters.max(99)).map(|i| poster_path(dir, i)));
    for p in paths {
        let _ = tokio::fs::remove_file(p).await;
    }
}

/// What the log said.
#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
pub struct Detections {
    /// None without audio, or when nothing is above the −70 LUFS gate (silence).
    pub integrated_lufs: Option<f64>,
    pub loudness_range_lu: Option<f64>,
    /// None without audio or for digital silence (−∞).
    pub true_peak_dbtp: Option<f64>,
    pub black: Vec<Span>,
    pub frozen: Vec<Span>,
    pub silent: Vec<Span>,
}

/// Reads ffmpeg's stderr line by line.
#[derive(Debug, Default)]
pub struct LogParser {
    found: Detections,
    freeze_open: Option<f64>,
    silence_open: Option<f64>,
    /// Inside an ebur128 "Summary:" block. ffmpeg may print a summary for a
    /// throw-away graph first; only the last one counts.
    in_summary: bool,
}

impl LogParser {
    pub fn line(&mut self, line: &str) {
        let t = line.trim();
        if t.starts_with('[') {
            self.in_summary = line.contains("ebur128") && t.ends_with("Summary:");
            if self.in_summary {
                self.found.integrated_lufs = None;
                self.found.loudness_range_lu = None;
                self.found.true_peak_dbtp = None;
                return;
            }
        }
        if self.in_summary {
            if let Some(v) = t.strip_prefix("I:").and_then(|r| r.strip_suffix("LUFS")) {
                self.found.integrated_lufs = number(v).filter(|x| *x > -70.0);
            } else if let Some(v) = t.strip_prefix("LRA:").and_then(|r| r.strip_suffix("LU")) {
                self.found.loudness_range_lu = number(v);
            } else if let Some(v) = t.strip_prefix("Peak:").and_then(|r| r.strip_suffix("dBFS")) {
                self.found.true_peak_dbtp = number(v);
            }
            return;
        }
        if line.contains("black_start:") {
            let start = field(t, "black_start:");
            let end = field(t, "black_end:");
            if let (Some(start_s), Some(end_s)) = (start, end) {
                self.found.black.push(Span { start_s, end_s });
            }
        } else if let Some(v) = after(t, "freezedetect.freeze_start:") {
            self.freeze_open = number(v);
        } else if let Some(v) = after(t, "freezedetect.freeze_end:") {
            if let (Some(start_s), Some(end_s)) = (self.freeze_open.take(), number(v)) {
                self.found.frozen.push(Span { start_s, end_s });
            }
        } else if let Some(v) = after(t, "silence_start:") {
            self.silence_open = number(v);
        } else if let Some(v) = after(t, "silence_end:") {
            let end = v.split('|').next().and_then(number);
            if let (Some(start_s), Some(end_s)) = (self.silence_open.take(), end) {
                self.found.silent.push(Span { start_s, end_s });
            }
        }
    }

    /// The detections, with stretches still open at the end of the clip closed
    /// at `duration`.
    pub fn finish(mut self, duration: f64) -> Detections {
        if let Some(start_s) = self.freeze_open.take() {
            self.found.frozen.push(Span {
                start_s,
                end_s: duration.max(start_s),
            });
        }
        if let Some(start_s) = self.silence_open.take() {
            self.found.silent.push(Span {
                start_s,
                end_s: duration.max(start_s),
            });
        }
        self.found
    }
}

fn after<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    line.find(key).map(|i| &line[i + key.len()..])
}

/// `key:value` among whitespace-separated tokens.
fn field(line: &str, key: &str) -> Option<f64> {
    line.split_whitespace()
        .find_map(|tok| tok.strip_prefix(key))
        .and_then(number)
}

/// A finite number ("-inf", "nan" → None).
fn number(s: &str) -> Option<f64> {
    s.trim().parse::<f64>().ok().filter(|x| x.is_finite())
}

#[cfg(test)]
mod tests;
