//! Whether the desk accepts an upload: a [`Probe`] checked against [`MediaLimits`].
//! Problems reject the file; notes are accepted but shown to the editor. Each
//! finding is a [`Problem`] whose code is its message id in the `.ftl` files.
//!
//! Decompression bombs. A small file can promise an enormous amount of decoding
//! (every later step decodes it). Let `pixels = width × height × frames`, where
//! `frames` is the larger of the stated frame count and fps × duration. A file is
//! rejected as a bomb when
//! - `pixels` > [`MAX_DECODED_PIXELS`] (≈ 4K at 60 fps for 10 minutes: each limit
//!   alone may pass, but not all of them at their maximum together), or
//! - `pixels` > [`BOMB_MIN_PIXELS`] and `pixels ÷ file size` > [`MAX_PIXELS_PER_BYTE`].
//!   Measured here: an all-black 60 s 1080×1920 30 fps clip from x264 (about the
//!   most compressible real video) comes to ~25 000 pixels per byte; the bound is
//!   40× that, so only headers that lie about their content trip it.

use super::probe::{Probe, VideoStream};
use super::{MediaLimits, Problem, mb, num};

pub const CONTAINERS: [&str; 4] = ["mp4", "mov", "mkv", "webm"];
pub const VIDEO_CODECS: [&str; 5] = ["h264", "hevc", "vp8", "vp9", "av1"];
pub const AUDIO_CODECS: [&str; 3] = ["aac", "opus", "mp3"];
/// Below this many pixels on a side a "video" is a tracking pixel or a broken header.
pub const MIN_SIDE_PX: u32 = 16;
pub const MAX_DECODED_PIXELS: f64 = 3840.0 * 2160.0 * 60.0 * 600.0;
pub const BOMB_MIN_PIXELS: f64 = 1e9;
pub const MAX_PIXELS_PER_BYTE: f64 = 1_000_000.0;

/// The verdict on one file.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Validation {
    /// Reasons to reject the file.
    pub problems: Vec<Problem>,
    /// Accepted, but worth telling the editor.
    pub notes: Vec<Problem>,
}

impl Validation {
    pub fn accepted(&self) -> bool {
        self.problems.is_empty()
    }
}

pub fn audio_codec_supported(codec: &str) -> bool {
    AUDIO_CODECS.contains(&codec) || codec.starts_with("pcm_")
}

/// Still images probe as a one-frame "video"; they are not clips.
fn is_still_image(format_names: &str) -> bool {
    format_names
        .split(',')
        .any(|n| n == "image2" || n.ends_with("_pipe") || n == "apng" || n == "gif")
}

pub fn validate(p: &Probe, limits: &MediaLimits) -> Validation {
    let mut out = Validation::default();
    let problems = &mut out.problems;

    if !p.readable() {
        problems.push(if p.truncated {
            Problem::new("media-truncated")
        } else {
            Problem::new("media-unreadable")
        });
        return out;
    }
    if is_still_image(&p.format_names) {
        problems.push(Problem::new("media-not-video").with("format", &p.format_names));
        return out;
    }
    let Some(v) = &p.video else {
        problems.push(Problem::new("media-not-video").with("format", &p.container));
        return out;
    };
    if p.truncated {
        problems.push(Problem::new("media-truncated"));
    }

    if !CONTAINERS.contains(&p.container.as_str()) {
        problems.push(
            Problem::new("media-unsupported-container")
                .with("container", &p.container)
                .with("allowed", "MP4, MOV, MKV, WebM"),
        );
    }
    if !VIDEO_CODECS.contains(&v.codec.as_str()) {
        problems.push(
            Problem::new("media-unsupported-video-codec")
                .with("codec", &v.codec)
                .with("allowed", "H.264, HEVC, VP8, VP9, AV1"),
        );
    }
    if let Some(a) = &p.audio
        && !audio_codec_supported(&a.codec)
    {
        problems.push(
            Problem::new("media-unsupported-audio-codec")
                .with("codec", &a.codec)
                .with("allowed", "AAC, Opus, MP3, PCM"),
        );
    }

    match p.duration() {
        None => problems.push(Problem::new("media-duration-unknown")),
        Some(d) if d < limits.min_duration_s => problems.push(
            Problem::new("media-too-short")
                .with("actual", num(d))
                .with("limit", num(limits.min_duration_s)),
        ),
        Some(d) if d > limits.max_duration_s => problems.push(
            Problem::new("media-too-long")
                .with("actual", num(d))
                .with("limit", num(limits.max_duration_s)),
        ),
        Some(_) => {}
    }

    check_size(p, v, limits, problems);

    out.notes = notes(p, v);
    out
}

