use super::*;

/// Probes a fixture; a file that is not media still probes (no `MediaError`).
async fn probe_fixture(dir: &Path, fx: Fixture) -> Probe {
    probe(&testutil::make(dir, fx), T)
        .await
        .expect("probe: not a MediaError")
}

/// Originals are served as what they are, decided by the probed container.
#[test]
fn p16_content_type_follows_the_container() {
    for (container, want) in [
        ("mp4", "video/mp4"),
        ("mov", "video/quicktime"),
        ("webm", "video/webm"),
        ("mkv", "video/x-matroska"),
        ("avi", "video/x-msvideo"),
        ("3gp", "video/3gpp"),
        ("", "application/octet-stream"),
        ("concat", "application/octet-stream"),
    ] {
        assert_eq!(content_type(container), want, "{container:?}");
    }
}
use crate::testutil::{self, Fixture};
use std::io::Cursor;

const T: Duration = Duration::from_secs(30);

fn boxes(spec: &[(&[u8; 4], u32)]) -> Vec<u8> {
    let mut out = vec![];
    for (kind, size) in spec {
        out.extend_from_slice(&size.to_be_bytes());
        out.extend_from_slice(*kind);
        out.resize(out.len() + (*size as usize).saturating_sub(8), 0);
    }
    out
}

#[test]
fn box_scan_finds_moov_before_or_after_mdat() {
    let front = boxes(&[(b"ftyp", 24), (b"moov", 100), (b"mdat", 1000)]);
    let s = scan_boxes(&mut Cursor::new(&front), front.len() as u64).expect("scan");
    assert_eq!(s.moov_at_front, Some(true));
    assert!(!s.truncated && !s.malformed);

    let back = boxes(&[(b"ftyp", 24), (b"free", 8), (b"mdat", 1000), (b"moov", 100)]);
    let s = scan_boxes(&mut Cursor::new(&back), back.len() as u64).expect("scan");
    assert_eq!(s.moov_at_front, Some(false));
    assert_eq!(s.boxes.len(), 4);
}

#[test]
fn box_scan_handles_largesize_size_zero_and_truncation() {
    // ftyp, then mdat with a 64-bit size of 16 + 40, then moov running to EOF.
    let mut f = boxes(&[(b"ftyp", 16)]);
    f.extend_from_slice(&1u32.to_be_bytes());
    f.extend_from_slice(b"mdat");
    f.extend_from_slice(&56u64.to_be_bytes());
    f.resize(f.len() + 40, 0);
    f.extend_from_slice(&0u32.to_be_bytes());
    f.extend_from_slice(b"moov");
    f.resize(f.len() + 20, 0);
    let s = scan_boxes(&mut Cursor::new(&f), f.len() as u64).expect("scan");
    let kinds: Vec<_> = s.boxes.iter().map(|b| (b.0.as_str(), b.2)).collect();
    assert_eq!(kinds, [("ftyp", 16), ("mdat", 56), ("moov", 28)]);
    assert_eq!(s.moov_at_front, Some(false));
    assert!(!s.truncated);

    let cut = &f[..50];
    let s = scan_boxes(&mut Cursor::new(cut), cut.len() as u64).expect("scan");
    assert!(s.truncated, "mdat runs past the end");
    assert_eq!(s.moov_at_front, Some(false));

    let junk = b"hello, this is not an mp4 file at all".to_vec();
    let s = scan_boxes(&mut Cursor::new(&junk), junk.len() as u64).expect("scan");
    assert!(s.malformed || s.truncated);
    assert_eq!(s.moov_at_front, None);
}

#[test]
fn aspect_names_common_shapes() {
    assert_eq!(aspect(1080, 1920), "9:16");
    assert_eq!(aspect(180, 320), "9:16");
    assert_eq!(aspect(1920, 1080), "16:9");
    assert_eq!(aspect(720, 720), "1:1");
    assert_eq!(aspect(1080, 1918), "9:16");
    assert_eq!(aspect(1080, 1350), "4:5");
    assert_eq!(aspect(1000, 333), "1000:333");
}

#[test]
fn legacy_rotate_tag_and_matroska_doctype_are_understood() {
    let json = r#"{"streams":[{"codec_type":"video","codec_name":"h264","width":1920,"height":1080,
        "avg_frame_rate":"30000/1001","r_frame_rate":"30000/1001","tags":{"rotate":"90"}},
        {"codec_type":"video","codec_name":"mjpeg","width":300,"height":300,"disposition":{"attached_pic":1}}],
        "format":{"format_name":"matroska,webm","duration":"12.5"}}"#;
    let layout = Layout {
        ebml_doctype: Some("webm".into()),
        ..Layout::default()
    };
    let p = parse(json, 1000, &layout).expect("parses");
    assert_eq!(p.container, "webm");
    let v = p.video.expect("video");
    assert_eq!(v.codec, "h264", "the cover picture is not the video");
    assert_eq!(v.rotation_deg, 270, "clockwise 90 is counter-clockwise 270");
    assert_eq!((v.display_width, v.display_height), (1080, 1920));
    assert!(!v.variable_frame_rate);
    assert_eq!(p.duration_s, Some(12.5));
    assert_eq!(p.moov_at_front, None);

    let mkv = parse(json, 1000, &Layout::default()).expect("parses");
    assert_eq!(mkv.container, "mkv");
}

