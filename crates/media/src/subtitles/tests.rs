//! Burn-in and audio against real ffmpeg runs on clips generated in a
//! temporary folder.

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::*;
use crate::probe::probe;
use crate::testutil::{self, Fixture, dimensions, font_file, luma_at, make, subtitle_font};

const DEADLINE: Duration = Duration::from_secs(120);
const W: u32 = 360;
const H: u32 = 640;

/// A 2 s black 360×640 clip with a tone.
fn black_clip(dir: &Path) -> PathBuf {
    let out = dir.join("black.mp4");
    testutil::clip(
        &out,
        &format!("color=black:s={W}x{H}:r=25:d=2"),
        Some("sine=frequency=440:sample_rate=48000:duration=2"),
        &[
            &testutil::X264[..],
            &["-c:a", "aac", "-movflags", "+faststart"][..],
        ]
        .concat(),
    );
    out
}

/// Pixels whose luma differs by more than 64, and the rows they span.
fn changed(a: &[u8], b: &[u8]) -> (usize, Option<(usize, usize)>) {
    assert_eq!(a.len(), b.len());
    let rows: Vec<usize> = a
        .iter()
        .zip(b)
        .enumerate()
        .filter(|(_, (x, y))| x.abs_diff(**y) > 64)
        .map(|(i, _)| i / W as usize)
        .collect();
    let span = rows.first().zip(rows.last()).map(|(a, b)| (*a, *b));
    (rows.len(), span)
}

#[tokio::test]
async fn a_burnt_in_cue_is_drawn_while_it_is_active_and_only_then() {
    let dir = tempfile::tempdir().unwrap();
    let clip = black_clip(dir.path());
    // A folder name the filtergraph would misread if not escaped.
    let odd = dir.path().join("it's a: [test], dir");
    std::fs::create_dir(&odd).unwrap();
    let family = subtitle_font();
    let fonts = odd.join("fonts; too");
    std::fs::create_dir(&fonts).unwrap();
    std::fs::copy(font_file(family), fonts.join("font.ttf")).unwrap();
    let cues = [Cue {
        start_ms: 500,
        end_ms: 1500,
        text: "Xin chào Hà Nội".into(),
        draft: false,
        confidence: None,
    }];
    let style = Style {
        font: family.into(),
        ..Style::default()
    };
    let margins = Margins::default();
    let ass = odd.join("cues.ass");
    write_ass(&ass, &cues, &style, &margins, W, H).unwrap();
    let out = odd.join("burnt.mp4");
    burn_in(&clip, &out, &ass, Some(&fonts), W, H, DEADLINE)
        .await
        .unwrap();

    let active = changed(&luma_at(&clip, 1.0), &luma_at(&out, 1.0));
    let after = changed(&luma_at(&clip, 1.8), &luma_at(&out, 1.8));
    let before = changed(&luma_at(&clip, 0.2), &luma_at(&out, 0.2));
    assert!(active.0 > 500, "too little text drawn at 1 s: {active:?}");
    assert_eq!((before.0, after.0), (0, 0), "drawn outside the cue");
    // Bottom centre, above the bottom margin (5 % of 640 = 32 px).
    let (top, bottom) = active.1.unwrap();
    assert!(
        top > H as usize / 2 && bottom < (H - 32) as usize,
        "rows {top}..{bottom}"
    );

    // Same size, same audio (copied), one video and one audio stream.
    let (a, b) = (
        probe(&clip, DEADLINE).await.unwrap(),
        probe(&out, DEADLINE).await.unwrap(),
    );
    assert_eq!(dimensions(&out), (W, H));
    assert_eq!(b.video.as_ref().unwrap().codec, "h264");
    assert_eq!(
        b.audio
            .as_ref()
            .map(|x| (&x.codec, x.sample_rate, x.channels)),
        a.audio
            .as_ref()
            .map(|x| (&x.codec, x.sample_rate, x.channels))
    );
}

#[tokio::test]
async fn burning_in_keeps_a_rotated_clip_upright_and_a_silent_one_silent() {
    let dir = tempfile::tempdir().unwrap();
    let rotated = make(dir.path(), Fixture::Rotated90);
    let ass = dir.path().join("c.ass");
    let cue = Cue {
        start_ms: 0,
        end_ms: 2000,
        text: "Dọc".into(),
        draft: false,
        confidence: None,
    };
    write_ass(
        &ass,
        &[cue],
        &Style::default(),
        &Margins::default(),
        180,
        320,
    )
    .unwrap();
    let out = dir.path().join("rotated-burnt.mp4");
    burn_in(&rotated, &out, &ass, None, 180, 320, DEADLINE)
        .await
        .unwrap();
    let p = probe(&out, DEADLINE).await.unwrap();
    let v = p.video.unwrap();
    assert_eq!((v.display_width, v.display_height), (180, 320));
    assert_eq!(v.rotation_deg, 0);

    let silent = make(dir.path(), Fixture::NoAudio);
    let out = dir.path().join("silent-burnt.mp4");
    burn_in(&silent, &out, &ass, None, 180, 320, DEADLINE)
        .await
        .unwrap();
    assert!(probe(&out, DEADLINE).await.unwrap().audio.is_none());
}

