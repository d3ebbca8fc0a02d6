//! `lantoa bench ingest` and `lantoa bench lint`: figures measured side by side
//! with baselines in one run, printed as ratios (never asserted).
//!
//! - Review-ready time (probe, validation, every QC measurement, posters,
//!   storyboard, proxy-or-skip) against a bare `ffmpeg -i clip -f null -` decode,
//!   and against the common design of one ffmpeg process per measurement.
//! - Renditions of a landscape source into three shapes, against one hand-written
//!   ffmpeg command making the same outputs.
//! - A large tus upload over loopback to a `lantoa serve` child process:
//!   throughput against writing the same bytes to a local file, and the server's
//!   peak memory growth.
//! - The text lint on generated captions, one core, against NFC-normalising and
//!   splitting the same captions into words; what each injected error's rule
//!   caught, and the false positives on the correct corpus.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use tokio::process::Command;

use lantoa::media::qc::{QcPlan, analyze, needs_proxy};
use lantoa::media::{MediaLimits, probe, validate};

pub(crate) async fn ffmpeg(args: &[&str]) -> anyhow::Result<f64> {
    let t = Instant::now();
    let st = Command::new("ffmpeg")
        .args(["-hide_banner", "-loglevel", "error", "-nostdin", "-y"])
        .args(args)
        .stdout(Stdio::null())
        .status()
        .await?;
    anyhow::ensure!(st.success(), "ffmpeg {args:?} failed");
    Ok(t.elapsed().as_secs_f64())
}

/// A test-pattern H.264/AAC clip of `w`×`h` at 30 fps, index at the front.
pub(crate) async fn lavfi_clip(out: &Path, w: u32, h: u32, seconds: u32) -> anyhow::Result<f64> {
    let video = format!("testsrc2=size={w}x{h}:rate=30:duration={seconds}");
    let audio = format!("sine=frequency=440:sample_rate=48000:duration={seconds}");
    // As ffmpeg reads them: the two inputs, then the codecs and the container.
    #[rustfmt::skip]
    let args = [
        "-f", "lavfi", "-i", &video,
        "-f", "lavfi", "-i", &audio,
        "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p",
        "-c:a", "aac", "-shortest", "-movflags", "+faststart",
        s(out),
    ];
    ffmpeg(&args).await
}

/// A bench account (the bench password, no change forced) with `role` in `agency`.
pub(crate) async fn account(
    st: &lantoa::state::AppState,
    (username, display_name): (&str, &str),
    agency: lantoa::domain::OrgId,
    role: lantoa::domain::Role,
) -> anyhow::Result<lantoa::domain::UserId> {
    let pw = "bench-password-1";
    let roles = Some((agency, vec![role]));
    let id = lantoa::service::members::create_account_cli(
        st,
        username,
        display_name,
        pw,
        false,
        false,
        roles,
    )
    .await?;
    Ok(id)
}

/// The organisation `id` as stored.
pub(crate) async fn org(
    st: &lantoa::state::AppState,
    id: lantoa::domain::OrgId,
) -> anyhow::Result<lantoa::db::orgs::Org> {
    let mut tx = st.db.read().await?;
    let org = lantoa::db::orgs::get(&mut tx, id).await?;
    org.ok_or_else(|| anyhow::anyhow!("agency"))
}

/// User `u` (`who`, for the error) acting in `agency`.
pub(crate) async fn caller(
    st: &lantoa::state::AppState,
    u: lantoa::domain::UserId,
    agency: lantoa::domain::OrgId,
    who: &str,
) -> anyhow::Result<lantoa::service::Caller> {
    let c = lantoa::service::Caller::for_user(st, u, agency, "bench").await?;
    c.ok_or_else(|| anyhow::anyhow!("{who}"))
}

/// Writes a clip by `author` in `agency`, not political, with no version yet,
/// readied as an upload readies it (the agency's platforms and window).
pub(crate) async fn new_clip(
    tx: &mut lantoa::db::Tx,
    (agency, author): (lantoa::domain::OrgId, lantoa::domain::UserId),
    (title, caption, category): (&str, &str, &str),
    now: i64,
) -> anyhow::Result<lantoa::domain::ClipId> {
    let new = lantoa::db::clips::NewClip {
        agency_id: agency,
        author_id: author,
        title,
        caption,
        category,
        political: false,
        now,
    };
    let c = lantoa::db::clips::insert(tx, new).await?;
    lantoa::service::review::prepare_new_clip(tx, c, now).await?;
    Ok(c)
}