#[test]
fn unexpected_json_is_a_parse_error() {
    assert!(matches!(
        parse("not json", 1, &Layout::default()),
        Err(MediaError::Parse(_))
    ));
}

#[tokio::test]
async fn probes_portrait_landscape_and_square_clips() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cases = [
        (Fixture::Portrait, (180, 320), "9:16"),
        (Fixture::Landscape, (320, 180), "16:9"),
        (Fixture::Square, (240, 240), "1:1"),
    ];
    for (fx, dims, aspect) in cases {
        let file = testutil::make(dir.path(), fx);
        let p = probe(&file, T).await.expect("probe");
        assert_eq!(p.container, "mp4", "{fx:?}");
        assert!(p.format_names.contains("mp4"));
        assert!(p.readable());
        let d = p.duration_s.expect("duration");
        assert!((d - 2.0).abs() < 0.2, "{fx:?}: {d}");
        assert_eq!(p.size_bytes, std::fs::metadata(&file).expect("meta").len());
        let v = p.video.as_ref().expect("video");
        assert_eq!(v.codec, "h264");
        assert_eq!((v.width, v.height), dims, "{fx:?}");
        assert_eq!((v.display_width, v.display_height), dims);
        assert_eq!(v.display_aspect, aspect);
        assert_eq!(v.rotation_deg, 0);
        assert!((v.avg_fps - 25.0).abs() < 0.01);
        assert!(!v.variable_frame_rate);
        assert_eq!(v.pix_fmt.as_deref(), Some("yuv420p"));
        assert_eq!(v.frames, Some(50));
        let a = p.audio.as_ref().expect("audio");
        assert_eq!(a.codec, "aac");
        assert_eq!(a.sample_rate, Some(48000));
        assert_eq!(p.moov_at_front, Some(true), "fixtures are faststart");
        assert!(!p.truncated);
    }
}

#[tokio::test]
async fn rotation_swaps_display_dimensions() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = probe_fixture(dir.path(), Fixture::Rotated90).await;
    let v = p.video.expect("video");
    assert_eq!((v.width, v.height), (320, 180));
    assert_eq!(v.rotation_deg % 180, 90, "{}", v.rotation_deg);
    assert_eq!((v.display_width, v.display_height), (180, 320));
    assert_eq!(v.display_aspect, "9:16");
}

#[tokio::test]
async fn vfr_no_audio_hevc_mkv_and_webm_are_described() {
    let dir = tempfile::tempdir().expect("tempdir");
    let vfr = probe_fixture(dir.path(), Fixture::Vfr).await;
    let v = vfr.video.expect("video");
    assert!(v.variable_frame_rate, "avg {} vs r {}", v.avg_fps, v.r_fps);

    let mute = probe_fixture(dir.path(), Fixture::NoAudio).await;
    assert!(mute.video.is_some() && mute.audio.is_none());

    if let Some(hevc) = testutil::try_make(dir.path(), Fixture::Hevc) {
        let p = probe(&hevc, T).await.expect("probe");
        assert_eq!(p.video.expect("video").codec, "hevc");
    } else {
        eprintln!("SKIPPED: this ffmpeg has no libx265; HEVC probe not tested");
    }

    let mkv = probe_fixture(dir.path(), Fixture::Mkv).await;
    assert_eq!(mkv.container, "mkv");
    assert_eq!(mkv.moov_at_front, None);
    let webm = probe_fixture(dir.path(), Fixture::Webm).await;
    assert_eq!(webm.container, "webm");
    assert_eq!(webm.video.expect("video").codec, "vp9");
    assert_eq!(webm.audio.expect("audio").codec, "opus");

    let mov = probe_fixture(dir.path(), Fixture::Mov).await;
    assert_eq!(mov.container, "mov");
}

#[tokio::test]
async fn moov_position_is_read_from_the_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let at_end = probe_fixture(dir.path(), Fixture::MoovAtEnd).await;
    assert_eq!(at_end.moov_at_front, Some(false));
    let front = probe_fixture(dir.path(), Fixture::Faststart).await;
    assert_eq!(front.moov_at_front, Some(true));
    let frag = probe_fixture(dir.path(), Fixture::Fragmented).await;
    assert_eq!(frag.moov_at_front, Some(true));
    assert!(!frag.truncated);
}

#[tokio::test]
async fn unreadable_files_come_back_ok_with_the_error_recorded() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = probe_fixture(dir.path(), Fixture::TextAsMp4).await;
    assert!(!text.readable());
    assert!(text.video.is_none());
    assert!(!text.truncated);

    let cut = probe_fixture(dir.path(), Fixture::TruncatedMoovAtEnd).await;
    assert!(!cut.readable(), "the index is gone");
    assert!(cut.truncated);

    let cut = probe_fixture(dir.path(), Fixture::TruncatedFaststart).await;
    assert!(cut.readable(), "the index survives at the front");
    assert!(cut.truncated, "but mdat runs past the end");
    assert!(cut.video.is_some());

    let missing = probe(&dir.path().join("nope.mp4"), T).await;
    assert!(matches!(missing, Err(MediaError::Io(_))), "{missing:?}");
}
