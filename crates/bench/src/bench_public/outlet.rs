//! The outlet `public` measures: an agency turns it on, its clips go through
//! review and the real publish job, as in `crates/lantoa/tests/api/outlet.rs`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use lantoa::config::Config;
use lantoa::db::clips::{self, Checked, NewVersion};
use lantoa::db::publishing as pdb;
use lantoa::domain::outlet::Settings;
use lantoa::domain::workflow::ClipAction;
use lantoa::domain::{ClipId, OrgId, Role, VersionId};
use lantoa::server::prepare;
use lantoa::service::{Actor, Caller, orgs, outlet, publish, review};
use lantoa::state::AppState;

use super::{FILE, Options, POSTS, READY, SLUG};

/// The run's folder and settings, the bytes every server sends, and the
/// clip page measured.
pub(super) struct Seeded {
    pub(super) dir: PathBuf,
    pub(super) env: BTreeMap<String, String>,
    /// The generated MP4 (linked as the stored original and as the static
    /// servers' file) and its size.
    pub(super) clip: PathBuf,
    pub(super) size: u64,
    pub(super) token: String,
    pub(super) title: String,
}

/// The clip (1080×1920, 30 fps, H.264/AAC, index first) and a poster of it.
async fn make_media(dir: &Path, o: &Options) -> anyhow::Result<(PathBuf, PathBuf)> {
    let (clip, poster) = (dir.join("clip.mp4"), dir.join("poster.jpg"));
    let video = format!(
        "testsrc2=size=1080x1920:rate=30:duration={}",
        o.clip_seconds
    );
    let audio = format!(
        "sine=frequency=440:sample_rate=48000:duration={}",
        o.clip_seconds
    );
    let (rate, buffer) = (
        format!("{}k", o.video_kbps),
        format!("{}k", 2 * o.video_kbps),
    );
    let out = clip.display().to_string();
    // As ffmpeg reads them: the two inputs, then the codecs and the container.
    #[rustfmt::skip]
    let args = [
        "-f", "lavfi", "-i", &video,
        "-f", "lavfi", "-i", &audio,
        "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p",
        "-b:v", &rate, "-maxrate", &rate, "-bufsize", &buffer,
        "-c:a", "aac", "-b:a", "128k", "-shortest", "-movflags", "+faststart", &out,
    ];
    crate::bench::ffmpeg(&args).await?;
    let still = poster.display().to_string();
    crate::bench::ffmpeg(&[
        "-ss",
        "1",
        "-i",
        &out,
        "-frames:v",
        "1",
        "-q:v",
        "3",
        &still,
    ])
    .await?;
    Ok((clip, poster))
}

/// The newsroom: the agency and its time zone, its reporter and editor.
struct Desk {
    st: AppState,
    agency: OrgId,
    time_zone: String,
    reporter: Caller,
    editor: Caller,
}

/// The stored media every clip's version is: original, poster, probe.
struct Stored {
    sha: String,
    key: String,
    size: u64,
    probe: String,
    outputs: String,
}

/// A body, an agency with its outlet turned on by its admin, its reporter
/// and editor.
async fn desk(st: &AppState) -> anyhow::Result<Desk> {
    let cli = Actor::cli();
    let body = orgs::create(st, &cli, "body", None, "btg", "Ban Tuyên giáo", None).await?;
    let agency = orgs::create(st, &cli, "agency", Some(body), SLUG, "Báo Tỉnh", None).await?;
    let account =
        |name: &'static str, role| crate::bench::account(st, (name, "Bench"), agency, role);
    let reporter = account("bench.reporter", Role::Reporter).await?;
    let editor = account("bench.editor", Role::Editor).await?;
    let admin = account("bench.admin", Role::AgencyAdmin).await?;
    let admin = crate::bench::caller(st, admin, agency, "admin").await?;
    let on = Settings {
        enabled: true,
        ..Settings::default()
    };
    outlet::save_settings(&admin, on).await?;
    Ok(Desk {
        st: st.clone(),
        agency,
        time_zone: crate::bench::org(st, agency).await?.time_zone,
        reporter: crate::bench::caller(st, reporter, agency, "reporter").await?,
        editor: crate::bench::caller(st, editor, agency, "editor").await?,
    })
}

