//! Where an upload's bytes wait until the last one arrives.
//!
//! With media in a local folder, one staging file per upload under
//! `<data_dir>/uploads/`, appended to and hard-linked as the original at the
//! end (no copy). With media in object storage, where several web processes
//! behind a load balancer share the uploads, each request's bytes become an
//! object of their own under `staging/<upload>/`, recorded with the offset;
//! whichever process receives the last byte assembles the original from them.
//! Either way the running SHA-256 is kept with the offset, so the next
//! request, in any process, carries on from it.

use std::path::PathBuf;

use axum::body::Body;
use sha2::Sha256;
use sha2::digest::common::hazmat::{SerializableState, SerializedState};
use tokio::io::{AsyncSeekExt, AsyncWriteExt};

use super::tus::{ChunkChecksum, Received, receive};
use super::{io, part_path, staging_dir};
use crate::db::uploads::Part;
use crate::error::{Error, Result};
use crate::state::AppState;
use crate::storage::Store;

/// What an S3 part must at least hold (but the last); also what one staged
/// piece buffers before it streams on: the memory of one request in flight.
const OBJECT_BUFFER: usize = 5 * 1024 * 1024;

pub(super) enum Staging {
    Folder(PathBuf),
    Objects(Store),
}

impl Staging {
    pub(super) fn of(st: &AppState) -> Staging {
        if st.store.is_local() {
            Staging::Folder(staging_dir(st))
        } else {
            Staging::Objects(st.store.clone())
        }
    }

    /// The staging of an upload already begun. One whose bytes began arriving
    /// in a local file under an older version of Lantoa goes on there (and
    /// is finished from it), whatever the storage now.
    pub(super) fn for_upload(st: &AppState, id: &str) -> Staging {
        if !st.store.is_local() && part_path(st, id).exists() {
            Staging::Folder(staging_dir(st))
        } else {
            Staging::of(st)
        }
    }

    /// Makes room for a new upload's bytes (the folder's file; objects need
    /// nothing until bytes come).
    pub(super) async fn begin(&self, st: &AppState, id: &str) -> Result<()> {
        if let Staging::Folder(dir) = self {
            tokio::fs::create_dir_all(dir).await.map_err(io)?;
            tokio::fs::File::create(part_path(st, id))
                .await
                .map_err(io)?;
        }
        Ok(())
    }

    /// Receives one request's body as the bytes from `span.start` on (at most
    /// to `span.end`, the upload's length), hashing them into `whole`.
    /// Returns what arrived and, in object storage, the piece it became (a
    /// body that brought no byte leaves none). Bytes past `span.start` that
    /// were never acknowledged are dropped first.
    pub(super) async fn receive(
        &self,
        st: &AppState,
        id: &str,
        span: std::ops::Range<i64>,
        checksum: Option<&ChunkChecksum>,
        body: Body,
        whole: &mut Sha256,
    ) -> Result<(Received, Option<Part>)> {
        let (start, room) = (span.start, span.end - span.start);
        match self {
            Staging::Folder(_) => {
                let mut file = tokio::fs::OpenOptions::new()
                    .read(true)
                    .write(true)
                    .open(part_path(st, id))
                    .await
                    .map_err(|_| Error::Gone)?;
                file.set_len(start as u64).await.map_err(io)?;
                file.seek(std::io::SeekFrom::Start(start as u64))
                    .await
                    .map_err(io)?;
                let got = match receive(&mut file, room, checksum, body, whole).await {
                    Ok(got) => got,
                    Err(e) => {
                        let _ = file.set_len(start as u64).await;
                        return Err(e);
                    }
                };
                file.flush().await.map_err(io)?;
                file.sync_data().await.map_err(io)?;
                Ok((got, None))
            }
            Staging::Objects(store) => {
                let nonce = hex::encode(crate::crypto::random_bytes::<6>());
                let key = format!("staging/{id}/{start:016}-{nonce}");
                let mut w = store.writer(&key, OBJECT_BUFFER);
                let got = match receive(&mut w, room, checksum, body, whole).await {
                    Ok(got) => got,
                    Err(e) => {
                        let _ = w.abort().await;
                        return Err(e);
                    }
                };
                if got.written == 0 {
                    let _ = w.abort().await;
                    return Ok((got, None));
                }
                w.shutdown().await.map_err(|e| storage(e.to_string()))?;
                let part = Part {
                    start_offset: start,
                    size_bytes: got.written,
                    object_key: key,
                };
                Ok((got, Some(part)))
            }
        }
    }

