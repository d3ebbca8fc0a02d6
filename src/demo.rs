//! The demo network: a coordinating body, three agencies named like the real ones,
//! and a user in every role. Safe to run again: what exists is kept.

use crate::db::{orgs, users};
use crate::domain::{OrgId, Role};
use crate::error::Result;
use crate::service::{Actor, members, orgs as org_ops};
use crate::state::AppState;

/// Every demo account uses this password.
pub const DEMO_PASSWORD: &str = "lantoa-demo";

pub struct DemoLogin {
    pub username: String,
    pub role: String,
    pub org: String,
}

const AGENCIES: [(&str, &str, &str); 3] = [
    ("bao-tinh", "Báo Tỉnh", "baotinh"),
    (
        "dai-ptth-tinh",
        "Đài Phát thanh và Truyền hình Tỉnh",
        "daitinh",
    ),
    (
        "ttvhttt-binh-son",
        "Trung tâm Văn hóa – Thể thao – Truyền thông huyện Bình Sơn",
        "binhson",
    ),
];

const PEOPLE: [(&str, Role, &str); 6] = [
    ("phongvien", Role::Reporter, "Phóng viên"),
    ("bientap", Role::Editor, "Biên tập viên"),
    ("lanhdao", Role::Head, "Người đứng đầu"),
    ("pho", Role::Deputy, "Phó Tổng biên tập"),
    ("phantich", Role::Analyst, "Phụ trách kênh"),
    ("quantri", Role::AgencyAdmin, "Quản trị"),
];

async fn ensure_org(
    st: &AppState,
    kind: &str,
    parent: Option<OrgId>,
    slug: &str,
    name: &str,
) -> Result<OrgId> {
    let existing = {
        let mut tx = st.db.read().await?;
        orgs::by_slug(&mut tx, slug).await?
    };
    match existing {
        Some(o) => Ok(o.id),
        None => org_ops::create(st, &Actor::cli(), kind, parent, slug, name, None).await,
    }
}

async fn ensure_user(
    st: &AppState,
    username: &str,
    display: &str,
    sysadmin: bool,
    membership: Option<(OrgId, Vec<Role>)>,
) -> Result<()> {
    let exists = {
        let mut tx = st.db.read().await?;
        users::by_username(&mut tx, username).await?.is_some()
    };
    if !exists {
        members::create_account_cli(
            st,
            username,
            display,
            DEMO_PASSWORD,
            sysadmin,
            false,
            membership,
        )
        .await?;
    }
    Ok(())
}

/// Where the demo's sandbox platforms listen unless `LANTOA_SANDBOX_LISTEN` says.
const SANDBOX_LISTEN: &str = "127.0.0.1:9100";

/// Starts the mock platforms inside the demo (labelled as a sandbox
/// everywhere) and points every platform setting at them, unless the install
/// has a sandbox or a real platform app configured already.
pub async fn sandbox(config: &mut crate::config::Config) -> std::result::Result<(), String> {
    let p = &mut config.platforms;
    let real = [
        "youtube_client_id",
        "facebook_app_id",
        "tiktok_client_key",
        "zalo_app_id",
    ]
    .iter()
    .any(|k| !p.get(k).is_empty());
    if real || !p.get("sandbox_url").is_empty() {
        return Ok(());
    }
    let listen = std::env::var("LANTOA_SANDBOX_LISTEN").unwrap_or_else(|_| SANDBOX_LISTEN.into());
    let l = match tokio::net::TcpListener::bind(&listen).await {
        Ok(l) => l,
        // Taken (another demo?): any free port will do.
        Err(_) => tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(|e| format!("sandbox platforms: {e}"))?,
    };
    let url = format!("http://{}", l.local_addr().map_err(|e| e.to_string())?);
    let mocks = std::sync::Arc::new(crate::mockplatforms::Mocks::with_processing_ms(1500));
    tokio::spawn(async move {
        let _ = axum::serve(l, crate::mockplatforms::router(mocks)).await;
    });
    p.sandbox(&url);
    for (k, v) in [
        ("youtube_client_id", "sandbox-youtube"),
        ("youtube_client_secret", "sandbox-secret"),
        ("facebook_app_id", "sandbox-facebook"),
        ("facebook_app_secret", "sandbox-secret"),
        ("tiktok_client_key", "sandbox-tiktok"),
        ("tiktok_client_secret", "sandbox-secret"),
        ("zalo_app_id", "sandbox-zalo"),
        ("zalo_app_secret", "sandbox-secret"),
    ] {
        p.set(k, v);
    }
    println!("Sandbox platforms (mock servers, nothing is really posted): {url}/");
    Ok(())
}

