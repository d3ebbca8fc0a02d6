//! Health, readiness, metrics, error pages, the API document, embedded assets.

use crate::helpers::{assert_says, header, send_expect, spawn_app, spawn_network};

#[tokio::test]
async fn health_readiness_and_metrics() {
    let mut app = spawn_app().await;
    let c = app.client();
    assert_eq!(app.get("/healthz").await.status(), 200);
    assert_eq!(app.get("/readyz").await.status(), 200);
    let m = app.get_page("/metrics").await;
    assert!(
        m.contains("lantoa_http_requests_total{class=\"2xx\"}"),
        "{m}"
    );
    assert!(m.contains("lantoa_database_up 1"));
    assert!(m.contains(&format!(
        "lantoa_schema_version {}",
        lantoa::db::migrate::latest_version()
    )));
    // With the database gone, readiness says so while the process stays alive.
    app.st.db.close().await;
    let r = app.get("/readyz").await;
    assert_eq!(r.status(), 503);
    assert_eq!(app.get("/healthz").await.status(), 200);
    // A page that needs the database answers 503 in the user's language, not a crash.
    let r = c
        .get(app.url("/a/1"))
        .header("cookie", "lantoa_session=abc")
        .send()
        .await
        .unwrap();
    assert_says(r, 503, "Cơ sở dữ liệu tạm thời không truy cập được").await;
    app.stop().await;
}

/// The value of one series of a `/metrics` page.
fn series(page: &str, name: &str) -> String {
    page.lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(' '))
        .unwrap_or_else(|| panic!("{name} missing from /metrics:\n{page}"))
        .to_string()
}

/// The gauges read from the database for alerts: the job queue, channels to
/// connect again, approvals about to expire; left out while the database is down.
#[tokio::test]
async fn metrics_count_the_queue_channels_and_expiring_approvals() {
    use lantoa::clock::Clock;
    use lantoa::db::{jobs, publishing as pdb, review as rdb};
    let (mut app, n) = spawn_network().await;
    let now = app.clock.now_ms();
    let m = app.get_page("/metrics").await;
    assert_eq!(series(&m, "lantoa_jobs_ready"), "0");
    assert_eq!(series(&m, "lantoa_jobs_oldest_ready_seconds"), "0.0");
    assert_eq!(series(&m, "lantoa_approvals_expiring_24h"), "0");
    assert_eq!(
        series(&m, "lantoa_channels{status=\"needs_reconnect\"}"),
        "0"
    );
    // Jobs of a kind no worker runs stay where they are put: two due a minute
    // ago (one of them then given up), one due in an hour.
    let mut tx = app.st.db.write().await.unwrap();
    let payload = serde_json::json!({});
    let mut ids = Vec::new();
    for run_at in [now - 60_000, now - 30_000, now + 3_600_000] {
        let job = jobs::NewJob {
            kind: "test.nobody_runs_this",
            payload: &payload,
            priority: 0,
            run_at,
            max_attempts: 1,
            unique_key: None,
            agency_id: None,
        };
        ids.push(jobs::enqueue(&mut tx, job, now).await.unwrap().0);
    }
    lantoa::sql!(&mut tx, execute "UPDATE jobs SET state = 'dead' WHERE id = $1", ids[1]).unwrap();
    tx.commit().await.unwrap();
    // A channel whose grant was withdrawn, one still fine.
    let lost = crate::publish::add_channel(&app, n.a, n.a_admin, "youtube", "UClost", "t1").await;
    crate::publish::add_channel(&app, n.a, n.a_admin, "facebook", "123", "t2").await;
    // Approvals: one expiring in 3 hours, one in 3 days, one already used.
    let c = app
        .insert_clip(
            (n.a, n.a_reporter),
            "Tin sáng",
            "Chú thích",
            "good_deeds",
            false,
        )
        .await;
    let v = crate::review::add_version_with(&app, c, n.a_reporter, &"ab".repeat(32), "k").await;
    let mut tx = app.st.db.write().await.unwrap();
    pdb::set_status(&mut tx, lost, "needs_reconnect", Some("revoked"), now)
        .await
        .unwrap();
    for (i, hours) in [3i64, 72, 2].into_iter().enumerate() {
        let a = rdb::NewApproval {
            clip_id: c,
            version_id: v,
            step: i as i64 + 1,
            signer_id: n.a_editor,
            role: "editor",
            on_behalf_of: None,
            delegation_id: None,
            digest: "d",
            content: "{}",
            expires_at: now + hours * 3_600_000,
            now,
        };
        let id = rdb::insert_approval(&mut tx, &a).await.unwrap();
        if hours == 2 {
            lantoa::sql!(&mut tx, execute "UPDATE approvals SET used_at = $1 WHERE id = $2", now, id)
                .unwrap();
        }
    }
    tx.commit().await.unwrap();

    let m = app.get_page("/metrics").await;
    for (name, want) in [
        ("lantoa_jobs{state=\"queued\"}", "2"),
        ("lantoa_jobs{state=\"dead\"}", "1"),
        ("lantoa_jobs{state=\"running\"}", "0"),
        ("lantoa_jobs{state=\"failed\"}", "0"),
        ("lantoa_jobs_ready", "1"),
        ("lantoa_jobs_oldest_ready_seconds", "60.0"),
        ("lantoa_channels{status=\"active\"}", "1"),
        ("lantoa_channels{status=\"needs_reconnect\"}", "1"),
        ("lantoa_channels{status=\"disconnected\"}", "0"),
        ("lantoa_approvals_expiring_24h", "1"),
    ] {
        assert_eq!(series(&m, name), want, "{name}");
    }
    assert!(m.contains("# TYPE lantoa_jobs gauge"), "{m}");
    // Later, the job has waited longer; past the approval's expiry it no longer counts.
    app.clock.advance_ms(4 * 3600 * 1000);
    let m = app.get_page("/metrics").await;
    assert_eq!(series(&m, "lantoa_jobs_oldest_ready_seconds"), "14460.0");
    assert_eq!(series(&m, "lantoa_approvals_expiring_24h"), "0");
    // The database gone: its gauges are left out rather than shown as 0.
    app.st.db.close().await;
    let m = app.get_page("/metrics").await;
    assert!(m.contains("lantoa_database_up 0"), "{m}");
    assert!(!m.contains("lantoa_jobs_ready"), "{m}");
    app.stop().await;
}

