use super::*;
use crate::probe::probe;
use crate::testutil::{self, Fixture};

const T: Duration = Duration::from_secs(30);

async fn run(file: &Path, plan: &QcPlan) -> (Probe, QcReport, Vec<f64>) {
    let p = probe(file, T).await.expect("probe");
    let (tx, mut rx) = watch::channel(0.0);
    let seen = tokio::spawn(async move {
        let mut seen = vec![];
        while rx.changed().await.is_ok() {
            seen.push(*rx.borrow_and_update());
        }
        seen
    });
    let report = analyze(file, &p, plan, tx).await.expect("qc pass");
    let seen = seen.await.expect("progress task");
    (p, report, seen)
}

fn plan(dir: &Path, proxy: bool) -> QcPlan {
    QcPlan {
        out_dir: dir.join("qc"),
        posters: 4,
        storyboard: Some(StoryboardPlan {
            cols: 4,
            rows: 3,
            tile_width: 60,
        }),
        proxy,
        timeout: Duration::from_secs(120),
    }
}

fn near(span: &Span, start: f64, end: f64) -> bool {
    (span.start_s - start).abs() <= 0.3 && (span.end_s - end).abs() <= 0.3
}

#[test]
fn the_log_parser_reads_detections_and_the_last_loudness_summary() {
    let log = "\
[Parsed_ebur128_3 @ 0x1] Summary:

  Integrated loudness:
I:         -70.0 LUFS
  True peak:
Peak:       -inf dBFS
[freezedetect @ 0x2] lavfi.freezedetect.freeze_start: 1
[silencedetect @ 0x3] silence_start: 1.50229
[blackdetect @ 0x4] black_start:1 black_end:2.52 black_duration:1.52
[freezedetect @ 0x2] lavfi.freezedetect.freeze_duration: 1.52
[freezedetect @ 0x2] lavfi.freezedetect.freeze_end: 2.52
[silencedetect @ 0x3] silence_end: 3.00002 | silence_duration: 1.49773
[libx264 @ 0x5] frame I:15    Avg QP:16.16  size:  4744
[silencedetect @ 0x3] silence_start: 3.5
[freezedetect @ 0x2] lavfi.freezedetect.freeze_start: 3.2
[Parsed_ebur128_9 @ 0x6] Summary:

  Integrated loudness:
I:         -14.9 LUFS
Threshold: -25.1 LUFS

  Loudness range:
LRA:         2.5 LU
Threshold: -37.2 LUFS

  True peak:
Peak:       -0.4 dBFS
";
    let mut p = LogParser::default();
    log.lines().for_each(|l| p.line(l));
    let d = p.finish(4.0);
    assert_eq!(d.integrated_lufs, Some(-14.9));
    assert_eq!(d.loudness_range_lu, Some(2.5));
    assert_eq!(d.true_peak_dbtp, Some(-0.4));
    assert_eq!(
        d.black,
        [Span {
            start_s: 1.0,
            end_s: 2.52
        }]
    );
    assert_eq!(
        d.frozen,
        [
            Span {
                start_s: 1.0,
                end_s: 2.52
            },
            Span {
                start_s: 3.2,
                end_s: 4.0
            }
        ]
    );
    assert_eq!(
        d.silent,
        [
            Span {
                start_s: 1.50229,
                end_s: 3.00002
            },
            Span {
                start_s: 3.5,
                end_s: 4.0
            }
        ]
    );
}

#[test]
fn proxy_fits_720_on_the_short_side_with_even_dimensions() {
    assert_eq!(proxy_dimensions(1920, 1080), (1280, 720));
    assert_eq!(proxy_dimensions(1080, 1920), (720, 1280));
    assert_eq!(proxy_dimensions(3840, 3840), (720, 720));
    assert_eq!(proxy_dimensions(180, 320), (180, 320), "never upscaled");
    assert_eq!(
        proxy_dimensions(721, 1281),
        (720, 1280),
        "as ffmpeg rounds -2"
    );
}

#[test]
fn no_audio_means_no_audio_branches() {
    let mut p = testutil::good_probe();
    p.audio = None;
    let args = build_args(Path::new("/in.mp4"), &p, &QcPlan::new("/out")).expect("args");
    let text: Vec<String> = args
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let graph = &text[text
        .iter()
        .position(|a| a == "-filter_complex")
        .expect("graph")
        + 1];
    assert!(
        !graph.contains("0:a") && !graph.contains("ebur128") && !graph.contains("[ax]"),
        "{graph}"
    );
    assert!(!text.iter().any(|a| a == "[ma]" || a == "-c:a"));
    assert!(text.iter().any(|a| a == "file:/in.mp4"));
}