    /// Undoes bytes that will not be kept: the folder's file is cut back to
    /// `start`; a staged piece is deleted.
    pub(super) async fn discard(&self, st: &AppState, id: &str, start: i64, piece: Option<&Part>) {
        match (self, piece) {
            (Staging::Folder(_), _) => {
                if let Ok(f) = tokio::fs::OpenOptions::new()
                    .write(true)
                    .open(part_path(st, id))
                    .await
                {
                    let _ = f.set_len(start as u64).await;
                }
            }
            (Staging::Objects(store), Some(p)) => {
                let _ = store.delete(&p.object_key).await;
            }
            (Staging::Objects(_), None) => {}
        }
    }

    /// Stores the complete upload as the original under `key`.
    pub(super) async fn store_original(
        &self,
        st: &AppState,
        id: &str,
        parts: &[Part],
        key: &str,
    ) -> Result<()> {
        match self {
            Staging::Folder(_) => {
                st.store.put_file_linked(key, &part_path(st, id)).await?;
            }
            Staging::Objects(store) => {
                let keys: Vec<&str> = parts.iter().map(|p| p.object_key.as_str()).collect();
                store.concat(&keys, key).await?;
            }
        }
        Ok(())
    }

    /// Deletes what was staged for an upload that is finished or abandoned.
    pub(super) async fn remove(&self, st: &AppState, id: &str, parts: &[Part]) {
        match self {
            Staging::Folder(_) => {
                let _ = tokio::fs::remove_file(part_path(st, id)).await;
            }
            Staging::Objects(store) => {
                for p in parts {
                    let _ = store.delete(&p.object_key).await;
                }
                // An upload begun under an older version may have a file too.
                let _ = tokio::fs::remove_file(part_path(st, id)).await;
            }
        }
    }
}

/// Writing a staged piece failed. The writer reports an S3 outage and a
/// local file error alike (as `io::Error`), so it is answered as an outage
/// (503, try again): the upload keeps what was recorded and the client
/// sends the piece again. Calls that say which it was use the one mapping,
/// `From<StorageError> for Error`.
pub(super) fn storage(detail: String) -> Error {
    tracing::warn!(%detail, "media storage failed while staging an upload");
    Error::Unavailable
}

/// The hash's state as kept with the offset (hex).
pub(super) fn sha_state(sha: &Sha256) -> String {
    hex::encode(sha.serialize().as_slice())
}

/// A hash carried on from its kept state; `None` when the text is not one.
pub(super) fn sha_resumed(state: &str) -> Option<Sha256> {
    let bytes = hex::decode(state).ok()?;
    let serialized = SerializedState::<Sha256>::try_from(bytes.as_slice()).ok()?;
    Sha256::deserialize(&serialized).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::Digest;

    #[test]
    fn a_kept_hash_state_carries_on_to_the_same_digest() {
        let data: Vec<u8> = (0..10_000u32).map(|i| (i * 7 % 251) as u8).collect();
        let want = hex::encode(Sha256::digest(&data));
        // Cut anywhere, including inside a 64-byte block and at its edges.
        for cut in [0, 1, 63, 64, 65, 4_097, 9_999, 10_000] {
            let mut first = Sha256::new();
            first.update(&data[..cut]);
            let kept = sha_state(&first);
            let mut resumed = sha_resumed(&kept).expect("a state it wrote");
            resumed.update(&data[cut..]);
            assert_eq!(hex::encode(resumed.finalize()), want, "cut at {cut}");
        }
        assert!(sha_resumed("zz").is_none());
        assert!(sha_resumed("abcd").is_none());
    }
}
