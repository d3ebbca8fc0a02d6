//! Publishing against the mock platforms over real HTTP, with the worker of
//! the test server running the jobs: all four platforms at once with the mock
//! proving the exact bytes, refusals when the bytes changed after approval,
//! schedules on an injected clock (also after a restart that missed the time),
//! the job's handling of every fault, takedown everywhere and corrections.

use std::sync::Arc;
use std::time::Duration;

use crate::helpers::{Network, TestApp, caller_of, header, lavfi, send_expect, spawn_app_with};
use crate::review::{
    act, act_to, add_version_with, agency, clip, save, tick_all, tick_and_approve, who,
};
use lantoa::clock::Clock;
use lantoa::db::publishing::{self as pdb, NewChannel, Publication};
use lantoa::domain::workflow::{ClipAction, ClipAction as Do, ClipState as Is};
use lantoa::domain::{ChannelId, ClipId, OrgId, UserId};
use lantoa::service::channels::{self, StoredTokens};
use lantoa::service::publish;
use lantoa_sandbox::{Fault, Mocks, Record, router};

pub(crate) struct Env {
    pub app: TestApp,
    pub mock: Arc<Mocks>,
    pub n: Network,
    pub channels: Vec<(String, ChannelId)>,
}

pub(crate) async fn mock() -> (String, Arc<Mocks>) {
    let m = Arc::new(Mocks::default());
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", l.local_addr().unwrap());
    let app = router(m.clone());
    tokio::spawn(async move { axum::serve(l, app).await });
    (base, m)
}

/// Settings pointing every platform at the mock, polling fast.
pub(crate) fn sandbox(url: &str) -> Vec<(&'static str, String)> {
    vec![
        ("LANTOA_SANDBOX_URL", url.to_string()),
        ("LANTOA_PUBLISH_POLL_MS", "20".into()),
        ("LANTOA_YOUTUBE_CLIENT_ID", "sandbox-youtube".into()),
        ("LANTOA_YOUTUBE_CLIENT_SECRET", "sandbox-secret".into()),
        ("LANTOA_FACEBOOK_APP_ID", "sandbox-facebook".into()),
        ("LANTOA_FACEBOOK_APP_SECRET", "sandbox-secret".into()),
        ("LANTOA_TIKTOK_CLIENT_KEY", "sandbox-tiktok".into()),
        ("LANTOA_TIKTOK_CLIENT_SECRET", "sandbox-secret".into()),
        ("LANTOA_ZALO_APP_ID", "sandbox-zalo".into()),
        ("LANTOA_ZALO_APP_SECRET", "sandbox-secret".into()),
        ("LANTOA_YOUTUBE_UPLOADS_PER_DAY", "1000".into()),
    ]
}