/// Connects Báo Tỉnh's four channels through the sandbox's consent pages
/// (the real OAuth flow, answered by the mock), once.
async fn seed_channels(st: &AppState, agency: OrgId) -> Result<()> {
    let sandbox = st.config.platforms.get("sandbox_url").to_string();
    if sandbox.is_empty() || !crate::service::channels::list(st, agency).await?.is_empty() {
        return Ok(());
    }
    let admin = {
        let mut tx = st.db.read().await?;
        users::by_username(&mut tx, "baotinh.quantri").await?
    };
    let Some(admin) = admin else {
        return Ok(());
    };
    let actor = Actor {
        user_id: Some(admin.id),
        name: admin.display_name.clone(),
        client_addr: "demo".into(),
        is_system_admin: false,
    };
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| crate::error::Error::Internal(e.to_string()))?;
    for p in crate::platforms::Platform::ALL {
        let url = crate::service::channels::connect_start(st, &actor, agency, p).await?;
        let r = http
            .get(format!("{url}&auto=1"))
            .send()
            .await
            .map_err(|e| crate::error::Error::Internal(e.to_string()))?;
        let back = r
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        let q: std::collections::HashMap<String, String> = back
            .split_once('?')
            .map(|(_, q)| form_urlencoded::parse(q.as_bytes()).into_owned().collect())
            .unwrap_or_default();
        if let (Some(code), Some(state)) = (q.get("code"), q.get("state")) {
            crate::service::channels::connect_finish(st, &actor, state, code).await?;
        }
    }
    Ok(())
}

/// Creates what is missing of the demo network and lists the logins.
pub async fn seed(st: &AppState) -> Result<Vec<DemoLogin>> {
    let mut logins = Vec::new();
    ensure_user(st, "admin", "Quản trị hệ thống", true, None).await?;
    logins.push(DemoLogin {
        username: "admin".into(),
        role: "system admin".into(),
        org: "—".into(),
    });

    let body_name = "Ban Tuyên giáo và Dân vận Tỉnh ủy";
    let body = ensure_org(st, "body", None, "btg-tinh", body_name).await?;
    ensure_user(
        st,
        "btg.giamsat",
        "Chuyên viên theo dõi báo chí",
        false,
        Some((body, vec![Role::Overseer])),
    )
    .await?;
    logins.push(DemoLogin {
        username: "btg.giamsat".into(),
        role: "overseer".into(),
        org: body_name.into(),
    });

    for (slug, name, prefix) in AGENCIES {
        let agency = ensure_org(st, "agency", Some(body), slug, name).await?;
        for (suffix, role, label) in PEOPLE {
            let username = format!("{prefix}.{suffix}");
            ensure_user(
                st,
                &username,
                &format!("{label} {name}"),
                false,
                Some((agency, vec![role])),
            )
            .await?;
            logins.push(DemoLogin {
                username,
                role: role.code().into(),
                org: name.into(),
            });
        }
    }
    if let Err(e) = seed_clips(st).await {
        tracing::warn!(error = %e, "demo clips not created");
    }
    let bao_tinh = {
        let mut tx = st.db.read().await?;
        orgs::by_slug(&mut tx, AGENCIES[0].0).await?
    };
    if let Some(o) = bao_tinh
        && let Err(e) = seed_channels(st, o.id).await
    {
        tracing::warn!(error = %e, "demo channels not connected");
    }
    Ok(logins)
}

/// Demo clips of the provincial newspaper: (title, caption, category, submitted).
const CLIPS: [(&str, &str, &str, bool); 3] = [
    (
        "Thông điệp của Bí thư Tỉnh ủy nhân dịp năm mới",
        "Bí thư Tỉnh ủy gửi lời chúc mừng năm mới tới cán bộ, đảng viên và Nhân dân trong tỉnh.",
        "leadership_message",
        true,
    ),
    (
        "Người tốt việc tốt: đội xuồng cứu hộ xã Bình Minh",
        "Những người thầm lặng đưa bà con vùng lũ đến nơi an toàn.",
        "good_deeds",
        true,
    ),
    (
        "Chợ phiên cuối tuần ở vùng cao",
        "Sắc màu chợ phiên và những món đặc sản của đồng bào.",
        "current_affairs",
        false,
    ),
];

