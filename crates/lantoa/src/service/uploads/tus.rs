//! The tus protocol's operations: parsing its headers and metadata, creating an
//! upload (with its first bytes), reporting its offset, appending chunks to the
//! staging file, and terminating it.

use std::collections::HashMap;

use axum::body::Body;
use base64::Engine as _;
use futures_util::StreamExt;
use serde_json::json;
use sha1::Sha1;
use sha2::{Digest, Sha256};
use tokio::io::{AsyncSeekExt, AsyncWriteExt};

use super::finish::finish;
use super::{
    Intent, Running, Status, intent, io, part_path, rehash, staging_dir, status_of, valid_id,
};
use crate::db::{clips, uploads};
use crate::domain::{Action, OrgId, policy};
use crate::error::{Error, Result};
use crate::service::accounts::Principal;
use crate::service::audit;
use crate::state::AppState;

/// A checksum the client sent for one chunk (tus checksum extension).
pub enum ChunkChecksum {
    Sha1(Vec<u8>),
    Sha256(Vec<u8>),
}

impl ChunkChecksum {
    /// Parses an `Upload-Checksum` header: `<algorithm> <base64>`.
    pub fn parse(header: &str) -> Result<ChunkChecksum> {
        let (algo, b64) = header
            .trim()
            .split_once(' ')
            .ok_or_else(|| bad_header("Upload-Checksum"))?;
        let digest = base64::engine::general_purpose::STANDARD
            .decode(b64.trim())
            .map_err(|_| bad_header("Upload-Checksum"))?;
        match algo {
            "sha1" => Ok(ChunkChecksum::Sha1(digest)),
            "sha256" => Ok(ChunkChecksum::Sha256(digest)),
            _ => Err(Error::Malformed {
                field: "Upload-Checksum".into(),
                detail: format!("unsupported algorithm {algo}; use sha1 or sha256"),
            }),
        }
    }
}

fn bad_header(name: &str) -> Error {
    Error::Malformed {
        field: name.into(),
        detail: "malformed header".into(),
    }
}

/// The keys `Upload-Metadata` may carry, each with the most bytes its decoded
/// value may have: four per character the field takes (title 200, caption
/// 5,000), the file system's 255 for a file name. `filetype` is what
/// tus-js-client and Uppy send.
const METADATA_KEYS: &[(&str, usize)] = &[
    ("agency_id", 20),
    ("clip_id", 20),
    ("title", 800),
    ("category", 40),
    ("caption", 20_000),
    // A campaign of the body the new clip is made for.
    ("campaign_id", 20),
    ("filename", 255),
    ("filetype", 100),
    // "1": submit the new clip for review as soon as it is stored.
    ("submit", 1),
];

/// The longest `Upload-Metadata` header accepted. Every known key at its
/// longest fits in base64; the header comes back on every `HEAD`, and clients
/// cannot resume once it outgrows their header buffers (Python's http.client,
/// under tuspy, reads at most 64 KiB a line; curl 100 KB).
pub const MAX_METADATA_BYTES: usize = 32 * 1024;

/// Decodes `Upload-Metadata`: comma-separated `key base64value` pairs, only
/// known keys, each within its length.
pub fn parse_metadata(header: Option<&str>) -> Result<HashMap<String, String>> {
    let mut out = HashMap::new();
    let Some(h) = header else { return Ok(out) };
    let refuse = |detail: String| Error::Malformed {
        field: "Upload-Metadata".into(),
        detail,
    };
    if h.len() > MAX_METADATA_BYTES {
        return Err(refuse(format!("longer than {MAX_METADATA_BYTES} bytes")));
    }
    for pair in h.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once(' ').unwrap_or((pair, ""));
        let Some((_, max)) = METADATA_KEYS.iter().find(|(known, _)| *known == k) else {
            let known: Vec<&str> = METADATA_KEYS.iter().map(|(k, _)| *k).collect();
            return Err(refuse(format!(
                "unknown key {:?}; known keys: {}",
                k.chars().take(40).collect::<String>(),
                known.join(", ")
            )));
        };
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(v.trim())
            .map_err(|_| bad_header("Upload-Metadata"))?;
        if bytes.len() > *max {
            return Err(refuse(format!("{k} is longer than {max} bytes")));
        }
        let value = String::from_utf8(bytes).map_err(|_| bad_header("Upload-Metadata"))?;
        out.insert(k.to_string(), value);
    }
    Ok(out)
}