#[test]
fn light_browser_playable_originals_need_no_proxy() {
    let good = testutil::good_probe();
    assert!(
        !needs_proxy(&good),
        "1080×1920 H.264 High/AAC faststart at 5 Mb/s"
    );
    type Change = fn(&mut Probe);
    let cases: [(&str, Change); 9] = [
        ("mov", (|p| p.container = "mov".into())),
        (
            "hevc",
            (|p| p.video.as_mut().expect("v").codec = "hevc".into()),
        ),
        (
            "high 10",
            (|p| p.video.as_mut().expect("v").profile = Some("High 10".into())),
        ),
        (
            "4:2:2",
            (|p| p.video.as_mut().expect("v").pix_fmt = Some("yuv422p".into())),
        ),
        (
            "opus",
            (|p| p.audio.as_mut().expect("a").codec = "opus".into()),
        ),
        ("moov at end", (|p| p.moov_at_front = Some(false))),
        ("heavy", (|p| p.bit_rate = Some(12_000_000))),
        (
            "4k",
            (|p| {
                let v = p.video.as_mut().expect("v");
                (v.display_width, v.display_height) = (2160, 3840);
            }),
        ),
        ("no video", (|p| p.video = None)),
    ];
    for (name, change) in cases {
        let mut p = good.clone();
        change(&mut p);
        assert!(needs_proxy(&p), "{name}");
    }
    let mut mute = good.clone();
    mute.audio = None;
    assert!(!needs_proxy(&mute), "no audio is fine");
}

#[tokio::test]
async fn finds_the_black_stretch_and_writes_posters_storyboard_and_proxy() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = testutil::make(dir.path(), Fixture::Black);
    let plan = plan(dir.path(), true);
    let (p, r, seen) = run(&file, &plan).await;

    assert_eq!(r.found.black.len(), 1, "{:?}", r.found.black);
    assert!(near(&r.found.black[0], 1.0, 2.5), "{:?}", r.found.black);
    assert!(r.found.silent.is_empty(), "{:?}", r.found.silent);
    let lufs = r.found.integrated_lufs.expect("loudness");
    assert!((-30.0..-15.0).contains(&lufs), "{lufs}");
    assert!(r.found.true_peak_dbtp.expect("peak") < -10.0);
    assert!(r.found.loudness_range_lu.is_some());

    assert_eq!(r.posters.len(), 4, "{:?}", r.posters);
    for poster in &r.posters {
        assert_eq!(testutil::dimensions(poster), (180, 320));
    }
    let sb = r.storyboard.as_ref().expect("storyboard");
    assert_eq!(
        (sb.cols, sb.rows, sb.tile_width, sb.tile_height),
        (4, 3, 60, 106)
    );
    assert_eq!(sb.tiles, 12);
    assert!((sb.interval_s - p.duration().expect("d") / 12.0).abs() < 1e-9);
    assert_eq!(testutil::dimensions(&sb.path), (240, 318));

    let proxy = r.proxy.as_ref().expect("proxy");
    let pp = probe(proxy, T).await.expect("probe proxy");
    let v = pp.video.as_ref().expect("video");
    assert_eq!(v.codec, "h264");
    assert_eq!(v.pix_fmt.as_deref(), Some("yuv420p"));
    assert_eq!(pp.audio.as_ref().expect("audio").codec, "aac");
    assert_eq!(pp.moov_at_front, Some(true));
    assert!(!needs_proxy(&pp), "the proxy is itself light and playable");
    let frames = v.frames.expect("frames") as usize;
    let keys = testutil::keyframes(proxy);
    let gop = PROXY_GOP as usize;
    assert!(
        keys >= frames / gop && keys <= frames.div_ceil(gop) + 1,
        "{keys} keyframes in {frames} frames"
    );

    assert!(seen.last() == Some(&1.0), "{seen:?}");
    assert!(seen.windows(2).all(|w| w[0] <= w[1]), "{seen:?}");
    assert!(r.decode_seconds > 0.0);
}

#[tokio::test]
async fn finds_frozen_and_silent_stretches() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = testutil::make(dir.path(), Fixture::FrozenSilent);
    let (_, r, _) = run(&file, &plan(dir.path(), false)).await;
    assert_eq!(r.found.frozen.len(), 1, "{:?}", r.found.frozen);
    assert!(near(&r.found.frozen[0], 1.5, 3.0), "{:?}", r.found.frozen);
    assert_eq!(r.found.silent.len(), 1, "{:?}", r.found.silent);
    assert!(near(&r.found.silent[0], 1.0, 2.5), "{:?}", r.found.silent);
    assert!(r.found.black.is_empty(), "{:?}", r.found.black);
    assert!(r.proxy.is_none());
    assert!(!plan(dir.path(), false).out_dir.join("proxy.mp4").exists());
}

