//! The user's own settings: language, password, access tokens.

use crate::helpers::{
    PASSWORD, assert_says, send_expect, spawn_signed_in, spawn_with_token, text_of,
};

#[tokio::test]
async fn language_switch_is_remembered_for_the_account() {
    let (app, n, b) = spawn_signed_in("a.editor").await;
    let r = b
        .post_form("/lang", &[("lang", "en"), ("back", &format!("/a/{}", n.a))])
        .await;
    assert_eq!(r.status(), 303);
    let page = b.get_text(&format!("/a/{}", n.a)).await;
    assert!(page.contains("<html lang=\"en\">") && page.contains("Dashboard"));
    // A new browser signing in gets English too: it is the account's setting.
    let other = app.login("a.editor").await;
    let page = other.get_text(&format!("/a/{}", n.a)).await;
    assert!(page.contains("<html lang=\"en\">"));
    // Errors follow the language.
    let r = other.get("/no/such/page").await;
    assert_says(r, 404, "Page not found").await;
    // An open redirect through `back` is refused.
    let r = b
        .post_form(
            "/lang",
            &[("lang", "vi"), ("back", "https://evil.example/")],
        )
        .await;
    assert_eq!(r.headers()["location"], "/");
}

#[tokio::test]
async fn password_change_checks_the_current_password_and_the_confirmation() {
    let (app, _, b) = spawn_signed_in("a.editor").await;
    let r = b
        .change_password("wrong one!!", "new secret 123", "new secret 123")
        .await;
    assert_says(r, 400, "Mật khẩu hiện tại không đúng.").await;
    let r = b
        .change_password(PASSWORD, "new secret 123", "new secret 124")
        .await;
    assert!(r.text().await.unwrap().contains("không khớp"));
    let r = b.change_password(PASSWORD, "short", "short").await;
    assert!(r.text().await.unwrap().contains("ít nhất 10 ký tự"));
    let other_session = app.login("a.editor").await;
    let r = b
        .change_password(PASSWORD, "new secret 123", "new secret 123")
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(
        b.get("/profile").await.status(),
        200,
        "the session in use stays"
    );
    assert_eq!(
        other_session.get("/profile").await.status(),
        303,
        "other sessions end"
    );
}

#[tokio::test]
async fn access_tokens_are_shown_once_stored_hashed_and_revocable() {
    let (app, _, token) = spawn_with_token("a.editor").await;
    assert!(token.starts_with("lt_") && token.len() == 67);
    let c = app.client();
    let me = app.get_json("/api/v1/me", &token).await;
    assert_eq!(me["username"], "a.editor");
    // The database holds only a hash.
    let mut tx = app.st.db.read().await.unwrap();
    let stored: Vec<String> = lantoa::on_tx!(&mut tx, c => sqlx::query_scalar("SELECT token_hash FROM api_tokens").fetch_all(c).await).unwrap();
    drop(tx);
    assert!(
        stored
            .iter()
            .all(|h| h != &token && !h.contains(&token[3..]))
    );
    // Listing never shows it again.
    let list = text_of(app.get_api("/api/v1/me/tokens", &token).await, 200).await;
    assert!(!list.contains(&token[3..]));
    let id = serde_json::from_str::<serde_json::Value>(&list).unwrap()[0]["id"]
        .as_i64()
        .unwrap();
    send_expect(
        c.delete(app.url(&format!("/api/v1/me/tokens/{id}")))
            .bearer_auth(&token),
        204,
    )
    .await;
    let r = app.get_api("/api/v1/me", &token).await;
    assert_eq!(r.status(), 401);
    assert_eq!(
        r.json::<serde_json::Value>().await.unwrap()["code"],
        "unauthenticated"
    );
    let r = app.get_api("/api/v1/me", "lt_not-a-token").await;
    assert_eq!(r.status(), 401);
}