#[tokio::test]
async fn a_missing_script_fails_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let clip = make(dir.path(), Fixture::NoAudio);
    let res = burn_in(
        &clip,
        &dir.path().join("out.mp4"),
        &dir.path().join("missing.ass"),
        None,
        180,
        320,
        DEADLINE,
    )
    .await;
    assert!(res.is_err(), "{res:?}");
}

#[tokio::test]
async fn waveform_draws_the_sound_at_the_requested_size() {
    let dir = tempfile::tempdir().unwrap();
    let clip = black_clip(dir.path());
    let png = dir.path().join("wave.png");
    assert!(waveform(&clip, &png, 800, 120, DEADLINE).await.unwrap());
    assert_eq!(dimensions(&png), (800, 120));
    // A steady tone fills the middle row; the top corner stays transparent.
    let out = std::process::Command::new("ffmpeg")
        .args(["-nostdin", "-loglevel", "error", "-i"])
        .arg(&png)
        .args(["-f", "rawvideo", "-pix_fmt", "rgba", "-"])
        .output()
        .unwrap();
    let alpha = |x: usize, y: usize| out.stdout[(y * 800 + x) * 4 + 3];
    assert!(alpha(400, 60) > 0 && alpha(0, 0) == 0);

    let silent = make(dir.path(), Fixture::NoAudio);
    let none = dir.path().join("none.png");
    assert!(!waveform(&silent, &none, 800, 120, DEADLINE).await.unwrap());
    assert!(!none.exists());
}

#[tokio::test]
async fn speech_audio_is_16_khz_mono_pcm() {
    let dir = tempfile::tempdir().unwrap();
    let clip = make(dir.path(), Fixture::Portrait);
    let wav = dir.path().join("speech.wav");
    assert!(audio_for_speech(&clip, &wav, DEADLINE).await.unwrap());
    let a = probe(&wav, DEADLINE).await.unwrap().audio.unwrap();
    assert_eq!(
        (a.codec.as_str(), a.sample_rate, a.channels),
        ("pcm_s16le", Some(16_000), Some(1))
    );
    let silent = make(dir.path(), Fixture::NoAudio);
    let none = dir.path().join("none.wav");
    assert!(!audio_for_speech(&silent, &none, DEADLINE).await.unwrap());
    assert!(!none.exists());
}

/// The messages of `lang`'s subtitles.ftl: id → the variables it uses.
fn messages(lang: &str) -> std::collections::BTreeMap<String, Vec<String>> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../lantoa/locales")
        .join(lang)
        .join("subtitles.ftl");
    let text = std::fs::read_to_string(&path).unwrap();
    text.lines()
        .filter(|l| !l.starts_with(['#', ' ']))
        .filter_map(|l| l.split_once(" = "))
        .map(|(id, body)| {
            let vars = body
                .split("{ $")
                .skip(1)
                .filter_map(|v| v.split_once(' ').map(|(name, _)| name.to_string()))
                .collect();
            (id.to_string(), vars)
        })
        .collect()
}

/// Every code the module gives has a message in both languages, and each
/// message uses only the arguments given with it.
#[test]
fn every_code_has_a_message_that_uses_only_its_arguments() {
    let draft = Cue {
        start_ms: -10,
        end_ms: 9000,
        text: format!("{}\n2\n3", "x".repeat(200)),
        draft: true,
        confidence: Some(0.4),
    };
    let plain = |s, e, t: &str| Cue {
        start_ms: s,
        end_ms: e,
        text: t.into(),
        draft: false,
        confidence: None,
    };
    let cues = [
        draft,
        plain(100, 200, "a"),
        plain(20_000, 300, "b"),
        plain(30_000, 31_000, " "),
    ];
    let mut given: std::collections::BTreeMap<&str, Vec<&str>> = Default::default();
    for p in check(&cues, Some(10_000), &Limits::default()) {
        given.insert(p.code, p.message_args().iter().map(|(k, _)| *k).collect());
    }
    assert_eq!(given.len(), 10, "{:?}", given.keys());
    let bad: [&[u8]; 7] = [
        b"\xB5",
        b"",
        b"1\nx --> y\n",
        b"1\n00:00:02,000 --> 00:00:01,000\n",
        b"\0",
        b"WEBVTT\n\n",
        b"1\n00:00:01,000 --> 00:00:02,000\na\x01\n",
    ];
    for bytes in bad {
        let e = parse(bytes).unwrap_err();
        given.insert(e.code, e.args().iter().map(|(k, _)| *k).collect());
    }
    given.insert("subs-bad-header", vec!["line", "detail"]);
    given.insert("subs-too-large", vec!["line", "detail"]);
    for lang in ["vi", "en"] {
        let msgs = messages(lang);
        for (code, args) in &given {
            let vars = msgs
                .get(*code)
                .unwrap_or_else(|| panic!("{lang}: no message for {code}"));
            for v in vars {
                assert!(
                    args.contains(&v.as_str()),
                    "{lang} {code}: ${v} is not given"
                );
            }
        }
        let extra: Vec<_> = msgs
            .keys()
            .filter(|k| !given.contains_key(k.as_str()))
            .collect();
        assert!(extra.is_empty(), "{lang}: messages for no code: {extra:?}");
    }
}