/// The stored original of a version: SHA-256, storage key, file name, size.
pub(crate) struct Original<'a> {
    pub sha256: &'a str,
    pub key: &'a str,
    pub name: &'a str,
    pub size: i64,
}

/// Adds a version of clip `c` uploaded by `by`, checked and ready (with
/// `probe`), and makes it the clip's current version.
pub(crate) async fn new_ready_version(
    tx: &mut lantoa::db::Tx,
    (c, by): (lantoa::domain::ClipId, lantoa::domain::UserId),
    original: Original<'_>,
    probe: &str,
    now: i64,
) -> anyhow::Result<()> {
    use lantoa::db::clips::{self, Checked, NewVersion};
    let new = NewVersion {
        clip_id: c,
        sha256: original.sha256,
        size_bytes: original.size,
        original_key: original.key,
        original_name: original.name,
        uploaded_by: by,
        now,
    };
    let (v, _) = clips::insert_version(tx, new).await?;
    let checked = Checked {
        probe: Some(probe),
        ..Checked::status("ready")
    };
    clips::set_checked(tx, v, checked, now).await?;
    clips::set_current_version(tx, c, v, now).await?;
    Ok(())
}

/// Writes `frames` stills of `clip` through the video filter `vf` to `out`.
async fn stills(clip: &Path, vf: &str, frames: &str, out: &Path) -> anyhow::Result<f64> {
    ffmpeg(&["-i", s(clip), "-vf", vf, "-frames:v", frames, s(out)]).await
}

pub(crate) fn s(p: &Path) -> &str {
    p.to_str().unwrap_or_default()
}

/// Runs the media part of the benchmark on a generated clip.
pub async fn media(dir: &Path, seconds: u32) -> anyhow::Result<()> {
    let clip = dir.join("clip.mp4");
    println!("generating a {seconds} s 1080×1920 30 fps H.264/AAC clip …");
    let made = lavfi_clip(&clip, 1080, 1920, seconds).await?;
    println!("  made in {made:.1} s");

    // Baseline: a bare decode of the same file.
    let bare = ffmpeg(&["-i", s(&clip), "-f", "null", "-"]).await?;

    // The common design: one process per measurement and output.
    let sep_dir = dir.join("separate");
    tokio::fs::create_dir_all(&sep_dir).await?;
    let t = Instant::now();
    let probe_t = Instant::now();
    let st = Command::new("ffprobe")
        .args([
            "-v",
            "error",
            "-print_format",
            "json",
            "-show_format",
            "-show_streams",
            s(&clip),
        ])
        .stdout(Stdio::null())
        .status()
        .await?;
    anyhow::ensure!(st.success(), "ffprobe failed");
    let _ = probe_t;
    for vf in ["blackdetect=d=0.5", "freezedetect=n=-60dB:d=1"] {
        ffmpeg(&["-i", s(&clip), "-vf", vf, "-an", "-f", "null", "-"]).await?;
    }
    for af in ["ebur128=peak=true", "silencedetect=n=-50dB:d=1"] {
        ffmpeg(&["-i", s(&clip), "-af", af, "-vn", "-f", "null", "-"]).await?;
    }
    let every = (seconds as f64 / 4.0).max(0.5);
    let posters = sep_dir.join("poster_%02d.jpg");
    stills(&clip, &format!("fps=1/{every}"), "4", &posters).await?;
    let interval = (seconds as f64 / 25.0).max(0.04);
    let storyboard = sep_dir.join("storyboard.jpg");
    stills(
        &clip,
        &format!("fps=1/{interval},scale=160:-2,tile=5x5"),
        "1",
        &storyboard,
    )
    .await?;
    let probed = probe::probe(&clip, Duration::from_secs(30)).await?;
    let proxy = needs_proxy(&probed);
    if proxy {
        ffmpeg(&[
            "-i",
            s(&clip),
            "-vf",
            "scale=-2:720",
            "-c:v",
            "libx264",
            "-preset",
            "veryfast",
            "-g",
            "5",
            "-c:a",
            "aac",
            "-movflags",
            "+faststart",
            s(&sep_dir.join("proxy.mp4")),
        ])
        .await?;
    }
    let separate = t.elapsed().as_secs_f64();

    // Lantoa: probe, validate, one pass for everything.
    let t = Instant::now();
    let probed = probe::probe(&clip, Duration::from_secs(30)).await?;
    let v = validate::validate(&probed, &MediaLimits::default());
    anyhow::ensure!(
        v.accepted(),
        "the generated clip did not validate: {:?}",
        v.problems
    );
    let mut plan = QcPlan::new(dir.join("lantoa"));
    plan.proxy = needs_proxy(&probed);
    let (tx, _rx) = tokio::sync::watch::channel(0.0);
    let report = analyze(&clip, &probed, &plan, tx).await?;
    let ours = t.elapsed().as_secs_f64();
    anyhow::ensure!(
        report.posters.len() == 4 && report.storyboard.is_some(),
        "outputs missing"
    );

    println!();
    println!(
        "review-ready time ({seconds} s clip, proxy {})",
        if proxy {
            "needed"
        } else {
            "skipped: already light and playable"
        }
    );
    println!(
        "  {:<46} {:>8.2} s",
        "bare decode (ffmpeg -i clip -f null -)", bare
    );
    println!(
        "  {:<46} {:>8.2} s",
        "one process per measurement/output", separate
    );
    println!(
        "  {:<46} {:>8.2} s",
        "Lantoa (probe + validate + one pass)", ours
    );
    println!(
        "  {:<46} {:>8.2}×  (target ≤ 1.5×)",
        "Lantoa / bare decode",
        ours / bare
    );
    println!(
        "  {:<46} {:>8.2}×",
        "Lantoa / one process per measurement",
        ours / separate
    );
    renditions(dir, seconds).await
}

