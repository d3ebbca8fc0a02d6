//! The demo network: a coordinating body, three agencies named like the real ones,
//! and a user in every role. Safe to run again: what exists is kept.

use crate::db::{orgs, users};
use crate::domain::{OrgId, Role};
use crate::error::Result;
use crate::platforms::Platform;
use crate::service::{Actor, Caller, members, orgs as org_ops};
use crate::state::AppState;

/// Every demo account uses this password.
pub const DEMO_PASSWORD: &str = "lantoa-demo";

pub struct DemoLogin {
    pub username: String,
    pub role: String,
    pub org: String,
}

mod directive;
mod media;
mod outlet;

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
    let real = Platform::ALL
        .into_iter()
        .any(|k| !p.credentials(k).0.is_empty());
    if real || p.sandbox_url.is_some() {
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
    let mocks = std::sync::Arc::new(crate::sandbox::Mocks::with_processing_ms(1500));
    tokio::spawn(async move {
        let _ = axum::serve(l, crate::sandbox::router(mocks)).await;
    });
    p.point_at_sandbox(&url)
        .map_err(|e| format!("sandbox platforms at {url}: {e}"))?;
    for k in Platform::ALL {
        let (id, secret) = p.credentials_mut(k);
        *id = format!("sandbox-{}", k.as_str());
        *secret = "sandbox-secret".into();
    }
    println!("Sandbox platforms (mock servers, nothing is really posted): {url}/");
    Ok(())
}

