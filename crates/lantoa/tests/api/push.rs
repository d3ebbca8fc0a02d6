//! Web Push against a push service on the loopback: a person turns push on
//! from the profile page, a notification reaches each of their browsers
//! encrypted to that browser (decrypted here as a browser does, RFC 8291)
//! and signed with the install's VAPID key for the service's origin
//! (RFC 8292), in the person's language with the clip's address; a browser
//! its service calls gone is forgotten; nothing is pushed twice; addresses
//! outside the allowed push services and bad keys are refused.

use std::sync::{Arc, Mutex};

use aws_lc_rs::aead::{AES_128_GCM, Aad, LessSafeKey, Nonce, UnboundKey};
use aws_lc_rs::agreement::{self, ECDH_P256, PrivateKey, UnparsedPublicKey};
use aws_lc_rs::hkdf::{HKDF_SHA256, KeyType, Salt};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;

use crate::helpers::{extract, spawn_app_with};
use crate::review::in_review;
use lantoa::domain::UserId;

#[derive(Clone, Debug)]
struct Received {
    path: String,
    headers: HeaderMap,
    body: Vec<u8>,
}

type Got = Arc<Mutex<Vec<Received>>>;

/// A push service: 201 for every message, 410 for a subscription whose
/// path starts with "gone".
async fn push_service() -> (String, Got) {
    async fn take(
        State(got): State<Got>,
        Path(id): Path<String>,
        headers: HeaderMap,
        body: Bytes,
    ) -> StatusCode {
        got.lock().unwrap().push(Received {
            path: id.clone(),
            headers,
            body: body.to_vec(),
        });
        if id.starts_with("gone") {
            StatusCode::GONE
        } else {
            StatusCode::CREATED
        }
    }
    let got: Got = Arc::default();
    let app = axum::Router::new()
        .route("/wpush/{id}", axum::routing::post(take))
        .with_state(got.clone());
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", l.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(l, app).await.unwrap() });
    (base, got)
}

/// A browser's side of a subscription: its key pair and auth secret.
struct Device {
    key: PrivateKey,
    public: Vec<u8>,
    auth: [u8; 16],
}

impl Device {
    fn new() -> Device {
        let key = PrivateKey::generate(&ECDH_P256).unwrap();
        let public = key.compute_public_key().unwrap().as_ref().to_vec();
        let auth = lantoa::crypto::random_bytes::<16>();
        Device { key, public, auth }
    }

    /// RFC 8291 §3.4 and RFC 8188 from the receiving end.
    fn decrypt(&self, body: &[u8]) -> Vec<u8> {
        struct Len(usize);
        impl KeyType for Len {
            fn len(&self) -> usize {
                self.0
            }
        }
        fn hkdf(salt: &[u8], ikm: &[u8], info: &[u8], out: &mut [u8]) {
            Salt::new(HKDF_SHA256, salt)
                .extract(ikm)
                .expand(&[info], Len(out.len()))
                .unwrap()
                .fill(out)
                .unwrap();
        }
        let salt = &body[..16];
        assert_eq!(u32::from_be_bytes(body[16..20].try_into().unwrap()), 4096);
        let idlen = body[20] as usize;
        let sender = &body[21..21 + idlen];
        let peer = UnparsedPublicKey::new(&ECDH_P256, sender);
        let secret = agreement::agree(&self.key, peer, (), |s| Ok(s.to_vec())).unwrap();
        let mut info = b"WebPush: info\0".to_vec();
        info.extend_from_slice(&self.public);
        info.extend_from_slice(sender);
        let mut ikm = [0u8; 32];
        hkdf(&self.auth, &secret, &info, &mut ikm);
        let (mut cek, mut nonce) = ([0u8; 16], [0u8; 12]);
        hkdf(salt, &ikm, b"Content-Encoding: aes128gcm\0", &mut cek);
        hkdf(salt, &ikm, b"Content-Encoding: nonce\0", &mut nonce);
        let key = LessSafeKey::new(UnboundKey::new(&AES_128_GCM, &cek).unwrap());
        let mut record = body[21 + idlen..].to_vec();
        let plain = key
            .open_in_place(
                Nonce::assume_unique_for_key(nonce),
                Aad::empty(),
                &mut record,
            )
            .unwrap()
            .to_vec();
        assert_eq!(plain.last(), Some(&0x02), "one record, the last");
        plain[..plain.len() - 1].to_vec()
    }

    fn form(&self, endpoint: &str) -> Vec<(&'static str, String)> {
        vec![
            ("endpoint", endpoint.to_string()),
            ("p256dh", B64.encode(&self.public)),
            ("auth", B64.encode(self.auth)),
        ]
    }
}

async fn devices_of(app: &crate::helpers::TestApp, user: UserId) -> usize {
    let mut tx = app.st.db.read().await.unwrap();
    lantoa::db::push::subscriptions_of(&mut tx, user)
        .await
        .unwrap()
        .len()
}