/// Makes a few short test-pattern clips for the newspaper's reporter (once):
/// they go through the real media check, two of them submitted for review.
async fn seed_clips(st: &AppState) -> Result<()> {
    let (agency, reporter) = {
        let mut tx = st.db.read().await?;
        let Some(agency) = orgs::by_slug(&mut tx, "bao-tinh").await? else {
            return Ok(());
        };
        let Some(reporter) = users::by_username(&mut tx, "baotinh.phongvien").await? else {
            return Ok(());
        };
        if !crate::db::clips::list(&mut tx, agency.id, 1)
            .await?
            .is_empty()
        {
            return Ok(());
        }
        (agency, reporter)
    };
    let dir = st.config.data_dir.join("demo-media");
    tokio::fs::create_dir_all(&dir)
        .await
        .map_err(|e| crate::error::Error::Internal(e.to_string()))?;
    let p = crate::service::accounts::principal_of(st, reporter.id)
        .await?
        .ok_or(crate::error::Error::NotFound)?;
    let actor = p.actor("demo");
    for (i, (title, caption, category, submit)) in CLIPS.iter().enumerate() {
        let file = dir.join(format!("demo-{i}.mp4"));
        let status = tokio::process::Command::new("ffmpeg")
            .args(["-hide_banner", "-loglevel", "error", "-nostdin", "-y"])
            .args([
                "-f",
                "lavfi",
                "-i",
                "testsrc2=size=540x960:rate=25:duration=12",
            ])
            .args(["-f", "lavfi", "-i"])
            .arg(format!(
                "sine=frequency={}:sample_rate=48000:duration=12",
                330 + 110 * i
            ))
            .args([
                "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p",
            ])
            .args(["-c:a", "aac", "-shortest", "-movflags", "+faststart"])
            .arg(&file)
            .status()
            .await
            .map_err(|e| crate::error::Error::Internal(format!("ffmpeg: {e}")))?;
        if !status.success() {
            return Err(crate::error::Error::Internal("ffmpeg failed".into()));
        }
        let bytes = tokio::fs::read(&file)
            .await
            .map_err(|e| crate::error::Error::Internal(e.to_string()))?;
        let sha = {
            use sha2::Digest;
            hex::encode(sha2::Sha256::digest(&bytes))
        };
        let key = crate::storage::original_key(&sha);
        st.store
            .put_file(&key, &file)
            .await
            .map_err(|e| crate::error::Error::Internal(e.to_string()))?;
        let now = st.now();
        let mut tx = st.db.write().await?;
        let political = crate::domain::Category::parse(category)
            .map(crate::domain::Category::is_political)
            .unwrap_or(false);
        let clip = crate::db::clips::insert(
            &mut tx,
            crate::db::clips::NewClip {
                agency_id: agency.id,
                author_id: reporter.id,
                title,
                caption,
                category,
                political,
                now,
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
                original_name: &format!("demo-{i}.mp4"),
                uploaded_by: reporter.id,
                now,
            },
        )
        .await?;
        crate::db::clips::set_current_version(&mut tx, clip, version, now).await?;
        // Demo clips go to all four platforms (the sandbox's channels).
        crate::db::clips::set_targets(&mut tx, clip, r#"["facebook","tiktok","youtube","zalo"]"#)
            .await?;
        crate::service::review::lint_new_clip(&mut tx, clip).await?;
        crate::jobs::enqueue(
            &mut tx,
            crate::service::uploads::INGEST_JOB,
            &serde_json::json!({"version_id": version.0}),
            &crate::jobs::Enqueue {
                priority: 10,
                unique_key: Some(format!("ingest:{}", version.0)),
                agency: Some(agency.id),
                max_attempts: 3,
                ..Default::default()
            },
            now,
        )
        .await?;
        crate::service::audit(
            &mut tx,
            &actor,
            Some(agency.id),
            "clip.create",
            "clip",
            clip,
            serde_json::json!({"after": {"title": title, "category": category, "demo": true}}),
            now,
        )
        .await?;
        tx.commit().await?;
        let _ = tokio::fs::remove_file(&file).await;
        if *submit {
            crate::service::review::act(
                st,
                &actor,
                &p,
                &agency,
                clip,
                crate::domain::ClipAction::Submit,
                Default::default(),
            )
            .await?;
        }
    }
    Ok(())
}