/// Connects an agency's four channels through the sandbox's consent pages
/// (the real OAuth flow, answered by the mock), as its admin (`prefix.quantri`),
/// once.
async fn seed_channels(st: &AppState, agency: OrgId, prefix: &str) -> Result<()> {
    if st.config.platforms.sandbox_url.is_none()
        || !crate::service::channels::list(st, agency).await?.is_empty()
    {
        return Ok(());
    }
    let admin = {
        let mut tx = st.db.read().await?;
        users::by_username(&mut tx, &format!("{prefix}.quantri")).await?
    };
    let Some(admin) = admin else {
        return Ok(());
    };
    let Some(caller) = Caller::for_user(st, admin.id, agency, "demo").await? else {
        return Ok(());
    };
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| crate::error::Error::Internal(e.to_string()))?;
    for p in crate::platforms::Platform::ALL {
        let url = crate::service::channels::connect_start(&caller, p).await?;
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
            crate::service::channels::connect_finish(st, &caller.actor, state, code).await?;
        }
    }
    // The sandbox's accounts carry the newspaper's name; another agency's
    // connection of them is named after that agency.
    if prefix != AGENCIES[0].2 {
        let name = AGENCIES
            .iter()
            .find(|a| a.2 == prefix)
            .and_then(|a| a.1.rsplit(" huyện ").next())
            .unwrap_or(prefix);
        let mut tx = st.db.write().await?;
        for ch in crate::db::publishing::channels(&mut tx, agency).await? {
            let label = crate::domain::outlet::label(&ch.platform);
            let shown = format!("{name} {label} — Sandbox");
            crate::db::publishing::rename_channel(&mut tx, ch.id, &shown).await?;
        }
        tx.commit().await?;
    }
    // TikTok has no default visibility: the demo's admin chooses "everyone"
    // for the sandbox channel, as an agency's admin would on the channels page.
    for ch in crate::service::channels::list(st, agency).await? {
        if ch.platform == crate::platforms::Platform::TikTok.as_str() && ch.visibility.is_none() {
            crate::service::channels::set_visibility(&caller, ch.id, "PUBLIC_TO_EVERYONE").await?;
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
    // Channels first: a clip is submitted with somewhere to go.
    // The newspaper's channels and the district centre's (which takes
    // shared clips) are the sandbox's; the station's are demo rows.
    for (slug, _, prefix) in [AGENCIES[0], AGENCIES[2]] {
        let org = {
            let mut tx = st.db.read().await?;
            orgs::by_slug(&mut tx, slug).await?
        };
        if let Some(o) = org
            && let Err(e) = seed_channels(st, o.id, prefix).await
        {
            tracing::warn!(error = %e, "demo channels not connected");
        }
    }
    // The newspaper's own outlet is on before its clips are made (they
    // target it too); its demo posts come after the history.
    if let Err(e) = outlet::turn_on(st).await {
        tracing::warn!(error = %e, "demo outlet not turned on");
    }
    if let Err(e) = seed_clips(st).await {
        tracing::warn!(error = %e, "demo clips not created");
    }
    if let Err(e) = seed_history(st).await {
        tracing::warn!(error = %e, "demo insights history not created");
    }
    if let Err(e) = outlet::seed_posts(st).await {
        tracing::warn!(error = %e, "demo outlet posts not created");
    }
    if let Err(e) = directive::seed_directive(st, body).await {
        tracing::warn!(error = %e, "demo campaign and incident not created");
    }
    if let Err(e) = directive::seed_sharing(st, body).await {
        tracing::warn!(error = %e, "demo shared clip not created");
    }
    Ok(logins)
}

/// Demo clips of the provincial newspaper: (title, caption, category, submitted).
pub(crate) const CLIPS: [(&str, &str, &str, bool); 3] = [
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
    let caller = crate::service::Caller::for_user(st, reporter.id, agency.id, "demo")
        .await?
        .ok_or(crate::error::Error::NotFound)?;
    let actor = caller.actor.clone();
    for (i, (title, caption, category, submit)) in CLIPS.iter().enumerate() {
        let file = dir.join(format!("demo-{i}.mp4"));
        media::test_pattern(&file, 330 + 110 * i as u32).await?;
        let demo = DemoClip {
            agency: &agency,
            author: reporter.id,
            actor: &actor,
            title,
            caption,
            category,
            name: format!("demo-{i}.mp4"),
        };
        let clip = store_demo_clip(st, &demo, &file).await?;
        let _ = tokio::fs::remove_file(&file).await;
        if i + 1 == CLIPS.len() {
            media::subtitles(&caller, clip).await?;
        }
        if *submit
            && let Err(e) = crate::service::review::act(
                &caller,
                clip,
                crate::domain::ClipAction::Submit,
                Default::default(),
            )
            .await
        {
            // Without channels (no sandbox) the clip stays a draft.
            tracing::warn!(error = %e, clip = %clip, "demo clip not submitted");
        }
    }
    Ok(())
}

/// A demo clip to create.
struct DemoClip<'a> {
    agency: &'a crate::db::orgs::Org,
    author: crate::domain::UserId,
    actor: &'a crate::service::Actor,
    title: &'a str,
    caption: &'a str,
    category: &'a str,
    name: String,
}

/// Stores the file as a clip's first version, queues its check and audits
/// the creation, as an upload would.
async fn store_demo_clip(
    st: &AppState,
    d: &DemoClip<'_>,
    file: &std::path::Path,
) -> Result<crate::domain::ClipId> {
    let bytes = tokio::fs::read(file)
        .await
        .map_err(|e| crate::error::Error::Internal(e.to_string()))?;
    let sha = {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(&bytes))
    };
    let key = crate::storage::original_key(&sha);
    st.store
        .put_file(&key, file)
        .await
        .map_err(|e| crate::error::Error::Internal(e.to_string()))?;
    let now = st.now();
    let mut tx = st.db.write().await?;
    let political = crate::domain::Category::parse(d.category)
        .map(crate::domain::Category::is_political)
        .unwrap_or(false);
    let clip = crate::db::clips::insert(
        &mut tx,
        crate::db::clips::NewClip {
            agency_id: d.agency.id,
            author_id: d.author,
            title: d.title,
            caption: d.caption,
            category: d.category,
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
            original_name: &d.name,
            uploaded_by: d.author,
            now,
        },
    )
    .await?;
    crate::db::clips::set_current_version(&mut tx, clip, version, now).await?;
    // Demo clips go to all four platforms (the sandbox's channels) and the
    // newspaper's own outlet.
    let every: Vec<&str> = crate::domain::outlet::target_codes().collect();
    let every = serde_json::to_string(&every).unwrap_or_default();
    crate::db::clips::set_targets(&mut tx, clip, &every).await?;
    crate::service::review::prepare_new_clip(&mut tx, clip, now).await?;
    crate::ingest::queue(&mut tx, version, d.agency.id, now).await?;
    crate::service::audit(
        &mut tx,
        d.actor,
        Some(d.agency.id),
        "clip.create",
        "clip",
        clip,
        serde_json::json!({"after": {"title": d.title, "category": d.category, "demo": true}}),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(clip)
}

