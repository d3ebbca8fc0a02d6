//! Agency isolation, table-driven over the application's real route table: every
//! agency-scoped route is tried by a user of another agency, every system route by
//! an agency admin, every user route that names an object by another user. A new
//! route is covered automatically; one with an unknown path parameter fails here.

use crate::helpers::{Network, PASSWORD, TestApp, send_expect, spawn_signed_in, spawn_with_token};
use lantoa::clock::Clock;
use lantoa::db::{tokens, users};
use lantoa::web::{RouteInfo, Scope, route_table};

/// The concrete path for a route, with ids that belong to agency A.
/// Ids of objects that belong to agency A (or its users).
struct Ids<'a> {
    token: i64,
    upload: &'a str,
    clip: i64,
    version: i64,
    notification: i64,
    survey: i64,
    survey_token: String,
}

/// A published survey of agency A (made through the service).
async fn survey_of_a(app: &TestApp, n: &Network) -> (i64, String) {
    let c = lantoa::service::Caller::for_user(&app.st, n.a_editor, n.a, "test")
        .await
        .unwrap()
        .unwrap();
    let id = lantoa::service::surveys::create(&c, true).await.unwrap();
    lantoa::service::surveys::publish(&c, id).await.unwrap();
    let (s, _) = lantoa::service::surveys::get(&c, id).await.unwrap();
    (id.0, s.token)
}

fn concrete(route: &RouteInfo, n: &Network, ids: &Ids) -> String {
    let mut out = String::new();
    for seg in route.path.split('/').skip(1) {
        out.push('/');
        match seg {
            "{aid}" => out.push_str(&n.a.to_string()),
            "{uid}" => out.push_str(&n.a_editor.to_string()),
            "{tid}" => out.push_str(&ids.token.to_string()),
            "{cid}" => out.push_str(&ids.clip.to_string()),
            "{vid}" => out.push_str(&ids.version.to_string()),
            "{name}" => out.push_str("original"),
            "{file}" => out.push_str("app.css"),
            "{track}" => out.push_str("vi.vtt"),
            "{jid}" => out.push('1'),
            "{upload_id}" => out.push_str(ids.upload),
            "{action}" => out.push_str("submit"),
            "{mid}" | "{did}" | "{chid}" | "{pid}" => out.push('1'),
            "{platform}" => out.push_str("youtube"),
            "{nid}" => out.push_str(&ids.notification.to_string()),
            "{bid}" => out.push_str(&n.body.to_string()),
            "{iid}" | "{eid}" | "{campid}" | "{fid}" | "{oid}" => out.push('1'),
            "{step}" => out.push_str("acknowledge"),
            "{sid}" => out.push_str(&ids.survey.to_string()),
            "{token}" => out.push_str(&ids.survey_token),
            // The outlets' public routes (walked by `outlet.rs` with a post).
            "{slug}" => out.push_str("bao-a"),
            s if s.starts_with('{') => panic!(
                "route {} has a parameter the isolation test does not know: {s}; add it here",
                route.path
            ),
            s => out.push_str(s),
        }
    }
    out
}

fn form_fields(n: &Network) -> Vec<(&'static str, String)> {
    vec![
        ("username", "intruder.made".into()),
        ("display_name", "Intruder".into()),
        ("roles", "agency_admin".into()),
        ("slug", "intruder-org".into()),
        ("name", "Intruder org".into()),
        ("parent", n.body.to_string()),
        ("lang", "en".into()),
    ]
}

fn json_body(n: &Network) -> serde_json::Value {
    serde_json::json!({
        "username": "intruder.made", "display_name": "Intruder", "roles": ["agency_admin"],
        "disabled": true, "slug": "intruder-org", "name": "Intruder org", "parent_id": n.body.0,
    })
}

/// Sends the route's request as a signed-in browser (pages) or with a token (API).
async fn send(
    app: &TestApp,
    who: &str,
    token: &str,
    route: &RouteInfo,
    path: &str,
    n: &Network,
) -> reqwest::Response {
    if route.path.starts_with("/api/") {
        let c = app.client();
        let req = match route.method {
            "GET" => c.get(app.url(path)),
            "POST" => c.post(app.url(path)).json(&json_body(n)),
            "PUT" => c.put(app.url(path)).json(&json_body(n)),
            "DELETE" => c.delete(app.url(path)).header("tus-resumable", "1.0.0"),
            "HEAD" => c.head(app.url(path)).header("tus-resumable", "1.0.0"),
            "PATCH" => c
                .patch(app.url(path))
                .header("tus-resumable", "1.0.0")
                .header("upload-offset", "0")
                .header("content-type", "application/offset+octet-stream")
                .body(vec![0u8; 10]),
            "OPTIONS" => c.request(reqwest::Method::OPTIONS, app.url(path)),
            m => panic!("unexpected method {m}"),
        };
        req.bearer_auth(token).send().await.unwrap()
    } else {
        let b = app.login(who).await;
        match route.method {
            "GET" => b.get(path).await,
            "POST" => {
                let f = form_fields(n);
                let refs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
                b.post_form(path, &refs).await
            }
            m => panic!("pages use GET and POST only, got {m}"),
        }
    }
}