async fn wait_for(got: &Got, n: usize) {
    for _ in 0..100 {
        if got.lock().unwrap().len() >= n {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("{} messages, not {n}", got.lock().unwrap().len());
}

#[tokio::test]
async fn a_notification_reaches_each_subscribed_browser_encrypted_and_signed() {
    let (base, got) = push_service().await;
    let app = spawn_app_with(&[("LANTOA_PUSH_HOSTS", "fcm.googleapis.com,http://127.0.0.1")]).await;
    let n = app.network().await;
    let editor = app.login("a.editor").await;
    let profile = editor.get_text("/profile").await;
    let key = extract(&profile, "data-key=\"", "\"").expect("the VAPID key on the page");
    assert_eq!(B64.decode(&key).unwrap().len(), 65);

    // Only the allowed push services, and only good keys.
    let phone = Device::new();
    let post = |fields: Vec<(&'static str, String)>| {
        let editor = &editor;
        async move {
            let f: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            editor.post_form("/profile/push", &f).await.status()
        }
    };
    for bad in [
        "https://evil.example/wpush/x",
        "http://10.0.0.1/wpush/x",
        "https://127.0.0.1/wpush/x",
        "file:///etc/passwd",
        "http://fcm.googleapis.com/fcm/send/x",
    ] {
        assert_eq!(post(phone.form(bad)).await, 400, "{bad}");
    }
    let mut bad_keys = phone.form(&format!("{base}/wpush/phone"));
    bad_keys[1].1 = B64.encode([4u8; 30]);
    assert_eq!(post(bad_keys).await, 400);
    assert_eq!(devices_of(&app, n.a_editor).await, 0);

    // A phone, and a laptop whose subscription has lapsed at its service.
    let laptop = Device::new();
    assert_eq!(post(phone.form(&format!("{base}/wpush/phone"))).await, 204);
    assert_eq!(
        post(laptop.form(&format!("{base}/wpush/gone-laptop"))).await,
        204
    );
    assert_eq!(devices_of(&app, n.a_editor).await, 2);
    let audited = app.audit_entries().await;
    assert_eq!(
        audited
            .iter()
            .filter(|e| e.action == "user.push_subscribe")
            .count(),
        2
    );

    let c = in_review(&app, &n, "good_deeds").await;
    wait_for(&got, 2).await;
    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
    let msgs = got.lock().unwrap().clone();
    assert_eq!(msgs.len(), 2, "one message to each browser, once: {msgs:?}");
    for m in &msgs {
        let h = |name: &str| m.headers[name].to_str().unwrap().to_string();
        assert_eq!(h("content-encoding"), "aes128gcm");
        assert_eq!(h("ttl"), "86400");
        assert_eq!(h("urgency"), "high");
        // RFC 8292: ES256 over header.claims with the install's key, for
        // the service's origin.
        let auth = h("authorization");
        let (t, k) = auth
            .strip_prefix("vapid t=")
            .and_then(|r| r.split_once(", k="))
            .unwrap();
        assert_eq!(k, key);
        let parts: Vec<&str> = t.split('.').collect();
        let claims: serde_json::Value =
            serde_json::from_slice(&B64.decode(parts[1]).unwrap()).unwrap();
        assert_eq!(claims["aud"], base.as_str());
        let verifier = aws_lc_rs::signature::UnparsedPublicKey::new(
            &aws_lc_rs::signature::ECDSA_P256_SHA256_FIXED,
            B64.decode(k).unwrap(),
        );
        let signed = format!("{}.{}", parts[0], parts[1]);
        verifier
            .verify(signed.as_bytes(), &B64.decode(parts[2]).unwrap())
            .expect("signed with the install's key");
    }
    let to_phone = msgs.iter().find(|m| m.path == "phone").unwrap();
    let notice: serde_json::Value = serde_json::from_slice(&phone.decrypt(&to_phone.body)).unwrap();
    assert_eq!(notice["url"], format!("/a/{}/clips/{c}", n.a));
    assert_eq!(notice["lang"], "vi");
    let body = notice["body"].as_str().unwrap();
    assert!(body.contains("chờ bạn duyệt"), "{body}");
    // The laptop's service said gone: it is forgotten, the phone kept.
    assert_eq!(devices_of(&app, n.a_editor).await, 1);

    // A person's newest ten browsers are kept, the oldest forgotten.
    for i in 0..11 {
        let d = Device::new();
        assert_eq!(post(d.form(&format!("{base}/wpush/more-{i}"))).await, 204);
    }
    assert_eq!(
        devices_of(&app, n.a_editor).await,
        lantoa::service::push::MAX_DEVICES as usize
    );
    {
        let mut tx = app.st.db.write().await.unwrap();
        lantoa::db::push::keep_newest(&mut tx, n.a_editor, 1)
            .await
            .unwrap();
        tx.commit().await.unwrap();
    }
    let kept = {
        let mut tx = app.st.db.read().await.unwrap();
        lantoa::db::push::subscriptions_of(&mut tx, n.a_editor)
            .await
            .unwrap()
    };
    assert!(kept[0].endpoint.ends_with("/wpush/more-10"), "{kept:?}");
    {
        // The phone again, as it was, for what follows.
        let mut tx = app.st.db.write().await.unwrap();
        lantoa::db::push::forget(&mut tx, kept[0].id).await.unwrap();
        tx.commit().await.unwrap();
    }
    assert_eq!(post(phone.form(&format!("{base}/wpush/phone"))).await, 204);

    // Turned off on the phone: nothing more is pushed there.
    let f = [("endpoint", format!("{base}/wpush/phone"))];
    let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(
        editor.post_form("/profile/push/off", &f).await.status(),
        204
    );
    assert_eq!(devices_of(&app, n.a_editor).await, 0);
    in_review(&app, &n, "good_deeds").await;
    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
    assert_eq!(got.lock().unwrap().len(), 2);
}
