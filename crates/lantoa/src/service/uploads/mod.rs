//! Resumable uploads: the tus 1.0 semantics without the HTTP.
//!
//! Bytes are staged as they arrive (see [`staging`]: a file per upload with
//! local media, an object per request with object storage, so that any web
//! process continues any upload), in fixed-size buffers (constant memory
//! whatever the size), and made durable before the offset is recorded in the
//! database — so the recorded offset never runs ahead of the bytes, and an
//! upload survives a restart. The SHA-256 of the whole file is computed once,
//! while the bytes stream in: its state is kept with the offset. When the last
//! byte arrives the bytes become a content-addressed original in object
//! storage, a clip version is created, and the media check job is queued — in
//! one transaction.

mod finish;
mod staging;
mod sweep;
mod tus;

pub use sweep::expire;
pub use tus::{
    ChunkChecksum, FirstChunk, MAX_METADATA_BYTES, append, create, head, parse_metadata, terminate,
};

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncSeekExt};

use crate::db::uploads;
use crate::domain::{Caption, Category, ClipId, ClipTitle, Invalid, OrgId, VersionId};
use crate::error::{Error, Result};
use crate::state::AppState;

/// Per-upload locks, so concurrent requests for one upload in this process
/// queue up (across processes, the offset's compare-and-set decides).
#[derive(Default)]
pub struct UploadLocks {
    inner: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

impl UploadLocks {
    fn slot(&self, id: &str) -> Arc<tokio::sync::Mutex<()>> {
        let mut map = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        map.entry(id.to_string()).or_default().clone()
    }
    fn forget(&self, id: &str) {
        self.inner
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(id);
    }
}

pub fn staging_dir(st: &AppState) -> PathBuf {
    st.config.data_dir.join("uploads")
}

fn part_path(st: &AppState, id: &str) -> PathBuf {
    staging_dir(st).join(format!("{id}.part"))
}

/// Upload ids are random hex; anything else is not ours.
fn valid_id(id: &str) -> bool {
    id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The state of an upload as `HEAD` reports it.
pub struct Status {
    pub id: String,
    pub offset: i64,
    pub length: i64,
    pub expires_at: i64,
    pub metadata: String,
    pub version: Option<VersionId>,
    pub clip: Option<ClipId>,
}

fn status_of(u: &uploads::Upload) -> Status {
    Status {
        id: u.id.clone(),
        offset: u.offset_bytes,
        length: u.length,
        expires_at: u.expires_at,
        metadata: u.metadata.clone(),
        version: u.version_id,
        clip: u.clip_id,
    }
}

/// What the new clip or version will be, read from the upload's metadata.
struct Intent {
    agency: OrgId,
    clip: Option<ClipId>,
    title: Option<String>,
    caption: String,
    category: Option<String>,
    filename: String,
    /// Submit the new clip for review as soon as it is stored (`submit=1`).
    submit: bool,
    /// The campaign the new clip is made for.
    campaign: Option<i64>,
}

fn intent(meta: &HashMap<String, String>) -> Result<Intent> {
    let agency = meta
        .get("agency_id")
        .and_then(|v| v.parse::<i64>().ok())
        .map(OrgId)
        .ok_or(Invalid::new("agency_id", "upload-agency-required"))?;
    let clip = match meta.get("clip_id").filter(|v| !v.is_empty()) {
        Some(v) => {
            Some(ClipId(v.parse().map_err(|_| {
                Invalid::new("clip_id", "upload-clip-invalid")
            })?))
        }
        None => None,
    };
    let filename: String = meta
        .get("filename")
        .cloned()
        .unwrap_or_else(|| "video".into())
        .chars()
        .take(200)
        .collect();
    let (title, category) = if clip.is_none() {
        let raw_title = meta
            .get("title")
            .cloned()
            .unwrap_or_else(|| filename.clone());
        let title = ClipTitle::parse(&raw_title)?;
        let category = Category::parse(meta.get("category").map(String::as_str).unwrap_or(""))?;
        (
            Some(title.as_str().to_string()),
            Some(category.code().to_string()),
        )
    } else {
        (None, None)
    };
    let caption = Caption::parse(meta.get("caption").map(String::as_str).unwrap_or(""))?;
    Ok(Intent {
        agency,
        clip,
        title,
        caption: caption.as_str().to_string(),
        category,
        filename,
        submit: clip.is_none() && meta.get("submit").is_some_and(|v| v == "1"),
        campaign: match meta
            .get("campaign_id")
            .filter(|v| !v.is_empty() && clip.is_none())
        {
            Some(v) => Some(
                v.parse()
                    .map_err(|_| Invalid::new("campaign_id", "campaign-not-open"))?,
            ),
            None => None,
        },
    })
}

fn io(e: std::io::Error) -> Error {
    Error::Internal(format!("staging file: {e}"))
}

/// The SHA-256 of a file's first `len` bytes, read in fixed-size buffers.
async fn rehash(file: &mut tokio::fs::File, len: i64) -> Result<Sha256> {
    file.seek(std::io::SeekFrom::Start(0)).await.map_err(io)?;
    let mut sha = Sha256::new();
    let mut buf = vec![0u8; 1024 * 1024];
    let mut left = len as u64;
    while left > 0 {
        let want = buf.len().min(left as usize);
        let n = file.read(&mut buf[..want]).await.map_err(io)?;
        if n == 0 {
            return Err(Error::Internal(
                "staging file shorter than its recorded offset".into(),
            ));
        }
        sha.update(&buf[..n]);
        left -= n as u64;
    }
    Ok(sha)
}