async fn authorize_upload(st: &AppState, p: &Principal, agency: OrgId) -> Result<()> {
    let (_, target) = crate::service::orgs::agency_target(st, agency)
        .await
        .map_err(|_| Error::Forbidden)?;
    if !policy::allows(&p.subject(), target, Action::UploadClip) {
        return Err(Error::Forbidden);
    }
    Ok(())
}

/// The first bytes sent with the creation request (tus creation-with-upload).
pub struct FirstChunk {
    pub checksum: Option<ChunkChecksum>,
    pub body: Body,
}

/// Creates an upload of `length` bytes (tus creation), storing the first bytes
/// when they come with the request.
///
/// A create that is refused for any reason — its metadata, the limit of open
/// uploads, a first chunk too long, cut off or failing its checksum — leaves no
/// row and no staging file: its id was never given out, so nothing could ever
/// resume or end it, and it would count against the owner's limit until it expired.
pub async fn create(
    st: &AppState,
    p: &Principal,
    client: &str,
    length: i64,
    metadata_header: Option<&str>,
    first: Option<FirstChunk>,
) -> Result<Status> {
    if length < 0 {
        return Err(bad_header("Upload-Length"));
    }
    if length > st.config.max_upload_bytes {
        return Err(Error::TooLarge);
    }
    let meta = parse_metadata(metadata_header)?;
    let i = intent(&meta)?;
    authorize_upload(st, p, i.agency).await?;
    // Checked before any byte is read, and again when the row is written.
    {
        let mut tx = st.db.read().await?;
        admissible(st, &mut tx, p, &i).await?;
    }
    let id = hex::encode(crate::crypto::random_bytes::<16>());
    let path = part_path(st, &id);
    tokio::fs::create_dir_all(staging_dir(st))
        .await
        .map_err(|e| Error::Internal(e.to_string()))?;
    let staged = stage_first(&path, length, first).await;
    let (offset, sha) = match staged {
        Ok(s) => s,
        Err(e) => {
            let _ = tokio::fs::remove_file(&path).await;
            return Err(e);
        }
    };
    let now = st.now();
    let expires_at = now + st.config.upload_expiry_hours * 3_600_000;
    let recorded = async {
        let mut tx = st.db.write().await?;
        admissible(st, &mut tx, p, &i).await?;
        let meta_json = serde_json::to_string(&meta).unwrap_or_default();
        uploads::insert(
            &mut tx,
            uploads::NewUpload {
                id: &id,
                agency_id: i.agency,
                user_id: p.user_id,
                clip_id: i.clip,
                length,
                metadata: &meta_json,
                expires_at,
                now,
            },
        )
        .await?;
        if offset > 0 {
            uploads::set_offset(&mut tx, &id, offset, expires_at, now).await?;
        }
        audit(
            &mut tx,
            &p.actor(client),
            Some(i.agency),
            "upload.create",
            "upload",
            &id,
            json!({"after": {"length": length, "filename": i.filename, "clip": i.clip}}),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok::<_, Error>(meta_json)
    }
    .await;
    let meta_json = match recorded {
        Ok(m) => m,
        Err(e) => {
            let _ = tokio::fs::remove_file(&path).await;
            return Err(e);
        }
    };
    let slot = st.uploads.slot(&id);
    let mut running = slot.lock().await;
    *running = Some(Running { offset, sha });
    if offset == length {
        return finish(st, p, client, &id, &mut running).await;
    }
    Ok(Status {
        id,
        offset,
        length,
        expires_at,
        metadata: meta_json,
        version: None,
        clip: None,
    })
}

/// Whether the principal may open this upload now: the clip takes new versions
/// and the user is under the limit of open uploads.
async fn admissible(
    st: &AppState,
    tx: &mut crate::db::Tx,
    p: &Principal,
    i: &Intent,
) -> Result<()> {
    if let Some(c) = i.clip {
        let clip = clips::get(tx, i.agency, c).await?.ok_or(Error::NotFound)?;
        let op = crate::domain::policy::ClipOp::UploadVersion;
        crate::service::review::enforce_now(tx, p, &clip, op, "", st.now()).await?;
    }
    if let Some(c) = i.campaign {
        crate::service::campaigns::check_tag(tx, i.agency, c, st.now()).await?;
    }
    if uploads::open_count(tx, p.user_id, st.now()).await? >= st.config.max_open_uploads_per_user {
        return Err(Error::TooMany("upload-too-many-open"));
    }
    Ok(())
}

/// Creates the staging file and writes the creation request's bytes into it.
/// Returns how many arrived and their running hash; any failure is the
/// caller's to clean up (the file may exist).
async fn stage_first(
    path: &std::path::Path,
    length: i64,
    first: Option<FirstChunk>,
) -> Result<(i64, Sha256)> {
    let mut file = tokio::fs::File::create(path).await.map_err(io)?;
    let mut sha = Sha256::new();
    let Some(first) = first else {
        return Ok((0, sha));
    };
    let got = receive(
        &mut file,
        length,
        first.checksum.as_ref(),
        first.body,
        &mut sha,
    )
    .await?;
    if got.broken {
        // The client never learns the id of a create whose request broke off.
        return Err(cut_off());
    }
    if !got.checksum_ok {
        return Err(Error::ChecksumMismatch);
    }
    file.flush().await.map_err(io)?;
    file.sync_data().await.map_err(io)?;
    Ok((got.written, sha))
}

fn cut_off() -> Error {
    Error::Malformed {
        field: "body".into(),
        detail: "the chunk was cut off".into(),
    }
}

/// What arrived of one request's body.
struct Received {
    written: i64,
    /// The body broke off before its end.
    broken: bool,
    /// The chunk matched the checksum the client sent (true without one).
    checksum_ok: bool,
}

/// Writes `body` to `file` at its current position, hashing it into `whole`.
/// More than `room` bytes is `TooLarge` (what was written is the caller's to
/// cut back).
async fn receive(
    file: &mut tokio::fs::File,
    room: i64,
    checksum: Option<&ChunkChecksum>,
    body: Body,
    whole: &mut Sha256,
) -> Result<Received> {
    let mut sha1 = Sha1::new();
    let mut sha256 = Sha256::new();
    let mut written: i64 = 0;
    let mut broken = false;
    let mut stream = body.into_data_stream();
    while let Some(frame) = stream.next().await {
        let Ok(chunk) = frame else {
            broken = true;
            break;
        };
        if written + chunk.len() as i64 > room {
            return Err(Error::TooLarge);
        }
        file.write_all(&chunk).await.map_err(io)?;
        whole.update(&chunk);
        if checksum.is_some() {
            sha1.update(&chunk);
            sha256.update(&chunk);
        }
        written += chunk.len() as i64;
    }
    let checksum_ok = match checksum {
        None => true,
        Some(ChunkChecksum::Sha1(d)) => sha1.finalize().as_slice() == d.as_slice(),
        Some(ChunkChecksum::Sha256(d)) => sha256.finalize().as_slice() == d.as_slice(),
    };
    Ok(Received {
        written,
        broken,
        checksum_ok,
    })
}

/// Loads an upload the principal owns; gone when terminated or expired.
async fn owned(st: &AppState, p: &Principal, id: &str) -> Result<uploads::Upload> {
    if !valid_id(id) {
        return Err(Error::NotFound);
    }
    let mut tx = st.db.read().await?;
    let u = uploads::get(&mut tx, id).await?.ok_or(Error::NotFound)?;
    if u.user_id != p.user_id {
        return Err(Error::NotFound);
    }
    if u.state == "terminated" || (u.state == "open" && u.expires_at <= st.now()) {
        return Err(Error::Gone);
    }
    Ok(u)
}

/// The upload's offset (tus HEAD). An upload that has all its bytes but was not
/// finished (a crash in between) is finished now.
pub async fn head(st: &AppState, p: &Principal, client: &str, id: &str) -> Result<Status> {
    let u = owned(st, p, id).await?;
    if u.state == "open" && u.offset_bytes == u.length {
        let slot = st.uploads.slot(id);
        let mut guard = slot.lock().await;
        return finish(st, p, client, id, &mut guard).await;
    }
    Ok(status_of(&u))
}

/// Appends a chunk at `offset` (tus PATCH); returns the new status. A chunk whose
/// checksum does not match is discarded whole. When the body breaks off, what
/// arrived is kept (without a checksum to honour) so the client resumes from there.
pub async fn append(
    st: &AppState,
    p: &Principal,
    client: &str,
    id: &str,
    offset: i64,
    checksum: Option<ChunkChecksum>,
    body: Body,
) -> Result<Status> {
    let u = owned(st, p, id).await?;
    let slot = st.uploads.slot(id);
    let mut running = slot.lock().await;
    // Re-read under the lock: another request may have moved the offset.
    let u = {
        let mut tx = st.db.read().await?;
        uploads::get(&mut tx, &u.id).await?.ok_or(Error::NotFound)?
    };
    if u.state != "open" {
        return Ok(status_of(&u));
    }
    if offset != u.offset_bytes {
        return Err(Error::Conflict("upload-offset-mismatch"));
    }
    let path = part_path(st, id);
    let mut file = tokio::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(&path)
        .await
        .map_err(|_| Error::Gone)?;
    // Bytes past the recorded offset were never acknowledged: drop them.
    file.set_len(u.offset_bytes as u64).await.map_err(io)?;
    let mut whole = match running.take() {
        Some(r) if r.offset == u.offset_bytes => r.sha,
        _ => rehash(&mut file, u.offset_bytes).await?,
    };
    file.seek(std::io::SeekFrom::Start(u.offset_bytes as u64))
        .await
        .map_err(io)?;
    let before = whole.clone();
    let remaining = u.length - u.offset_bytes;
    let got = match receive(&mut file, remaining, checksum.as_ref(), body, &mut whole).await {
        Ok(got) if checksum.is_none() || (!got.broken && got.checksum_ok) => got,
        // A chunk with a checksum is kept whole or not at all; a chunk too
        // long is never kept.
        refused => {
            file.set_len(u.offset_bytes as u64).await.map_err(io)?;
            *running = Some(Running {
                offset: u.offset_bytes,
                sha: before,
            });
            return Err(match refused {
                Err(e) => e,
                Ok(got) if got.broken => cut_off(),
                Ok(_) => Error::ChecksumMismatch,
            });
        }
    };
    let written = got.written;
    file.flush().await.map_err(io)?;
    file.sync_data().await.map_err(io)?;
    drop(file);
    let new_offset = u.offset_bytes + written;
    let now = st.now();
    let expires = now + st.config.upload_expiry_hours * 3_600_000;
    {
        let mut tx = st.db.write().await?;
        uploads::set_offset(&mut tx, id, new_offset, expires, now).await?;
        tx.commit().await?;
    }
    *running = Some(Running {
        offset: new_offset,
        sha: whole,
    });
    if new_offset == u.length {
        return finish(st, p, client, id, &mut running).await;
    }
    let mut s = status_of(&u);
    s.offset = new_offset;
    s.expires_at = expires;
    Ok(s)
}

/// Abandons an upload (tus termination) and deletes its staged bytes.
pub async fn terminate(st: &AppState, p: &Principal, client: &str, id: &str) -> Result<()> {
    let u = owned(st, p, id).await?;
    let slot = st.uploads.slot(id);
    let _guard = slot.lock().await;
    let now = st.now();
    let mut tx = st.db.write().await?;
    if !uploads::terminate(&mut tx, id, now).await? {
        return Err(Error::Gone);
    }
    audit(
        &mut tx,
        &p.actor(client),
        Some(u.agency_id),
        "upload.terminate",
        "upload",
        id,
        json!({}),
        now,
    )
    .await?;
    tx.commit().await?;
    let _ = tokio::fs::remove_file(part_path(st, id)).await;
    st.uploads.forget(id);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_decodes_base64_values() {
        let m = parse_metadata(Some(
            "filename dmlkZW8ubXA0,title TOG7hSBo4buZaSDEkeG7gW4gSMO5bmc=,caption",
        ))
        .unwrap();
        assert_eq!(m["filename"], "video.mp4");
        assert_eq!(m["title"], "Lễ hội đền Hùng");
        assert_eq!(m["caption"], "");
        assert!(parse_metadata(Some("title !!!")).is_err());
    }

    #[test]
    fn p04_metadata_is_known_keys_within_their_lengths() {
        let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
        assert!(parse_metadata(Some(&format!("colour {}", b64("red")))).is_err());
        let long_name = "a".repeat(256);
        assert!(parse_metadata(Some(&format!("filename {}", b64(&long_name)))).is_err());
        let huge = format!("title {}", b64(&"x".repeat(150_000)));
        assert!(parse_metadata(Some(&huge)).is_err());
        // The longest caption the clip takes still fits.
        let caption = "ệ".repeat(5000);
        let m = parse_metadata(Some(&format!(
            "caption {},filetype {}",
            b64(&caption),
            b64("video/mp4")
        )))
        .unwrap();
        assert_eq!(m["caption"].chars().count(), 5000);
    }

    #[test]
    fn checksums_parse() {
        assert!(
            matches!(ChunkChecksum::parse("sha1 Kq5sNclPz7QV2+lfQIuc6R7oRu0=").unwrap(), ChunkChecksum::Sha1(d) if d.len() == 20)
        );
        assert!(ChunkChecksum::parse("md5 abc=").is_err());
        assert!(ChunkChecksum::parse("sha256").is_err());
    }
}