/// A landscape source needing all three shapes: Lantoa's rendition step against
/// one hand-written ffmpeg command making the same outputs from one decode.
pub async fn renditions(dir: &Path, seconds: u32) -> anyhow::Result<()> {
    use lantoa::media::renditions::{Plan, Shape, render};
    let clip = dir.join("landscape.mp4");
    lavfi_clip(&clip, 1920, 1080, seconds).await?;
    let hand = dir.join("hand");
    tokio::fs::create_dir_all(&hand).await?;
    let mut graph = String::from("[0:v]split=3[s0][s1][s2]");
    for (i, (w, h)) in [(1080, 1920), (1080, 1080), (1920, 1080)]
        .iter()
        .enumerate()
    {
        graph.push_str(&format!(
            ";[s{i}]split[b{i}][f{i}];[b{i}]scale={w}:{h}:force_original_aspect_ratio=increase,crop={w}:{h},boxblur=20:2[bb{i}];\
             [f{i}]scale={w}:{h}:force_original_aspect_ratio=decrease[ff{i}];[bb{i}][ff{i}]overlay=(W-w)/2:(H-h)/2,setsar=1,format=yuv420p[o{i}]"
        ));
    }
    let mut args: Vec<String> = vec![
        "-i".into(),
        s(&clip).into(),
        "-filter_complex".into(),
        graph,
    ];
    for (i, name) in ["9x16", "1x1", "16x9"].iter().enumerate() {
        for a in [
            "-map",
            &format!("[o{i}]"),
            "-map",
            "0:a:0",
            "-c:a",
            "aac",
            "-b:a",
            "128k",
            "-ar",
            "48000",
            "-ac",
            "2",
            "-c:v",
            "libx264",
            "-preset",
            "veryfast",
            "-crf",
            "21",
            "-profile:v",
            "high",
            "-r",
            "30",
            "-g",
            "60",
            "-movflags",
            "+faststart",
        ] {
            args.push(a.to_string());
        }
        args.push(s(&hand.join(format!("{name}.mp4"))).to_string());
    }
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let baseline = ffmpeg(&refs).await?;

    let t = Instant::now();
    let probed = probe::probe(&clip, Duration::from_secs(30)).await?;
    let plan = Plan::encodes(&[Shape::Portrait9x16, Shape::Square1x1, Shape::Landscape16x9]);
    let made = render(
        &clip,
        &probed,
        &plan,
        &dir.join("renditions"),
        Duration::from_secs(3600),
    )
    .await?;
    let ours = t.elapsed().as_secs_f64();
    anyhow::ensure!(made.len() == 3, "expected three renditions");
    println!();
    println!(
        "renditions of a {seconds} s 1920×1080 source into 9:16, 1:1 and 16:9 (blurred fill), one decode"
    );
    println!(
        "  {:<46} {:>8.2} s",
        "one hand-written ffmpeg command", baseline
    );
    println!(
        "  {:<46} {:>8.2} s",
        "Lantoa rendition step (probe + render)", ours
    );
    println!(
        "  {:<46} {:>8.2}×  (target ≤ 1.1×)",
        "Lantoa / hand-written command",
        ours / baseline
    );
    Ok(())
}

