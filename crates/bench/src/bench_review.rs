//! `lantoa bench review`: the clip page's server time for a clip under heavy
//! review (5 versions, 50 comments in threads, checklist ticks, a signature,
//! a long history), side by side with a fresh clip (1 version, nothing else)
//! and `/healthz`, on one in-process server over loopback. Prints figures and
//! ratios; asserts nothing.

use std::time::{Duration, Instant};

use lantoa::domain::{ClipId, OrgId, Role, UserId};
use lantoa::server::Application;
use lantoa::service::{Actor, orgs, review};
use lantoa::state::AppState;

const PROBE: &str = r#"{"format_names":"mov,mp4","container":"mp4","duration_s":60.0,"size_bytes":1000,
 "bit_rate":null,"video":{"index":0,"codec":"h264","profile":null,"width":1080,"height":1920,
 "display_width":1080,"display_height":1920,"display_aspect":"9:16","rotation_deg":0,"avg_fps":25.0,
 "r_fps":25.0,"variable_frame_rate":false,"pix_fmt":null,"bit_rate":null,"frames":null},
 "audio":null,"moov_at_front":true,"truncated":false,"probe_error":null}"#;

async fn clip_with(
    st: &AppState,
    agency: OrgId,
    author: UserId,
    versions: usize,
    seed: u8,
) -> anyhow::Result<ClipId> {
    let now = st.now();
    let mut tx = st.db.write().await?;
    let text = (
        "Lễ khai mạc Tuần Văn hóa – Du lịch tỉnh",
        "Tối nay, Ủy ban nhân dân tỉnh tổ chức lễ khai mạc Tuần Văn hóa – Du lịch.",
        "current_affairs",
    );
    let c = crate::bench::new_clip(&mut tx, (agency, author), text, now).await?;
    for i in 0..versions {
        let sha = format!("{seed:02x}{i:02x}").repeat(16);
        let original = crate::bench::Original {
            sha256: &sha,
            key: "originals/bench",
            name: &format!("v{i}.mp4"),
            size: 50_000_000,
        };
        crate::bench::new_ready_version(&mut tx, (c, author), original, PROBE, now).await?;
    }
    tx.commit().await?;
    Ok(c)
}

fn pct(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

pub async fn review(requests: usize) -> anyhow::Result<()> {
    let dir = std::env::temp_dir().join(format!(
        "lantoa-bench-review-{}",
        hex::encode(lantoa::crypto::random_bytes::<6>())
    ));
    let st = crate::bench_insights::open(&dir, None).await?;
    let cli = Actor::cli();
    let body = orgs::create(&st, &cli, "body", None, "body", "Ban Tuyên giáo", None).await?;
    let agency = orgs::create(&st, &cli, "agency", Some(body), "bao", "Báo Tỉnh", None).await?;
    let reporter = crate::bench::account(
        &st,
        ("bench.reporter", "Phóng viên"),
        agency,
        Role::Reporter,
    )
    .await?;
    let editor =
        crate::bench::account(&st, ("bench.editor", "Biên tập viên"), agency, Role::Editor).await?;
    let heavy = clip_with(&st, agency, reporter, 5, 1).await?;
    let light = clip_with(&st, agency, reporter, 1, 2).await?;
    let ec = crate::bench::caller(&st, editor, agency, "editor").await?;
    let rc = crate::bench::caller(&st, reporter, agency, "reporter").await?;
    // 50 comments: 30 pinned threads, 20 replies.
    let mut roots = Vec::new();
    for i in 0..30 {
        let id = review::comment(
            &ec,
            heavy,
            review::NewComment {
                body: format!("Góp ý số {i}: cắt bớt đoạn này, kiểm tra lại phụ đề."),
                at: Some(format!("00:{:02}:{:02}", i + 1, i % 25)),
                ..Default::default()
            },
        )
        .await?;
        roots.push(id);
    }
    for (i, root) in roots.iter().take(20).enumerate() {
        review::comment(
            &rc,
            heavy,
            review::NewComment {
                body: format!("Đã sửa theo góp ý {i}."),
                parent_id: Some(*root),
                ..Default::default()
            },
        )
        .await?;
    }
    // Submitted first: the checklist is ticked by a reviewer, under review.
    review::act(
        &rc,
        heavy,
        lantoa::domain::ClipAction::Submit,
        Default::default(),
    )
    .await?;
    for item in review::Settings::default().checklist {
        review::tick(&ec, heavy, &item, true).await?;
    }
    let (_, token) =
        lantoa::service::profile::create_token(&st, &ec.principal, "bench", "bench").await?;

    let app = Application::bind(st.clone())
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let base = format!("http://{}", app.addr);
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(app.run(async {
        let _ = stop_rx.await;
    }));
    let client = reqwest::Client::new();
    let get = |path: String| {
        let client = client.clone();
        let token = token.clone();
        let url = format!("{base}{path}");
        async move {
            let t = Instant::now();
            let r = client.get(&url).bearer_auth(&token).send().await?;
            anyhow::ensure!(r.status().is_success(), "{url}: {}", r.status());
            let body = r.bytes().await?;
            Ok::<(Duration, usize), anyhow::Error>((t.elapsed(), body.len()))
        }
    };
    let paths = [
        (
            "clip page, 5 versions + 50 comments",
            format!("/a/{}/clips/{}", agency.0, heavy.0),
        ),
        (
            "clip page, 1 version, no review (baseline)",
            format!("/a/{}/clips/{}", agency.0, light.0),
        ),
        ("/healthz", "/healthz".to_string()),
    ];
    for (_, p) in &paths {
        for _ in 0..20 {
            get(p.clone()).await?;
        }
    }
    let mut times: Vec<Vec<Duration>> = vec![Vec::new(); paths.len()];
    let mut sizes = vec![0usize; paths.len()];
    // Interleaved, so both pages see the same machine.
    for _ in 0..requests {
        for (i, (_, p)) in paths.iter().enumerate() {
            let (d, n) = get(p.clone()).await?;
            times[i].push(d);
            sizes[i] = n;
        }
    }
    println!("Clip page server time over loopback, {requests} requests each, interleaved:");
    let mut medians = Vec::new();
    for (i, (name, _)) in paths.iter().enumerate() {
        times[i].sort();
        let (m, p95) = (pct(&times[i], 0.5), pct(&times[i], 0.95));
        medians.push(m);
        println!(
            "  {name:<44} median {m:>7.2} ms   p95 {p95:>7.2} ms   {:>7} bytes",
            sizes[i]
        );
    }
    println!(
        "  heavy / baseline clip page: {:.2}×   heavy / healthz: {:.1}×",
        medians[0] / medians[1],
        medians[0] / medians[2]
    );
    let _ = stop_tx.send(());
    let _ = server.await;
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
