//! Web Push, self-hosted: the message encryption of RFC 8291 (`aes128gcm`,
//! RFC 8188) and the VAPID identification of RFC 8292, sent straight to the
//! push service the person's browser chose. No third-party service stands in
//! between; the application server's key pair is derived from the install's
//! secret, so every process of an install signs with the same key and no
//! private key is stored.

use std::time::Duration;

use aws_lc_rs::aead::{AES_128_GCM, Aad, LessSafeKey, Nonce, UnboundKey};
use aws_lc_rs::agreement::{self, ECDH_P256, PrivateKey, UnparsedPublicKey};
use aws_lc_rs::hkdf::{HKDF_SHA256, KeyType, Salt};
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;

/// The record size written in the header: one record holds any message
/// Lantoa sends (4096, as RFC 8291's example).
const RECORD_SIZE: u32 = 4096;
/// The largest message: a push service need take no more than 4096 bytes of
/// body, of which the header and the tag take 86 + 16 + 1.
pub const MAX_PAYLOAD: usize = 3993;

/// Why a message could not be made.
#[derive(Debug, thiserror::Error)]
pub enum PushError {
    #[error("the subscription's keys are not valid: {0}")]
    BadKeys(&'static str),
    #[error("the message is longer than a push service takes")]
    TooLong,
    #[error("the key pair could not be made")]
    Crypto,
}

/// A browser's subscription keys, decoded (`p256dh`: its P-256 public key,
/// 65 bytes uncompressed; `auth`: 16 bytes).
pub struct Keys {
    pub p256dh: Vec<u8>,
    pub auth: Vec<u8>,
}

impl Keys {
    /// The keys as `PushSubscription.toJSON()` gives them (base64url).
    pub fn parse(p256dh: &str, auth: &str) -> Result<Keys, PushError> {
        let decode = |s: &str| B64.decode(s.trim_end_matches('='));
        let p256dh = decode(p256dh).map_err(|_| PushError::BadKeys("p256dh"))?;
        let auth = decode(auth).map_err(|_| PushError::BadKeys("auth"))?;
        if p256dh.len() != 65 || p256dh[0] != 0x04 {
            return Err(PushError::BadKeys("p256dh"));
        }
        if auth.len() != 16 {
            return Err(PushError::BadKeys("auth"));
        }
        Ok(Keys { p256dh, auth })
    }
}

struct Len(usize);

impl KeyType for Len {
    fn len(&self) -> usize {
        self.0
    }
}

/// HKDF-SHA-256: extract with `salt` from `ikm`, expand `info` to `N` bytes.
fn hkdf<const N: usize>(salt: &[u8], ikm: &[u8], info: &[u8]) -> [u8; N] {
    let mut out = [0u8; N];
    Salt::new(HKDF_SHA256, salt)
        .extract(ikm)
        .expand(&[info], Len(N))
        .and_then(|okm| okm.fill(&mut out))
        .expect("HKDF-SHA-256 gives up to 8160 bytes");
    out
}

/// The `aes128gcm` body for `keys` of `plaintext`, sent from the ephemeral
/// key `sender` with `salt` (RFC 8291 §3.4; RFC 8188 §2): salt, record size,
/// the sender's public key, then the one record, padded with its delimiter.
pub fn encrypt_with(
    keys: &Keys,
    plaintext: &[u8],
    sender: &PrivateKey,
    salt: &[u8; 16],
) -> Result<Vec<u8>, PushError> {
    if plaintext.len() > MAX_PAYLOAD {
        return Err(PushError::TooLong);
    }
    let as_public = sender.compute_public_key().map_err(|_| PushError::Crypto)?;
    let as_public = as_public.as_ref();
    let peer = UnparsedPublicKey::new(&ECDH_P256, &keys.p256dh);
    let ecdh_secret: Vec<u8> = agreement::agree(sender, peer, PushError::BadKeys("p256dh"), |s| {
        Ok(s.to_vec())
    })?;
    let mut key_info = b"WebPush: info\0".to_vec();
    key_info.extend_from_slice(&keys.p256dh);
    key_info.extend_from_slice(as_public);
    let ikm: [u8; 32] = hkdf(&keys.auth, &ecdh_secret, &key_info);
    let cek: [u8; 16] = hkdf(salt, &ikm, b"Content-Encoding: aes128gcm\0");
    let nonce: [u8; 12] = hkdf(salt, &ikm, b"Content-Encoding: nonce\0");

    let mut record = plaintext.to_vec();
    record.push(0x02); // the last (and only) record's delimiter
    let key = UnboundKey::new(&AES_128_GCM, &cek).map_err(|_| PushError::Crypto)?;
    LessSafeKey::new(key)
        .seal_in_place_append_tag(
            Nonce::assume_unique_for_key(nonce),
            Aad::empty(),
            &mut record,
        )
        .map_err(|_| PushError::Crypto)?;

    let mut body = Vec::with_capacity(16 + 4 + 1 + as_public.len() + record.len());
    body.extend_from_slice(salt);
    body.extend_from_slice(&RECORD_SIZE.to_be_bytes());
    body.push(as_public.len() as u8);
    body.extend_from_slice(as_public);
    body.extend_from_slice(&record);
    Ok(body)
}

/// [`encrypt_with`] from a fresh ephemeral key and salt, as every message
/// must be.
pub fn encrypt(keys: &Keys, plaintext: &[u8]) -> Result<Vec<u8>, PushError> {
    let sender = PrivateKey::generate(&ECDH_P256).map_err(|_| PushError::Crypto)?;
    let salt = crate::crypto::random_bytes::<16>();
    encrypt_with(keys, plaintext, &sender, &salt)
}

/// The application server's VAPID key pair.
pub struct Vapid {
    pair: EcdsaKeyPair,
}

impl Vapid {
    /// The install's key pair, derived from its secret: the same in every
    /// process, never stored. (A derived scalar outside the curve's order,
    /// about one in four billion, moves on to the next counter.)
    pub fn from_secret(secret: &[u8; 32]) -> Result<Vapid, PushError> {
        for counter in 0u8..=255 {
            let scalar: [u8; 32] = hkdf(b"lantoa vapid", secret, &[counter]);
            let Ok(ecdh) = PrivateKey::from_private_key(&ECDH_P256, &scalar) else {
                continue;
            };
            let public = ecdh.compute_public_key().map_err(|_| PushError::Crypto)?;
            let pair = EcdsaKeyPair::from_private_key_and_public_key(
                &ECDSA_P256_SHA256_FIXED_SIGNING,
                &scalar,
                public.as_ref(),
            )
            .map_err(|_| PushError::Crypto)?;
            return Ok(Vapid { pair });
        }
        Err(PushError::Crypto)
    }

