//! Issue 11, points 1–6: the security findings of the hostile test, each kept
//! fixed by a test named after its point.

use std::time::Duration;

use base64::Engine as _;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{
    Browser, Network, PASSWORD, TestApp, b64, send_expect, spawn_app, spawn_app_with,
    spawn_network, spawn_signed_in, spawn_with_token, upload_meta,
};
use crate::rng::Rng;
use lantoa::clock::Clock;
use lantoa::domain::{ClipId, OrgId, UserId};

// ---- helpers ---------------------------------------------------------------------

/// Strings made mostly of what confuses URL parsers: slashes both ways,
/// controls a browser drops, schemes, hosts, percent signs, spaces, non-ASCII.
fn hostile_string(rng: &mut Rng) -> String {
    const PIECES: &[&str] = &[
        "/",
        "/",
        "//",
        "\\",
        "\t",
        "\n",
        "\r",
        "\r\n",
        "\u{1}",
        "\u{7f}",
        "\u{85}",
        " ",
        "%09",
        "%2F",
        "%5C",
        ".",
        "..",
        "@",
        ":",
        "?",
        "#",
        "evil.example",
        "http:",
        "https:",
        "javascript:",
        "a",
        "1",
        "é",
        "\u{3000}",
        "\u{202e}",
        "\u{feff}",
        "&",
        "=",
        "~",
    ];
    let len = 1 + rng.below(8);
    let mut s = String::new();
    if rng.below(3) > 0 {
        s.push('/');
    }
    for _ in 0..len {
        s.push_str(rng.pick(PIECES));
    }
    s
}

/// Where a browser at the app's origin goes with this `Location`: it must be
/// the same origin. Resolved with the WHATWG URL parser, as a browser does.
fn assert_same_origin(location: &reqwest::header::HeaderValue, sent: &str) {
    let base = reqwest::Url::parse("http://127.0.0.1:8080/").unwrap();
    let loc = location
        .to_str()
        .unwrap_or_else(|_| panic!("Location for {sent:?} is not ASCII: {location:?}"));
    let to = base
        .join(loc)
        .unwrap_or_else(|e| panic!("Location {loc:?} for {sent:?} does not parse: {e}"));
    assert_eq!(
        (to.scheme(), to.host_str(), to.port()),
        ("http", Some("127.0.0.1"), Some(8080)),
        "{sent:?} sent the browser to {to} (Location {loc:?})"
    );
}

fn api(app: &TestApp, m: reqwest::Method, path: &str, token: &str) -> reqwest::RequestBuilder {
    app.client().request(m, app.url(path)).bearer_auth(token)
}

async fn code_of(r: reqwest::Response) -> String {
    let j: serde_json::Value = r.json().await.unwrap();
    j["code"].as_str().unwrap_or_default().to_string()
}

