//! Files people attach (an incident's screenshots and documents, a campaign's
//! reference material): the kinds taken, told by their first bytes rather
//! than by what the browser claims, stored under their owner's prefix and
//! given back only as downloads.

use crate::domain::Invalid;
use crate::error::{Error, Result};
use crate::state::AppState;

/// Largest file taken.
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;

/// A file as it arrived in a form.
#[derive(Debug)]
pub struct Incoming {
    pub name: String,
    pub bytes: bytes::Bytes,
}

/// A checked file, ready to store.
#[derive(Debug)]
pub struct Checked {
    /// The name to give it back under: its base name, without path or
    /// control characters, at most 120 characters.
    pub name: String,
    pub mime: &'static str,
    pub bytes: bytes::Bytes,
}

/// The kinds taken: images, PDF, office documents (zip-based), plain text.
fn sniff(name: &str, b: &[u8]) -> Option<&'static str> {
    let ext = name.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
    if b.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Some("image/png");
    }
    if b.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Some("image/jpeg");
    }
    if b.len() >= 12 && &b[..4] == b"RIFF" && &b[8..12] == b"WEBP" {
        return Some("image/webp");
    }
    if b.starts_with(b"%PDF-") {
        return Some("application/pdf");
    }
    if b.starts_with(b"PK\x03\x04") {
        return match ext.as_str() {
            "docx" => {
                Some("application/vnd.openxmlformats-officedocument.wordprocessingml.document")
            }
            "xlsx" => Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            "odt" => Some("application/vnd.oasis.opendocument.text"),
            _ => None,
        };
    }
    if matches!(ext.as_str(), "txt" | "csv") && std::str::from_utf8(b).is_ok() {
        return Some(if ext == "csv" {
            "text/csv; charset=utf-8"
        } else {
            "text/plain; charset=utf-8"
        });
    }
    None
}

/// Checks a file: not empty, within [`MAX_FILE_BYTES`], of a kind taken.
pub fn check(f: Incoming) -> std::result::Result<Checked, Invalid> {
    if f.bytes.is_empty() {
        return Err(Invalid::new("file", "file-empty"));
    }
    if f.bytes.len() > MAX_FILE_BYTES {
        return Err(Invalid::new("file", "file-too-large"));
    }
    let base = f.name.rsplit(['/', '\\']).next().unwrap_or("").trim();
    let mut name: String = base
        .chars()
        .filter(|c| !c.is_control() && *c != '"')
        .take(120)
        .collect();
    if name.is_empty() {
        name = "file".into();
    }
    let mime = sniff(&name, &f.bytes).ok_or(Invalid::new("file", "file-kind"))?;
    Ok(Checked {
        name,
        mime,
        bytes: f.bytes,
    })
}

/// Stores a checked file under `prefix` with a random part, returning its key.
pub async fn store(st: &AppState, prefix: &str, f: &Checked) -> Result<String> {
    let key = format!(
        "{prefix}/{}",
        hex::encode(crate::crypto::random_bytes::<12>())
    );
    st.store
        .put_bytes(&key, f.bytes.clone())
        .await
        .map_err(|e| Error::Internal(e.to_string()))?;
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str, b: &[u8]) -> Incoming {
        Incoming {
            name: name.into(),
            bytes: bytes::Bytes::copy_from_slice(b),
        }
    }

    #[test]
    fn files_are_told_by_their_bytes_not_their_names() {
        assert_eq!(
            check(file("a.png", b"\x89PNG\r\n\x1a\nrest")).unwrap().mime,
            "image/png"
        );
        assert_eq!(
            check(file("C:\\x\\bao cao.pdf", b"%PDF-1.7")).unwrap().name,
            "bao cao.pdf"
        );
        assert_eq!(
            check(file("a.pdf", b"<script>")).unwrap_err().message_id,
            "file-kind"
        );
        assert_eq!(
            check(file("x.docx", b"PK\x03\x04")).unwrap().mime,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        );
        assert!(check(file("x.zip", b"PK\x03\x04")).is_err());
        assert_eq!(
            check(file("e.txt", b"")).unwrap_err().message_id,
            "file-empty"
        );
    }
}
