use super::*;

fn app(base: &str) -> OAuthApp {
    OAuthApp {
        client_id: "app 1".into(),
        client_secret: "s".into(),
        authorize_base: base.into(),
        token_base: base.into(),
        api_base: base.into(),
        graph_version: "v25.0".into(),
    }
}

fn params(url: &str) -> std::collections::HashMap<String, String> {
    let q = url.split_once('?').map(|(_, q)| q).unwrap_or("");
    form_urlencoded::parse(q.as_bytes()).into_owned().collect()
}

#[test]
fn pkce_pairs_are_s256_base64url() {
    // Computed independently (Python hashlib + base64.urlsafe_b64encode).
    assert_eq!(
        challenge_of("dBjftJeZ4CVP-mB92K1uhbHtbvqcp0uQDdUFA6i6wmKk"),
        "iD2yRWQ2J_Bm8tAMQ4jITxXc_F3dWMDPsLSaRFboSes"
    );
    let (v, c) = pkce();
    assert_eq!(v.len(), 43);
    assert_eq!(challenge_of(&v), c);
    assert_ne!(pkce().0, v);
}

#[test]
fn authorize_urls_carry_each_platforms_parameters() {
    let a = app("https://x.test/");
    let g = authorize_url(Platform::YouTube, &a, "https://me/cb", "st", Some("ch"));
    assert!(g.starts_with("https://x.test/o/oauth2/auth?"), "{g}");
    let q = params(&g);
    assert_eq!(q["client_id"], "app 1");
    assert_eq!(q["access_type"], "offline");
    assert_eq!(q["prompt"], "consent");
    assert_eq!(q["scope"], GOOGLE_SCOPES.join(" "));
    assert_eq!(q["code_challenge_method"], "S256");
    let f = authorize_url(Platform::Facebook, &a, "https://me/cb", "st", Some("ch"));
    assert!(f.starts_with("https://x.test/v25.0/dialog/oauth?"), "{f}");
    let q = params(&f);
    assert_eq!(q["scope"], FACEBOOK_SCOPES);
    assert!(!q.contains_key("code_challenge"));
    let t = authorize_url(Platform::TikTok, &a, "https://me/cb", "st", Some("ch"));
    assert!(t.starts_with("https://x.test/v2/auth/authorize/?"), "{t}");
    let q = params(&t);
    assert_eq!(
        (q["client_key"].as_str(), q["code_challenge"].as_str()),
        ("app 1", "ch")
    );
    assert_eq!(q["scope"], TIKTOK_SCOPES);
    let z = authorize_url(Platform::Zalo, &a, "https://me/cb", "st", Some("ch"));
    assert!(z.starts_with("https://x.test/v4/oa/permission?"), "{z}");
    let q = params(&z);
    assert_eq!(
        (
            q["app_id"].as_str(),
            q["redirect_uri"].as_str(),
            q["code_challenge"].as_str(),
            q["state"].as_str()
        ),
        ("app 1", "https://me/cb", "ch", "st")
    );
}

#[test]
fn token_responses_are_read_whatever_the_number_type() {
    let v = serde_json::json!({"access_token": "a", "refresh_token": "r",
        "expires_in": "90000", "refresh_expires_in": 10, "scope": "x"});
    let t = tokens_from(&v, 1_000).unwrap();
    assert_eq!(t.expires_at_ms, Some(1_000 + 90_000_000));
    assert_eq!(t.refresh_expires_at_ms, Some(11_000));
    assert_eq!(t.refresh_token.as_deref(), Some("r"));
    assert!(tokens_from(&serde_json::json!({"error": "x"}), 0).is_none());
}

#[test]
fn oauth_errors_are_classified_with_the_message_kept() {
    let dead = serde_json::json!({"error": "invalid_grant",
        "error_description": "Token has been expired or revoked."});
    let e = oauth_error(400, &dead).unwrap();
    assert_eq!(
        (e.class, e.code.as_str()),
        (ErrorClass::Reconnect, "invalid_grant")
    );
    assert_eq!(e.message, "Token has been expired or revoked.");
    assert!(matches!(
        oauth_error(503, &serde_json::Value::Null).unwrap().class,
        ErrorClass::Retry { .. }
    ));
    assert_eq!(
        oauth_error(401, &serde_json::json!({"error": "invalid_client"}))
            .unwrap()
            .class,
        ErrorClass::Permanent
    );
    assert!(oauth_error(200, &serde_json::json!({"access_token": "a"})).is_none());
    let z = zalo_error(
        200,
        &serde_json::json!({"error": -14014,
        "error_name": "Invalid refresh token"}),
    )
    .unwrap();
    assert_eq!(
        (z.class, z.code.as_str()),
        (ErrorClass::Reconnect, "-14014")
    );
    assert_eq!(z.message, "Invalid refresh token");
    let fb = facebook_error(
        400,
        &serde_json::json!({"error": {"message": "This authorization code has been used.",
            "type": "OAuthException", "code": 100, "error_subcode": 36009}}),
    );
    assert_eq!((fb.class, fb.code.as_str()), (ErrorClass::Reconnect, "100"));
}

#[test]
fn captions_need_force_ssl_which_lantoa_now_asks_for() {
    let granted = GOOGLE_SCOPES.join(" ");
    assert!(can_caption_with(Some(&granted)));
    // A channel connected before captions: `youtube` alone is not enough.
    let before = "https://www.googleapis.com/auth/youtube https://www.googleapis.com/auth/yt-analytics.readonly";
    assert!(!can_caption_with(Some(before)));
    assert!(can_delete_with(Platform::YouTube, Some(before)));
    assert!(can_caption_with(Some(
        "https://www.googleapis.com/auth/youtubepartner"
    )));
    assert!(!can_caption_with(None));
}
