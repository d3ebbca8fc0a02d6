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
use tokio::io::AsyncWriteExt;

use super::finish::finish;
use super::staging::{Staging, sha_resumed, sha_state};
use super::{Intent, Status, intent, io, part_path, rehash, status_of, valid_id};
use crate::db::uploads::Part;
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
/// row and no staged bytes: its id was never given out, so nothing could ever
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
    let staging = Staging::of(st);
    let mut sha = Sha256::new();
    let staged = stage_first(st, &staging, &id, length, first, &mut sha).await;
    let (offset, piece) = match staged {
        Ok(s) => s,
        Err(e) => {
            staging.remove(st, &id, &[]).await;
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
        let state = sha_state(&sha);
        let to = uploads::Advance {
            from: 0,
            to: offset,
            sha_state: &state,
            expires_at,
            now,
        };
        uploads::advance(&mut tx, &id, to).await?;
        if let Some(piece) = &piece {
            uploads::add_part(&mut tx, &id, piece).await?;
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
            staging.remove(st, &id, piece.as_slice()).await;
            return Err(e);
        }
    };
    let received = Status {
        id,
        offset,
        length,
        expires_at,
        metadata: meta_json,
        version: None,
        clip: None,
    };
    if offset == length {
        let slot = st.uploads.slot(&received.id);
        let _turn = slot.lock().await;
        // Every byte is recorded: the client must learn the upload's address
        // whatever happens next, or it would send the file again as a new
        // upload. A finish that fails now (storage down) is done again by
        // the next `HEAD` or by housekeeping.
        return match finish(st, p, client, &received.id).await {
            Ok(done) => Ok(done),
            Err(e) => {
                tracing::warn!(upload = %received.id, error = %e, "a complete upload could not be finished yet");
                Ok(received)
            }
        };
    }
    Ok(received)
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

/// Makes room for the upload's bytes and stages the creation request's, if
/// any. Returns how many arrived and the piece they became; any failure is the
/// caller's to clean up.
async fn stage_first(
    st: &AppState,
    staging: &Staging,
    id: &str,
    length: i64,
    first: Option<FirstChunk>,
    sha: &mut Sha256,
) -> Result<(i64, Option<Part>)> {
    staging.begin(st, id).await?;
    let Some(first) = first else {
        return Ok((0, None));
    };
    let checksum = first.checksum.as_ref();
    let (got, piece) = staging
        .receive(st, id, 0..length, checksum, first.body, sha)
        .await?;
    // The client never learns the id of a create whose request broke off.
    let refused = if got.broken {
        Some(cut_off())
    } else if !got.checksum_ok {
        Some(Error::ChecksumMismatch)
    } else {
        None
    };
    if let Some(e) = refused {
        staging.discard(st, id, 0, piece.as_ref()).await;
        return Err(e);
    }
    Ok((got.written, piece))
}

fn cut_off() -> Error {
    Error::Malformed {
        field: "body".into(),
        detail: "the chunk was cut off".into(),
    }
}

/// What arrived of one request's body.
pub(super) struct Received {
    pub(super) written: i64,
    /// The body broke off before its end.
    pub(super) broken: bool,
    /// The chunk matched the checksum the client sent (true without one).
    pub(super) checksum_ok: bool,
}

/// Writes `body` to `out` at its current position, hashing it into `whole`.
/// More than `room` bytes is `TooLarge` (what was written is the caller's to
/// cut back).
pub(super) async fn receive<W: tokio::io::AsyncWrite + Unpin>(
    out: &mut W,
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
        out.write_all(&chunk).await.map_err(io)?;
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
        let _turn = slot.lock().await;
        return finish(st, p, client, id).await;
    }
    Ok(status_of(&u))
}

/// Appends a chunk at `offset` (tus PATCH); returns the new status. A chunk whose
/// checksum does not match is discarded whole. When the body breaks off, what
/// arrived is kept (without a checksum to honour) so the client resumes from there.
///
/// Requests for one upload queue up in this process; across processes the
/// offset moves only from the value this request started at, so of two
/// requests racing from two processes one wins and the other is told the
/// offset moved (409), its bytes discarded.
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
    let _turn = slot.lock().await;
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
    let staging = Staging::for_upload(st, &u.id);
    let mut whole = running_hash(st, &u).await?;
    let start = u.offset_bytes;
    let (got, piece) = staging
        .receive(st, id, start..u.length, checksum.as_ref(), body, &mut whole)
        .await?;
    // A chunk with a checksum is kept whole or not at all (a chunk too long
    // was never kept: `receive` refused it).
    if checksum.is_some() && (got.broken || !got.checksum_ok) {
        staging.discard(st, id, start, piece.as_ref()).await;
        return Err(if got.broken {
            cut_off()
        } else {
            Error::ChecksumMismatch
        });
    }
    let new_offset = start + got.written;
    let now = st.now();
    let expires = now + st.config.upload_expiry_hours * 3_600_000;
    if got.written > 0 {
        let state = sha_state(&whole);
        // A small write: it shares its turn of SQLite's write lock with the
        // others waiting (fifty uploads at once queued for seconds one by one).
        let (uid, part) = (id.to_string(), piece.clone());
        let moved = st
            .db
            .write_shared(move |tx| {
                let (uid, state, part) = (uid.clone(), state.clone(), part.clone());
                Box::pin(async move {
                    let to = uploads::Advance {
                        from: start,
                        to: new_offset,
                        sha_state: &state,
                        expires_at: expires,
                        now,
                    };
                    if !uploads::advance(tx, &uid, to).await? {
                        return Ok(false);
                    }
                    if let Some(part) = &part {
                        uploads::add_part(tx, &uid, part).await?;
                    }
                    Ok(true)
                })
            })
            .await
            .map_err(Error::from);
        match moved {
            Ok(true) => {}
            Ok(false) => {
                staging.discard(st, id, start, piece.as_ref()).await;
                return Err(Error::Conflict("upload-offset-mismatch"));
            }
            Err(e) => {
                staging.discard(st, id, start, piece.as_ref()).await;
                return Err(e);
            }
        }
    }
    if new_offset == u.length {
        return finish(st, p, client, id).await;
    }
    let mut s = status_of(&u);
    s.offset = new_offset;
    s.expires_at = expires;
    Ok(s)
}

/// The hash of the upload's bytes so far: carried on from the state kept
/// with the offset, or (an upload begun before it was kept) read again from
/// the staging file once.
pub(super) async fn running_hash(st: &AppState, u: &uploads::Upload) -> Result<Sha256> {
    if let Some(sha) = u.sha_state.as_deref().and_then(sha_resumed) {
        return Ok(sha);
    }
    if u.offset_bytes == 0 {
        return Ok(Sha256::new());
    }
    let mut file = tokio::fs::File::open(part_path(st, &u.id))
        .await
        .map_err(|_| Error::Gone)?;
    rehash(&mut file, u.offset_bytes).await
}

/// Abandons an upload (tus termination) and deletes its staged bytes.
pub async fn terminate(st: &AppState, p: &Principal, client: &str, id: &str) -> Result<()> {
    let u = owned(st, p, id).await?;
    let slot = st.uploads.slot(id);
    let _guard = slot.lock().await;
    let now = st.now();
    let mut tx = st.db.write().await?;
    let parts = uploads::parts(&mut tx, id).await?;
    if !uploads::terminate(&mut tx, id, now).await? {
        return Err(Error::Gone);
    }
    uploads::delete_parts(&mut tx, id).await?;
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
    Staging::of(st).remove(st, id, &parts).await;
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
