use super::*;
use crate::specs::{builtin, compliance};
use crate::testutil::{self, Fixture, dimensions, make};

async fn probed(file: &Path) -> Probe {
    crate::probe::probe(file, Duration::from_secs(30))
        .await
        .unwrap()
}

/// Renders the plan into `dir`/out, allowing `secs` seconds.
async fn render_into(dir: &Path, f: &Path, p: &Probe, plan: &Plan, secs: u64) -> Vec<Rendition> {
    render(f, p, plan, &dir.join("out"), Duration::from_secs(secs))
        .await
        .unwrap()
}

/// The video stream of `b` is `a`'s, copied: same codec, profile and frames.
fn assert_video_copied(a: &Probe, b: &Probe) {
    let (a, b) = (a.video.as_ref().unwrap(), b.video.as_ref().unwrap());
    assert_eq!(
        (&a.codec, &a.profile, a.frames),
        (&b.codec, &b.profile, b.frames)
    );
}

fn planned(output: Output, made_for: &[&str], fixes: &[Fix]) -> Planned {
    Planned {
        output,
        made_for: made_for.iter().map(|x| x.to_string()).collect(),
        fixes: fixes.to_vec(),
    }
}

#[tokio::test]
async fn loudness_is_corrected_without_touching_the_video() {
    use crate::qc::{QcPlan, analyze};
    let dir = tempfile::tempdir().unwrap();
    let f = make(dir.path(), Fixture::Loud);
    let p = probed(&f).await;
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
        needs_loudness_fix(before.found.integrated_lufs, before.found.true_peak_dbtp),
        "{before:?}"
    );
    let out = dir.path().join("norm.mp4");
    normalize_loudness(
        &f,
        before.found.integrated_lufs.unwrap(),
        &out,
        Duration::from_secs(60),
    )
    .await
    .unwrap();
    let np = probed(&out).await;
    let after = measure(out.clone(), np.clone(), "m2").await;
    let i = after.found.integrated_lufs.unwrap();
    assert!((i - TARGET_LUFS).abs() <= 1.5, "integrated {i} LUFS");
    assert!(
        after.found.true_peak_dbtp.unwrap() <= TARGET_TRUE_PEAK + 0.3,
        "{after:?}"
    );
    // The video stream is the original's, copied.
    assert_video_copied(&p, &np);
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
    let p = probed(&f).await;
    // Small and short: Reels and TikTok refuse its size and length, which no
    // rendition is made for; nothing else is refused.
    let plan = plan(&p, builtin());
    assert!(plan.is_empty(), "{plan:?}");
}

#[tokio::test]
async fn a_landscape_original_gets_a_vertical_rendition_with_blurred_fill() {
    let dir = tempfile::tempdir().unwrap();
    let f = make(dir.path(), Fixture::Landscape);
    let p = probed(&f).await;
    let specs = builtin();
    let plan = plan(&p, specs);
    assert_eq!(plan.shapes(), [Shape::Portrait9x16], "{plan:?}");
    let made = render_into(dir.path(), &f, &p, &plan, 120).await;
    let r = made.iter().find(|r| r.label == "9x16").unwrap();
    // Made for the Shorts channel, for its shape; Reels would still refuse a
    // 2 s clip of 360×640, so it is not made for Reels.
    assert_eq!(r.made_for, ["youtube_shorts"]);
    assert_eq!(r.fixes, [Fix::Shape]);
    assert_eq!(dimensions(&r.path), (360, 640));
    let rp = probed(&r.path).await;
    assert_eq!(rp.video.as_ref().unwrap().codec, "h264");
    assert_eq!(rp.audio.as_ref().unwrap().codec, "aac");
    assert_eq!(rp.moov_at_front, Some(true));
    // The platform it was made for accepts it.
    let yt = &compliance(&rp, specs)[0];
    assert_eq!(yt.platform, "youtube_shorts");
    assert!(yt.ok, "{:?}", yt.refusals);
}

#[tokio::test]
async fn the_encode_reports_its_progress_up_to_done() {
    let dir = tempfile::tempdir().unwrap();
    let f = make(dir.path(), Fixture::Landscape);
    let p = probed(&f).await;
    let plan = plan(&p, builtin());
    let (tx, mut rx) = tokio::sync::watch::channel(0.0f64);
    let seen = tokio::spawn(async move {
        let mut seen = Vec::new();
        while rx.changed().await.is_ok() {
            seen.push(*rx.borrow());
        }
        seen
    });
    let out = dir.path().join("out");
    let made = render_with_progress(&f, &p, &plan, &out, Duration::from_secs(120), &tx)
        .await
        .unwrap();
    drop(tx);
    let seen = seen.await.unwrap();
    assert!(!made.is_empty());
    assert_eq!(seen.last(), Some(&1.0), "{seen:?}");
    assert!(
        seen.windows(2).all(|w| w[0] <= w[1]),
        "never goes back: {seen:?}"
    );
}