/// A channel with a token the mock accepts, sealed as the connect flow does.
pub(crate) async fn add_channel(
    app: &TestApp,
    ag: OrgId,
    by: UserId,
    platform: &str,
    ext: &str,
    token: &str,
) -> ChannelId {
    let t = StoredTokens {
        access_token: token.into(),
        ..StoredTokens::default()
    };
    let sealed = channels::seal(&app.st, ag, platform, ext, &t);
    let mut tx = app.st.db.write().await.unwrap();
    let (id, _) = pdb::upsert_channel(
        &mut tx,
        NewChannel {
            agency: ag,
            platform,
            external_id: ext,
            name: &format!("Báo A {platform}"),
            tokens: &sealed,
            token_expires_at: None,
            by,
            // Bound to where the app's settings point the platform, as
            // connecting binds it.
            endpoint: app
                .st
                .config
                .platforms
                .endpoint(lantoa::platforms::Platform::parse(platform).unwrap()),
        },
        app.clock.now_ms(),
    )
    .await
    .unwrap();
    if platform == "tiktok" {
        // TikTok has no default: the agency's admin chose for the channel.
        pdb::set_visibility(&mut tx, id, "PUBLIC_TO_EVERYONE", app.clock.now_ms())
            .await
            .unwrap();
    }
    if platform == "youtube" {
        // Connected with the scopes Lantoa asks for now (delete included).
        let granted = lantoa::platforms::oauth::GOOGLE_SCOPES.join(" ");
        pdb::set_grant(&mut tx, id, Some(&granted), None)
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    id
}

pub(crate) async fn env() -> Env {
    let (app, mock) = sandboxed_app().await;
    env_on(app, mock).await
}

/// The network and the four channels on an application pointed at `mock`.
pub(crate) async fn env_on(app: TestApp, mock: Arc<Mocks>) -> Env {
    let mut e = bare_on(app, mock).await;
    for (p, ext, tok) in [
        ("facebook", "1029384756", "EAAsandboxpagetoken"),
        ("youtube", "UCsandbox", "ya29.sandbox"),
        ("tiktok", "open-sandbox", "act.sandbox"),
        ("zalo", "oa-sandbox", "zalo-sandbox-token"),
    ] {
        let id = add_channel(&e.app, e.n.a, e.n.a_admin, p, ext, tok).await;
        e.channels.push((p.to_string(), id));
    }
    e
}

/// The app and the mocks, with no channel connected yet.
pub(crate) async fn bare_env() -> Env {
    let (app, mock) = sandboxed_app().await;
    bare_on(app, mock).await
}

async fn bare_on(app: TestApp, mock: Arc<Mocks>) -> Env {
    let n = app.network().await;
    Env {
        app,
        mock,
        n,
        channels: Vec::new(),
    }
}

/// An application whose platforms are the mocks.
async fn sandboxed_app() -> (TestApp, Arc<Mocks>) {
    let (url, mock) = mock().await;
    let extra = sandbox(&url);
    let extra: Vec<(&str, &str)> = extra.iter().map(|(k, v)| (*k, v.as_str())).collect();
    (spawn_app_with(&extra).await, mock)
}

/// A small real video in the store and its SHA-256.
pub(crate) async fn stored_video(app: &TestApp, seed: u32) -> (String, String) {
    let dir = app.data_dir.path().join("gen");
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join(format!("v{seed}.mp4"));
    lavfi(
        &out,
        &format!("testsrc2=size=180x320:rate=25:duration=1,drawtext=text='{seed}':fontcolor=white"),
        "sine=frequency=440:duration=1",
        &[],
    )
    .await;
    let bytes = std::fs::read(&out).unwrap();
    let sha = lantoa::crypto::sha256_hex(&bytes);
    let key = lantoa::storage::original_key(&sha);
    app.st.store.put_file(&key, &out).await.unwrap();
    (sha, key)
}

/// A clip approved by the editor, targeting `platforms`.
pub(crate) async fn approved_clip(
    e: &Env,
    title: &str,
    platforms: &[&str],
    seed: u32,
) -> (ClipId, String) {
    let video = stored_video(&e.app, seed).await;
    approved_clip_with(e, title, CAPTION, platforms, video).await
}

/// The four platforms, in the order the tests use.
pub(crate) const ALL_FOUR: [&str; 4] = ["facebook", "youtube", "tiktok", "zalo"];

const CAPTION: &str = "Sáng nay, Ủy ban nhân dân tỉnh tổ chức lễ ra quân.";

/// A clip approved by the editor, targeting `platforms`, whose version is the
/// stored `(sha256, key)`.
pub(crate) async fn approved_clip_with(
    e: &Env,
    title: &str,
    caption: &str,
    platforms: &[&str],
    (sha, key): (String, String),
) -> (ClipId, String) {
    let (app, n) = (&e.app, &e.n);
    let author = (n.a, n.a_reporter);
    let c = app
        .insert_clip(author, title, caption, "good_deeds", false)
        .await;
    add_version_with(app, c, n.a_reporter, &sha, &key).await;
    save(app, n.a_reporter, n.a, c, |ed| {
        ed.channels = platforms.iter().map(|p| p.to_string()).collect();
        ed.hashtags = "#tinhnha".into();
    })
    .await
    .unwrap();
    act(app, n.a_reporter, n.a, c, ClipAction::Submit)
        .await
        .unwrap();
    tick_all(app, n.a_editor, n.a, c).await;
    act_to(app, n.a_editor, n.a, c, Do::Approve, Is::Approved).await;
    (c, sha)
}

pub(crate) async fn publish_now(e: &Env, c: ClipId) -> Vec<lantoa::domain::PublicationId> {
    let (p, a) = who(&e.app, e.n.a_editor).await;
    publish::publish_now(
        &caller_of(&e.app.st, &a, &p, &agency(&e.app, e.n.a).await),
        c,
        &Default::default(),
    )
    .await
    .unwrap()
}

pub(crate) async fn pubs(app: &TestApp, ag: OrgId, c: ClipId) -> Vec<Publication> {
    let mut tx = app.st.db.read().await.unwrap();
    pdb::of_clip(&mut tx, ag, c).await.unwrap()
}

/// Waits (real time) until every publication of the clip's newest round is in
/// one of `states`.
pub(crate) async fn settle(
    app: &TestApp,
    ag: OrgId,
    c: ClipId,
    states: &[&str],
) -> Vec<Publication> {
    for _ in 0..600 {
        let ps = pubs(app, ag, c).await;
        let round = ps.iter().map(|p| p.round).max().unwrap_or(0);
        let cur: Vec<Publication> = ps.into_iter().filter(|p| p.round == round).collect();
        if !cur.is_empty() && cur.iter().all(|p| states.contains(&p.state.as_str())) {
            return cur;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!(
        "publications did not settle in {states:?}: {:#?}",
        pubs(app, ag, c).await
    );
}

fn records(m: &Mocks) -> Vec<Record> {
    m.records.lock().unwrap().clone()
}

#[tokio::test]
async fn an_approved_clip_goes_out_to_all_four_platforms_with_the_exact_bytes() {
    let e = env().await;
    let (c, sha) = approved_clip(&e, "Lễ ra quân", &ALL_FOUR, 1).await;
    let ids = publish_now(&e, c).await;
    assert_eq!(ids.len(), 4);
    let done = settle(&e.app, e.n.a, c, &["published"]).await;
    for p in &done {
        assert!(
            p.url.as_deref().is_some_and(|u| u.starts_with("https://")),
            "{p:?}"
        );
        assert!(p.external_id.is_some() && p.late_ms.is_none(), "{p:?}");
    }
    // The mock saw each platform once, with exactly the approved bytes.
    let r = records(&e.mock);
    let mut platforms: Vec<&str> = r.iter().map(|x| x.platform.as_str()).collect();
    platforms.sort();
    assert_eq!(
        platforms,
        ["facebook", "tiktok", "youtube", "zalo"],
        "{r:#?}"
    );
    assert!(r.iter().all(|x| x.sha256 == sha && !x.deleted), "{r:#?}");
    // The clip is published, its approvals used, the author told, all audited.
    assert_eq!(clip(&e.app, e.n.a, c).await.state, "published");
    let mut tx = e.app.st.db.read().await.unwrap();
    let inbox = lantoa::db::review::inbox(&mut tx, e.n.a_reporter, 20)
        .await
        .unwrap();
    assert!(inbox.iter().any(|x| x.kind == "published"));
    drop(tx);
    let audit: i64 = count(
        &e.app,
        "SELECT COUNT(*) FROM audit_log WHERE action = 'publication.published'",
    )
    .await;
    assert_eq!(audit, 4);
    // Publishing again is refused: the clip is no longer approved.
    let (p, a) = who(&e.app, e.n.a_editor).await;
    assert!(
        publish::publish_now(
            &caller_of(&e.app.st, &a, &p, &agency(&e.app, e.n.a).await),
            c,
            &Default::default(),
        )
        .await
        .is_err()
    );
}

pub(crate) async fn count(app: &TestApp, sql: &'static str) -> i64 {
    let mut tx = app.st.db.read().await.unwrap();
    let (n,): (i64,) =
        lantoa::db::on_tx!(&mut tx, c => sqlx::query_as(sql).fetch_one(c).await).unwrap();
    n
}

#[tokio::test]
async fn bytes_changed_after_approval_are_refused_and_the_head_is_told() {
    let e = env().await;
    let (c, _) = approved_clip(&e, "Bản tin sáng", &["youtube", "facebook"], 2).await;
    // Someone alters the stored original after approval.
    let k = clip(&e.app, e.n.a, c).await;
    let mut tx = e.app.st.db.read().await.unwrap();
    let v = lantoa::service::review::current_version(&mut tx, &k)
        .await
        .unwrap()
        .unwrap();
    drop(tx);
    let tampered = e.app.data_dir.path().join("tampered.mp4");
    std::fs::write(&tampered, b"not the approved bytes").unwrap();
    e.app
        .st
        .store
        .put_file(&v.original_key, &tampered)
        .await
        .unwrap();
    publish_now(&e, c).await;
    let done = settle(&e.app, e.n.a, c, &["failed"]).await;
    assert!(
        done.iter()
            .all(|p| p.error_class.as_deref() == Some("integrity")
                && p.error_code.as_deref() == Some("publish-bytes-mismatch")),
        "{done:#?}"
    );
    assert!(records(&e.mock).is_empty(), "nothing may leave");
    let mut tx = e.app.st.db.read().await.unwrap();
    for u in [e.n.a_head, e.n.a_reporter] {
        let inbox = lantoa::db::review::inbox(&mut tx, u, 20).await.unwrap();
        assert!(inbox.iter().any(|x| x.kind == "publish_refused"), "{u:?}");
    }
    drop(tx);
    assert_eq!(
        count(
            &e.app,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'publication.refused'"
        )
        .await,
        2
    );
}

/// Sets the approved window to start at `at`, approves again (the edit voided
/// the approval) and schedules the clip.
async fn schedule_at(e: &Env, c: ClipId, at: i64) {
    let org = agency(&e.app, e.n.a).await;
    save(&e.app, e.n.a_reporter, e.n.a, c, |ed| {
        ed.publish_at = lantoa::clock::datetime_input(at, &org.time_zone);
    })
    .await
    .unwrap();
    tick_and_approve(&e.app, e.n.a_editor, e.n.a, c).await;
    act_to(&e.app, e.n.a_editor, e.n.a, c, Do::Schedule, Is::Scheduled).await;
}

#[tokio::test]
async fn a_schedule_fires_at_its_time_and_a_missed_one_goes_out_late_once() {
    let mut e = env().await;
    let (c, _) = approved_clip(&e, "Hẹn giờ", &["youtube", "zalo"], 3).await;
    // The approved window starts in an hour (agency time, stored in UTC).
    let at = e.app.clock.now_ms() + 3_600_000;
    schedule_at(&e, c, at + 60_000).await;
    let ps = pubs(&e.app, e.n.a, c).await;
    assert!(ps.iter().all(|p| p.state == "scheduled"), "{ps:#?}");
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(records(&e.mock).is_empty(), "nothing before its time");
    // The server is down when the time comes, and back two hours later.
    e.app.stop().await;
    e.app.clock.advance_ms(3 * 3_600_000);
    e.app.restart().await;
    let done = settle(&e.app, e.n.a, c, &["published"]).await;
    for p in &done {
        let late = p.late_ms.expect("marked late");
        assert!(late >= 2 * 3_600_000 - 120_000, "{p:?}");
    }
    assert_eq!(records(&e.mock).len(), 2, "once per channel");
    assert_eq!(clip(&e.app, e.n.a, c).await.state, "published");
}

#[tokio::test]
async fn a_schedule_fires_on_time_with_the_injected_clock() {
    let e = env().await;
    let (c, _) = approved_clip(&e, "Đúng giờ", &["facebook"], 4).await;
    schedule_at(&e, c, e.app.clock.now_ms() + 600_000).await;
    tokio::time::sleep(Duration::from_millis(1200)).await;
    assert!(records(&e.mock).is_empty());
    e.app.clock.advance_ms(600_000);
    let done = settle(&e.app, e.n.a, c, &["published"]).await;
    assert!(done[0].late_ms.is_none(), "{:?}", done[0]);
    assert_eq!(records(&e.mock).len(), 1);
}

/// A clip approved for Facebook with a signed window ending at `until`, its
/// video made from `seed`.
async fn windowed_clip(e: &Env, until: i64, seed: u32) -> ClipId {
    let (app, n) = (&e.app, &e.n);
    let tz = agency(app, n.a).await.time_zone;
    let c = app
        .insert_clip(
            (n.a, n.a_reporter),
            "Hết khung giờ",
            CAPTION,
            "good_deeds",
            false,
        )
        .await;
    let (sha, key) = stored_video(app, seed).await;
    add_version_with(app, c, n.a_reporter, &sha, &key).await;
    save(app, n.a_reporter, n.a, c, |ed| {
        ed.channels = vec!["facebook".into()];
        ed.publish_until = lantoa::clock::datetime_input(until, &tz);
    })
    .await
    .unwrap();
    act(app, n.a_reporter, n.a, c, ClipAction::Submit)
        .await
        .unwrap();
    tick_all(app, n.a_editor, n.a, c).await;
    act_to(app, n.a_editor, n.a, c, Do::Approve, Is::Approved).await;
    c
}

#[tokio::test]
async fn a_post_not_out_when_its_signed_window_ends_waits_for_a_new_signature() {
    let e = env().await;
    let (app, n) = (&e.app, &e.n);
    let c = windowed_clip(&e, app.clock.now_ms() + 3_600_000, 8).await;
    // Refused by Facebook inside the window; retried after it ended.
    e.mock.faults.lock().unwrap().extend([Fault::Duplicate]);
    publish_now(&e, c).await;
    let failed = settle(app, n.a, c, &["failed"]).await;
    let sent = records(&e.mock).len();
    let editor = app.login("a.editor").await;
    let panel = format!("/a/{}/clips/{c}/publications", n.a);
    let retry_button = format!("/publications/{}/retry", failed[0].id);
    assert!(editor.get_text(&panel).await.contains(&retry_button));
    app.clock.advance_ms(2 * 3_600_000);
    assert!(
        !editor.get_text(&panel).await.contains(&retry_button),
        "no retry button once the window has ended"
    );
    let (p, a) = who(app, n.a_editor).await;
    let caller = caller_of(&app.st, &a, &p, &agency(app, n.a).await);
    match publish::retry(&caller, failed[0].id).await {
        Err(lantoa::error::Error::Refused(r)) => {
            assert_eq!(r.message_id, "publish-window-ended")
        }
        other => panic!("a retry after the window: {other:?}"),
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(pubs(app, n.a, c).await[0].state, "failed");
    assert_eq!(
        records(&e.mock).len(),
        sent,
        "nothing more reached Facebook"
    );

    // A post that had not started when the window ended (its channel was
    // waiting for a reconnection) is refused when it comes to run.
    let c2 = windowed_clip(&e, app.clock.now_ms() + 3_600_000, 9).await;
    let set_status = |status: &'static str| async move {
        let mut tx = app.st.db.write().await.unwrap();
        lantoa::on_tx!(&mut tx, c => sqlx::query(
            "UPDATE channels SET status = $1 WHERE agency_id = $2 AND platform = 'facebook'")
            .bind(status).bind(n.a).execute(c).await.map(|r| r.rows_affected()))
        .unwrap();
        tx.commit().await.unwrap();
    };
    set_status("needs_reconnect").await;
    publish_now(&e, c2).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    set_status("active").await;
    app.clock.advance_ms(2 * 3_600_000);
    let refused = settle(app, n.a, c2, &["failed"]).await;
    assert_eq!(
        refused[0].error_code.as_deref(),
        Some("publish-window-ended")
    );
    assert_eq!(records(&e.mock).len(), sent, "nothing reached Facebook");
}

#[tokio::test]
async fn faults_are_waited_out_retried_or_reported_with_the_platforms_words() {
    let e = env().await;
    // A dropped connection mid-upload and a 503: resumed and retried, posted once.
    e.mock.faults.lock().unwrap().extend([Fault::DropMidUpload]);
    let (c, sha) = approved_clip(&e, "Mạng chập chờn", &["youtube"], 5).await;
    publish_now(&e, c).await;
    // Retries wait with backoff on the injected clock: move it along.
    let app = &e.app;
    let done = loop {
        app.clock.advance_ms(10_000);
        let ps = pubs(app, e.n.a, c).await;
        if ps.iter().all(|p| p.state == "published") {
            break ps;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(done.len(), 1);
    let r = records(&e.mock);
    assert_eq!(
        r.iter().filter(|x| x.platform == "youtube").count(),
        1,
        "{r:#?}"
    );
    assert_eq!(r[0].sha256, sha);

    // A duplicate is the content's problem: failed with Facebook's message, retry button.
    e.mock.faults.lock().unwrap().extend([Fault::Duplicate]);
    let (c2, _) = approved_clip(&e, "Trùng lặp", &["facebook"], 6).await;
    publish_now(&e, c2).await;
    let failed = settle(&e.app, e.n.a, c2, &["failed"]).await;
    assert_eq!(
        failed[0].error_class.as_deref(),
        Some("fix_content"),
        "{:?}",
        failed[0]
    );
    assert!(
        !failed[0]
            .error_message
            .clone()
            .unwrap_or_default()
            .is_empty()
    );
    // Retrying (the fault is gone) posts it.
    let (p, a) = who(&e.app, e.n.a_editor).await;
    publish::retry(
        &caller_of(&e.app.st, &a, &p, &agency(&e.app, e.n.a).await),
        failed[0].id,
    )
    .await
    .unwrap();
    settle(&e.app, e.n.a, c2, &["published"]).await;

    // An expired token on a channel without a refresh marks it for reconnection
    // and keeps the work waiting, not failed.
    e.mock.faults.lock().unwrap().extend([Fault::TokenExpired]);
    let (c3, _) = approved_clip(&e, "Hết hạn", &["tiktok"], 7).await;
    publish_now(&e, c3).await;
    for _ in 0..200 {
        let ch = {
            let mut tx = e.app.st.db.read().await.unwrap();
            pdb::channels(&mut tx, e.n.a).await.unwrap()
        };
        if ch
            .iter()
            .any(|x| x.platform == "tiktok" && x.status == "needs_reconnect")
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let ps = pubs(&e.app, e.n.a, c3).await;
    assert_eq!(ps[0].state, "queued", "{:?}", ps[0]);
    assert_eq!(ps[0].error_class.as_deref(), Some("reconnect"));
    let mut tx = e.app.st.db.read().await.unwrap();
    let inbox = lantoa::db::review::inbox(&mut tx, e.n.a_admin, 20)
        .await
        .unwrap();
    assert!(inbox.iter().any(|x| x.kind == "channel_reconnect"));
}

#[tokio::test]
async fn rate_limits_are_respected_by_waiting() {
    let e = env().await;
    // TikTok allows 6 inits a minute per token: the seventh clip waits.
    let mut clips = Vec::new();
    for i in 0..7 {
        let (c, _) = approved_clip(&e, &format!("Nhịp {i}"), &["tiktok"], 20 + i).await;
        publish_now(&e, c).await;
        clips.push(c);
    }
    // Six go out; whichever asks seventh waits for the next minute, not failed.
    let mut all = Vec::new();
    for _ in 0..400 {
        all.clear();
        for c in &clips {
            all.extend(pubs(&e.app, e.n.a, *c).await);
        }
        let out = all.iter().filter(|p| p.state == "published").count();
        let paced = all
            .iter()
            .filter(|p| p.error_class.as_deref() == Some("paced"))
            .count();
        if out == 6 && paced == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(
        all.iter().filter(|p| p.state == "published").count(),
        6,
        "{all:#?}"
    );
    let waiting = all.iter().find(|p| p.state != "published").unwrap();
    assert_eq!(waiting.error_class.as_deref(), Some("paced"), "{waiting:?}");
    assert_eq!(
        records(&e.mock).len(),
        6,
        "the seventh never reached TikTok"
    );
    let last = waiting.clip_id;
    // A minute later (for Lantoa's clock and the mock's window) it goes.
    e.mock.reset_limits();
    e.app.clock.advance_ms(61_000);
    settle(&e.app, e.n.a, last, &["published"]).await;
    assert_eq!(records(&e.mock).len(), 7);
}

#[tokio::test]
async fn takedown_removes_everywhere_lists_tiktok_for_a_person_and_opens_an_incident() {
    let e = env().await;
    let (c, _) = approved_clip(&e, "Gỡ bỏ", &ALL_FOUR, 8).await;
    publish_now(&e, c).await;
    settle(&e.app, e.n.a, c, &["published"]).await;
    // The editor may not (the agency allows only the head by default).
    let (p, a) = who(&e.app, e.n.a_editor).await;
    let err = publish::take_down(
        &caller_of(&e.app.st, &a, &p, &agency(&e.app, e.n.a).await),
        c,
        "Sai tên người phát biểu",
    )
    .await
    .unwrap_err();
    assert_eq!(crate::review::refusal(err).0, "action_not_allowed");
    let (p, a) = who(&e.app, e.n.a_head).await;
    assert!(
        publish::take_down(
            &caller_of(&e.app.st, &a, &p, &agency(&e.app, e.n.a).await),
            c,
            "  "
        )
        .await
        .is_err(),
        "a reason is required"
    );
    let incident = publish::take_down(
        &caller_of(&e.app.st, &a, &p, &agency(&e.app, e.n.a).await),
        c,
        "Sai tên người phát biểu",
    )
    .await
    .unwrap();
    assert_eq!(clip(&e.app, e.n.a, c).await.state, "taken_down");
    // Three APIs delete; TikTok becomes a person's task.
    let mut ps = Vec::new();
    for _ in 0..400 {
        ps = pubs(&e.app, e.n.a, c).await;
        if ps
            .iter()
            .all(|p| matches!(p.removal.as_deref(), Some("removed" | "manual")))
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let tiktok = e.channels.iter().find(|x| x.0 == "tiktok").unwrap().1;
    for p in &ps {
        let want = if p.channel_id == tiktok {
            "manual"
        } else {
            "removed"
        };
        assert_eq!(p.removal.as_deref(), Some(want), "{p:?}");
    }
    let r = records(&e.mock);
    assert_eq!(r.iter().filter(|x| x.deleted).count(), 3, "{r:#?}");
    let manual = ps.iter().find(|p| p.channel_id == tiktok).unwrap();
    publish::tick_removed(
        &caller_of(&e.app.st, &a, &p, &agency(&e.app, e.n.a).await),
        manual.id,
    )
    .await
    .unwrap();
    let mut tx = e.app.st.db.read().await.unwrap();
    let inc = lantoa::db::incidents::of_agencies(&mut tx, &[e.n.a], 10)
        .await
        .unwrap();
    assert_eq!(inc.len(), 1);
    assert_eq!(inc[0].id, incident);
    assert_eq!(inc[0].reason, "Sai tên người phát biểu");
    let d: serde_json::Value = serde_json::from_str(&inc[0].details).unwrap();
    assert_eq!(d["channels"].as_array().unwrap().len(), 4, "{d}");
    assert!(d.to_string().contains("manual_done"), "{d}");
}

#[tokio::test]
async fn a_correction_replaces_each_post_after_a_new_approval() {
    let e = env().await;
    let (c, old_sha) = approved_clip(&e, "Đính chính", &["youtube", "zalo", "tiktok"], 9).await;
    publish_now(&e, c).await;
    let first = settle(&e.app, e.n.a, c, &["published"]).await;
    act(&e.app, e.n.a_editor, e.n.a, c, ClipAction::StartCorrection)
        .await
        .unwrap();
    let (sha, key) = stored_video(&e.app, 99).await;
    add_version_with(&e.app, c, e.n.a_reporter, &sha, &key).await;
    act(&e.app, e.n.a_reporter, e.n.a, c, ClipAction::Submit)
        .await
        .unwrap();
    tick_and_approve(&e.app, e.n.a_editor, e.n.a, c).await;
    publish_now(&e, c).await;
    let second = settle(&e.app, e.n.a, c, &["published"]).await;
    assert!(
        second
            .iter()
            .all(|p| p.round == 2 && p.replaces_id.is_some()),
        "{second:#?}"
    );
    let all = pubs(&e.app, e.n.a, c).await;
    for p in all.iter().filter(|p| p.round == 1) {
        assert_eq!(p.state, "superseded", "{p:?}");
    }
    let r = records(&e.mock);
    assert!(
        r.iter()
            .filter(|x| x.sha256 == old_sha && x.platform != "tiktok")
            .all(|x| x.deleted),
        "{r:#?}"
    );
    assert_eq!(
        r.iter().filter(|x| x.sha256 == sha && !x.deleted).count(),
        3
    );
    assert_eq!(first.len(), 3);
    // TikTok's old post is left for a person to remove.
    assert!(
        all.iter()
            .any(|p| p.round == 1 && p.removal.as_deref() == Some("manual"))
    );
}

/// Follows the consent as a person who clicks "Allow" (or "Deny") on the platform.
pub(crate) async fn consent(
    b: &crate::helpers::Browser,
    aid: OrgId,
    platform: &str,
    answer: &str,
) -> reqwest::Response {
    let r = b
        .post_form(&format!("/a/{aid}/channels/connect/{platform}"), &[])
        .await;
    assert_eq!(r.status(), 303, "{platform}");
    let to = r.headers()["location"].to_str().unwrap().to_string();
    let plain = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let r = plain
        .get(format!("{to}&auto={answer}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303, "{to}");
    let back = r.headers()["location"].to_str().unwrap().to_string();
    // The test server listens on a port the configuration does not know: keep the path.
    let path = &back[back
        .find("/channels/callback")
        .expect("back to the callback")..];
    b.get(path).await
}

pub(crate) async fn channel_list(app: &TestApp, ag: OrgId) -> Vec<pdb::Channel> {
    let mut tx = app.st.db.read().await.unwrap();
    pdb::channels(&mut tx, ag).await.unwrap()
}

#[tokio::test]
async fn channels_connect_through_the_platforms_consent_and_an_expired_token_is_refreshed_mid_publish()
 {
    let mut e = bare_env().await;
    let admin = e.app.login("a.admin").await;
    let list = format!("/a/{}/channels", e.n.a);
    admin
        .open_showing(&list, "id=\"sandbox-banner\"", "the sandbox is labelled")
        .await;
    for p in ALL_FOUR {
        let r = consent(&admin, e.n.a, p, "1").await;
        assert_eq!(r.status(), 303, "{p}");
        let loc = r.headers()["location"].to_str().unwrap().to_string();
        assert!(loc.contains("connected="), "{p}: {loc}");
    }
    // A refusal on the platform's side comes back as a message.
    let r = consent(&admin, e.n.a, "zalo", "deny").await;
    assert!(header(&r, "location").contains("error="));
    let chans = channel_list(&e.app, e.n.a).await;
    let platforms: std::collections::BTreeSet<&str> =
        chans.iter().map(|c| c.platform.as_str()).collect();
    assert_eq!(platforms.len(), 4, "{chans:#?}");
    for c in &chans {
        assert!(c.tokens.starts_with("v1:"), "tokens are sealed");
        let t = channels::open(&e.app.st, c).unwrap();
        assert!(!c.tokens.contains(&t.access_token), "no token in clear");
    }
    let html = admin.get_text(&list).await;
    assert!(html.contains("id=\"channels\"") && html.contains("ch-active"));
    e.channels = chans.iter().map(|c| (c.platform.clone(), c.id)).collect();
    // YouTube granted what takedowns need: nothing tells it to reconnect.
    let yt = chans.iter().find(|c| c.platform == "youtube").unwrap();
    assert!(channels::can_delete(yt), "{:?}", yt.scopes);
    assert!(!html.contains("reconnect-takedown"));

    // TikTok has no default visibility: publishing waits for a person's
    // choice, and says so before anything is queued.
    let tt = chans.iter().find(|c| c.platform == "tiktok").unwrap();
    assert_eq!(tt.visibility, None);
    // Its creator's own options were read at connection, for the choice.
    let offered = publish::offered(tt).expect("creator info kept");
    assert!(offered.iter().any(|o| o == "SELF_ONLY"), "{offered:?}");
    let choose = format!("/a/{}/channels/{}/visibility", e.n.a, tt.id);
    assert!(
        html.contains(&choose),
        "the channels page offers the choice"
    );
    let (ct, _) = approved_clip(&e, "Chưa chọn ai xem", &["tiktok"], 39).await;
    let (p, a) = who(&e.app, e.n.a_editor).await;
    let editor_caller = caller_of(&e.app.st, &a, &p, &agency(&e.app, e.n.a).await);
    let err = publish::publish_now(&editor_caller, ct, &Default::default())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, lantoa::error::Error::Refused(r) if r.message_id == "publish-privacy-not-chosen"),
        "{err:?}"
    );
    assert!(pubs(&e.app, e.n.a, ct).await.is_empty(), "nothing queued");
    // A level the channel does not offer is refused; one it offers is kept.
    let r = admin.post_form(&choose, &[("visibility", "FRIENDS")]).await;
    assert!(r.status().is_client_error(), "{}", r.status());
    let r = admin
        .post_form(&choose, &[("visibility", "SELF_ONLY")])
        .await;
    assert_eq!(r.status(), 303);
    let tt_now = channel_list(&e.app, e.n.a)
        .await
        .into_iter()
        .find(|x| x.id == tt.id)
        .unwrap();
    assert_eq!(tt_now.visibility.as_deref(), Some("SELF_ONLY"));
    // Confirmed at publishing: everyone may see this one.
    let confirmed = std::collections::BTreeMap::from([(tt.id, "PUBLIC_TO_EVERYONE".to_string())]);
    publish::publish_now(&editor_caller, ct, &confirmed)
        .await
        .unwrap();
    let got = pubs(&e.app, e.n.a, ct).await;
    assert_eq!(got[0].privacy.as_deref(), Some("PUBLIC_TO_EVERYONE"));
    settle(&e.app, e.n.a, ct, &["published"]).await;

    // The access token dies during a publication: refreshed and carried on, once.
    let yt = chans.iter().find(|c| c.platform == "youtube").unwrap();
    let before = channels::open(&e.app.st, yt).unwrap();
    assert!(before.refresh_token.is_some());
    e.mock.faults.lock().unwrap().push_back(Fault::TokenExpired);
    let (c, sha) = approved_clip(&e, "Làm mới mã", &["youtube"], 40).await;
    publish_now(&e, c).await;
    settle(&e.app, e.n.a, c, &["published"]).await;
    // The refused token stays dead on the platform: the post went out with the
    // new one, which the publish loop used at once.
    assert!(
        !pubs(&e.app, e.n.a, c)
            .await
            .iter()
            .any(|p| p.error_class.as_deref() == Some("reconnect"))
    );
    let yt_now = channel_list(&e.app, e.n.a)
        .await
        .into_iter()
        .find(|x| x.id == yt.id)
        .unwrap();
    assert_eq!(yt_now.status, "active");
    let after = channels::open(&e.app.st, &yt_now).unwrap();
    assert_ne!(
        after.access_token, before.access_token,
        "a new access token"
    );
    let r = records(&e.mock);
    assert_eq!(r.iter().filter(|x| x.sha256 == sha).count(), 1, "{r:#?}");

    // A dead refresh token: the channel needs reconnecting, the work waits;
    // reconnecting through the consent again wakes it.
    let mock_url = e.app.st.config.platforms.sandbox_url.clone().unwrap();
    reqwest::Client::new()
        .post(format!("{mock_url}/__admin/oauth"))
        .json(&serde_json::json!({"revoke_all": true}))
        .send()
        .await
        .unwrap();
    e.mock.faults.lock().unwrap().push_back(Fault::TokenExpired);
    let (c2, _) = approved_clip(&e, "Mã chết", &["tiktok"], 41).await;
    publish_now(&e, c2).await;
    for _ in 0..200 {
        if channel_list(&e.app, e.n.a)
            .await
            .iter()
            .any(|x| x.platform == "tiktok" && x.status == "needs_reconnect")
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(pubs(&e.app, e.n.a, c2).await[0].state, "queued");
    let r = consent(&admin, e.n.a, "tiktok", "1").await;
    assert_eq!(r.status(), 303);
    settle(&e.app, e.n.a, c2, &["published"]).await;
}

#[tokio::test]
async fn the_clip_page_and_the_api_publish_take_down_and_show_incidents() {
    let e = env().await;
    let (c, _) = approved_clip(&e, "Trên trang", &["facebook", "tiktok"], 50).await;
    let editor = e.app.login("a.editor").await;
    let page = format!("/a/{}/clips/{c}", e.n.a);
    editor
        .open_showing(
            &page,
            "id=\"publish-now\"",
            "an approved clip offers publish now",
        )
        .await;
    // TikTok's visibility is confirmed on the form: the channel's choice is
    // offered first; this time only the creator may see it.
    let tt = e.channels.iter().find(|x| x.0 == "tiktok").unwrap().1;
    let page_html = editor.get_text(&page).await;
    assert!(
        page_html.contains(&format!("name=\"privacy_{tt}\"")),
        "the TikTok choice is on the publish form"
    );
    let field = format!("privacy_{tt}");
    let r = editor
        .post_form(
            &format!("/a/{}/clips/{c}/publish", e.n.a),
            &[(field.as_str(), "SELF_ONLY")],
        )
        .await;
    assert_eq!(r.status(), 303);
    settle(&e.app, e.n.a, c, &["published"]).await;
    let on_tt = pubs(&e.app, e.n.a, c)
        .await
        .into_iter()
        .find(|p| p.channel_id == tt)
        .unwrap();
    assert_eq!(
        (
            on_tt.privacy.as_deref(),
            on_tt.visibility.as_deref(),
            on_tt.visible_to_all
        ),
        (Some("SELF_ONLY"), Some("SELF_ONLY"), Some(false)),
        "asked, and read back from TikTok"
    );
    let frag = editor
        .get_text(&format!("/a/{}/clips/{c}/publications", e.n.a))
        .await;
    assert!(frag.contains("Đã đăng (riêng tư)"), "{frag}");
    assert!(
        frag.contains("s-published") && frag.contains("https://www.facebook.com/reel/"),
        "{frag}"
    );
    assert!(
        !frag.contains("hx-trigger"),
        "nothing in flight: no polling"
    );
    // The editor may not take it down; the head may, with a reason.
    let takedown = format!("/a/{}/clips/{c}/takedown", e.n.a);
    let reason = [("reason", "Sai số liệu")];
    editor.post_expect(&takedown, &reason, 409).await;
    let head = e.app.login("a.head").await;
    head.refresh_csrf(&page).await;
    let r = head.post_form(&takedown, &[("reason", "")]).await;
    assert_eq!(r.status(), 400, "a reason is required");
    head.post_expect(&takedown, &reason, 303).await;
    let mut html = String::new();
    for _ in 0..200 {
        html = head.get_text(&page).await;
        if html.contains("/removed\"") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        html.contains("/removed\""),
        "TikTok's by-hand removal is offered"
    );
    let html = head.get_text(&format!("/a/{}/incidents", e.n.a)).await;
    assert!(
        html.contains("Sai số liệu") && html.contains("Trên trang"),
        "{html}"
    );
    // The overseer reads the incident too.
    let overseer = e.app.token_for("overseer").await;
    let api = reqwest::Client::new();
    let r = send_expect(
        api.get(e.app.url(&format!("/api/v1/agencies/{}/incidents", e.n.a)))
            .bearer_auth(&overseer),
        200,
    )
    .await;
    let list: Vec<serde_json::Value> = r.json().await.unwrap();
    assert_eq!(list.len(), 1);

    // The same over the API: publish, list, take down.
    let (c2, _) = approved_clip(&e, "Qua API", &["youtube", "zalo"], 51).await;
    let tok = e.app.token_for("a.editor").await;
    send_expect(
        api.post(
            e.app
                .url(&format!("/api/v1/agencies/{}/clips/{c2}/publish", e.n.a)),
        )
        .bearer_auth(&tok),
        202,
    )
    .await;
    settle(&e.app, e.n.a, c2, &["published"]).await;
    let r = api
        .get(e.app.url(&format!(
            "/api/v1/agencies/{}/clips/{c2}/publications",
            e.n.a
        )))
        .bearer_auth(&tok)
        .send()
        .await
        .unwrap();
    let list: Vec<serde_json::Value> = r.json().await.unwrap();
    assert_eq!(list.len(), 2);
    assert!(
        list.iter().all(|p| p["state"] == "published"
            && p["url"].is_string()
            && p.get("handle").is_none())
    );
    let htok = e.app.token_for("a.head").await;
    send_expect(
        api.post(
            e.app
                .url(&format!("/api/v1/agencies/{}/clips/{c2}/takedown", e.n.a)),
        )
        .bearer_auth(&htok)
        .json(&serde_json::json!({"reason": "Đăng nhầm"})),
        202,
    )
    .await;
    // Another agency sees none of it.
    let b = e.app.token_for("b.admin").await;
    send_expect(
        api.get(e.app.url(&format!("/api/v1/agencies/{}/channels", e.n.a)))
            .bearer_auth(&b),
        403,
    )
    .await;
}

#[tokio::test]
async fn unscheduling_cancels_what_has_not_left_and_nothing_goes_out() {
    let e = env().await;
    let (c, _) = approved_clip(&e, "Hủy hẹn", &["facebook", "zalo"], 60).await;
    schedule_at(&e, c, e.app.clock.now_ms() + 600_000).await;
    act_to(&e.app, e.n.a_editor, e.n.a, c, Do::Unschedule, Is::Approved).await;
    let ps = pubs(&e.app, e.n.a, c).await;
    assert!(ps.iter().all(|p| p.state == "cancelled"), "{ps:#?}");
    e.app.clock.advance_ms(700_000);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(records(&e.mock).is_empty());
    // Scheduling again makes a new round that does go out.
    act(&e.app, e.n.a_editor, e.n.a, c, ClipAction::Approve)
        .await
        .ok();
    let (p, a) = who(&e.app, e.n.a_editor).await;
    publish::publish_now(
        &caller_of(&e.app.st, &a, &p, &agency(&e.app, e.n.a).await),
        c,
        &Default::default(),
    )
    .await
    .unwrap();
    let done = settle(&e.app, e.n.a, c, &["published"]).await;
    assert!(done.iter().all(|p| p.round == 2));
    assert_eq!(records(&e.mock).len(), 2);
}

/// Moves the injected clock a minute at a time until the publication settles.
async fn drive(
    app: &TestApp,
    ag: OrgId,
    c: ClipId,
    until: impl Fn(&Publication) -> bool,
) -> Publication {
    for _ in 0..600 {
        let ps = pubs(app, ag, c).await;
        if let Some(p) = ps.first()
            && until(p)
        {
            return p.clone();
        }
        app.clock.advance_ms(65_000);
        tokio::time::sleep(Duration::from_millis(40)).await;
    }
    panic!("did not settle: {:#?}", pubs(app, ag, c).await);
}

#[tokio::test]
async fn every_connector_survives_every_fault_through_the_publisher() {
    let e = env().await;
    let faults = [
        Fault::ServerError,
        Fault::RateLimited,
        Fault::DropMidUpload,
        Fault::Duplicate,
        Fault::Quota,
        Fault::TokenExpired,
    ];
    let mut seed = 100;
    for platform in ["youtube", "facebook", "tiktok", "zalo"] {
        for fault in faults {
            seed += 1;
            let (c, sha) =
                approved_clip(&e, &format!("{platform} {fault:?}"), &[platform], seed).await;
            e.mock.faults.lock().unwrap().push_back(fault);
            publish_now(&e, c).await;
            let what = format!("{platform} / {fault:?}");
            let p = match fault {
                Fault::Duplicate => {
                    let p = drive(&e.app, e.n.a, c, |p| {
                        p.state == "failed" || p.state == "published"
                    })
                    .await;
                    if p.state == "failed" {
                        assert!(
                            matches!(p.error_class.as_deref(), Some("fix_content" | "permanent")),
                            "{what}: {p:?}"
                        );
                        assert!(
                            !p.error_message.clone().unwrap_or_default().is_empty(),
                            "{what}: the platform's words"
                        );
                    }
                    p
                }
                Fault::Quota if platform == "youtube" || platform == "tiktok" => {
                    // A day's quota: waits for the next day rather than failing.
                    let p = drive(&e.app, e.n.a, c, |p| {
                        p.error_class.as_deref() == Some("paced")
                    })
                    .await;
                    assert_ne!(p.state, "failed", "{what}");
                    e.app.clock.advance_ms(26 * 3_600_000);
                    drive(&e.app, e.n.a, c, |p| p.state == "published").await
                }
                Fault::TokenExpired => {
                    // No refresh token on these channels: it waits for reconnection.
                    drive(&e.app, e.n.a, c, |p| {
                        p.error_class.as_deref() == Some("reconnect")
                    })
                    .await;
                    let ch = e.channels.iter().find(|x| x.0 == platform).unwrap().1;
                    let token = match platform {
                        "youtube" => "ya29.again",
                        "facebook" => "EAAagain",
                        "tiktok" => "act.again",
                        _ => "zalo-again",
                    };
                    let ext = {
                        let mut tx = e.app.st.db.read().await.unwrap();
                        pdb::channel(&mut tx, e.n.a, ch)
                            .await
                            .unwrap()
                            .unwrap()
                            .external_id
                    };
                    add_channel(&e.app, e.n.a, e.n.a_admin, platform, &ext, token).await;
                    let pid = pubs(&e.app, e.n.a, c).await[0].id;
                    let mut tx = e.app.st.db.write().await.unwrap();
                    lantoa::db::jobs::wake(&mut tx, &publish::job_key(pid), e.app.clock.now_ms())
                        .await
                        .unwrap();
                    tx.commit().await.unwrap();
                    drive(&e.app, e.n.a, c, |p| p.state == "published").await
                }
                _ => drive(&e.app, e.n.a, c, |p| p.state == "published").await,
            };
            let r = records(&e.mock);
            let live = r.iter().filter(|x| x.sha256 == sha && !x.deleted).count();
            if p.state == "published" {
                assert_eq!(live, 1, "{what}: exactly one post: {r:#?}");
            }
            e.mock.faults.lock().unwrap().clear();
            e.mock.reset_limits();
        }
    }
}

#[tokio::test]
async fn each_connector_fetches_a_posts_metrics_and_absent_figures_stay_absent() {
    use lantoa::platforms::Platform;
    use lantoa::platforms::connector::Connector;
    let e = env().await;
    let (c, _) = approved_clip(&e, "Số liệu", &ALL_FOUR, 70).await;
    publish_now(&e, c).await;
    let done = settle(&e.app, e.n.a, c, &["published"]).await;
    // Counters as they stand a day after posting (they start at 0).
    e.mock.set_post_age_s(Some(86_400));
    let cs = e.app.st.config.platforms.connectors();
    let chans = channel_list(&e.app, e.n.a).await;
    for p in &done {
        let ch = chans.iter().find(|x| x.id == p.channel_id).unwrap();
        let token = channels::open(&e.app.st, ch).unwrap().access_token;
        let id = p.external_id.clone().unwrap();
        let platform = Platform::parse(&ch.platform).unwrap();
        let got = lantoa::platforms::with_connector!(cs, platform, k => k.metrics(&token, &ch.external_id, std::slice::from_ref(&id)).await)
            .unwrap();
        assert_eq!(got.len(), 1, "{platform:?}: {got:?}");
        let (gid, m) = &got[0];
        assert_eq!(gid, &id);
        assert!(m.views.is_some_and(|v| v > 0), "{platform:?}: {m:?}");
        match platform {
            // Shares and watch time come from the Analytics API; YouTube
            // gives no reach: absent, not zero.
            Platform::YouTube => assert!(
                m.shares.is_some()
                    && m.watch_time_s.is_some()
                    && m.reactions.is_some()
                    && m.reach.is_none(),
                "{m:?}"
            ),
            Platform::Facebook => assert!(
                m.avg_view_s.is_some_and(|s| s >= 4.0)
                    && m.reactions.is_some()
                    && m.shares.is_some()
                    && m.reach.is_some(),
                "{m:?}"
            ),
            Platform::TikTok => assert!(m.shares.is_some() && m.watch_time_s.is_none(), "{m:?}"),
            Platform::Zalo => assert!(
                m.shares.is_some() && m.reactions.is_none() && m.comments.is_none(),
                "{m:?}"
            ),
        }
    }
}

#[tokio::test]
async fn a_youtube_channel_connected_without_the_delete_scope_is_told_to_reconnect_before_a_takedown()
 {
    let e = env().await;
    let yt = e.channels.iter().find(|c| c.0 == "youtube").unwrap().1;
    // Connected before Lantoa asked for `youtube`: only upload and read.
    {
        let mut tx = e.app.st.db.write().await.unwrap();
        let old = "https://www.googleapis.com/auth/youtube.upload \
                   https://www.googleapis.com/auth/youtube.readonly";
        pdb::set_grant(&mut tx, yt, Some(old), None).await.unwrap();
        tx.commit().await.unwrap();
    }
    let (c, sha) = approved_clip(&e, "Kênh cũ", &["youtube", "facebook"], 70).await;
    publish_now(&e, c).await;
    settle(&e.app, e.n.a, c, &["published"]).await;
    // The channels page and the takedown form say so before anyone relies on it.
    let head = e.app.login("a.head").await;
    let chans = head.get_text(&format!("/a/{}/channels", e.n.a)).await;
    assert!(chans.contains("reconnect-takedown"), "{chans}");
    let page = head.get_text(&format!("/a/{}/clips/{c}", e.n.a)).await;
    assert!(page.contains("id=\"takedown-reconnect\""), "{page}");
    // The takedown removes what it can and leaves YouTube to a person, with why.
    let (p, a) = who(&e.app, e.n.a_head).await;
    publish::take_down(
        &caller_of(&e.app.st, &a, &p, &agency(&e.app, e.n.a).await),
        c,
        "Sai tên người phát biểu",
    )
    .await
    .unwrap();
    let mut ps = Vec::new();
    for _ in 0..400 {
        ps = pubs(&e.app, e.n.a, c).await;
        if ps
            .iter()
            .all(|p| p.removal.is_some() && p.removal.as_deref() != Some("removing"))
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let on_yt = ps.iter().find(|p| p.channel_id == yt).unwrap();
    assert_eq!(on_yt.removal.as_deref(), Some("manual"), "{on_yt:?}");
    assert!(
        on_yt
            .removal_error
            .as_deref()
            .unwrap_or("")
            .contains("reconnect"),
        "{on_yt:?}"
    );
    let on_fb = ps.iter().find(|p| p.channel_id != yt).unwrap();
    assert_eq!(on_fb.removal.as_deref(), Some("removed"));
    // Nothing was sent to YouTube's delete: the video is still there.
    let r = records(&e.mock);
    assert!(
        r.iter()
            .any(|x| x.platform == "youtube" && x.sha256 == sha && !x.deleted),
        "{r:#?}"
    );
}

#[tokio::test]
async fn a_posts_poster_is_public_at_its_signed_address_only() {
    let e = env().await;
    let (c, _) = approved_clip(&e, "Ảnh đại diện", &["zalo"], 71).await;
    // The check's poster of the version (the test clips skip the check).
    let jpg = e.app.data_dir.path().join("poster.jpg");
    let ok = tokio::process::Command::new("ffmpeg")
        .args([
            "-loglevel",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            "color=red:s=32x32",
            "-frames:v",
            "1",
        ])
        .arg(&jpg)
        .status()
        .await
        .unwrap();
    assert!(ok.success());
    let key = "posters/test-poster.jpg";
    e.app.st.store.put_file(key, &jpg).await.unwrap();
    let outputs =
        serde_json::json!({"posters": [key], "storyboard": null, "proxy": null, "playback": ""})
            .to_string();
    {
        let mut tx = e.app.st.db.write().await.unwrap();
        let v = lantoa::db::clips::versions_of(&mut tx, c).await.unwrap()[0].id;
        let mut checked = lantoa::db::clips::Checked::status("ready");
        checked.outputs = Some(&outputs);
        lantoa::db::clips::set_checked(&mut tx, v, checked, e.app.clock.now_ms())
            .await
            .unwrap();
        tx.commit().await.unwrap();
    }
    publish_now(&e, c).await;
    settle(&e.app, e.n.a, c, &["published"]).await;
    let pid = pubs(&e.app, e.n.a, c).await[0].id;
    let sig = publish::sending::poster_signature(&e.app.st, pid);
    // A stranger (the platform) opens it with no session.
    let r = e.app.get(&format!("/posters/{pid}/{sig}.jpg")).await;
    assert_eq!(r.status(), 200);
    assert_eq!(header(&r, "content-type"), "image/jpeg");
    let body = r.bytes().await.unwrap();
    assert_eq!(&body[..3], &[0xFF, 0xD8, 0xFF], "a JPEG");
    // Any other signature, or another publication's, opens nothing.
    let other =
        publish::sending::poster_signature(&e.app.st, lantoa::domain::PublicationId(pid.0 + 1));
    for bad in [
        format!("{pid}/{other}.jpg"),
        format!("{pid}/{}.jpg", "0".repeat(32)),
        format!("{pid}/{sig}"),
    ] {
        assert_eq!(
            e.app.get(&format!("/posters/{bad}")).await.status(),
            404,
            "{bad}"
        );
    }
}

#[tokio::test]
async fn a_video_youtube_makes_private_is_shown_as_published_private_with_youtubes_reason() {
    let e = env().await;
    // An unaudited API project: YouTube locks every upload private.
    e.mock.youtube.set_unaudited(true);
    let (c, _) = approved_clip(&e, "Dự án chưa kiểm định", &["youtube"], 72).await;
    publish_now(&e, c).await;
    settle(&e.app, e.n.a, c, &["published"]).await;
    let p = pubs(&e.app, e.n.a, c).await.remove(0);
    assert_eq!(
        (p.visibility.as_deref(), p.visible_to_all),
        (Some("private"), Some(false)),
        "read back, not assumed: {p:?}"
    );
    assert!(
        p.visibility_reason
            .as_deref()
            .unwrap_or("")
            .contains("unverified API projects"),
        "{p:?}"
    );
    let editor = e.app.login("a.editor").await;
    let frag = editor
        .get_text(&format!("/a/{}/clips/{c}/publications", e.n.a))
        .await;
    assert!(
        frag.contains("Đã đăng (riêng tư)") && frag.contains("unverified API projects"),
        "{frag}"
    );
    // The head and the author are told.
    let (n,): (i64,) = {
        let mut tx = e.app.st.db.read().await.unwrap();
        lantoa::on_tx!(&mut tx, c => sqlx::query_as(
            "SELECT COUNT(*) FROM notifications WHERE kind = 'published_private'")
            .fetch_one(c).await)
        .unwrap()
    };
    assert!(n >= 1, "told");
}
