//! The demo newspaper's own outlet (*Trang riêng*): turned on by its admin,
//! with four short test-pattern clips already out on it, so that its public
//! feed, clip pages, embeds and feeds can be seen at once. Like the demo
//! history, the clips are written as published (demo data, never a real
//! approval); clips published from the desk join them through the real path.

use std::path::Path;

use crate::db::outlet::{self as odb, Post};
use crate::db::{orgs, users};
use crate::domain::outlet::Settings;
use crate::error::{Error, Result};
use crate::platforms::connector::Visibility;
use crate::state::AppState;

/// The demo outlet's clips: (title, caption, category, hue of the pattern).
const CLIPS: [(&str, &str, &str, u32); 4] = [
    (
        "Mùa lúa chín trên cánh đồng mẫu lớn",
        "Nông dân xã Tân Phú thu hoạch vụ lúa đông xuân, năng suất đạt 7 tấn mỗi héc-ta.",
        "current_affairs",
        0,
    ),
    (
        "Thanh niên tình nguyện sửa nhà cho hộ nghèo",
        "Đoàn viên huyện Bình Sơn góp ngày công sửa lại mái nhà trước mùa mưa bão.",
        "good_deeds",
        90,
    ),
    (
        "Khai mạc Hội báo Xuân của tỉnh",
        "Hơn 200 ấn phẩm báo Xuân được trưng bày tại Bảo tàng tỉnh đến hết tháng Giêng.",
        "official_event",
        180,
    ),
    (
        "Hướng dẫn nộp hồ sơ dịch vụ công trực tuyến",
        "Ba bước đăng ký khai sinh trên Cổng dịch vụ công, làm ngay tại nhà.",
        "other",
        270,
    ),
];

fn internal(e: impl std::fmt::Display) -> Error {
    Error::Internal(e.to_string())
}

/// Turns the newspaper's outlet on (once), before its demo clips are made,
/// so that they may target it.
pub(super) async fn turn_on(st: &AppState) -> Result<()> {
    let (agency, admin) = {
        let mut tx = st.db.read().await?;
        let Some(a) = orgs::by_slug(&mut tx, "bao-tinh").await? else {
            return Ok(());
        };
        if odb::settings(&mut tx, a.id).await?.enabled {
            return Ok(());
        }
        let Some(admin) = users::by_username(&mut tx, "baotinh.quantri").await? else {
            return Ok(());
        };
        (a, admin)
    };
    let caller = crate::service::Caller::for_user(st, admin.id, agency.id, "demo")
        .await?
        .ok_or(Error::NotFound)?;
    crate::service::outlet::save_settings(
        &caller,
        Settings {
            enabled: true,
            ..Settings::default()
        },
    )
    .await
}

/// Puts the demo clips on the newspaper's outlet (once).
pub(super) async fn seed_posts(st: &AppState) -> Result<()> {
    let (agency, author) = {
        let mut tx = st.db.read().await?;
        let Some(a) = orgs::by_slug(&mut tx, "bao-tinh").await? else {
            return Ok(());
        };
        let shown = odb::posts(
            &mut tx,
            &[a.id],
            &odb::Filter {
                limit: 1,
                ..Default::default()
            },
        )
        .await?;
        let Some(author) = users::by_username(&mut tx, "baotinh.phongvien").await? else {
            return Ok(());
        };
        if !shown.is_empty() || !odb::settings(&mut tx, a.id).await?.enabled {
            return Ok(());
        }
        (a, author)
    };
    let dir = st.config.data_dir.join("demo-media");
    tokio::fs::create_dir_all(&dir).await.map_err(internal)?;
    let now = st.now();
    for (i, clip) in CLIPS.iter().enumerate() {
        let file = dir.join(format!("outlet-{i}.mp4"));
        let poster = dir.join(format!("outlet-{i}.jpg"));
        make_clip(&file, &poster, clip.3, 440 + 110 * i as u32).await?;
        let at = now - (i as i64 + 1) * 26 * 3_600_000;
        put_on_outlet(st, &agency, author.id, clip, (&file, &poster), at).await?;
        let _ = tokio::fs::remove_file(&file).await;
        let _ = tokio::fs::remove_file(&poster).await;
    }
    Ok(())
}

/// A 12-second 540×960 test pattern in a hue, with a tone, and its poster.
async fn make_clip(file: &Path, poster: &Path, hue: u32, tone_hz: u32) -> Result<()> {
    let run = |args: Vec<String>| async move {
        let status = tokio::process::Command::new("ffmpeg")
            .args(["-hide_banner", "-loglevel", "error", "-nostdin", "-y"])
            .args(&args)
            .status()
            .await
            .map_err(internal)?;
        if status.success() {
            Ok(())
        } else {
            Err(internal("ffmpeg failed"))
        }
    };
    let video = format!("testsrc2=size=540x960:rate=25:duration=12,hue=h={hue}");
    let audio = format!("sine=frequency={tone_hz}:sample_rate=48000:duration=12");
    let out = file.display().to_string();
    run([
        "-f",
        "lavfi",
        "-i",
        &video,
        "-f",
        "lavfi",
        "-i",
        &audio,
        "-c:v",
        "libx264",
        "-preset",
        "veryfast",
        "-pix_fmt",
        "yuv420p",
        "-c:a",
        "aac",
        "-shortest",
        "-movflags",
        "+faststart",
        &out,
    ]
    .iter()
    .map(|s| s.to_string())
    .collect())
    .await?;
    run([
        "-ss",
        "2",
        "-i",
        &out,
        "-frames:v",
        "1",
        "-q:v",
        "4",
        &poster.display().to_string(),
    ]
    .iter()
    .map(|s| s.to_string())
    .collect())
    .await
}

