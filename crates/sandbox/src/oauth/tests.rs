use super::*;

#[test]
fn pkce_accepts_s256_base64url_and_tiktoks_hex() {
    let v = "dBjftJeZ4CVP-mB92K1uhbHtbvqcp0uQDdUFA6i6wmKk";
    assert!(pkce_ok("iD2yRWQ2J_Bm8tAMQ4jITxXc_F3dWMDPsLSaRFboSes", v));
    assert!(pkce_ok(&hex::encode(Sha256::digest(v.as_bytes())), v));
    assert!(!pkce_ok(
        "iD2yRWQ2J_Bm8tAMQ4jITxXc_F3dWMDPsLSaRFboSes",
        "other"
    ));
}

#[test]
fn sandbox_identities_are_stable_per_app() {
    assert_eq!(google_channel("a"), google_channel("a"));
    assert_ne!(google_channel("a"), google_channel("b"));
    assert_eq!(google_channel("a").len(), 24);
    assert!(tiktok_open_id("a").starts_with("-000"));
    assert!(zalo_oa_id("a").chars().all(|c| c.is_ascii_digit()));
}

#[test]
fn redirects_keep_an_existing_query() {
    assert_eq!(
        with_query("http://a/cb?x=1", &[("code", "c d")]),
        "http://a/cb?x=1&code=c+d"
    );
    assert_eq!(
        with_query("http://a/cb", &[("state", "s")]),
        "http://a/cb?state=s"
    );
}
