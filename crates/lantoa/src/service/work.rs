//! Scratch space for media work on a version (a cover frame, a waveform, a
//! speech-to-text draft): a fresh folder under the data folder, and the
//! version's original as a local file there when the storage is not a folder.

use std::path::{Path, PathBuf};

use crate::db::clips::Version;
use crate::error::{Error, Result};
use crate::state::AppState;

/// A fresh scratch folder for one piece of work (`what`) on a version; the
/// caller removes it when done.
pub(crate) async fn scratch(st: &AppState, what: &str, v: &Version) -> Result<PathBuf> {
    let work = st.config.data_dir.join("work").join(format!(
        "{what}-{}-{}",
        v.id,
        hex::encode(crate::crypto::random_bytes::<4>())
    ));
    tokio::fs::create_dir_all(&work)
        .await
        .map_err(|e| Error::Internal(e.to_string()))?;
    Ok(work)
}

/// The version's original as a local file: the stored file itself when the
/// storage is a folder, else a copy in `work`.
pub(crate) async fn local_original(st: &AppState, v: &Version, work: &Path) -> Result<PathBuf> {
    if let Some(p) = st.store.local_path(&v.original_key) {
        return Ok(p);
    }
    let to = work.join("original");
    st.store.download(&v.original_key, &to).await?;
    Ok(to)
}

/// The storage key of a file derived from a version's original, made on
/// first use and kept: when `key` is not stored yet, `make(original, work)`
/// writes the file in the scratch folder and returns its path (None: nothing
/// to make, e.g. no sound), which is stored under `key`.
pub(crate) async fn stored_once<F, Fut>(
    st: &AppState,
    v: &Version,
    key: String,
    what: &str,
    make: F,
) -> Result<Option<String>>
where
    F: FnOnce(PathBuf, PathBuf) -> Fut,
    Fut: std::future::Future<Output = Result<Option<PathBuf>>>,
{
    if st.store.size(&key).await?.is_some() {
        return Ok(Some(key));
    }
    let work = scratch(st, what, v).await?;
    let made = async {
        let original = local_original(st, v, &work).await?;
        let Some(out) = make(original, work.clone()).await? else {
            return Ok(None);
        };
        st.store.put_file(&key, &out).await?;
        Ok(Some(key))
    }
    .await;
    let _ = tokio::fs::remove_dir_all(&work).await;
    made
}