/// Stores one demo clip and writes it as published on the outlet.
async fn put_on_outlet(
    st: &AppState,
    agency: &orgs::Org,
    author: crate::domain::UserId,
    (title, caption, category, _): &(&str, &str, &str, u32),
    (file, poster): (&Path, &Path),
    at: i64,
) -> Result<()> {
    let bytes = tokio::fs::read(file).await.map_err(internal)?;
    let sha = crate::crypto::sha256_hex(&bytes);
    let key = crate::storage::original_key(&sha);
    st.store.put_file(&key, file).await.map_err(internal)?;
    let mut tx = st.db.write().await?;
    let channel = crate::db::publishing::channels(&mut tx, agency.id)
        .await?
        .into_iter()
        .find(|c| c.platform == crate::domain::outlet::OUTLET)
        .ok_or(Error::NotFound)?;
    let clip = crate::db::clips::insert(
        &mut tx,
        crate::db::clips::NewClip {
            agency_id: agency.id,
            author_id: author,
            title,
            caption,
            category,
            political: matches!(*category, "official_event" | "leadership_message"),
            now: at,
        },
    )
    .await?;
    let (version, _) = crate::db::clips::insert_version(
        &mut tx,
        crate::db::clips::NewVersion {
            clip_id: clip,
            sha256: &sha,
            size_bytes: bytes.len() as i64,
            original_key: &key,
            original_name: "trang-rieng.mp4",
            uploaded_by: author,
            now: at,
        },
    )
    .await?;
    let poster_key = checked(st, &mut tx, version, &key, poster, at).await?;
    crate::db::clips::set_current_version(&mut tx, clip, version, at).await?;
    crate::db::clips::set_state(&mut tx, clip, "draft", "published", at).await?;
    let pid = crate::db::publishing::insert(
        &mut tx,
        crate::db::publishing::NewPublication {
            agency: agency.id,
            clip,
            channel: channel.id,
            round: 1,
            version,
            digest: "demo",
            state: "queued",
            run_at: at,
            replaces: None,
            by: author,
            privacy: None,
        },
        at,
    )
    .await?;
    let token = crate::service::outlet::token_of(st, clip);
    let settings = odb::settings(&mut tx, agency.id).await?;
    let url = format!(
        "{}/{token}",
        crate::service::outlet::base(st, &agency.slug, &settings)
    );
    odb::put_post(
        &mut tx,
        &Post {
            publication_id: pid,
            agency_id: agency.id,
            token: token.clone(),
            title: title.to_string(),
            caption: caption.to_string(),
            category: category.to_string(),
            campaign_id: None,
            author: String::new(),
            duration_ms: Some(12_000),
            width: Some(540),
            height: Some(960),
            video_key: key.clone(),
            video_bytes: bytes.len() as i64,
            light_key: None,
            light_bytes: None,
            poster_key: Some(poster_key),
            published_at: at,
            captions: "[]".into(),
        },
    )
    .await?;
    let public = Visibility::public("public");
    crate::db::publishing::set_published(&mut tx, pid, &token, &url, None, &public, at).await?;
    // In the rollups like any post: its figures are the outlet's own.
    let (pb, c, v) = (
        crate::db::publishing::publication(&mut tx, pid)
            .await?
            .ok_or(Error::NotFound)?,
        crate::db::clips::get_any(&mut tx, clip)
            .await?
            .ok_or(Error::NotFound)?,
        crate::db::clips::version_of(&mut tx, agency.id, clip, version)
            .await?
            .ok_or(Error::NotFound)?,
    );
    let facts = crate::insights::collect::facts(&mut tx, &c, &channel.platform, &v).await?;
    crate::insights::collect::on_published(&mut tx, &pb, &c, &facts, at).await?;
    tx.commit().await?;
    Ok(())
}

/// Records a demo version as checked: its probe, the original as what plays,
/// and its poster (stored under the version's outputs).
async fn checked(
    st: &AppState,
    tx: &mut crate::db::Tx,
    version: crate::domain::VersionId,
    key: &str,
    poster: &Path,
    at: i64,
) -> Result<String> {
    let poster_key = format!(
        "{}/poster_01.jpg",
        crate::storage::outputs_prefix(version.0)
    );
    st.store
        .put_file(&poster_key, poster)
        .await
        .map_err(internal)?;
    let probe = serde_json::json!({"duration_s": 12.0, "container": "mp4",
        "video": {"display_width": 540, "display_height": 960}})
    .to_string();
    let outputs = serde_json::json!({"posters": [poster_key], "playback": key}).to_string();
    crate::db::clips::set_checked(
        tx,
        version,
        crate::db::clips::Checked {
            probe: Some(&probe),
            outputs: Some(&outputs),
            ..crate::db::clips::Checked::status("ready")
        },
        at,
    )
    .await?;
    Ok(poster_key)
}
