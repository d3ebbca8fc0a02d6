//! Test fixtures for the media layer, generated on the fly with ffmpeg's lavfi
//! sources into a test's temporary folder (no binaries in git). Clips are short
//! (2–4 s) and small (about 180×320) so the whole suite stays fast.
//!
//! Rotation: this ffmpeg (Debian 5.1) has no `-display_rotation` (it arrived in
//! 6.0), so rotated clips are made by remuxing with `-metadata:s:v rotate=90`,
//! which 5.1's MP4 muxer still turns into a display matrix. ffprobe then reports
//! the matrix as a rotation of 90 (counter-clockwise) and ffmpeg autorotates the
//! 320×180 frame to 180×320 on decode.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::probe::{AudioStream, Probe, VideoStream};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fixture {
    /// 180×320, 2 s, 25 fps, H.264 + AAC 48 kHz, faststart.
    Portrait,
    /// 320×180, otherwise as `Portrait`.
    Landscape,
    /// 240×240, otherwise as `Portrait`.
    Square,
    /// 320×180 frames with a 90° display rotation: shows as 180×320.
    Rotated90,
    /// 30 fps for 1 s, then every third frame (average ≈ 17 fps).
    Vfr,
    /// Video only.
    NoAudio,
    /// An audio track of digital silence.
    SilentAudio,
    /// 3.5 s: picture, black from 1.0 to 2.5 s, picture; a steady tone.
    Black,
    /// 4 s: picture frozen from 1.5 to 3.0 s; tone silent from 1.0 to 2.5 s.
    FrozenSilent,
    /// A near full-scale tone (about −3 LUFS).
    Loud,
    /// HEVC (libx265) in MP4.
    Hevc,
    /// H.264 + AAC in Matroska.
    Mkv,
    /// VP9 + Opus in WebM.
    Webm,
    /// H.264 + AAC in QuickTime.
    Mov,
    /// MPEG-4 Part 2 + MP3 in AVI: wrong container and codecs.
    Avi,
    /// H.264 + Vorbis in Matroska: wrong audio codec.
    MkvVorbis,
    /// Default MP4 mux: index after the media data.
    MoovAtEnd,
    /// `+faststart`: index first.
    Faststart,
    /// Fragmented MP4 (empty moov first, then moof/mdat pairs).
    Fragmented,
    /// `MoovAtEnd` cut in half: the index is lost.
    TruncatedMoovAtEnd,
    /// `Faststart` cut in half: the index survives, the media data does not.
    TruncatedFaststart,
    /// A text file named `.mp4`.
    TextAsMp4,
    /// 60 s, 1080×1920, 30 fps H.264 + AAC: for the QC benchmark only (slow).
    Long1080,
}

pub const X264: [&str; 6] = [
    "-c:v",
    "libx264",
    "-preset",
    "ultrafast",
    "-pix_fmt",
    "yuv420p",
];
const AAC: [&str; 4] = ["-c:a", "aac", "-b:a", "96k"];
const FASTSTART: [&str; 2] = ["-movflags", "+faststart"];

fn tone(secs: f64, amplitude: f64) -> String {
    format!("aevalsrc='{amplitude}*sin(2*PI*440*t)':s=48000:d={secs}")
}