/// Demo history: published clips of the last four months on every demo
/// agency's channels, with the figures the sandbox platforms would have
/// reported along the way (sandbox data, labelled as demo data wherever it
/// is shown). Written once, through the same rollups as real snapshots.
pub async fn seed_history(st: &AppState) -> Result<()> {
    use crate::db::insights as idb;
    const HOURS: [i64; 12] = [6, 7, 7, 8, 11, 12, 12, 15, 19, 20, 20, 21];
    const TOPICS: [&str; 5] = [
        "current_affairs",
        "good_deeds",
        "official_event",
        "leadership_message",
        "other",
    ];
    const TITLES: [&str; 8] = [
        "Bản tin sáng",
        "Toàn cảnh nông thôn mới",
        "Gương sáng khu phố",
        "Hội nghị Ban Chấp hành",
        "Lễ hội truyền thống",
        "Phòng chống thiên tai",
        "Chuyển đổi số ở xã",
        "Thông điệp đầu tuần",
    ];
    let now = st.now();
    let mut rng = now as u64 | 1;
    let mut next = move |n: u64| {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng % n
    };
    for (i, (slug, _, prefix)) in AGENCIES.iter().enumerate() {
        let (agency, author, tz) = {
            let mut tx = st.db.read().await?;
            let Some(a) = orgs::by_slug(&mut tx, slug).await? else {
                continue;
            };
            let Some(u) = users::by_username(&mut tx, &format!("{prefix}.phongvien")).await? else {
                continue;
            };
            if !idb::posts_published(&mut tx, &[a.id], 0, i64::MAX)
                .await?
                .is_empty()
            {
                continue;
            }
            let tz = jiff::tz::TimeZone::get(&a.time_zone).unwrap_or(jiff::tz::TimeZone::UTC);
            (a, u, tz)
        };
        // The newspaper's and the district centre's channels are the sandbox
        // ones connected above; the station gets two demo channels.
        let mut chans: Vec<(crate::domain::ChannelId, String)> = {
            let mut tx = st.db.read().await?;
            crate::db::publishing::channels(&mut tx, agency.id)
                .await?
                .into_iter()
                // The outlet's figures are only ever its own, never synthetic.
                .filter(|c| c.platform != crate::domain::outlet::OUTLET)
                .map(|c| (c.id, c.platform))
                .collect()
        };
        if chans.is_empty() {
            chans = demo_channels(st, &agency, author.id, slug, now).await?;
        }
        let clips = 45 - 10 * i as u64;
        for n in 0..clips {
            let day_ago = 1 + next(120) as i64;
            let hour = HOURS[next(HOURS.len() as u64) as usize];
            let local_midnight = {
                let d = crate::insights::report::day_of(
                    jiff::Timestamp::from_millisecond(now - day_ago * 86_400_000)
                        .unwrap_or(jiff::Timestamp::UNIX_EPOCH)
                        .to_zoned_datetime(tz.clone())
                        .date(),
                );
                crate::insights::report::day_start(&tz, d)
            };
            let published_at = local_midnight + hour * 3_600_000 + next(3_600_000) as i64;
            let duration = [12.0, 25.0, 45.0, 70.0, 110.0, 200.0][next(6) as usize];
            let category = TOPICS[next(TOPICS.len() as u64) as usize];
            let title = format!("{} #{}", TITLES[next(TITLES.len() as u64) as usize], n + 1);
            let uploaded_at = published_at - (2 + next(30) as i64) * 3_600_000;
            let submitted_at = uploaded_at + (10 + next(120) as i64) * 60_000;
            let approved_at = submitted_at + (15 + next(300) as i64) * 60_000;
            let h = HistoryClip {
                title: &title,
                category,
                duration,
                uploaded_at,
                submitted_at,
                approved_at,
                published_at,
            };
            write_history_clip(st, &agency, author.id, &tz, &chans, &h, now).await?;
        }
    }
    Ok(())
}