/// What must not have changed after the intruders are done.
async fn snapshot(app: &TestApp, n: &Network, token_id: i64) -> String {
    let mut tx = app.st.db.read().await.unwrap();
    let members = users::members_of(&mut tx, n.a).await.unwrap();
    let tokens = tokens::list_for_user(&mut tx, n.a_editor).await.unwrap();
    let editor = users::get(&mut tx, n.a_editor).await.unwrap().unwrap();
    let orgs = lantoa::db::orgs::all_agencies(&mut tx).await.unwrap();
    format!(
        "{:?}|{:?}|{}|{}|{}|{}",
        members
            .iter()
            .map(|m| (m.user.id, m.roles.clone(), m.user.disabled))
            .collect::<Vec<_>>(),
        tokens
            .iter()
            .map(|t| (t.id, t.revoked_at))
            .collect::<Vec<_>>(),
        editor.password_hash,
        editor.locale,
        orgs.len(),
        token_id
    )
}

#[tokio::test]
async fn no_route_lets_another_agency_see_or_change_agency_data() {
    let (app, n, a_token) = spawn_with_token("a.editor").await;
    let token_id = {
        let mut tx = app.st.db.read().await.unwrap();
        tokens::list_for_user(&mut tx, n.a_editor).await.unwrap()[0]
            .id
            .0
    };
    let b_token = app.token_for("b.admin").await;
    let upload_id = {
        use base64::Engine as _;
        let enc = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
        let r = send_expect(
            app.client()
                .post(app.url("/api/v1/uploads"))
                .bearer_auth(&a_token)
                .header("tus-resumable", "1.0.0")
                .header("upload-length", "100")
                .header(
                    "upload-metadata",
                    format!(
                        "title {},category {},agency_id {}",
                        enc("T"),
                        enc("other"),
                        enc(&n.a.0.to_string())
                    ),
                ),
            201,
        )
        .await;
        r.headers()["location"]
            .to_str()
            .unwrap()
            .rsplit('/')
            .next()
            .unwrap()
            .to_string()
    };
    let a_admin_token = app.token_for("a.admin").await;
    let (clip, version) =
        crate::ingest::upload(&app, &a_token, n.a.0, vec![7u8; 64], "x.mp4").await;
    crate::ingest::wait_checked(&app, version).await;
    let notification = {
        let mut tx = app.st.db.write().await.unwrap();
        let id = lantoa::db::review::notify(
            &mut tx,
            n.a_editor,
            n.a,
            Some(lantoa::domain::ClipId(clip)),
            "submitted",
            "{}",
            app.clock.now_ms(),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        id
    };
    let (survey, survey_token) = survey_of_a(&app, &n).await;
    let ids = Ids {
        token: token_id,
        upload: &upload_id,
        clip,
        version: version.0,
        notification,
        survey,
        survey_token,
    };
    let before = snapshot(&app, &n, token_id).await;
    let audit_before = app.audit_count().await;

    let table = route_table();
    let mut checked = 0;
    let mut failures = Vec::new();
    for route in &table {
        let path = concrete(route, &n, &ids);
        let (who, token, expected): (&str, &str, &[u16]) = match route.scope {
            Scope::Public => continue,
            // Another user may name A's token or upload, never touch it.
            Scope::User
                if route.path.contains("{tid}")
                    || route.path.contains("{upload_id}")
                    || route.path.contains("{nid}") =>
            {
                ("b.admin", &b_token, &[404])
            }
            Scope::User => continue,
            Scope::Agency => ("b.admin", &b_token, &[403, 404]),
            // An agency's admin is no overseer of its body.
            Scope::Body => ("b.admin", &b_token, &[403]),
            Scope::System => ("a.admin", &a_admin_token, &[403]),
        };
        let r = send(&app, who, token, route, &path, &n).await;
        let status = r.status().as_u16();
        if !expected.contains(&status) {
            failures.push(format!("{} {} as {who}: {status}", route.method, path));
        }
        if route.path.starts_with("/api/") && status != 404 && route.method != "HEAD" {
            let body: serde_json::Value = r.json().await.unwrap_or_default();
            assert!(
                body["code"].is_string(),
                "{} {}: error must be JSON with a code",
                route.method,
                path
            );
        }
        checked += 1;
    }
    assert!(
        failures.is_empty(),
        "isolation broken:\n{}",
        failures.join("\n")
    );
    assert!(checked >= 20, "only {checked} routes checked");
    // Logins and token creation above are audited; nothing else may have been.
    let logins = app.audit_count().await - audit_before;
    let entries = app.audit_entries().await;
    let unexpected: Vec<_> = entries
        .iter()
        .take(logins as usize)
        .filter(|e| e.action != "session.login")
        .map(|e| format!("{} by {}", e.action, e.actor_name))
        .collect();
    assert!(
        unexpected.is_empty(),
        "intruders changed state: {unexpected:?}"
    );
    assert_eq!(snapshot(&app, &n, token_id).await, before);
    let mut tx = app.st.db.read().await.unwrap();
    let up = lantoa::db::uploads::get(&mut tx, &upload_id)
        .await
        .unwrap()
        .unwrap();
    drop(tx);
    assert_eq!(
        (up.offset_bytes, up.state.as_str()),
        (0, "open"),
        "A's upload untouched"
    );
    // A's token still works.
    let r = app.get_api("/api/v1/me", &a_token).await;
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn agency_of_another_body_is_out_of_the_overseers_reach() {
    let (_app, n, b) = spawn_signed_in("overseer").await;
    b.expect_get(&format!("/a/{}", n.a), 200).await;
    b.expect_get(&format!("/a/{}", n.b), 200).await;
    b.expect_get(&format!("/a/{}", n.c), 403).await;
    let overview = b.get_text("/overview").await;
    assert!(
        overview.contains("Báo A") && overview.contains("Đài B") && !overview.contains("Báo C")
    );
}

#[tokio::test]
async fn the_overseer_reads_every_agency_of_its_body_but_changes_nothing() {
    let (app, n, token) = spawn_with_token("overseer").await;
    let reporter = app.token_for("a.reporter").await;
    let (clip, version) =
        crate::ingest::upload(&app, &reporter, n.a.0, vec![7u8; 64], "x.mp4").await;
    crate::ingest::wait_checked(&app, version).await;
    let (survey, survey_token) = survey_of_a(&app, &n).await;
    let before = app.audit_count().await;
    let mut failures = Vec::new();
    let ids = Ids {
        token: 0,
        upload: "0",
        clip,
        version: version.0,
        notification: 0,
        survey,
        survey_token,
    };
    for route in route_table().iter().filter(|r| r.scope == Scope::Agency) {
        let path = concrete(route, &n, &ids);
        let r = send(&app, "overseer", &token, route, &path, &n).await;
        let status = r.status().as_u16();
        // Reading pages open (200), writing ones and upload forms are refused
        // (403); an incident, a campaign or an offer this test did not make
        // is not found.
        let unmade = ["{iid}", "{campid}", "{oid}", "{track}"]
            .iter()
            .any(|p| route.path.contains(p));
        let ok = if route.method == "GET" {
            status == 200 || status == 403 || (unmade && status == 404)
        } else {
            status == 403
        };
        if !ok {
            failures.push(format!("{} {path}: {status}", route.method));
        }
    }
    let b = app.login("overseer").await;
    for path in [
        format!("/a/{}", n.a),
        format!("/a/{}/members", n.a),
        format!("/a/{}/audit", n.a),
        format!("/a/{}/clips", n.a),
        format!("/a/{}/clips/{clip}", n.a),
    ] {
        let s = b.get(&path).await.status().as_u16();
        if s != 200 {
            failures.push(format!(
                "GET {path}: {s} (the overseer must be able to read it)"
            ));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
    let entries = app.audit_entries().await;
    let changed: Vec<_> = entries
        .iter()
        .take((app.audit_count().await - before) as usize)
        .filter(|e| e.action != "session.login")
        .collect();
    assert!(changed.is_empty(), "{changed:?}");
}

#[tokio::test]
async fn a_reporter_cannot_open_the_admin_pages() {
    let (_app, n, b) = spawn_signed_in("a.reporter").await;
    b.expect_get(&format!("/a/{}", n.a), 200).await;
    for path in [
        format!("/a/{}/members", n.a),
        format!("/a/{}/audit", n.a),
        "/admin/agencies".into(),
        "/admin/audit".into(),
    ] {
        let r = b.get(&path).await;
        assert_eq!(r.status(), 403, "{path}");
        assert!(
            r.text().await.unwrap().contains("Không có quyền truy cập"),
            "{path}: 403 page in Vietnamese"
        );
    }
    // The navigation does not offer them either.
    let page = b.get_text(&format!("/a/{}", n.a)).await;
    assert!(!page.contains(&format!("/a/{}/members", n.a)));
}

#[tokio::test]
async fn an_agency_admin_cannot_list_another_agencys_users() {
    let (_app, n, b) = spawn_signed_in("a.admin").await;
    let own = b.get_text(&format!("/a/{}/members", n.a)).await;
    assert!(own.contains("a.reporter") && !own.contains("b.reporter"));
    b.expect_get(&format!("/a/{}/members", n.b), 403).await;
    // A member of B addressed through A's URL is not found.
    b.expect_get(&format!("/a/{}/members/{}", n.a, n.b_reporter), 404)
        .await;
    let _ = PASSWORD;
}
