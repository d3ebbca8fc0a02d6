//! Small cryptographic helpers: random tokens, hashes, password hashing, CSRF
//! tokens and encryption of secrets at rest (XChaCha20-Poly1305).

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier, phc::PasswordHash};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use std::sync::LazyLock;

/// `n` bytes from the operating system's random source.
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut b = [0u8; N];
    getrandom::fill(&mut b).expect("the operating system's random source failed");
    b
}

/// A 256-bit random token, hex-encoded.
pub fn random_token() -> String {
    hex::encode(random_bytes::<32>())
}

pub fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

/// Compares two byte strings in time independent of where they differ.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// HMAC-SHA256 of `msg` under `key`, hex-encoded.
pub fn hmac_hex(key: &[u8; 32], msg: &[u8]) -> String {
    let mut mac = <Hmac<Sha256> as hmac::KeyInit>::new_from_slice(key).expect("any key length");
    mac.update(msg);
    hex::encode(mac.finalize().into_bytes())
}

/// Hashes a password with Argon2id (default parameters) and a random salt.
pub fn hash_password(password: &str) -> String {
    Argon2::default()
        .hash_password(password.as_bytes())
        .expect("hashing with default parameters cannot fail")
        .to_string()
}

/// Checks a password against a stored PHC string.
pub fn verify_password(password: &str, stored: &str) -> bool {
    match PasswordHash::new(stored) {
        Ok(parsed) => Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| hash_password("not-a-real-password"));

/// Spends the time a real check would, for unknown accounts: the response time
/// must not tell whether an account exists.
pub fn verify_dummy(password: &str) {
    let _ = verify_password(password, &DUMMY_HASH);
}

/// Encrypts and decrypts secrets stored in the database (platform tokens…).
/// The output is `v1:` followed by hex of nonce ‖ ciphertext.
#[derive(Clone)]
pub struct SecretBox {
    cipher: XChaCha20Poly1305,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("a stored secret could not be decrypted (wrong key or damaged data)")]
pub struct DecryptError;

impl SecretBox {
    pub fn new(key: &[u8; 32]) -> SecretBox {
        SecretBox {
            cipher: XChaCha20Poly1305::new_from_slice(key).expect("32-byte key"),
        }
    }

    /// Encrypts `plaintext`; `context` (e.g. "channel:12:access_token") is bound to
    /// the ciphertext so a value cannot be moved to another row unnoticed.
    pub fn seal(&self, plaintext: &[u8], context: &str) -> String {
        let nonce_bytes = random_bytes::<24>();
        let nonce = XNonce::from(nonce_bytes);
        let ct = self
            .cipher
            .encrypt(
                &nonce,
                Payload {
                    msg: plaintext,
                    aad: context.as_bytes(),
                },
            )
            .expect("encryption cannot fail for in-memory buffers");
        let mut out = Vec::with_capacity(24 + ct.len());
        out.extend_from_slice(&nonce_bytes);
        out.extend_from_slice(&ct);
        format!("v1:{}", hex::encode(out))
    }

    pub fn open(&self, sealed: &str, context: &str) -> Result<Vec<u8>, DecryptError> {
        let raw = sealed.strip_prefix("v1:").ok_or(DecryptError)?;
        let bytes = hex::decode(raw).map_err(|_| DecryptError)?;
        if bytes.len() < 24 + 16 {
            return Err(DecryptError);
        }
        let (n, ct) = bytes.split_at(24);
        let nonce_bytes: [u8; 24] = n.try_into().map_err(|_| DecryptError)?;
        self.cipher
            .decrypt(
                &XNonce::from(nonce_bytes),
                Payload {
                    msg: ct,
                    aad: context.as_bytes(),
                },
            )
            .map_err(|_| DecryptError)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_when_equal() {
        let h = hash_password("mật khẩu đúng rồi");
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("mật khẩu đúng rồi", &h));
        assert!(!verify_password("mat khau dung roi", &h));
        assert!(!verify_password("x", "not a phc string"));
    }

    #[test]
    fn secrets_round_trip_and_are_bound_to_context() {
        let sb = SecretBox::new(&[7u8; 32]);
        let sealed = sb.seal(b"EAAB-token", "channel:1:access");
        assert!(!sealed.contains("EAAB"));
        assert_eq!(sb.open(&sealed, "channel:1:access").unwrap(), b"EAAB-token");
        assert_eq!(sb.open(&sealed, "channel:2:access"), Err(DecryptError));
        assert_eq!(
            SecretBox::new(&[8u8; 32]).open(&sealed, "channel:1:access"),
            Err(DecryptError)
        );
        let mut tampered = sealed.clone();
        let last = tampered.pop().unwrap();
        tampered.push(if last == '0' { '1' } else { '0' });
        assert_eq!(sb.open(&tampered, "channel:1:access"), Err(DecryptError));
        // Two seals of the same value differ (fresh nonce).
        assert_ne!(sb.seal(b"x", "c"), sb.seal(b"x", "c"));
    }

    #[test]
    fn hmac_depends_on_key_and_message() {
        assert_ne!(hmac_hex(&[1; 32], b"a"), hmac_hex(&[2; 32], b"a"));
        assert_ne!(hmac_hex(&[1; 32], b"a"), hmac_hex(&[1; 32], b"b"));
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }
}