fn spec(toml: &str) -> Vec<PlatformSpec> {
    crate::specs::parse(toml).expect("spec")
}

#[tokio::test]
async fn an_index_at_the_end_is_fixed_by_a_remux_without_re_encoding() {
    let dir = tempfile::tempdir().unwrap();
    let f = make(dir.path(), Fixture::MoovAtEnd);
    let p = probed(&f).await;
    // A platform that refuses an index at the end: a remux, not a transcode.
    let specs =
        spec("[[platform]]\nid = \"x\"\nname = \"X\"\n[platform.accepts]\nmoov_at_front = true\n");
    let plan = plan(&p, &specs);
    assert_eq!(
        plan,
        Plan {
            outputs: vec![planned(Output::Remux, &["x"], &[Fix::Index])]
        }
    );
    let made = render_into(dir.path(), &f, &p, &plan, 60).await;
    assert_eq!(
        (made[0].made_for.as_slice(), made[0].fixes.as_slice()),
        (["x".to_string()].as_slice(), [Fix::Index].as_slice())
    );
    let rp = probed(&made[0].path).await;
    assert_eq!(rp.moov_at_front, Some(true));
    // Streams copied: same frame count and codec profile.
    assert_video_copied(&p, &rp);
}

/// What an iPhone records (HEVC in a QuickTime file, AAC at 44.1 kHz, the
/// index at the end): YouTube, Reels and TikTok take it as it is, so nothing
/// is made for them; Zalo takes only MP4 and AVI, so it gets a remux.
#[test]
fn p16_what_a_platform_only_recommends_makes_no_rendition() {
    let p = testutil::iphone_probe();
    let plan = plan(&p, builtin());
    assert_eq!(
        plan.outputs,
        [planned(Output::Remux, &["zalo_oa"], &[Fix::Container])]
    );
}

/// A refusal no rendition can lift (a Short is at most 3 minutes) means no
/// rendition for that platform, even when another of its refusals could be fixed.
#[test]
fn p16_no_rendition_for_a_platform_that_would_still_refuse_it() {
    let mut p = testutil::good_probe();
    p.duration_s = Some(200.0);
    let v = p.video.as_mut().expect("v");
    (v.display_width, v.display_height, v.display_aspect) = (1920, 1080, "16:9".into());
    let plan = plan(&p, builtin());
    assert!(
        !plan.outputs.iter().any(|o| o
            .made_for
            .iter()
            .any(|id| id == "youtube_shorts" || id == "facebook_reels")),
        "{plan:?}"
    );
}

/// A rendition made because the platform refuses the audio says so, even
/// though its shape is the original's.
#[test]
fn p16_a_rendition_made_for_the_audio_records_it() {
    let mut p = testutil::good_probe();
    p.audio.as_mut().expect("a").codec = "opus".into();
    let specs = spec(
        "[[platform]]\nid = \"x\"\nname = \"X\"\n[platform.accepts]\naudio_codecs = [\"aac\"]\n",
    );
    let plan = plan(&p, &specs);
    assert_eq!(
        plan.outputs,
        [planned(
            Output::Encode(Shape::Portrait9x16),
            &["x"],
            &[Fix::Audio]
        )]
    );
}

/// One platform needs only a new container, another a new video codec: the
/// encode serves both and no remux is made; a codec MP4 cannot carry as it
/// is (VP8) is encoded, never remuxed.
#[test]
fn an_encode_in_the_own_shape_replaces_the_remux() {
    let mut p = testutil::good_probe();
    p.container = "mov".into();
    p.video.as_mut().expect("v").codec = "hevc".into();
    let specs = spec(
        "[[platform]]\nid = \"a\"\nname = \"A\"\n[platform.accepts]\ncontainers = [\"mp4\"]\n\
         [[platform]]\nid = \"b\"\nname = \"B\"\n[platform.accepts]\nvideo_codecs = [\"h264\"]\n",
    );
    assert_eq!(
        plan(&p, &specs).outputs,
        [planned(
            Output::Encode(Shape::Portrait9x16),
            &["b", "a"],
            &[Fix::VideoCodec, Fix::Container]
        )]
    );
    let only_a = &specs[..1];
    assert_eq!(plan(&p, only_a).outputs[0].output, Output::Remux);
    p.container = "webm".into();
    p.format_names = "matroska,webm".into();
    p.video.as_mut().expect("v").codec = "vp8".into();
    assert_eq!(
        plan(&p, only_a).outputs[0].output,
        Output::Encode(Shape::Portrait9x16)
    );
}