fn ffmpeg(args: &[&str]) {
    let out = Command::new("ffmpeg")
        .args(["-nostdin", "-hide_banner", "-loglevel", "error", "-y"])
        .args(args)
        .output()
        .expect("ffmpeg must be installed to run the media tests");
    assert!(
        out.status.success(),
        "ffmpeg {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A/V clip from lavfi sources `video` and `audio` (None: no audio), encoded with
/// `codec_args` into `out`.
pub fn clip(out: &Path, video: &str, audio: Option<&str>, codec_args: &[&str]) {
    let out_s = out.to_string_lossy().into_owned();
    let mut args: Vec<&str> = vec!["-f", "lavfi", "-i", video];
    if let Some(a) = audio {
        args.extend(["-f", "lavfi", "-i", a, "-shortest"]);
    }
    args.extend(codec_args);
    args.push(&out_s);
    ffmpeg(&args);
}

/// Copies `src`'s streams into `dst`, laid out by `movflags`.
fn remux(src: &Path, dst: &Path, movflags: &str) {
    let (src_s, dst_s) = (src.to_string_lossy(), dst.to_string_lossy());
    ffmpeg(&["-i", &src_s, "-c", "copy", "-movflags", movflags, &dst_s]);
}

fn half(src: &Path, dst: &Path) {
    let bytes = std::fs::read(src).expect("read fixture");
    std::fs::write(dst, &bytes[..bytes.len() / 2]).expect("write fixture");
}

fn has_encoder(name: &str) -> bool {
    Command::new("ffmpeg")
        .args(["-hide_banner", "-encoders"])
        .output()
        .map(|o| {
            String::from_utf8_lossy(&o.stdout)
                .split_whitespace()
                .any(|w| w == name)
        })
        .unwrap_or(false)
}

/// Writes `fx` into `dir` (once per folder) and returns its path; panics when
/// ffmpeg cannot make it.
pub fn make(dir: &Path, fx: Fixture) -> PathBuf {
    try_make(dir, fx).unwrap_or_else(|| panic!("this ffmpeg cannot make {fx:?}"))
}

/// As [`make`], or None when this ffmpeg lacks the needed encoder.
pub fn try_make(dir: &Path, fx: Fixture) -> Option<PathBuf> {
    use Fixture::*;
    let ext = match fx {
        Mkv | MkvVorbis => "mkv",
        Webm => "webm",
        Mov => "mov",
        Avi => "avi",
        _ => "mp4",
    };
    let out = dir.join(format!("{fx:?}.{ext}").to_lowercase());
    if out.exists() {
        return Some(out);
    }
    let std_av: Vec<&str> = [&X264[..], &AAC[..], &FASTSTART[..]].concat();
    let normal = tone(2.0, 0.1);
    match fx {
        Portrait => clip(&out, "testsrc2=s=180x320:r=25:d=2", Some(&normal), &std_av),
        Landscape => clip(&out, "testsrc2=s=320x180:r=25:d=2", Some(&normal), &std_av),
        Square => clip(&out, "testsrc2=s=240x240:r=25:d=2", Some(&normal), &std_av),
        Rotated90 => {
            let src = make(dir, Landscape);
            let (src_s, out_s) = (src.to_string_lossy(), out.to_string_lossy());
            ffmpeg(&[
                "-i",
                &src_s,
                "-c",
                "copy",
                "-metadata:s:v",
                "rotate=90",
                "-movflags",
                "+faststart",
                &out_s,
            ]);
        }
        Vfr => {
            let mut args: Vec<&str> =
                vec!["-vf", "select='lt(t,1)+not(mod(n,3))'", "-fps_mode", "vfr"];
            args.extend(std_av.iter().copied());
            clip(
                &out,
                "testsrc2=s=180x320:r=30:d=3",
                Some(&tone(3.0, 0.1)),
                &args,
            );
        }
        NoAudio => clip(
            &out,
            "testsrc2=s=180x320:r=25:d=2",
            None,
            &[&X264[..], &FASTSTART[..]].concat(),
        ),
        SilentAudio => clip(
            &out,
            "testsrc2=s=180x320:r=25:d=3",
            Some("anullsrc=r=48000:cl=mono:d=3"),
            &std_av,
        ),
        Black => {
            let graph = format!(
                "testsrc2=s=180x320:r=25:d=1[a];color=black:s=180x320:r=25:d=1.5[b];\
                 testsrc2=s=180x320:r=25:d=1[c];[a][b][c]concat=n=3:v=1:a=0[v];{}[s]",
                tone(3.5, 0.1)
            );
            graph_clip(&out, &graph, true, &std_av);
        }
        FrozenSilent => {
            let graph = "testsrc2=s=180x320:r=25:d=1.5,tpad=stop_mode=clone:stop_duration=1.5[a];\
                 testsrc2=s=180x320:r=25:d=1[b];[a][b]concat=n=2:v=1:a=0[v];\
                 aevalsrc='0.1*sin(2*PI*440*t)*(lt(t,1)+gte(t,2.5))':s=48000:d=4[s]";
            // Lossless, so the cloned frames decode identical from the first one
            // (a lossy encoder refines a still picture over several frames).
            let lossless = [
                "-c:v",
                "libx264",
                "-preset",
                "ultrafast",
                "-qp",
                "0",
                "-c:a",
                "aac",
            ];
            graph_clip(&out, graph, true, &lossless);
        }
        Loud => clip(
            &out,
            "testsrc2=s=180x320:r=25:d=3",
            Some(&tone(3.0, 0.99)),
            &std_av,
        ),
        Hevc => {
            if !has_encoder("libx265") {
                return None;
            }
            let args = [
                "-c:v",
                "libx265",
                "-preset",
                "ultrafast",
                "-pix_fmt",
                "yuv420p",
                "-tag:v",
                "hvc1",
                "-x265-params",
                "log-level=error",
                "-c:a",
                "aac",
                "-movflags",
                "+faststart",
            ];
            clip(&out, "testsrc2=s=180x320:r=25:d=2", Some(&normal), &args);
        }
        Mkv => clip(
            &out,
            "testsrc2=s=180x320:r=25:d=2",
            Some(&normal),
            &[&X264[..], &AAC[..]].concat(),
        ),
        Webm => {
            if !has_encoder("libvpx-vp9") {
                return None;
            }
            let args = [
                "-c:v",
                "libvpx-vp9",
                "-deadline",
                "realtime",
                "-cpu-used",
                "8",
                "-b:v",
                "200k",
                "-c:a",
                "libopus",
            ];
            clip(&out, "testsrc2=s=180x320:r=25:d=2", Some(&normal), &args);
        }
        Mov => clip(
            &out,
            "testsrc2=s=180x320:r=25:d=2",
            Some(&normal),
            &[&X264[..], &AAC[..]].concat(),
        ),
        Avi => clip(
            &out,
            "testsrc2=s=180x320:r=25:d=2",
            Some(&normal),
            &["-c:v", "mpeg4", "-c:a", "libmp3lame"],
        ),
        MkvVorbis => clip(
            &out,
            "testsrc2=s=180x320:r=25:d=2",
            Some(&normal),
            &[&X264[..], &["-c:a", "libvorbis"][..]].concat(),
        ),
        MoovAtEnd => clip(
            &out,
            "testsrc2=s=180x320:r=25:d=2",
            Some(&normal),
            &[&X264[..], &AAC[..]].concat(),
        ),
        Faststart => remux(&make(dir, MoovAtEnd), &out, "+faststart"),
        Fragmented => remux(
            &make(dir, MoovAtEnd),
            &out,
            "frag_keyframe+empty_moov+default_base_moof",
        ),
        TruncatedMoovAtEnd => half(&make(dir, MoovAtEnd), &out),
        TruncatedFaststart => half(&make(dir, Faststart), &out),
        TextAsMp4 => {
            std::fs::write(&out, "This is a press release, not a video.\n").expect("write")
        }
        Long1080 => {
            let args = [
                "-c:v",
                "libx264",
                "-preset",
                "veryfast",
                "-pix_fmt",
                "yuv420p",
                "-c:a",
                "aac",
                "-movflags",
                "+faststart",
            ];
            clip(
                &out,
                "testsrc2=s=1080x1920:r=30:d=60",
                Some(&tone(60.0, 0.1)),
                &args,
            );
        }
    }
    Some(out)
}

/// A clip from a -filter_complex graph with outputs `[v]` and (if `audio`) `[s]`.
fn graph_clip(out: &Path, graph: &str, audio: bool, codec_args: &[&str]) {
    let out_s = out.to_string_lossy().into_owned();
    let mut args = vec!["-filter_complex", graph, "-map", "[v]"];
    if audio {
        args.extend(["-map", "[s]"]);
    }
    args.extend(codec_args);
    args.push(&out_s);
    ffmpeg(&args);
}

/// Counts keyframes of the first video stream (`-skip_frame nokey`).
pub fn keyframes(file: &Path) -> usize {
    let out = Command::new("ffprobe")
        .args([
            "-v",
            "error",
            "-select_streams",
            "v:0",
            "-skip_frame",
            "nokey",
        ])
        .args(["-show_entries", "frame=pts_time", "-of", "csv=p=0"])
        .arg(file)
        .output()
        .expect("ffprobe");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .count()
}

/// Width and height of an image or the first video stream, as stored.
pub fn dimensions(file: &Path) -> (u32, u32) {
    let out = Command::new("ffprobe")
        .args(["-v", "error", "-select_streams", "v:0"])
        .args(["-show_entries", "stream=width,height", "-of", "csv=p=0:s=x"])
        .arg(file)
        .output()
        .expect("ffprobe");
    let text = String::from_utf8_lossy(&out.stdout);
    let (w, h) = text.trim().split_once('x').expect("WxH");
    (w.parse().expect("width"), h.parse().expect("height"))
}

/// A clean 30 s 1080×1920 H.264/AAC faststart clip at 5 Mb/s, for unit tests.
pub fn good_probe() -> Probe {
    Probe {
        format_names: "mov,mp4,m4a,3gp,3g2,mj2".into(),
        container: "mp4".into(),
        duration_s: Some(30.0),
        size_bytes: 20_000_000,
        bit_rate: Some(5_000_000),
        video: Some(VideoStream {
            index: 0,
            codec: "h264".into(),
            profile: Some("High".into()),
            width: 1080,
            height: 1920,
            rotation_deg: 0,
            display_width: 1080,
            display_height: 1920,
            display_aspect: "9:16".into(),
            avg_fps: 30.0,
            r_fps: 30.0,
            variable_frame_rate: false,
            pix_fmt: Some("yuv420p".into()),
            frames: Some(900),
            bit_rate: Some(4_800_000),
        }),
        audio: Some(AudioStream {
            index: 1,
            codec: "aac".into(),
            profile: Some("LC".into()),
            sample_rate: Some(48000),
            channels: Some(2),
            bit_rate: Some(128_000),
        }),
        moov_at_front: Some(true),
        truncated: false,
        probe_error: None,
    }
}

/// What an iPhone records: HEVC in a QuickTime file, AAC at 44.1 kHz, the
/// index at the end.
pub fn iphone_probe() -> Probe {
    let mut p = good_probe();
    p.container = "mov".into();
    p.moov_at_front = Some(false);
    p.video.as_mut().expect("v").codec = "hevc".into();
    p.audio.as_mut().expect("a").sample_rate = Some(44_100);
    p
}

/// The family burnt-in subtitles are drawn with in tests: Noto Sans when
/// fontconfig lists it (Debian's fonts-noto-core), else DejaVu Sans (always
/// there with ffmpeg's dependencies). Both have every Vietnamese letter.
pub fn subtitle_font() -> &'static str {
    let listed = Command::new("fc-list")
        .args([":", "family"])
        .output()
        .map(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .any(|l| l.split(',').any(|f| f.trim() == "Noto Sans"))
        })
        .unwrap_or(false);
    if listed { "Noto Sans" } else { "DejaVu Sans" }
}

/// The file fontconfig picks for `family`.
pub fn font_file(family: &str) -> PathBuf {
    let out = Command::new("fc-match")
        .args(["-f", "%{file}", family])
        .output()
        .expect("fc-match (fontconfig) must be installed to run the subtitle tests");
    PathBuf::from(String::from_utf8_lossy(&out.stdout).trim())
}

/// The frame of `file` at `secs` as 8-bit luma, one byte a pixel.
pub fn luma_at(file: &Path, secs: f64) -> Vec<u8> {
    let out = Command::new("ffmpeg")
        .args(["-nostdin", "-hide_banner", "-loglevel", "error"])
        .args(["-ss", &secs.to_string(), "-i"])
        .arg(file)
        .args(["-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "gray", "-"])
        .output()
        .expect("ffmpeg");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}