/// Stores the clip (a hard link: the same file the static servers send)
/// and its poster, and probes it as the check does.
async fn store(st: &AppState, clip: &Path, poster: &Path) -> anyhow::Result<Stored> {
    let bytes = tokio::fs::read(clip).await?;
    let sha = lantoa::crypto::sha256_hex(&bytes);
    let key = lantoa::storage::original_key(&sha);
    let size = st.store.put_file_linked(&key, clip).await?;
    let poster_key = "derived/bench/poster_1.jpg".to_string();
    st.store.put_file(&poster_key, poster).await?;
    let probe = lantoa::media::probe::probe(clip, Duration::from_secs(60)).await?;
    let outputs = lantoa::ingest::Outputs {
        posters: vec![poster_key],
        playback: key.clone(),
        ..Default::default()
    };
    Ok(Stored {
        sha,
        key,
        size,
        probe: serde_json::to_string(&probe)?,
        outputs: serde_json::to_string(&outputs)?,
    })
}

/// Clip `i`'s title.
fn title(i: usize) -> String {
    format!("Sửa đường liên xã, bản tin số {}", i + 1)
}

/// Clip `i` with the stored media as its ready version, targeting the
/// outlet, submitted, its checklist ticked and approved by the editor.
async fn approved(d: &Desk, m: &Stored, i: usize) -> anyhow::Result<(ClipId, VersionId)> {
    let (st, now) = (&d.st, d.st.now());
    let title = title(i);
    let caption = format!(
        "Bản tin số {}: người dân xã Định Hóa góp sức sửa con đường liên xã trước mùa mưa.",
        i + 1
    );
    let author = d.reporter.principal.user_id;
    let mut tx = st.db.write().await?;
    let text = (title.as_str(), caption.as_str(), "good_deeds");
    let c = crate::bench::new_clip(&mut tx, (d.agency, author), text, now).await?;
    let new = NewVersion {
        clip_id: c,
        sha256: &m.sha,
        size_bytes: m.size as i64,
        original_key: &m.key,
        original_name: "clip.mp4",
        uploaded_by: author,
        now,
    };
    let (v, _) = clips::insert_version(&mut tx, new).await?;
    let checked = Checked {
        probe: Some(&m.probe),
        outputs: Some(&m.outputs),
        ..Checked::status("ready")
    };
    clips::set_checked(&mut tx, v, checked, now).await?;
    clips::set_current_version(&mut tx, c, v, now).await?;
    tx.commit().await?;
    let clip = |st: &AppState| {
        let st = st.clone();
        async move {
            let mut tx = st.db.read().await?;
            let k = clips::get(&mut tx, d.agency, c).await?;
            let k = k.ok_or_else(|| anyhow::anyhow!("clip"))?;
            let digest = review::current_digest(&mut tx, &k).await?.1;
            anyhow::Ok((k, digest))
        }
    };
    let mut edit = review::edit_of_clip(&clip(st).await?.0, &d.time_zone);
    edit.channels = vec![lantoa::domain::outlet::OUTLET.to_string()];
    review::save(&d.reporter, c, edit).await?;
    review::act(&d.reporter, c, ClipAction::Submit, Default::default()).await?;
    for item in review::Settings::default().checklist {
        review::tick(&d.editor, c, &item, true).await?;
    }
    let input = review::ActInput {
        digest: Some(clip(st).await?.1),
        ..Default::default()
    };
    review::act(&d.editor, c, ClipAction::Approve, input).await?;
    Ok((c, v))
}