/// Dimensions, frame rate, file size and decompression bombs.
fn check_size(p: &Probe, v: &VideoStream, limits: &MediaLimits, problems: &mut Vec<Problem>) {
    let dims_ok = v.width >= MIN_SIDE_PX && v.height >= MIN_SIDE_PX;
    if !dims_ok {
        problems.push(
            Problem::new("media-dimensions-absurd")
                .with("width", v.width)
                .with("height", v.height)
                .with("min", MIN_SIDE_PX),
        );
    } else if v.display_width > limits.max_width || v.display_height > limits.max_height {
        problems.push(
            Problem::new("media-dimensions-too-large")
                .with("width", v.display_width)
                .with("height", v.display_height)
                .with("max_width", limits.max_width)
                .with("max_height", limits.max_height),
        );
    }

    let fps = v.fps();
    if fps > limits.max_fps {
        problems.push(
            Problem::new("media-fps-too-high")
                .with("actual", num(fps))
                .with("limit", num(limits.max_fps)),
        );
    }
    if p.size_bytes > limits.max_size_bytes {
        problems.push(
            Problem::new("media-file-too-large")
                .with("actual_mb", mb(p.size_bytes))
                .with("limit_mb", mb(limits.max_size_bytes)),
        );
    }
    if dims_ok && let Some(pixels) = decoded_pixels(p) {
        let per_byte = pixels / (p.size_bytes.max(1) as f64);
        if pixels > MAX_DECODED_PIXELS
            || (pixels > BOMB_MIN_PIXELS && per_byte > MAX_PIXELS_PER_BYTE)
        {
            tracing::warn!(
                pixels,
                per_byte,
                size = p.size_bytes,
                "decompression bomb rejected"
            );
            problems.push(
                Problem::new("media-decompression-bomb")
                    .with("width", v.width)
                    .with("height", v.height)
                    .with(
                        "frames",
                        format!("{:.0}", pixels / (f64::from(v.width) * f64::from(v.height))),
                    )
                    .with("size_mb", mb(p.size_bytes)),
            );
        }
    }
}

/// What the reviewer should know but does not stop the clip.
fn notes(p: &Probe, v: &VideoStream) -> Vec<Problem> {
    let mut notes = Vec::new();
    if p.audio.is_none() {
        notes.push(Problem::new("media-note-no-audio"));
    }
    if v.variable_frame_rate {
        notes.push(
            Problem::new("media-note-variable-frame-rate")
                .with("avg", num(v.avg_fps))
                .with("base", num(v.r_fps)),
        );
    }
    if v.rotation_deg != 0 {
        notes.push(Problem::new("media-note-rotated").with("degrees", v.rotation_deg));
    }
    if p.moov_at_front == Some(false) && !p.truncated {
        notes.push(Problem::new("media-note-moov-at-end"));
    }
    notes
}