#[tokio::test]
async fn unknown_pages_and_api_paths_get_clear_404s() {
    let app = spawn_app().await;
    let c = app.client();
    let r = app.get("/khong-co-trang-nay").await;
    assert_eq!(r.status(), 404);
    assert!(header(&r, "content-type").starts_with("text/html"));
    assert!(r.text().await.unwrap().contains("Không tìm thấy trang"));
    let r = send_expect(
        c.get(app.url("/api/v1/nope"))
            .header("accept-language", "en"),
        404,
    )
    .await;
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["code"], "not_found");
    assert_eq!(v["message"], "What you asked for was not found.");
    send_expect(c.delete(app.url("/healthz")), 405).await;
    // Unauthenticated API calls: 401 JSON; pages: redirect to the login.
    let r = app.get("/api/v1/me").await;
    assert_eq!(r.status(), 401);
    assert_eq!(
        r.json::<serde_json::Value>().await.unwrap()["code"],
        "unauthenticated"
    );
    let r = app.get("/profile").await;
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/login?next=%2Fprofile");
}

#[tokio::test]
async fn the_openapi_document_lists_every_api_route() {
    let app = spawn_app().await;
    let doc: serde_json::Value = app.get_json_anon("/api/v1/openapi.json").await;
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc["paths"].as_object().unwrap();
    for r in lantoa::web::route_table()
        .iter()
        .filter(|r| r.path.starts_with("/api/v1/") && r.path != "/api/v1/openapi.json")
    {
        let ops = paths
            .get(&r.path)
            .unwrap_or_else(|| panic!("{} missing from the OpenAPI document", r.path));
        assert!(
            ops.get(r.method.to_lowercase()).is_some(),
            "{} {} missing",
            r.method,
            r.path
        );
    }
}