/// Two demo channels for an agency without sandbox channels of its own.
async fn demo_channels(
    st: &AppState,
    agency: &crate::db::orgs::Org,
    author: crate::domain::UserId,
    slug: &str,
    now: i64,
) -> Result<Vec<(crate::domain::ChannelId, String)>> {
    let mut chans = Vec::new();
    for platform in ["facebook", "youtube"] {
        let ext = format!("demo-{slug}-{platform}");
        let sealed = crate::service::channels::seal(
            st,
            agency.id,
            platform,
            &ext,
            &crate::service::channels::StoredTokens::default(),
        );
        let mut tx = st.db.write().await?;
        let (id, _) = crate::db::publishing::upsert_channel(
            &mut tx,
            crate::db::publishing::NewChannel {
                agency: agency.id,
                platform,
                external_id: &ext,
                name: &format!("{} (minh hoạ)", agency.name),
                tokens: &sealed,
                token_expires_at: None,
                by: author,
                // Demo data: never a real platform's channel.
                endpoint: crate::platforms::Endpoint::Sandbox,
            },
            now,
        )
        .await?;
        tx.commit().await?;
        chans.push((id, platform.to_string()));
    }
    Ok(chans)
}

/// One clip of the demo history: published at a time, timings on the way.
struct HistoryClip<'a> {
    title: &'a str,
    category: &'a str,
    duration: f64,
    uploaded_at: i64,
    submitted_at: i64,
    approved_at: i64,
    published_at: i64,
}