async fn wait_for(what: &str, mut ready: impl FnMut() -> bool) {
    for _ in 0..400 {
        if ready() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("gave up waiting for {what}");
}

// ---- 1. Open redirect ------------------------------------------------------------

#[tokio::test]
async fn p01_login_and_language_redirects_never_leave_the_site_nor_fail() {
    let (app, _) = spawn_network().await;
    let mut rng = Rng::new(0x1a2b_3c4d_5e6f_7081);
    let fixed = [
        "/%09/evil.example/",
        "/\t/evil.example/",
        "/\n/evil.example",
        "/\r\n/evil.example",
        "/\u{1}",
        "/\\evil.example",
        "\\\\evil.example",
        "//evil.example",
        "https://evil.example/",
        "/a/1?x=\u{7f}",
    ];
    let mut cases: Vec<String> = fixed.iter().map(|s| s.to_string()).collect();
    cases.extend((0..300).map(|_| hostile_string(&mut rng)));

    // The language switch, signed out.
    let b = app.browser();
    b.refresh_csrf("/login").await;
    for back in &cases {
        let r = b
            .post_form("/lang", &[("lang", "en"), ("back", back)])
            .await;
        assert!(r.status().as_u16() < 500, "{back:?}: {}", r.status());
        assert_eq!(r.status(), 303, "{back:?}");
        assert_same_origin(&r.headers()["location"], back);
    }
    // The login form, with the right password: the session is made and the
    // redirect still answers.
    for next in cases.iter().take(40) {
        let b = app.browser();
        b.refresh_csrf("/login").await;
        let r = b
            .post_form(
                "/login",
                &[
                    ("username", "a.editor"),
                    ("password", PASSWORD),
                    ("next", next),
                ],
            )
            .await;
        assert_eq!(r.status(), 303, "{next:?}");
        assert_same_origin(&r.headers()["location"], next);
        let query: String = form_urlencoded::Serializer::new(String::new())
            .append_pair("next", next)
            .finish();
        let page = app.get(&format!("/login?{query}")).await;
        assert!(page.status().as_u16() < 500, "{next:?}");
    }
    // A good path is kept.
    let r = b
        .post_form("/lang", &[("lang", "vi"), ("back", "/a/1/clips?q=x")])
        .await;
    assert_eq!(r.headers()["location"], "/a/1/clips?q=x");
}

// ---- 2. Password checks throttled ------------------------------------------------

#[tokio::test]
async fn p02_wrong_current_passwords_count_against_the_sign_in_limit() {
    let (app, _, token) = spawn_with_token("a.editor").await;
    // Failures count from after the last success (the sign-in just made).
    app.clock.advance_ms(1);
    let change = |current: &str| {
        api(&app, reqwest::Method::PUT, "/api/v1/me/password", &token)
            .json(&json!({"current_password": current, "new_password": "a brand new passphrase"}))
    };
    for i in 0..5 {
        let r = change(&format!("guess number {i}")).send().await.unwrap();
        assert_eq!(r.status(), 400, "guess {i}");
    }
    // The limit is reached: even the right password is not checked now.
    let r = send_expect(change(PASSWORD), StatusCode::TOO_MANY_REQUESTS.as_u16()).await;
    assert_eq!(code_of(r).await, "too_many_attempts");
    // ...and the same limit stops sign-in.
    let r = app.browser().login("a.editor", PASSWORD).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);

    // The profile form counts the same way and says so on the form.
    let b = app.login("a.head").await;
    app.clock.advance_ms(1);
    for i in 0..5 {
        let r = b
            .change_password(
                &format!("guess {i}"),
                "a brand new passphrase",
                "a brand new passphrase",
            )
            .await;
        assert_eq!(r.status(), 400);
    }
    let r = b
        .change_password(PASSWORD, "a brand new passphrase", "a brand new passphrase")
        .await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("Nhập sai mật khẩu quá nhiều lần")
    );
    // Waiting out the window lets the owner in again.
    app.clock.advance_ms(16 * 60_000);
    send_expect(change(PASSWORD), 204).await;
}

// ---- 3. Bounded PDF printing -----------------------------------------------------

/// A stand-in browser: records its pid, waits for `release` to exist, then
/// writes a PDF where Chromium would. A `sleep` it starts stands for the
/// helper processes a real browser starts.
fn fake_browser(dir: &std::path::Path) -> std::path::PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let script = dir.join("fake-chromium");
    let body = format!(
        r#"#!/bin/sh
d='{d}'
sleep 300 &
echo $! > "$d/helper.$$"
echo $$ > "$d/started.$$"
while [ ! -e "$d/release" ]; do sleep 0.05; done
kill $! 2>/dev/null
for a in "$@"; do
  case "$a" in --print-to-pdf=*) printf '%%PDF-1.4 fake\n' > "${{a#--print-to-pdf=}}";; esac
done
"#,
        d = dir.display()
    );
    std::fs::write(&script, body).unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    script
}

fn pids(dir: &std::path::Path, prefix: &str) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| {
            let e = e.ok()?;
            e.file_name()
                .to_str()?
                .starts_with(prefix)
                .then(|| std::fs::read_to_string(e.path()).ok())
                .flatten()
        })
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect()
}