#[tokio::test]
async fn pages_load_nothing_from_the_internet() {
    let app = spawn_app().await;
    let login = app.get_page("/login").await;
    for attr in ["src=\"http", "href=\"http", "src=\"//", "href=\"//"] {
        assert!(
            !login.contains(attr),
            "external reference {attr} in the login page"
        );
    }
    let js = app.get("/static/htmx.min.js").await;
    assert_says(js, 200, "version:\"2.0").await;
    let r = app.get("/login").await;
    let csp = r.headers()["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("default-src 'self'"));
}

#[tokio::test]
async fn pages_go_compressed_and_shipped_files_are_kept_for_a_year() {
    use std::io::Read;
    let app = spawn_app().await;
    let c = app.client();
    // Compressed for a browser that takes gzip or brotli; as it is otherwise.
    let plain = app.get_page("/login").await;
    let r = c
        .get(app.url("/login"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(header(&r, "content-encoding"), "gzip");
    assert!(
        header(&r, "vary")
            .to_ascii_lowercase()
            .contains("accept-encoding")
    );
    let packed = r.bytes().await.unwrap();
    let mut page = String::new();
    flate2::read::GzDecoder::new(&packed[..])
        .read_to_string(&mut page)
        .unwrap();
    assert!(page.contains("login-form"), "{page}");
    assert!(
        packed.len() * 2 < page.len(),
        "{} of {}",
        packed.len(),
        page.len()
    );
    let r = c
        .get(app.url("/static/app.css"))
        .header("accept-encoding", "br")
        .send()
        .await
        .unwrap();
    assert_eq!(header(&r, "content-encoding"), "br");
    // An error's body is rewritten after the handler: what is compressed is
    // the body that goes out.
    for (path, needle) in [("/api/v1/me", "\"code\""), ("/no-such-page", "<html")] {
        let r = c
            .get(app.url(path))
            .header("accept-encoding", "gzip")
            .send()
            .await
            .unwrap();
        assert!(r.status().is_client_error() || r.status().is_redirection());
        let gz = header(&r, "content-encoding") == "gzip";
        let packed = r.bytes().await.unwrap();
        let mut body = String::new();
        if gz {
            flate2::read::GzDecoder::new(&packed[..])
                .read_to_string(&mut body)
                .unwrap();
        } else {
            body = String::from_utf8(packed.to_vec()).unwrap();
        }
        assert!(body.is_empty() || body.contains(needle), "{path}: {body}");
    }

    // The page names each file with its fingerprint: that address is kept
    // for good, any other for an hour.
    let start = plain
        .find("/static/app.css?v=")
        .expect("a fingerprinted stylesheet");
    let css = &plain[start..];
    let css = &css[..css.find('"').unwrap()];
    let r = app.get(css).await;
    assert_eq!(
        header(&r, "cache-control"),
        "public, max-age=31536000, immutable"
    );
    assert!(header(&r, "content-type").starts_with("text/css"));
    for other in ["/static/app.css", "/static/app.css?v=0123456789ab"] {
        assert_eq!(
            header(&app.get(other).await, "cache-control"),
            "public, max-age=3600"
        );
    }
}

#[tokio::test]
async fn the_csrf_token_differs_on_every_page_and_each_is_accepted() {
    let app = spawn_app().await;
    app.user("ana", false, &[]).await;
    let b = app.login("ana").await;
    let token = |html: &str| {
        let at = html.find("name=\"_csrf\" value=\"").expect("a form") + 20;
        html[at..at + html[at..].find('"').unwrap()].to_string()
    };
    let (one, two) = (
        token(&b.get_text("/profile").await),
        token(&b.get_text("/profile").await),
    );
    assert_ne!(one, two, "the same token twice");
    let switch = |t: String| {
        let req = b.client.post(format!("{}/lang", b.base));
        async move {
            let form = [("lang", "en"), ("_csrf", t.as_str())];
            req.form(&form).send().await.unwrap().status()
        }
    };
    assert_eq!(switch(one).await, 303);
    assert_eq!(switch(two).await, 303);
    // Another session's token is refused.
    let other = app.login("ana").await;
    let theirs = token(&other.get_text("/profile").await);
    assert_eq!(switch(theirs).await, 403);
}

/// A migration for PostgreSQL only (a storage setting) is applied there and
/// only recorded on SQLite; either way the schema is at the latest version.
#[tokio::test]
async fn a_migration_for_one_engine_is_applied_there_and_recorded_on_both() {
    use lantoa::db::{Db, sql};
    let app = crate::helpers::state_with(&[]).await;
    let mut tx = app.st.db.read().await.unwrap();
    let recorded: i64 = sql!(&mut tx, scalar fetch_one
        "SELECT COUNT(*) FROM schema_migrations WHERE version = 22")
    .unwrap();
    assert_eq!(recorded, 1);
    if matches!(app.st.db, Db::Postgres(..)) {
        let options: String = sql!(&mut tx, scalar fetch_one
            "SELECT array_to_string(reloptions, ',') FROM pg_class WHERE relname = 'post_metrics'")
        .unwrap();
        assert!(options.contains("fillfactor=50"), "{options}");
    }
}

/// SQLite copies its write-ahead log back in large steps on every
/// connection (the readers' and the writer's), for the metrics ingest's
/// sake (see `Db::connect`).
#[tokio::test]
async fn sqlite_copies_its_log_back_in_large_steps() {
    use lantoa::db::{Db, sql};
    let app = crate::helpers::state_with(&[]).await;
    if !matches!(app.st.db, Db::Sqlite(..)) {
        return;
    }
    let mut r = app.st.db.read().await.unwrap();
    let read: i64 = sql!(&mut r, scalar fetch_one "PRAGMA wal_autocheckpoint").unwrap();
    drop(r);
    let mut w = app.st.db.write().await.unwrap();
    let write: i64 = sql!(&mut w, scalar fetch_one "PRAGMA wal_autocheckpoint").unwrap();
    assert_eq!((read, write), (40_000, 40_000));
}