/// Pixels a full decode produces, from the larger of the stated frame count and
/// fps × duration.
fn decoded_pixels(p: &Probe) -> Option<f64> {
    let v = p.video.as_ref()?;
    let by_rate = p.duration().map(|d| d * v.fps()).unwrap_or(0.0);
    let frames = (v.frames.unwrap_or(0) as f64).max(by_rate);
    (frames > 0.0).then(|| f64::from(v.width) * f64::from(v.height) * frames)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probe::{VideoStream, probe};
    use crate::testutil::{self, Fixture};
    use std::time::Duration;

    fn codes(list: &[Problem]) -> Vec<&str> {
        list.iter().map(|p| p.code.as_str()).collect()
    }

    fn check(p: &Probe) -> Validation {
        validate(p, &MediaLimits::default())
    }

    fn video(p: &mut Probe) -> &mut VideoStream {
        p.video.as_mut().expect("video")
    }

    #[test]
    fn a_clean_clip_passes_without_notes() {
        let v = check(&testutil::good_probe());
        assert!(v.accepted(), "{v:?}");
        assert!(v.notes.is_empty(), "{v:?}");
    }

    #[test]
    fn each_bad_property_is_its_own_problem_naming_what_was_found() {
        let mut p = testutil::good_probe();
        p.container = "avi".into();
        let v = check(&p);
        assert_eq!(codes(&v.problems), ["media-unsupported-container"]);
        assert_eq!(v.problems[0].arg("container"), Some("avi"));

        let mut p = testutil::good_probe();
        video(&mut p).codec = "mpeg4".into();
        let v = check(&p);
        assert_eq!(codes(&v.problems), ["media-unsupported-video-codec"]);
        assert_eq!(v.problems[0].arg("codec"), Some("mpeg4"));

        let mut p = testutil::good_probe();
        p.audio.as_mut().expect("audio").codec = "ac3".into();
        let v = check(&p);
        assert_eq!(codes(&v.problems), ["media-unsupported-audio-codec"]);
        assert_eq!(v.problems[0].arg("codec"), Some("ac3"));

        for pcm in ["pcm_s16le", "pcm_s24be", "pcm_f32le", "opus", "mp3"] {
            let mut p = testutil::good_probe();
            p.audio.as_mut().expect("audio").codec = pcm.into();
            assert!(check(&p).accepted(), "{pcm}");
        }

        let mut p = testutil::good_probe();
        p.duration_s = Some(0.4);
        let v = check(&p);
        assert_eq!(codes(&v.problems), ["media-too-short"]);
        assert_eq!(v.problems[0].arg("actual"), Some("0.4"));
        assert_eq!(v.problems[0].arg("limit"), Some("1"));

        let mut p = testutil::good_probe();
        p.duration_s = Some(601.0);
        let v = check(&p);
        assert_eq!(codes(&v.problems), ["media-too-long"]);
        assert_eq!(v.problems[0].arg("limit"), Some("600"));

        let mut p = testutil::good_probe();
        p.duration_s = None;
        video(&mut p).frames = None;
        assert_eq!(codes(&check(&p).problems), ["media-duration-unknown"]);

        let mut p = testutil::good_probe();
        p.duration_s = Some(10.0);
        let v = video(&mut p);
        (v.width, v.height, v.display_width, v.display_height) = (8192, 4320, 8192, 4320);
        let v = check(&p);
        assert_eq!(codes(&v.problems), ["media-dimensions-too-large"]);
        assert_eq!(v.problems[0].arg("width"), Some("8192"));

        for (w, h) in [(0, 0), (1, 1), (8, 1920), (15, 15)] {
            let mut p = testutil::good_probe();
            let v = video(&mut p);
            (v.width, v.height, v.display_width, v.display_height) = (w, h, w, h);
            assert_eq!(
                codes(&check(&p).problems),
                ["media-dimensions-absurd"],
                "{w}x{h}"
            );
        }

        let mut p = testutil::good_probe();
        video(&mut p).avg_fps = 240.0;
        let v = check(&p);
        assert_eq!(codes(&v.problems), ["media-fps-too-high"]);
        assert_eq!(v.problems[0].arg("actual"), Some("240"));

        let mut p = testutil::good_probe();
        p.size_bytes = 5 * 1024 * 1024 * 1024;
        let v = check(&p);
        assert_eq!(codes(&v.problems), ["media-file-too-large"]);
        assert_eq!(v.problems[0].arg("limit_mb"), Some("4294.97"));
    }

    #[test]
    fn decompression_bombs_are_rejected_and_honest_static_clips_are_not() {
        // The good probe (1080×1920, 30 fps) at this length, size and stated
        // frame count.
        let sized = |duration_s: f64, size_bytes: u64, frames: u64| {
            let mut p = testutil::good_probe();
            p.duration_s = Some(duration_s);
            p.size_bytes = size_bytes;
            video(&mut p).frames = Some(frames);
            p
        };
        // Ten minutes of `w`×`h` at `fps` in 3 GB.
        let ten_minutes = |(w, h): (u32, u32), fps: f64, frames: u64| {
            let mut p = sized(600.0, 3_000_000_000, frames);
            let v = video(&mut p);
            (v.width, v.height, v.display_width, v.display_height) = (w, h, w, h);
            v.avg_fps = fps;
            p
        };

        // Every limit at its maximum together: 4096² × 120 fps × 600 s.
        let p = ten_minutes((4096, 4096), 120.0, 72_000);
        assert_eq!(codes(&check(&p).problems), ["media-decompression-bomb"]);

        // A header promising a minute of 1080p in one kilobyte.
        let p = sized(60.0, 1_000, 1_800);
        assert_eq!(codes(&check(&p).problems), ["media-decompression-bomb"]);

        // A stated frame count far beyond fps × duration (30 s) counts too.
        let p = sized(30.0, 10_000, 10_000_000);
        assert_eq!(codes(&check(&p).problems), ["media-decompression-bomb"]);

        // The measured all-black 1080×1920 minute (151 kB) is fine.
        let p = sized(60.0, 151_169, 1_800);
        assert!(check(&p).accepted(), "{:?}", check(&p));

        // A real 4K60 ten-minute clip is fine.
        let p = ten_minutes((3840, 2160), 60.0, 36_000);
        assert!(check(&p).accepted(), "{:?}", check(&p));
    }

    #[test]
    fn notes_report_without_rejecting() {
        let mut p = testutil::good_probe();
        p.audio = None;
        p.moov_at_front = Some(false);
        let v = video(&mut p);
        v.variable_frame_rate = true;
        v.avg_fps = 27.3;
        v.rotation_deg = 90;
        let v = check(&p);
        assert!(v.accepted(), "{v:?}");
        assert_eq!(
            codes(&v.notes),
            [
                "media-note-no-audio",
                "media-note-variable-frame-rate",
                "media-note-rotated",
                "media-note-moov-at-end"
            ]
        );
        assert_eq!(v.notes[1].arg("avg"), Some("27.3"));
        assert_eq!(v.notes[2].arg("degrees"), Some("90"));
    }

    #[test]
    fn still_images_and_audio_only_files_are_not_videos() {
        let mut p = testutil::good_probe();
        p.format_names = "jpeg_pipe".into();
        p.container = "jpeg_pipe".into();
        assert_eq!(codes(&check(&p).problems), ["media-not-video"]);

        let mut p = testutil::good_probe();
        p.video = None;
        assert_eq!(codes(&check(&p).problems), ["media-not-video"]);
    }

    async fn validate_fixture(dir: &std::path::Path, fx: Fixture) -> Validation {
        let file = testutil::make(dir, fx);
        let p = probe(&file, Duration::from_secs(30)).await.expect("probe");
        check(&p)
    }

    #[tokio::test]
    async fn real_files_get_the_right_verdicts() {
        let dir = tempfile::tempdir().expect("tempdir");
        let d = dir.path();

        let v = validate_fixture(d, Fixture::Portrait).await;
        assert!(v.accepted() && v.notes.is_empty(), "{v:?}");
        for fx in [Fixture::Mkv, Fixture::Webm, Fixture::Mov] {
            let v = validate_fixture(d, fx).await;
            assert!(v.accepted(), "{fx:?}: {v:?}");
        }

        for (fx, problem) in [
            (Fixture::TextAsMp4, "media-unreadable"),
            (Fixture::TruncatedMoovAtEnd, "media-truncated"),
            (Fixture::TruncatedFaststart, "media-truncated"),
        ] {
            let v = validate_fixture(d, fx).await;
            assert_eq!(codes(&v.problems), [problem], "{fx:?}");
        }

        let v = validate_fixture(d, Fixture::Avi).await;
        assert_eq!(
            codes(&v.problems),
            [
                "media-unsupported-container",
                "media-unsupported-video-codec"
            ],
            "MP3 audio itself is fine"
        );
        assert_eq!(v.problems[0].arg("container"), Some("avi"));
        assert_eq!(v.problems[1].arg("codec"), Some("mpeg4"));

        let v = validate_fixture(d, Fixture::MkvVorbis).await;
        assert_eq!(codes(&v.problems), ["media-unsupported-audio-codec"]);
        assert_eq!(v.problems[0].arg("codec"), Some("vorbis"));

        let v = validate_fixture(d, Fixture::NoAudio).await;
        assert!(v.accepted());
        assert_eq!(codes(&v.notes), ["media-note-no-audio"]);
        for (fx, note) in [
            (Fixture::Vfr, "media-note-variable-frame-rate"),
            (Fixture::Rotated90, "media-note-rotated"),
            (Fixture::MoovAtEnd, "media-note-moov-at-end"),
        ] {
            let v = validate_fixture(d, fx).await;
            assert_eq!(codes(&v.notes), [note], "{fx:?}");
        }

        let tight = MediaLimits {
            max_duration_s: 1.5,
            max_size_bytes: 1_000,
            ..MediaLimits::default()
        };
        let p = probe(
            &testutil::make(d, Fixture::Portrait),
            Duration::from_secs(30),
        )
        .await
        .expect("probe");
        assert_eq!(
            codes(&validate(&p, &tight).problems),
            ["media-too-long", "media-file-too-large"]
        );
    }
}