fn alive(pid: &str) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|s| {
        s.rsplit(')')
            .next()
            .is_some_and(|r| !r.trim_start().starts_with('Z'))
    })
}

fn spawn_get(b: &Browser, path: &str) -> tokio::task::JoinHandle<reqwest::Response> {
    let (client, url) = (b.client.clone(), b.url(path));
    tokio::spawn(async move { client.get(url).send().await.unwrap() })
}

/// A folder with a fake browser, and an application printing with it with the
/// `extra` settings.
async fn printing_app(extra: &[(&str, &str)]) -> (tempfile::TempDir, TestApp, Network) {
    let dir = tempfile::tempdir().unwrap();
    let browser = fake_browser(dir.path());
    let mut settings = vec![("LANTOA_PDF_BROWSER", browser.to_str().unwrap())];
    settings.extend_from_slice(extra);
    let app = spawn_app_with(&settings).await;
    let n = app.network().await;
    (dir, app, n)
}

/// Starts a print as `b` in the background and waits until `running` prints
/// have started (`which` names this one).
async fn print_started(
    b: &Browser,
    path: &str,
    dir: &std::path::Path,
    (which, running): (&str, usize),
) -> tokio::task::JoinHandle<reqwest::Response> {
    let h = spawn_get(b, path);
    wait_for(&format!("{which} print to start"), || {
        pids(dir, "started.").len() == running
    })
    .await;
    h
}

