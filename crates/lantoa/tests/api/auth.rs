//! Signing in and out, sessions, CSRF, throttling, forced password changes.

use crate::helpers::{PASSWORD, assert_says, header, send_expect, spawn_network, spawn_signed_in};
use lantoa::domain::Role;

#[tokio::test]
async fn login_sets_a_safe_session_cookie_and_lands_on_the_agency_dashboard() {
    let (app, n) = spawn_network().await;
    let b = app.browser();
    let r = b.login("a.editor", PASSWORD).await;
    assert_eq!(r.status(), 303);
    let cookie = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|c| c.starts_with("lantoa_session="))
        .expect("session cookie");
    for flag in ["HttpOnly", "SameSite=Lax"] {
        assert!(cookie.contains(flag), "{cookie}");
    }
    assert!(
        !cookie.contains("Secure"),
        "no Secure without an https public_url"
    );
    let home = b.get("/").await;
    assert_eq!(home.headers()["location"], format!("/a/{}", n.a).as_str());
    let page = b.get_text(&format!("/a/{}", n.a)).await;
    assert!(page.contains("data-page=\"dashboard\"") && page.contains("Bảng điều khiển"));
    assert!(page.contains("Báo A"));
}

#[tokio::test]
async fn wrong_password_and_unknown_user_get_the_same_message() {
    let (app, _) = spawn_network().await;
    let b = app.browser();
    let wrong = b.login("a.editor", "not the password").await;
    assert_eq!(wrong.status(), 401);
    let wrong = wrong.text().await.unwrap();
    let unknown = b
        .login("nobody.here", "not the password")
        .await
        .text()
        .await
        .unwrap();
    let msg = "Tên đăng nhập hoặc mật khẩu không đúng.";
    assert!(wrong.contains(msg) && unknown.contains(msg));
    assert!(
        !b.get("/").await.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/a/")
    );
}

#[tokio::test]
async fn repeated_failures_throttle_the_account_even_with_the_right_password() {
    let (app, _) = spawn_network().await;
    let b = app.browser();
    for _ in 0..5 {
        assert_eq!(b.login("a.editor", "wrong-password").await.status(), 401);
    }
    let r = b.login("a.editor", PASSWORD).await;
    assert_says(r, 429, "15 phút").await;
    // Another account from the same address is not locked by these five.
    assert_eq!(b.login("a.head", PASSWORD).await.status(), 303);
    // After the window, the account opens again.
    app.clock.advance_ms(16 * 60 * 1000);
    assert_eq!(
        app.browser().login("a.editor", PASSWORD).await.status(),
        303
    );
}

#[tokio::test]
async fn many_failures_from_one_address_throttle_every_account() {
    let (app, _) = spawn_network().await;
    let b = app.browser();
    for i in 0..30 {
        assert_eq!(
            b.login(&format!("guess{i}"), "x-wrong-password")
                .await
                .status(),
            401
        );
    }
    assert_eq!(b.login("a.editor", PASSWORD).await.status(), 429);
}

#[tokio::test]
async fn logout_ends_the_session_server_side() {
    let (_app, n, b) = spawn_signed_in("a.editor").await;
    b.expect_get(&format!("/a/{}", n.a), 200).await;
    assert_eq!(b.post_form("/logout", &[]).await.status(), 303);
    let r = b.get(&format!("/a/{}", n.a)).await;
    assert_eq!(r.status(), 303);
    assert!(header(&r, "location").starts_with("/login"));
}

#[tokio::test]
async fn stolen_cookie_stops_working_after_logout() {
    let (app, n) = spawn_network().await;
    let b = app.browser();
    let r = b.login("a.editor", PASSWORD).await;
    let session = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_string())
        .find(|c| c.starts_with("lantoa_session="))
        .unwrap();
    b.refresh_csrf("/profile").await;
    b.post_form("/logout", &[]).await;
    let replay = app
        .client()
        .get(app.url(&format!("/a/{}", n.a)))
        .header("cookie", session)
        .send()
        .await
        .unwrap();
    assert_eq!(
        replay.status(),
        303,
        "a logged-out session must not authenticate"
    );
}

#[tokio::test]
async fn state_changing_requests_without_csrf_token_are_refused_and_change_nothing() {
    let (app, n, b) = spawn_signed_in("a.admin").await;
    let before = app.audit_count().await;
    let path = format!("/a/{}/members", n.a);
    let fields = [
        ("username", "forged.user"),
        ("display_name", "Forged"),
        ("roles", "editor"),
    ];
    let r = b.post_form_without_csrf(&path, &fields).await;
    assert_says(r, 403, "Biểu mẫu đã hết hạn").await;
    // A wrong token is refused too.
    send_expect(
        b.client.post(b.url(&path)).form(&[
            ("_csrf", "0".repeat(64).as_str()),
            ("username", "forged.user"),
            ("display_name", "F"),
            ("roles", "editor"),
        ]),
        403,
    )
    .await;
    // The API with a session cookie needs the header as well.
    let r = send_expect(
        b.client
            .put(b.url("/api/v1/me/locale"))
            .json(&serde_json::json!({"locale": "en"})),
        403,
    )
    .await;
    assert_eq!(
        r.json::<serde_json::Value>().await.unwrap()["code"],
        "csrf_failed"
    );
    assert_eq!(app.audit_count().await, before);
    // With the header it works.
    send_expect(
        b.client
            .put(b.url("/api/v1/me/locale"))
            .header("x-csrf-token", b.csrf())
            .json(&serde_json::json!({"locale": "en"})),
        204,
    )
    .await;
    // The login form itself is protected: no pre-session cookie, no login.
    send_expect(
        app.client()
            .post(app.url("/login"))
            .form(&[("username", "a.admin"), ("password", PASSWORD)]),
        403,
    )
    .await;
}

#[tokio::test]
async fn a_temporary_password_must_be_changed_before_anything_else() {
    let (app, n) = spawn_network().await;
    app.user_with("new.reporter", false, true, &[(n.a, Role::Reporter)])
        .await;
    let b = app.login("new.reporter").await;
    let r = b.get(&format!("/a/{}", n.a)).await;
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/profile?force=1");
    let profile = b.get_text("/profile?force=1").await;
    assert!(profile.contains("id=\"must-change\""));
    let r = b
        .change_password(PASSWORD, "a brand new secret", "a brand new secret")
        .await;
    assert_eq!(r.status(), 303);
    b.expect_get(&format!("/a/{}", n.a), 200).await;
    // The old password no longer works; the new one does.
    assert_eq!(
        app.browser().login("new.reporter", PASSWORD).await.status(),
        401
    );
    assert_eq!(
        app.browser()
            .login("new.reporter", "a brand new secret")
            .await
            .status(),
        303
    );
}

#[tokio::test]
async fn disabled_accounts_cannot_sign_in_and_get_the_generic_message() {
    let (app, n, admin) = spawn_signed_in("a.admin").await;
    let r = admin
        .post_form(&format!("/a/{}/members/{}/disable", n.a, n.a_editor), &[])
        .await;
    assert_eq!(r.status(), 303);
    let r = app.browser().login("a.editor", PASSWORD).await;
    assert_says(r, 401, "Tên đăng nhập hoặc mật khẩu không đúng.").await;
}

#[tokio::test]
async fn idle_sessions_expire() {
    let (app, n, b) = spawn_signed_in("a.editor").await;
    app.clock.advance_ms(9 * 3600 * 1000);
    let r = b.get(&format!("/a/{}", n.a)).await;
    assert_eq!(r.status(), 303, "an 8-hour idle session must have expired");
}