/// The process's peak resident memory so far (VmHWM), in KiB.
pub(crate) fn peak_rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// The process's resident memory now (VmRSS), in KiB.
pub(crate) fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Pseudo-random bytes, generated as they are sent (nothing held whole).
fn chunk(i: u64, len: usize) -> bytes::Bytes {
    let mut x = i.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut v = Vec::with_capacity(len);
    while v.len() < len {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        v.extend_from_slice(&x.to_le_bytes());
    }
    v.truncate(len);
    bytes::Bytes::from(v)
}

const CHUNK: usize = 1024 * 1024;

/// Uploads `gib` GiB through tus to a `lantoa serve` child and reports throughput
/// and the server's memory growth.
pub async fn upload(dir: &Path, gib: f64) -> anyhow::Result<()> {
    let total = (gib * 1024.0 * 1024.0 * 1024.0) as u64;
    let exe = std::env::current_exe()?;
    let data = dir.join("upload-data");
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let env = |c: &mut Command| {
        c.env("LANTOA_DATA_DIR", &data)
            .env_remove("LANTOA_DATABASE_URL")
            .env_remove("LANTOA_STORAGE_URL")
            .env("LANTOA_LISTEN", format!("127.0.0.1:{port}"))
            .env("LANTOA_LOG", "warn")
            .env("LANTOA_MAX_UPLOAD_BYTES", (total + 1).to_string());
    };
    let run = |args: &[&str]| {
        let mut c = Command::new(&exe);
        c.args(args);
        env(&mut c);
        c
    };
    anyhow::ensure!(
        run(&[
            "agency",
            "add",
            "--body-only",
            "--slug",
            "bench",
            "--name",
            "Bench"
        ])
        .output()
        .await?
        .status
        .success()
    );
    anyhow::ensure!(
        run(&[
            "agency", "add", "--slug", "bench-a", "--name", "Bench A", "--body", "bench"
        ])
        .output()
        .await?
        .status
        .success()
    );
    #[rustfmt::skip]
    let user = [
        "user", "add", "--username", "bench.pv", "--name", "Bench",
        "--agency", "bench-a", "--role", "reporter", "--password-stdin",
    ];
    let mut add = run(&user);
    add.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = add.spawn()?;
    if let Some(mut stdin) = child.stdin.take() {
        use tokio::io::AsyncWriteExt;
        stdin.write_all(b"benchmark password\n").await?;
    }
    let out = child.wait_with_output().await?;
    anyhow::ensure!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let token = String::from_utf8(
        run(&[
            "token",
            "create",
            "--username",
            "bench.pv",
            "--name",
            "bench",
        ])
        .output()
        .await?
        .stdout,
    )?;
    let token = token.trim().to_string();
    let agency = String::from_utf8(run(&["agency", "list"]).output().await?.stdout)?
        .lines()
        .find(|l| l.contains("bench-a"))
        .and_then(|l| l.split_whitespace().next().map(str::to_string))
        .ok_or_else(|| anyhow::anyhow!("agency not created"))?;

    let mut server = run(&["serve"]);
    server
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true);
    let mut server = server.spawn()?;
    let pid = server.id().unwrap_or(0);
    let client = reqwest::Client::new();
    let base = format!("http://127.0.0.1:{port}");
    for _ in 0..200 {
        if client
            .get(format!("{base}/readyz"))
            .send()
            .await
            .is_ok_and(|r| r.status() == 200)
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let rss_before = rss_kib(pid).unwrap_or(0);

    // Baseline: the same bytes written to a local file.
    let t = Instant::now();
    {
        use tokio::io::AsyncWriteExt;
        let mut f = tokio::fs::File::create(dir.join("baseline.bin")).await?;
        let mut sent = 0u64;
        let mut i = 0;
        while sent < total {
            let n = CHUNK.min((total - sent) as usize);
            f.write_all(&chunk(i, n)).await?;
            sent += n as u64;
            i += 1;
        }
        f.sync_all().await?;
    }
    let disk = t.elapsed().as_secs_f64();
    let _ = tokio::fs::remove_file(dir.join("baseline.bin")).await;

    let b64 = |s: &str| base64::Engine::encode(&base64::engine::general_purpose::STANDARD, s);
    let meta = format!(
        "title {},category {},agency_id {}",
        b64("bench"),
        b64("other"),
        b64(&agency)
    );
    let r = client
        .post(format!("{base}/api/v1/uploads"))
        .bearer_auth(&token)
        .header("tus-resumable", "1.0.0")
        .header("upload-length", total.to_string())
        .header("upload-metadata", meta)
        .send()
        .await?;
    anyhow::ensure!(r.status() == 201, "creating the upload: {}", r.status());
    let loc = r.headers().get("location").cloned();
    let loc = loc.and_then(|v| Some(v.to_str().ok()?.to_string()));
    let loc = loc.unwrap_or_default();
    // Sample the server's resident memory while the bytes stream in.
    let sampling = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
    let sampler = {
        let sampling = sampling.clone();
        tokio::spawn(async move {
            let mut max = 0u64;
            let mut trace = Vec::new();
            while sampling.load(std::sync::atomic::Ordering::Relaxed) {
                let r = rss_kib(pid).unwrap_or(0);
                trace.push(r / 1024);
                max = max.max(r);
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            if std::env::var_os("LANTOA_BENCH_TRACE").is_some() {
                eprintln!("server RSS (MiB) every 50 ms: {trace:?}");
            }
            max
        })
    };
    // All but the last byte in one streamed PATCH (the memory figure is sampled
    // during it); the last byte finishes the upload, which queues the media check.
    let body_len = total - 1;
    let t = Instant::now();
    let stream = futures_util::stream::unfold(0u64, move |i| async move {
        let sent = i * CHUNK as u64;
        if sent >= body_len {
            return None;
        }
        let n = CHUNK.min((body_len - sent) as usize);
        Some((Ok::<_, std::io::Error>(chunk(i, n)), i + 1))
    });
    let r = client
        .patch(format!("{base}{loc}"))
        .bearer_auth(&token)
        .header("tus-resumable", "1.0.0")
        .header("upload-offset", "0")
        .header("content-type", "application/offset+octet-stream")
        .header("content-length", body_len.to_string())
        .body(reqwest::Body::wrap_stream(stream))
        .send()
        .await?;
    anyhow::ensure!(r.status() == 204, "upload: {}", r.status());
    sampling.store(false, std::sync::atomic::Ordering::Relaxed);
    let r = client
        .patch(format!("{base}{loc}"))
        .bearer_auth(&token)
        .header("tus-resumable", "1.0.0")
        .header("upload-offset", body_len.to_string())
        .header("content-type", "application/offset+octet-stream")
        .body(vec![0u8])
        .send()
        .await?;
    let upload = t.elapsed().as_secs_f64();
    anyhow::ensure!(r.status() == 204, "finishing the upload: {}", r.status());
    let during = sampler.await.unwrap_or(0);
    tokio::time::sleep(Duration::from_secs(2)).await;
    let peak = peak_rss_kib(pid).unwrap_or(0);
    let _ = server.kill().await;

    let mib = total as f64 / 1_048_576.0;
    println!();
    println!(
        "upload of {:.2} GiB over loopback (tus, one PATCH, SHA-256 while streaming, stored as an original)",
        gib
    );
    println!(
        "  {:<46} {:>8.1} MiB/s",
        "writing the bytes to a local file (baseline)",
        mib / disk
    );
    println!(
        "  {:<46} {:>8.1} MiB/s",
        "Lantoa tus upload, end to end",
        mib / upload
    );
    println!(
        "  {:<46} {:>8.2}×",
        "Lantoa / baseline throughput",
        (mib / upload) / (mib / disk)
    );
    println!(
        "  {:<46} {:>8.1} MiB  (sampled every 50 ms while streaming; target < 64 MiB)",
        "server RSS growth during the upload",
        (during.saturating_sub(rss_before)) as f64 / 1024.0
    );
    println!(
        "  {:<46} {:>8.1} MiB  (RSS {:.1} → peak {:.1} MiB, incl. finishing and the media check)",
        "server peak RSS growth (VmHWM)",
        (peak.saturating_sub(rss_before)) as f64 / 1024.0,
        rss_before as f64 / 1024.0,
        peak as f64 / 1024.0
    );
    Ok(())
}

/// Entry point of `lantoa bench ingest`.
pub async fn ingest(seconds: u32, upload_gib: f64) -> anyhow::Result<()> {
    let dir = tempfile_dir()?;
    let r = async {
        media(&dir, seconds).await?;
        if upload_gib > 0.0 {
            upload(&dir, upload_gib).await?;
        }
        Ok(())
    }
    .await;
    let _ = tokio::fs::remove_dir_all(&dir).await;
    r
}

pub(crate) fn tempfile_dir() -> anyhow::Result<PathBuf> {
    let d = std::env::temp_dir().join(format!("lantoa-bench-{}", std::process::id()));
    std::fs::create_dir_all(&d)?;
    Ok(d)
}