/// Writes a published history clip with its posts on every channel and the
/// figures the collector would have fetched up to now.
async fn write_history_clip(
    st: &AppState,
    agency: &crate::db::orgs::Org,
    author: crate::domain::UserId,
    tz: &jiff::tz::TimeZone,
    chans: &[(crate::domain::ChannelId, String)],
    h: &HistoryClip<'_>,
    now: i64,
) -> Result<()> {
    use crate::db::insights as idb;
    use crate::insights::rollup::{self, Zones};
    let mut tx = st.db.write().await?;
    let clip = crate::db::clips::insert(
        &mut tx,
        crate::db::clips::NewClip {
            agency_id: agency.id,
            author_id: author,
            title: h.title,
            caption: "Dữ liệu minh hoạ.",
            category: h.category,
            political: matches!(h.category, "official_event" | "leadership_message"),
            now: h.uploaded_at,
        },
    )
    .await?;
    let sha = format!("{:064x}", clip.0);
    let (version, _) = crate::db::clips::insert_version(
        &mut tx,
        crate::db::clips::NewVersion {
            clip_id: clip,
            sha256: &sha,
            size_bytes: 0,
            original_key: "demo/none",
            original_name: "demo.mp4",
            uploaded_by: author,
            now: h.uploaded_at,
        },
    )
    .await?;
    let probe = serde_json::json!({"duration_s": h.duration}).to_string();
    crate::db::clips::set_checked(
        &mut tx,
        version,
        crate::db::clips::Checked {
            probe: Some(&probe),
            ..crate::db::clips::Checked::status("ready")
        },
        h.uploaded_at,
    )
    .await?;
    crate::db::clips::set_current_version(&mut tx, clip, version, h.uploaded_at).await?;
    crate::db::clips::set_state(&mut tx, clip, "draft", "published", h.uploaded_at).await?;
    idb::add_clip_timing(
        &mut tx,
        &idb::ClipTiming {
            clip_id: clip,
            agency_id: agency.id,
            author_id: author,
            category: h.category.into(),
            duration_s: Some(h.duration),
            uploaded_at: h.uploaded_at,
            submitted_at: Some(h.submitted_at),
            approved_at: Some(h.approved_at),
            published_at: h.published_at,
        },
    )
    .await?;
    let mut snaps = Vec::new();
    let (dow, hr) = rollup::local_dow_hour(tz, h.published_at);
    for (ch, platform) in chans {
        let pid = crate::db::publishing::insert(
            &mut tx,
            crate::db::publishing::NewPublication {
                agency: agency.id,
                clip,
                channel: *ch,
                round: 1,
                version,
                digest: "demo",
                state: "queued",
                run_at: h.published_at,
                replaces: None,
                by: author,
                privacy: None,
            },
            h.published_at,
        )
        .await?;
        let ext = format!("demo-{}-{}", clip.0, ch.0);
        let public = crate::platforms::connector::Visibility::public("public");
        crate::db::publishing::set_published(&mut tx, pid, &ext, "", None, &public, h.published_at)
            .await?;
        let post = idb::Post {
            publication_id: pid,
            agency_id: agency.id,
            channel_id: *ch,
            clip_id: clip,
            platform: platform.clone(),
            author_id: author,
            category: h.category.into(),
            duration_s: Some(h.duration),
            published_at: h.published_at,
            local_dow: dow,
            local_hour: hr,
            taken_at: None,
            latest: [None; 8],
            views_48h: None,
        };
        idb::add_post(&mut tx, &post, rollup::local_day(tz, h.published_at), 0).await?;
        snaps.extend(history_snapshots(pid, &ext, platform, h, hr, now));
        idb::set_next(&mut tx, &[(pid, None)]).await?;
    }
    rollup::ingest(&mut tx, &mut Zones::default(), snaps).await?;
    tx.commit().await?;
    Ok(())
}

/// The snapshots the collector would have taken of a history post, on its
/// schedule, up to now.
fn history_snapshots(
    pid: crate::domain::PublicationId,
    ext: &str,
    platform: &str,
    h: &HistoryClip<'_>,
    hour: i64,
    now: i64,
) -> Vec<crate::db::insights::Snapshot> {
    let mut snaps = Vec::new();
    let mut t = h.published_at + 3_600_000;
    while t < now {
        let age = t - h.published_at;
        snaps.push(crate::db::insights::Snapshot {
            publication_id: pid,
            taken_at: t,
            c: demo_counters(ext, platform, age / 1000, h.duration, hour),
        });
        t = match crate::insights::collect::next_fetch(h.published_at, t) {
            Some(n) => n,
            None => break,
        };
    }
    snaps
}

/// What the sandbox platform reports for a post `age_s` seconds in, mapped
/// as the connectors map it (figures a platform lacks stay absent).
fn demo_counters(
    ext: &str,
    platform: &str,
    age_s: i64,
    duration_s: f64,
    hour: i64,
) -> crate::db::insights::Counters {
    let s = crate::sandbox::synthetic_for(ext, age_s.max(0) as u64, duration_s, hour as u32);
    let n = |v: u64| Some(v as f64);
    let all = [
        n(s.views),
        n(s.reach),
        Some(s.avg_watch_ms as f64 * s.views as f64 / 1000.0),
        Some(s.avg_watch_ms as f64 / 1000.0),
        n(s.likes),
        n(s.comments),
        n(s.shares),
        n(s.follows),
    ];
    // Which figures each platform gives (docs/metrics.md).
    let given: [bool; 8] = match platform {
        "facebook" => [true; 8],
        "youtube" => [true, false, true, true, true, true, true, true],
        "tiktok" => [true, false, false, false, true, true, true, false],
        _ => [true, false, false, false, false, false, true, false],
    };
    std::array::from_fn(|i| all[i].filter(|_| given[i]))
}