#[tokio::test]
async fn p03_prints_go_through_a_bounded_pool_with_a_per_user_limit() {
    let (dir, app, n) = printing_app(&[
        ("LANTOA_PDF_PRINTERS", "2"),
        ("LANTOA_PDF_PRINTS_PER_USER", "1"),
    ])
    .await;
    let path = format!("/a/{}/insights/report.pdf?month=2026-01", n.a.0);
    let (editor, head, admin) = (
        app.login("a.editor").await,
        app.login("a.head").await,
        app.login("a.admin").await,
    );

    let first = print_started(&editor, &path, dir.path(), ("the first", 1)).await;
    // The same person again while theirs prints: their own limit.
    let r = editor.get(&path).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(r.text().await.unwrap().contains("vẫn đang được in"));

    let second = print_started(&head, &path, dir.path(), ("the second", 2)).await;
    // The pool is full: told to come back, with when.
    let r = admin.get(&path).await;
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(r.headers().contains_key("retry-after"), "{:?}", r.headers());
    assert!(r.text().await.unwrap().contains("đang bận"));
    let running = pids(dir.path(), "started.")
        .iter()
        .filter(|p| alive(p))
        .count();
    assert_eq!(running, 2, "at most the pool's size of browsers run");

    std::fs::write(dir.path().join("release"), "").unwrap();
    for h in [first, second] {
        let r = h.await.unwrap();
        assert_eq!(r.status(), 200);
        assert!(r.bytes().await.unwrap().starts_with(b"%PDF"));
    }
    // Places are given back.
    let r = admin.get(&path).await;
    assert_eq!(r.status(), 200);
    let r = editor.get(&path).await;
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn p03_a_hung_browser_and_its_helpers_are_killed_at_the_deadline() {
    let (dir, app, n) = printing_app(&[("LANTOA_PDF_TIMEOUT_SECONDS", "1")]).await;
    let b = app.login("a.editor").await;
    let path = format!("/a/{}/insights/report.pdf?month=2026-01", n.a.0);
    // Never released: the browser hangs until the deadline.
    let r = b.get(&path).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let started = pids(dir.path(), "started.");
    let helpers = pids(dir.path(), "helper.");
    assert_eq!(started.len(), 1);
    assert_eq!(helpers.len(), 1);
    wait_for("the hung browser and its helper to die", || {
        !alive(&started[0]) && !alive(&helpers[0])
    })
    .await;
    // Its place was given back: the next print is tried, not refused as busy.
    let r = b.get(&path).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
}

// ---- 4. Refused uploads leave nothing --------------------------------------------

fn tus(app: &TestApp, m: reqwest::Method, path: &str, token: &str) -> reqwest::RequestBuilder {
    api(app, m, path, token).header("tus-resumable", "1.0.0")
}

async fn upload_rows(app: &TestApp) -> i64 {
    let mut tx = app.st.db.read().await.unwrap();
    lantoa::on_tx!(&mut tx, c => sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM uploads").fetch_one(c).await).unwrap()
}

fn staging_files(app: &TestApp) -> Vec<String> {
    match std::fs::read_dir(app.data_dir.path().join("uploads")) {
        Ok(d) => d
            .filter_map(|e| e.ok()?.file_name().to_str().map(str::to_string))
            .filter(|n| n.ends_with(".part"))
            .collect(),
        Err(_) => vec![],
    }
}

#[tokio::test]
async fn p04_refused_creates_leave_no_row_and_no_staging_file() {
    let (app, n, token) = spawn_with_token("a.editor").await;
    let post = || {
        tus(&app, reqwest::Method::POST, "/api/v1/uploads", &token)
            .header("upload-metadata", upload_meta(n.a.0))
            .header("content-type", "application/offset+octet-stream")
    };
    for i in 0..12 {
        // Alternately a body longer than announced and a failing checksum.
        let r = if i % 2 == 0 {
            post()
                .header("upload-length", "10")
                .body(vec![7u8; 20])
                .send()
                .await
                .unwrap()
        } else {
            post()
                .header("upload-length", "100")
                .header(
                    "upload-checksum",
                    format!(
                        "sha256 {}",
                        base64::engine::general_purpose::STANDARD
                            .encode(<sha2::Sha256 as sha2::Digest>::digest(b"other"))
                    ),
                )
                .body(vec![7u8; 50])
                .send()
                .await
                .unwrap()
        };
        let want = if i % 2 == 0 { 413 } else { 460 };
        assert_eq!(r.status().as_u16(), want, "create {i}");
        assert!(r.headers().get("location").is_none());
    }
    assert_eq!(upload_rows(&app).await, 0, "no upload row is left");
    assert_eq!(
        staging_files(&app),
        Vec::<String>::new(),
        "no staging file is left"
    );
    // The owner is not locked out: a good create still works (the limit is 10).
    let r = send_expect(
        post().header("upload-length", "100").body(vec![7u8; 50]),
        201,
    )
    .await;
    assert_eq!(r.headers()["upload-offset"], "50");
    assert_eq!(upload_rows(&app).await, 1);
    assert_eq!(staging_files(&app).len(), 1);
}

#[tokio::test]
async fn p04_the_expiry_sweep_removes_staging_files_no_upload_owns() {
    let (app, n, token) = spawn_with_token("a.editor").await;
    send_expect(
        tus(&app, reqwest::Method::POST, "/api/v1/uploads", &token)
            .header("upload-metadata", upload_meta(n.a.0))
            .header("upload-length", "100"),
        201,
    )
    .await;
    let kept = staging_files(&app);
    assert_eq!(kept.len(), 1);
    let orphan = format!("{}.part", "ab".repeat(16));
    std::fs::write(app.data_dir.path().join("uploads").join(&orphan), b"left").unwrap();

    // Young: it may be a create still receiving its first bytes.
    lantoa::service::uploads::expire(&app.st).await.unwrap();
    assert!(staging_files(&app).contains(&orphan));
    // An hour on, a file no open upload owns goes; the open upload's stays.
    app.clock.advance_ms(2 * 3_600_000);
    lantoa::service::uploads::expire(&app.st).await.unwrap();
    assert_eq!(staging_files(&app), kept);
}

#[tokio::test]
async fn p04_upload_metadata_is_limited_to_known_keys_and_sizes() {
    let (app, n, token) = spawn_with_token("a.editor").await;
    let create = |meta: String| {
        tus(&app, reqwest::Method::POST, "/api/v1/uploads", &token)
            .header("upload-length", "100")
            .header("upload-metadata", meta)
            .send()
    };
    let huge = format!(
        "{},filename {}",
        upload_meta(n.a.0),
        b64(&"v".repeat(150_000))
    );
    let r = create(huge).await.unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(code_of(r).await, "malformed_request");
    let unknown = format!("{},colour {}", upload_meta(n.a.0), b64("red"));
    let r = create(unknown).await.unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(upload_rows(&app).await, 0);
    // What tus-js-client sends is accepted and comes back on HEAD.
    let ok = format!("{},filetype {}", upload_meta(n.a.0), b64("video/mp4"));
    let r = create(ok).await.unwrap();
    assert_eq!(r.status(), 201);
    let loc = r.headers()["location"].to_str().unwrap().to_string();
    let h = tus(&app, reqwest::Method::HEAD, &loc, &token)
        .send()
        .await
        .unwrap();
    let meta = h.headers()["upload-metadata"].to_str().unwrap();
    assert!(
        meta.contains(&format!("filetype {}", b64("video/mp4"))),
        "{meta}"
    );
    assert!(meta.len() < 1024);
}

// ---- 5. Who may make whom head ---------------------------------------------------

/// The user's role codes in the organisation, sorted.
async fn roles_in(app: &TestApp, user: UserId, org: OrgId) -> Vec<&'static str> {
    let mut tx = app.st.db.read().await.unwrap();
    let mut codes: Vec<&str> = lantoa::db::users::roles_in(&mut tx, user, org)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.code())
        .collect();
    codes.sort();
    codes
}