#[tokio::test]
async fn loud_clips_measure_louder_and_silence_has_no_loudness() {
    let dir = tempfile::tempdir().expect("tempdir");
    let quiet_plan = QcPlan {
        posters: 0,
        storyboard: None,
        ..plan(&dir.path().join("a"), false)
    };
    let (_, normal, _) = run(&testutil::make(dir.path(), Fixture::Portrait), &quiet_plan).await;
    let (_, loud, _) = run(&testutil::make(dir.path(), Fixture::Loud), &quiet_plan).await;
    let (n, l) = (
        normal.found.integrated_lufs.expect("normal"),
        loud.found.integrated_lufs.expect("loud"),
    );
    assert!(l > n + 15.0, "loud {l} vs normal {n}");
    assert!(l > -6.0, "{l}");
    assert!(loud.found.true_peak_dbtp.expect("peak") > -1.0);
    assert!(normal.posters.is_empty() && normal.storyboard.is_none());

    let (p, silent, _) = run(
        &testutil::make(dir.path(), Fixture::SilentAudio),
        &quiet_plan,
    )
    .await;
    assert_eq!(silent.found.integrated_lufs, None);
    assert_eq!(silent.found.true_peak_dbtp, None);
    assert_eq!(silent.found.silent.len(), 1, "{:?}", silent.found.silent);
    assert!(
        near(&silent.found.silent[0], 0.0, p.duration().expect("d")),
        "{:?}",
        silent.found.silent
    );
}

#[tokio::test]
async fn rotated_input_gives_upright_portrait_outputs_without_a_rotation_flag() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = testutil::make(dir.path(), Fixture::Rotated90);
    let (_, r, _) = run(&file, &plan(dir.path(), true)).await;
    let proxy = r.proxy.expect("proxy");
    let pp = probe(&proxy, T).await.expect("probe proxy");
    let v = pp.video.expect("video");
    assert_eq!(v.rotation_deg, 0, "no rotation flag on the proxy");
    assert_eq!((v.width, v.height), (180, 320));
    assert_eq!(testutil::dimensions(&r.posters[0]), (180, 320));
    let sb = r.storyboard.expect("storyboard");
    assert_eq!(sb.tile_height, 106, "portrait tiles");
    assert_eq!(testutil::dimensions(&sb.path), (240, 318));
}

#[tokio::test]
async fn clips_without_audio_work_and_large_ones_are_scaled_to_720() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mute = testutil::make(dir.path(), Fixture::NoAudio);
    let (_, r, _) = run(&mute, &plan(&dir.path().join("mute"), true)).await;
    assert_eq!(r.found.integrated_lufs, None);
    assert!(r.found.silent.is_empty());
    let pp = probe(r.proxy.as_ref().expect("proxy"), T)
        .await
        .expect("probe");
    assert!(pp.audio.is_none());

    // 1280×720 landscape and 800×1000 portrait: the short side ends at 720.
    for (size, want) in [("1280x720", (1280, 720)), ("800x1000", (720, 900))] {
        let file = dir.path().join(format!("{size}.mp4"));
        // Asserts that ffmpeg succeeded.
        testutil::clip(
            &file,
            &format!("testsrc2=s={size}:r=10:d=1"),
            None,
            &testutil::X264,
        );
        let plan = QcPlan {
            posters: 0,
            storyboard: None,
            ..plan(&dir.path().join(size), true)
        };
        let (_, r, _) = run(&file, &plan).await;
        let proxy = r.proxy.expect("proxy");
        assert_eq!(testutil::dimensions(&proxy), want, "{size}");
    }
}

#[tokio::test]
async fn matroska_and_webm_are_decoded_and_other_containers_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    for fx in [Fixture::Mkv, Fixture::Webm] {
        let file = testutil::make(dir.path(), fx);
        let (_, r, _) = run(&file, &plan(&dir.path().join(format!("{fx:?}")), false)).await;
        assert_eq!(r.posters.len(), 4, "{fx:?}");
        assert!(r.found.integrated_lufs.is_some(), "{fx:?}");
    }
    // AVI is not an accepted container: the demuxer whitelist refuses it even
    // if a caller skipped validation.
    let avi = testutil::make(dir.path(), Fixture::Avi);
    let p = probe(&avi, T).await.expect("probe");
    let (tx, _rx) = watch::channel(0.0);
    let res = analyze(&avi, &p, &plan(dir.path(), false), tx).await;
    assert!(
        matches!(
            res,
            Err(MediaError::Process(
                crate::subprocess::SubprocessError::Failed { .. }
            ))
        ),
        "{res:?}"
    );
}