/// "Publish now" for each clip; waits until the job has published each to
/// the outlet. Their public addresses.
async fn publish_all(d: &Desk, clips: &[(ClipId, VersionId)]) -> anyhow::Result<Vec<String>> {
    for (c, _) in clips {
        publish::publish_now(&d.editor, *c, &Default::default()).await?;
    }
    let deadline = Instant::now() + Duration::from_secs(600);
    let mut urls = Vec::new();
    for (c, _) in clips {
        loop {
            let ps = {
                let mut tx = d.st.db.read().await?;
                pdb::of_clip(&mut tx, d.agency, *c).await?
            };
            let state = |s: &str| ps.iter().find(|p| p.state.as_str() == s);
            if let Some(p) = state("published") {
                urls.push(p.url.clone().unwrap_or_default());
                break;
            }
            if let Some(p) = state("failed") {
                anyhow::bail!("publishing clip {c} failed: {:?}", p.error_message);
            }
            anyhow::ensure!(Instant::now() < deadline, "clip {c} not published in time");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
    Ok(urls)
}

/// The outlet of [`POSTS`] clips, published by the real job runner: the
/// first alone (its job makes the light copy), then the others, whose
/// versions get the same light copy under their own key first.
async fn publish_outlet(
    st: &AppState,
    dir: &Path,
    clip: &Path,
    poster: &Path,
) -> anyhow::Result<(String, String)> {
    let d = desk(st).await?;
    let m = store(st, clip, poster).await?;
    let mut clips = Vec::new();
    for i in 0..POSTS {
        clips.push(approved(&d, &m, i).await?);
    }
    let opts = lantoa::jobs::WorkerOptions::from_config(&st.config);
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let kinds = lantoa::server::job_kinds();
    let runner = tokio::spawn(lantoa::jobs::run(st.clone(), kinds, opts, stop_rx));
    let r = async {
        let first = publish_all(&d, &clips[..1]).await?;
        let light = |v: VersionId| {
            let prefix = lantoa::storage::outputs_prefix(v.0);
            format!("{prefix}/outlet_{}.mp4", outlet::LIGHT_SHORT_SIDE)
        };
        let made = dir.join("light.mp4");
        st.store.download(&light(clips[0].1), &made).await?;
        for (_, v) in &clips[1..] {
            st.store.put_file_linked(&light(*v), &made).await?;
        }
        publish_all(&d, &clips[1..]).await?;
        anyhow::Ok(first)
    }
    .await;
    let _ = stop_tx.send(true);
    let _ = runner.await;
    let url = r?.pop().unwrap_or_default();
    let token = url.rsplit('/').next().unwrap_or_default().to_string();
    Ok((token, title(0)))
}

/// The run's folder and settings, the media and the outlet.
pub(super) async fn seed(o: &Options) -> anyhow::Result<Seeded> {
    let dir = std::env::temp_dir().join(format!(
        "lantoa-bench-public-{}",
        hex::encode(lantoa::crypto::random_bytes::<6>())
    ));
    std::fs::create_dir_all(dir.join("www"))?;
    let env: BTreeMap<String, String> = [
        ("LANTOA_DATA_DIR", dir.join("data").display().to_string()),
        ("LANTOA_LISTEN", "127.0.0.1:0".to_string()),
        ("LANTOA_LOG", "warn".to_string()),
        // One address sends all of the load: the budget out of its way.
        ("LANTOA_OUTLET_REQUESTS_PER_MINUTE", "10000000".to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    let r = async {
        println!(
            "generating a {} s 1080×1920 30 fps H.264/AAC clip …",
            o.clip_seconds
        );
        let (clip, poster) = make_media(&dir, o).await?;
        std::fs::hard_link(&clip, dir.join("www").join(&FILE[1..]))?;
        std::fs::write(dir.join("www").join(&READY[1..]), "ready\n")?;
        let st = prepare(Config::from_sources(None, &env)?)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        println!("publishing {POSTS} clips to the outlet through review and the publish job …");
        let published = publish_outlet(&st, &dir, &clip, &poster).await;
        st.db.close().await;
        let (token, title) = published?;
        let size = std::fs::metadata(&clip)?.len();
        anyhow::Ok(Seeded {
            dir: dir.clone(),
            env,
            clip,
            size,
            token,
            title,
        })
    }
    .await;
    if r.is_err() {
        let _ = std::fs::remove_dir_all(&dir);
    }
    r
}