#[tokio::test]
async fn p05_only_the_system_administrator_gives_or_removes_head_and_deputy() {
    let (app, n, admin) = spawn_with_token("a.admin").await;
    let put_roles = |token: &str, uid: UserId, roles: &[&str]| {
        api(
            &app,
            reqwest::Method::PUT,
            &format!("/api/v1/agencies/{}/members/{}/roles", n.a.0, uid.0),
            token,
        )
        .json(&json!({ "roles": roles }))
        .send()
    };
    // The agency admin makes themselves head: refused, nothing changes.
    let r = put_roles(&admin, n.a_admin, &["agency_admin", "head"])
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(r.text().await.unwrap().contains("quản trị hệ thống"));
    assert_eq!(roles_in(&app, n.a_admin, n.a).await, vec!["agency_admin"]);
    // ...nor a deputy of a reporter, nor takes head away, nor creates a head.
    let r = put_roles(&admin, n.a_reporter, &["reporter", "deputy"])
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = put_roles(&admin, n.a_head, &["editor"]).await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(roles_in(&app, n.a_head, n.a).await, vec!["head"]);
    send_expect(
        api(
            &app,
            reqwest::Method::POST,
            &format!("/api/v1/agencies/{}/members", n.a.0),
            &admin,
        )
        .json(&json!({"username": "new.head", "display_name": "Trưởng mới", "roles": ["head"]})),
        StatusCode::FORBIDDEN.as_u16(),
    )
    .await;
    // Other roles of a head stay the admin's to manage.
    let r = put_roles(&admin, n.a_head, &["head", "editor"])
        .await
        .unwrap();
    assert_eq!(r.status(), 200);

    // The system administrator may, and it is audited.
    let root = app.token_for("root").await;
    let before = app.audit_count().await;
    let r = put_roles(&root, n.a_reporter, &["reporter", "deputy"])
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(
        roles_in(&app, n.a_reporter, n.a).await,
        vec!["deputy", "reporter"]
    );
    assert_eq!(app.audit_count().await, before + 1);
    let mut tx = app.st.db.read().await.unwrap();
    let summary: String = lantoa::on_tx!(&mut tx, c => sqlx::query_scalar::<_, String>(
        "SELECT summary FROM audit_log WHERE action = 'user.roles' ORDER BY seq DESC LIMIT 1")
        .fetch_one(c).await)
    .unwrap();
    assert!(summary.contains("deputy"), "{summary}");
}