#[tokio::test]
async fn a_pass_past_its_deadline_is_killed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = testutil::make(dir.path(), Fixture::Portrait);
    let p = probe(&file, T).await.expect("probe");
    let plan = QcPlan {
        timeout: Duration::from_millis(1),
        ..plan(dir.path(), true)
    };
    let (tx, _rx) = watch::channel(0.0);
    let res = analyze(&file, &p, &plan, tx).await;
    assert!(
        matches!(
            res,
            Err(MediaError::Process(
                crate::subprocess::SubprocessError::Timeout { .. }
            ))
        ),
        "{res:?}"
    );
    assert!(
        !plan.out_dir.join("proxy.mp4").exists(),
        "partial outputs are removed"
    );
}

/// Wall time of the QC pass against a bare decode of the same file, measured
/// in the same run. Slow (makes a 60 s 1080×1920 clip):
/// `cargo test --lib media::qc::tests::bench -- --ignored --nocapture`
#[tokio::test]
#[ignore]
async fn bench_qc_pass_against_bare_decode() {
    let dir = tempfile::tempdir().expect("tempdir");
    let t = Instant::now();
    let file = testutil::make(dir.path(), Fixture::Long1080);
    println!(
        "make 60 s 1080x1920 clip (libx264 veryfast): {:.1} s",
        t.elapsed().as_secs_f64()
    );
    let t = Instant::now();
    let out = std::process::Command::new("ffmpeg")
        .args(["-nostdin", "-hide_banner", "-loglevel", "error", "-i"])
        .arg(&file)
        .args(["-f", "null", "-"])
        .output()
        .expect("ffmpeg");
    assert!(out.status.success());
    let bare = t.elapsed().as_secs_f64();
    println!("bare decode (ffmpeg -i X -f null -): {bare:.2} s");
    let t = Instant::now();
    let out = std::process::Command::new("ffmpeg")
        .args(["-nostdin", "-hide_banner", "-loglevel", "error", "-y", "-i"])
        .arg(&file)
        .args([
            "-vf",
            "scale=720:-2",
            "-c:v",
            "libx264",
            "-preset",
            "veryfast",
        ])
        .args([
            "-crf",
            "23",
            "-g",
            "5",
            "-keyint_min",
            "5",
            "-sc_threshold",
            "0",
        ])
        .args(["-c:a", "aac", "-b:a", "128k", "-movflags", "+faststart"])
        .arg(dir.path().join("proxy_alone.mp4"))
        .output()
        .expect("ffmpeg");
    assert!(out.status.success());
    let alone = t.elapsed().as_secs_f64();
    println!(
        "proxy alone (separate ffmpeg, same encoder settings): {alone:.2} s = {:.2}× bare decode",
        alone / bare
    );
    let p = probe(&file, T).await.expect("probe");
    for (name, proxy) in [("measure+posters+storyboard", false), ("... + proxy", true)] {
        let plan = QcPlan::new(dir.path().join(name.replace(' ', "_")));
        let plan = QcPlan { proxy, ..plan };
        let (tx, _rx) = watch::channel(0.0);
        let r = analyze(&file, &p, &plan, tx).await.expect("qc");
        println!(
            "qc pass {name}: {:.2} s = {:.2}× bare decode",
            r.decode_seconds,
            r.decode_seconds / bare
        );
    }
}

#[test]
fn poster_times_are_half_a_step_in_then_a_step_apart() {
    assert_eq!(poster_times_ms(10.0, 4), vec![1250, 3750, 6250, 8750]);
    assert_eq!(poster_times_ms(3.0, 1), vec![1500]);
}

#[tokio::test]
async fn a_cover_is_the_frame_at_its_time_and_none_past_the_end() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = testutil::make(dir.path(), Fixture::Black);
    let (lit, dark) = (dir.path().join("lit.jpg"), dir.path().join("dark.jpg"));
    frame_at(&file, 300, &lit, T)
        .await
        .expect("a frame before the black");
    frame_at(&file, 1_800, &dark, T)
        .await
        .expect("a frame in the black");
    assert_eq!(testutil::dimensions(&lit), testutil::dimensions(&file));
    let size = |p: &Path| std::fs::metadata(p).expect("jpeg").len();
    assert!(
        size(&dark) * 3 < size(&lit),
        "a black frame is a small JPEG: {} against {}",
        size(&dark),
        size(&lit)
    );
    let past = dir.path().join("past.jpg");
    assert!(frame_at(&file, 60_000, &past, T).await.is_err());
}
