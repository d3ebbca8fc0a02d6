//! The exact bytes a publication sends: a private copy of the version's
//! original, hashed as it is made, so that what is checked is what is sent.

use std::path::PathBuf;
use std::time::Duration;

use crate::domain::PublicationId;
use crate::jobs::JobError;
use crate::state::AppState;

/// A private copy of the version's bytes, with their SHA-256: what is hashed
/// is exactly what is sent.
pub(super) struct Staged {
    pub path: PathBuf,
    pub size: u64,
    pub sha256: String,
}

impl Drop for Staged {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Where staged copies are kept.
pub(super) fn staging_dir(st: &AppState) -> PathBuf {
    st.config.data_dir.join("tmp").join("publish")
}

pub(super) async fn stage(
    st: &AppState,
    key: &str,
    pid: PublicationId,
) -> std::result::Result<Staged, JobError> {
    // The folder is made by the copy when missing.
    let path = staging_dir(st).join(format!(
        "{pid}-{}.mp4",
        crate::crypto::random_token().get(..12).unwrap_or("x")
    ));
    let (size, sha256) = st
        .store
        .download_hashed(key, &path)
        .await
        .map_err(|e| JobError::storage("reading the clip's bytes", e))?;
    Ok(Staged { path, size, sha256 })
}

/// Removes staged copies a killed worker left behind (older than a day; a
/// running job's copy is minutes old). Returns how many.
pub async fn purge_staged(st: &AppState) -> usize {
    let dir = staging_dir(st);
    let Ok(mut rd) = tokio::fs::read_dir(&dir).await else {
        return 0;
    };
    let mut n = 0;
    while let Ok(Some(e)) = rd.next_entry().await {
        let old = e
            .metadata()
            .await
            .ok()
            .and_then(|m| m.modified().ok())
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > Duration::from_secs(86_400));
        if old && tokio::fs::remove_file(e.path()).await.is_ok() {
            n += 1;
        }
    }
    n
}