#[tokio::test]
async fn p05_the_members_page_shows_head_and_deputy_as_set_by_the_system_administrator() {
    let (app, n, b) = spawn_signed_in("a.admin").await;
    let page = format!("/a/{}/members/{}", n.a.0, n.a_head.0);
    let html = b.get_text(&page).await;
    assert!(html.contains("id=\"signing-roles-hint\""), "{html}");
    assert!(html.contains("value=\"head\" checked disabled"), "{html}");
    // The form as the page sends it (the locked head kept) saves the rest.
    let r = b
        .post_form(
            &format!("/a/{}/members/{}/roles", n.a.0, n.a_head.0),
            &[("roles", "head"), ("roles", "analyst")],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(roles_in(&app, n.a_head, n.a).await, vec!["analyst", "head"]);
    let list = b.get_text(&format!("/a/{}/members", n.a.0)).await;
    assert!(list.contains("value=\"deputy\" disabled"), "{list}");
    // The system administrator gets the boxes.
    let root = app.login("root").await;
    let html = root.get_text(&page).await;
    assert!(!html.contains("signing-roles-hint"));
    assert!(html.contains("name=\"roles\" value=\"head\" checked"));
}

// ---- 6. Smaller answers that were wrong ------------------------------------------

#[tokio::test]
async fn p06_an_unauthenticated_api_write_is_401_not_a_csrf_failure() {
    let app = spawn_app().await;
    for (m, path) in [
        (reqwest::Method::POST, "/api/v1/me/tokens"),
        (reqwest::Method::PUT, "/api/v1/me/locale"),
        (
            reqwest::Method::POST,
            "/api/v1/agencies/1/clips/1/actions/submit",
        ),
    ] {
        let r = app
            .client()
            .request(m.clone(), app.url(path))
            .json(&json!({}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "{m} {path}");
        assert_eq!(code_of(r).await, "unauthenticated");
    }
}

#[tokio::test]
async fn p06_an_agency_admin_reads_the_review_settings_it_may_change() {
    let (app, n) = spawn_network().await;
    let path = format!("/api/v1/agencies/{}/review-settings", n.a.0);
    let admin = app.token_for("a.admin").await;
    send_expect(api(&app, reqwest::Method::GET, &path, &admin), 200).await;
    let other = app.token_for("b.admin").await;
    send_expect(
        api(&app, reqwest::Method::GET, &path, &other),
        StatusCode::FORBIDDEN.as_u16(),
    )
    .await;
}

#[tokio::test]
async fn p06_publications_of_a_foreign_or_missing_clip_are_not_found() {
    let (app, n) = spawn_network().await;
    let foreign = app
        .insert_clip((n.b, n.b_reporter), "Tin của Đài B", "", "other", false)
        .await;
    let token = app.token_for("a.editor").await;
    for cid in [foreign, ClipId(987_654)] {
        let r = api(
            &app,
            reqwest::Method::GET,
            &format!("/api/v1/agencies/{}/clips/{}/publications", n.a.0, cid.0),
            &token,
        )
        .send()
        .await
        .unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "clip {}", cid.0);
    }
}

#[tokio::test]
async fn p06_range_headers_the_server_does_not_understand_are_ignored() {
    let (app, n, token) = spawn_with_token("a.editor").await;
    let bytes: Vec<u8> = (0..1000u32).map(|i| (i % 251) as u8).collect();
    let r = send_expect(
        tus(&app, reqwest::Method::POST, "/api/v1/uploads", &token)
            .header("upload-metadata", upload_meta(n.a.0))
            .header("upload-length", bytes.len().to_string())
            .header("content-type", "application/offset+octet-stream")
            .body(bytes.clone()),
        201,
    )
    .await;
    let cid = r.headers()["lantoa-clip-id"].to_str().unwrap().to_string();
    let vid = r.headers()["lantoa-version-id"]
        .to_str()
        .unwrap()
        .to_string();
    let b = app.login("a.editor").await;
    let url = b.url(&format!(
        "/a/{}/clips/{cid}/versions/{vid}/media/original",
        n.a.0
    ));
    let get = |range: &str| b.client.get(&url).header("range", range).send();
    for ignored in ["items=0-1", "bytes=0-1,5-6", "bytes=7-3", "bytes=a-b"] {
        let r = get(ignored).await.unwrap();
        assert_eq!(r.status(), 200, "{ignored}");
        assert_eq!(r.bytes().await.unwrap().len(), 1000, "{ignored}");
    }
    let r = get("bytes=10-99999999999999999999999").await.unwrap();
    assert_eq!(r.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(r.headers()["content-range"], "bytes 10-999/1000");
    assert_eq!(&r.bytes().await.unwrap()[..], &bytes[10..]);
    let r = get("bytes=5000-").await.unwrap();
    assert_eq!(r.status(), StatusCode::RANGE_NOT_SATISFIABLE);
}

#[tokio::test]
async fn p06_a_body_over_the_limit_is_413() {
    let (app, _, token) = spawn_with_token("a.editor").await;
    let big = json!({"locale": "x".repeat(2 * 1024 * 1024)});
    let r = send_expect(
        api(&app, reqwest::Method::PUT, "/api/v1/me/locale", &token).json(&big),
        StatusCode::PAYLOAD_TOO_LARGE.as_u16(),
    )
    .await;
    assert_eq!(code_of(r).await, "payload_too_large");
    // A form far over what any form needs.
    let b = app.login("a.editor").await;
    let r = b
        .post_form("/profile/email", &[("email", &"x".repeat(300 * 1024))])
        .await;
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn p06_the_channels_page_shows_only_known_errors() {
    let (_app, n, b) = spawn_signed_in("a.admin").await;
    let page = |q: &str| format!("/a/{}/channels?{q}", n.a.0);
    let html = b
        .get_text(&page("error=Your+account+is+suspended%2C+call+0900"))
        .await;
    assert!(!html.contains("suspended"), "any text is shown");
    assert!(!html.contains("role=\"alert\""));
    let html = b.get_text(&page("error=denied")).await;
    assert!(html.contains("Nền tảng không cấp quyền"), "{html}");
}

#[tokio::test]
async fn p06_no_op_actions_write_no_audit_entry() {
    let (app, n) = spawn_network().await;
    let channel = {
        let mut tx = app.st.db.write().await.unwrap();
        let (id, _) = lantoa::db::publishing::upsert_channel(
            &mut tx,
            lantoa::db::publishing::NewChannel {
                agency: n.a,
                platform: "youtube",
                external_id: "UC-test",
                name: "Kênh thử",
                tokens: "",
                token_expires_at: None,
                by: n.a_admin,
                endpoint: lantoa::platforms::Endpoint::Platform,
            },
            app.clock.now_ms(),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        id
    };
    let admin = app.token_for("a.admin").await;
    let disconnect = || {
        api(
            &app,
            reqwest::Method::POST,
            &format!(
                "/api/v1/agencies/{}/channels/{}/disconnect",
                n.a.0, channel.0
            ),
            &admin,
        )
        .send()
    };
    assert_eq!(disconnect().await.unwrap().status(), 204);
    let after_first = app.audit_count().await;
    assert_eq!(disconnect().await.unwrap().status(), 204);
    assert_eq!(
        app.audit_count().await,
        after_first,
        "disconnecting a disconnected channel"
    );

    // Roles set to what they are, an account disabled twice.
    let roles = format!("/api/v1/agencies/{}/members/{}/roles", n.a.0, n.a_editor.0);
    let disabled = format!(
        "/api/v1/agencies/{}/members/{}/disabled",
        n.a.0, n.a_editor.0
    );
    let before = app.audit_count().await;
    send_expect(
        api(&app, reqwest::Method::PUT, &roles, &admin).json(&json!({"roles": ["editor"]})),
        200,
    )
    .await;
    assert_eq!(app.audit_count().await, before, "roles unchanged");
    for _ in 0..2 {
        send_expect(
            api(&app, reqwest::Method::PUT, &disabled, &admin).json(&json!({"disabled": true})),
            204,
        )
        .await;
    }
    assert_eq!(
        app.audit_count().await,
        before + 1,
        "disabled once, recorded once"
    );
}