    /// The public key as a browser's `applicationServerKey` takes it.
    pub fn public_key(&self) -> String {
        B64.encode(self.pair.public_key().as_ref())
    }

    /// The `Authorization` header for a message to `endpoint` (RFC 8292):
    /// an ES256 JWT for the endpoint's origin, valid 12 hours, naming who
    /// runs this server (`subject`: a `mailto:` or `https:` address).
    pub fn authorization(&self, endpoint: &str, subject: &str, now_s: i64) -> Option<String> {
        let url = reqwest::Url::parse(endpoint).ok()?;
        let aud = url.origin().ascii_serialization();
        let header = B64.encode(br#"{"typ":"JWT","alg":"ES256"}"#);
        let claims = serde_json::json!({"aud": aud, "exp": now_s + 12 * 3600, "sub": subject});
        let claims = B64.encode(claims.to_string());
        let signed = format!("{header}.{claims}");
        let sig = self
            .pair
            .sign(&SystemRandom::new(), signed.as_bytes())
            .ok()?;
        Some(format!(
            "vapid t={signed}.{}, k={}",
            B64.encode(sig.as_ref()),
            self.public_key()
        ))
    }
}

/// What a push service said to one message.
#[derive(Debug, PartialEq, Eq)]
pub enum Sent {
    /// Accepted (201).
    Delivered,
    /// The subscription is no more (404, 410): forget it.
    Gone,
    /// Anything else: tried again with the next message.
    Failed(String),
}

/// One message to a subscription.
pub struct Message<'a> {
    pub endpoint: &'a str,
    pub keys: &'a Keys,
    pub payload: &'a [u8],
    /// Seconds the push service keeps it for an offline device.
    pub ttl: u32,
    /// `high` wakes a phone at once (RFC 8030 §5.3).
    pub urgency: &'static str,
    /// Messages with one topic replace each other while undelivered.
    pub topic: Option<&'a str>,
}

/// Encrypts and sends `m` with the server's VAPID identity.
pub async fn send(
    http: &reqwest::Client,
    vapid: &Vapid,
    subject: &str,
    m: &Message<'_>,
    now_s: i64,
) -> Sent {
    let body = match encrypt(m.keys, m.payload) {
        Ok(b) => b,
        Err(e) => return Sent::Failed(e.to_string()),
    };
    let Some(auth) = vapid.authorization(m.endpoint, subject, now_s) else {
        return Sent::Failed("the endpoint is not an address".into());
    };
    let mut req = http
        .post(m.endpoint)
        .timeout(Duration::from_secs(20))
        .header("Authorization", auth)
        .header("Content-Encoding", "aes128gcm")
        .header("Content-Type", "application/octet-stream")
        .header("TTL", m.ttl.to_string())
        .header("Urgency", m.urgency)
        .body(body);
    if let Some(t) = m.topic {
        req = req.header("Topic", t);
    }
    match req.send().await {
        Ok(r) if r.status().is_success() => Sent::Delivered,
        Ok(r) if matches!(r.status().as_u16(), 404 | 410) => Sent::Gone,
        Ok(r) => Sent::Failed(format!("the push service answered {}", r.status())),
        Err(e) => Sent::Failed(e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b64(s: &str) -> Vec<u8> {
        B64.decode(s).unwrap()
    }

    /// RFC 8291, Appendix A: the exact body of its worked example.
    #[test]
    fn the_rfc_8291_example_is_encrypted_byte_for_byte() {
        let keys = Keys::parse(
            "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4",
            "BTBZMqHH6r4Tts7J_aSIgg",
        )
        .unwrap();
        let sender = PrivateKey::from_private_key(
            &ECDH_P256,
            &b64("yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw"),
        )
        .unwrap();
        let salt: [u8; 16] = b64("DGv6ra1nlYgDCS1FRnbzlw").try_into().unwrap();
        let body = encrypt_with(
            &keys,
            b"When I grow up, I want to be a watermelon",
            &sender,
            &salt,
        )
        .unwrap();
        assert_eq!(
            B64.encode(body),
            "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocI\
             nmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGN\
             WQexSgSxsj_Qulcy4a-fN"
        );
    }

    #[test]
    fn bad_keys_and_long_messages_are_refused() {
        let good = "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";
        assert!(Keys::parse(&good[..40], "BTBZMqHH6r4Tts7J_aSIgg").is_err());
        assert!(Keys::parse(good, "BTBZMqHH6r4Tts7J").is_err());
        assert!(Keys::parse(good, "not base64!").is_err());
        let keys = Keys::parse(good, "BTBZMqHH6r4Tts7J_aSIgg").unwrap();
        assert!(encrypt(&keys, &[b'a'; MAX_PAYLOAD]).is_ok());
        assert!(matches!(
            encrypt(&keys, &[b'a'; MAX_PAYLOAD + 1]),
            Err(PushError::TooLong)
        ));
    }

    /// RFC 8292 §2: ES256 over "header.claims", the endpoint's origin, a
    /// lifetime within a day; the same key from the same secret.
    #[test]
    fn the_vapid_token_is_signed_for_the_endpoints_origin() {
        let v = Vapid::from_secret(&[7; 32]).unwrap();
        assert_eq!(
            v.public_key(),
            Vapid::from_secret(&[7; 32]).unwrap().public_key()
        );
        assert_ne!(
            v.public_key(),
            Vapid::from_secret(&[8; 32]).unwrap().public_key()
        );
        let h = v
            .authorization(
                "https://push.example.net:8443/wpush/v2/abc?x=1",
                "mailto:desk@example.org",
                1_000,
            )
            .unwrap();
        let (t, k) = h
            .strip_prefix("vapid t=")
            .and_then(|r| r.split_once(", k="))
            .unwrap();
        assert_eq!(k, v.public_key());
        let parts: Vec<&str> = t.split('.').collect();
        let claims: serde_json::Value = serde_json::from_slice(&b64(parts[1])).unwrap();
        assert_eq!(claims["aud"], "https://push.example.net:8443");
        assert_eq!(claims["exp"], 1_000 + 12 * 3600);
        assert_eq!(claims["sub"], "mailto:desk@example.org");
        let key = aws_lc_rs::signature::UnparsedPublicKey::new(
            &aws_lc_rs::signature::ECDSA_P256_SHA256_FIXED,
            b64(k),
        );
        let signed = format!("{}.{}", parts[0], parts[1]);
        assert!(key.verify(signed.as_bytes(), &b64(parts[2])).is_ok());
        assert!(key.verify(b"something else", &b64(parts[2])).is_err());
    }
}
