//! Object storage for media: originals, proxies, renditions, thumbnails. A local
//! folder by default, S3-compatible storage when `storage_url` is `s3://…`, one
//! code path through `object_store`. Large objects stream in parts; nothing is
//! held whole in memory.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use futures_util::StreamExt;
use object_store::aws::AmazonS3Builder;
use object_store::buffered::BufWriter;
use object_store::local::LocalFileSystem;
use object_store::path::Path as ObjectPath;
use object_store::{GetOptions, GetRange, GetResultPayload, ObjectStore, ObjectStoreExt};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::config::{Config, ConfigError, StorageUrl};

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("object {0} not found")]
    NotFound(String),
    #[error("storage error: {0}")]
    Backend(String),
    #[error("file error: {0}")]
    Io(#[from] std::io::Error),
}

impl StorageError {
    /// The store failed or did not answer (a network, a server, an
    /// outage): not the caller's fault, and trying again later may help.
    /// A missing object and a local file error are not outages.
    pub fn is_outage(&self) -> bool {
        matches!(self, StorageError::Backend(_))
    }
}

/// For a request or a service step: an outage answers 503 (try again), any
/// other storage failure is an internal error.
impl From<StorageError> for crate::error::Error {
    fn from(e: StorageError) -> Self {
        if e.is_outage() {
            tracing::warn!(error = %e, "media storage failed");
            crate::error::Error::Unavailable
        } else {
            crate::error::Error::Internal(e.to_string())
        }
    }
}

impl From<object_store::Error> for StorageError {
    fn from(e: object_store::Error) -> Self {
        match e {
            object_store::Error::NotFound { path, .. } => StorageError::NotFound(path),
            other => StorageError::Backend(other.to_string()),
        }
    }
}

#[derive(Clone)]
pub struct Store {
    inner: Arc<dyn ObjectStore>,
    /// The root folder when local, so media tools can read objects in place.
    local_root: Option<PathBuf>,
    prefix: String,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Store({})", self.inner)
    }
}

impl Store {
    pub fn from_config(c: &Config) -> Result<Store, ConfigError> {
        match &c.storage_url {
            StorageUrl::Local(root) => Store::local(root),
            StorageUrl::S3 { bucket, prefix } => {
                let mut b = AmazonS3Builder::new()
                    .with_bucket_name(bucket)
                    .with_region(&c.s3_region)
                    .with_virtual_hosted_style_request(!c.s3_path_style);
                if let Some(e) = &c.s3_endpoint {
                    b = b
                        .with_endpoint(e.as_str())
                        .with_allow_http(e.starts_with("http://"));
                }
                if let (Some(k), Some(s)) = (&c.s3_access_key_id, &c.s3_secret_access_key) {
                    b = b.with_access_key_id(k).with_secret_access_key(s);
                }
                let store = b.build().map_err(|e| {
                    ConfigError(format!(
                        "The S3 storage settings (storage_url, s3_*) cannot be used: {e}."
                    ))
                })?;
                Ok(Store {
                    inner: Arc::new(store),
                    local_root: None,
                    prefix: prefix.clone(),
                })
            }
        }
    }

    pub fn local(root: &Path) -> Result<Store, ConfigError> {
        std::fs::create_dir_all(root).map_err(|e| {
            ConfigError(format!(
                "The media folder {} cannot be created: {e}; check `storage_url`.",
                root.display()
            ))
        })?;
        let fs = LocalFileSystem::new_with_prefix(root)
            .map_err(|e| {
                ConfigError(format!(
                    "The media folder {} cannot be used: {e}.",
                    root.display()
                ))
            })?
            .with_automatic_cleanup(true);
        Ok(Store {
            inner: Arc::new(fs),
            local_root: Some(root.to_path_buf()),
            prefix: String::new(),
        })
    }

    fn path(&self, key: &str) -> ObjectPath {
        if self.prefix.is_empty() {
            ObjectPath::from(key)
        } else {
            ObjectPath::from(format!("{}/{key}", self.prefix))
        }
    }

    /// Whether objects are files in a local folder (one machine's media).
    pub fn is_local(&self) -> bool {
        self.local_root.is_some()
    }

    /// A writer of a new object under `key` that buffers up to `capacity`
    /// bytes, then streams on in parts of that size (one in flight).
    pub fn writer(&self, key: &str, capacity: usize) -> BufWriter {
        BufWriter::with_capacity(self.inner.clone(), self.path(key), capacity)
            .with_max_concurrency(1)
    }

    /// Writes the objects `keys`, one after another, as one new object `to`:
    /// streamed through in parts, never held whole.
    pub async fn concat(&self, keys: &[&str], to: &str) -> Result<u64, StorageError> {
        let mut w = BufWriter::with_capacity(self.inner.clone(), self.path(to), 8 * 1024 * 1024)
            .with_max_concurrency(2);
        let mut total = 0u64;
        for key in keys {
            let mut stream = match self.inner.get(&self.path(key)).await {
                Ok(r) => r.into_stream(),
                Err(e) => {
                    let _ = w.abort().await;
                    return Err(e.into());
                }
            };
            while let Some(chunk) = stream.next().await {
                let chunk = match chunk {
                    Ok(c) => c,
                    Err(e) => {
                        let _ = w.abort().await;
                        return Err(e.into());
                    }
                };
                w.write_all(&chunk).await?;
                total += chunk.len() as u64;
            }
        }
        w.shutdown().await?;
        Ok(total)
    }

    /// Where a local object lives on disk (media tools read it in place).
    pub fn local_path(&self, key: &str) -> Option<PathBuf> {
        self.local_root.as_ref().map(|r| r.join(key))
    }

    /// Streams a file into the store under `key`, in parts.
    pub async fn put_file(&self, key: &str, file: &Path) -> Result<u64, StorageError> {
        let mut f = tokio::fs::File::open(file).await?;
        // 8 MiB parts (S3 wants at least 5 MiB), at most two in flight: bounded memory.
        let mut w = BufWriter::with_capacity(self.inner.clone(), self.path(key), 8 * 1024 * 1024)
            .with_max_concurrency(2);
        let mut buf = vec![0u8; 1024 * 1024];
        let mut total = 0u64;
        loop {
            let n = f.read(&mut buf).await?;
            if n == 0 {
                break;
            }
            w.write_all(&buf[..n])
                .await
                .map_err(|e| StorageError::Backend(e.to_string()))?;
            total += n as u64;
        }
        w.shutdown()
            .await
            .map_err(|e| StorageError::Backend(e.to_string()))?;
        Ok(total)
    }

    /// Stores a small object held in memory (an attachment) under `key`.
    pub async fn put_bytes(&self, key: &str, bytes: bytes::Bytes) -> Result<(), StorageError> {
        self.inner
            .put(&self.path(key), bytes.into())
            .await
            .map_err(|e| StorageError::Backend(e.to_string()))?;
        Ok(())
    }

    /// Stores a finished local file under `key`: a hard link when the store is a
    /// local folder on the same file system (no copy, no buffering), else a
    /// streamed upload. The source file stays, so a caller that crashes before
    /// recording the object can simply do it again.
    pub async fn put_file_linked(&self, key: &str, file: &Path) -> Result<u64, StorageError> {
        if let Some(dest) = self.local_path(key) {
            if let Some(parent) = dest.parent() {
                tokio::fs::create_dir_all(parent).await?;
            }
            let len = tokio::fs::metadata(file).await?.len();
            let _ = tokio::fs::remove_file(&dest).await;
            if tokio::fs::hard_link(file, &dest).await.is_ok() {
                return Ok(len);
            }
        }
        self.put_file(key, file).await
    }

    /// Copies an object to a local file (for tools that need a file, in S3 mode).
    pub async fn download(&self, key: &str, to: &Path) -> Result<u64, StorageError> {
        let r = self.inner.get(&self.path(key)).await?;
        let mut stream = r.into_stream();
        let mut out = tokio::fs::File::create(to).await?;
        let mut total = 0u64;
        while let Some(chunk) = stream.next().await {
            let chunk = chunk?;
            out.write_all(&chunk).await?;
            total += chunk.len() as u64;
        }
        out.sync_all().await?;
        Ok(total)
    }

    /// Gives an object a private local name (a hard link to a local object,
    /// else a copy) and returns its size and the SHA-256 of the bytes there
    /// (what a publisher then sends from that file).
    pub async fn download_hashed(
        &self,
        key: &str,
        to: &Path,
    ) -> Result<(u64, String), StorageError> {
        use sha2::Digest;
        if let Some(from) = self.local_path(key) {
            // A local object: copied and hashed in one blocking task, not a
            // hop to the blocking pool for every chunk read and written.
            let (to, key) = (to.to_path_buf(), key.to_string());
            return tokio::task::spawn_blocking(move || copy_hashed(&from, &to, key))
                .await
                .map_err(|e| StorageError::Backend(e.to_string()))?;
        }
        let r = self.inner.get(&self.path(key)).await?;
        let mut stream = r.into_stream();
        if let Some(dir) = to.parent() {
            tokio::fs::create_dir_all(dir).await?;
        }
        let mut out = tokio::fs::File::create(to).await?;
        let mut hasher = sha2::Sha256::new();
        let mut total = 0u64;
        while let Some(chunk) = stream.next().await {
            let chunk = chunk?;
            hasher.update(&chunk);
            out.write_all(&chunk).await?;
            total += chunk.len() as u64;
        }
        out.flush().await?;
        Ok((total, hex::encode(hasher.finalize())))
    }

    /// The object's size, or `None` when it does not exist.
    pub async fn size(&self, key: &str) -> Result<Option<u64>, StorageError> {
        match self.inner.head(&self.path(key)).await {
            Ok(m) => Ok(Some(m.size)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// A byte range of an object as a stream, with the object's total size.
    pub async fn read_range(
        &self,
        key: &str,
        range: Option<Range<u64>>,
    ) -> Result<
        (
            futures_util::stream::BoxStream<'static, Result<bytes::Bytes, StorageError>>,
            u64,
            Range<u64>,
        ),
        StorageError,
    > {
        let opts = GetOptions {
            range: range.map(GetRange::Bounded),
            ..Default::default()
        };
        let r = self.inner.get_opts(&self.path(key), opts).await?;
        let size = r.meta.size;
        let got = r.range.clone();
        let stream = match r.payload {
            GetResultPayload::File(file, _) => local_chunks(file, got.clone()),
            GetResultPayload::Stream(s) => s.map(|c| c.map_err(StorageError::from)).boxed(),
        };
        Ok((stream, size, got))
    }

    pub async fn delete(&self, key: &str) -> Result<(), StorageError> {
        match self.inner.delete(&self.path(key)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    /// Every key under a prefix (for cleaning up a version's outputs).
    pub async fn list(&self, prefix: &str) -> Result<Vec<String>, StorageError> {
        Ok(self
            .list_aged(prefix)
            .await?
            .into_iter()
            .map(|(k, _)| k)
            .collect())
    }

    /// Every key under a prefix with when it was last written (ms since the epoch).
    pub async fn list_aged(&self, prefix: &str) -> Result<Vec<(String, i64)>, StorageError> {
        let base = self.path(prefix);
        let mut out = Vec::new();
        let mut s = self.inner.list(Some(&base));
        while let Some(m) = s.next().await {
            let m = m?;
            let loc = m.location.to_string();
            let key = if self.prefix.is_empty() {
                loc
            } else {
                loc.trim_start_matches(&format!("{}/", self.prefix))
                    .to_string()
            };
            out.push((key, m.last_modified.timestamp_millis()));
        }
        Ok(out)
    }
}

/// The key of an original: content-addressed by its SHA-256.
pub fn original_key(sha256: &str) -> String {
    format!("originals/{}/{}", &sha256[..2.min(sha256.len())], sha256)
}

/// The folder of a version's derived outputs (posters, storyboard, proxy, renditions).
pub fn outputs_prefix(version: i64) -> String {
    format!("derived/v{version}")
}

/// What is read of a local object at a time, each read a trip to the
/// blocking pool. `object_store` reads 8 KiB a trip: a 1 MiB range was 128
/// trips, and their threads' wake-ups cost the server 4.9 ms of CPU per MiB
/// sent (`lantoa-bench public`), 0.75 ms at 256 KiB. One chunk per response
/// is held at a time, waiting for the connection.
const LOCAL_CHUNK: u64 = 256 * 1024;

/// `range` of an opened local object, [`LOCAL_CHUNK`] at a time.
fn local_chunks(
    file: std::fs::File,
    range: Range<u64>,
) -> futures_util::stream::BoxStream<'static, Result<bytes::Bytes, StorageError>> {
    futures_util::stream::try_unfold((file, range), |(mut file, range)| async move {
        if range.is_empty() {
            return Ok(None);
        }
        let n = (range.end - range.start).min(LOCAL_CHUNK);
        let at = range.start;
        let (file, chunk) = tokio::task::spawn_blocking(move || {
            use std::io::{Read, Seek, SeekFrom};
            let mut chunk = vec![0u8; n as usize];
            file.seek(SeekFrom::Start(at))?;
            file.read_exact(&mut chunk)?;
            Ok::<_, std::io::Error>((file, chunk))
        })
        .await
        .map_err(|e| StorageError::Backend(e.to_string()))??;
        Ok(Some((bytes::Bytes::from(chunk), (file, at + n..range.end))))
    })
    .boxed()
}

/// Copies `from` to `to` with the SHA-256 of the bytes copied; a missing
/// source is [`StorageError::NotFound`] under `key`.
/// A private name for a local object's bytes, hashed as they are read: a hard
/// link where the file system allows (objects are written once, under a new
/// name, never in place, so the linked bytes cannot change), else a copy.
fn copy_hashed(from: &Path, to: &Path, key: String) -> Result<(u64, String), StorageError> {
    use std::io::Write;
    let not_found = |e: std::io::Error| match e.kind() {
        std::io::ErrorKind::NotFound => StorageError::NotFound(key.clone()),
        _ => e.into(),
    };
    let linked = match std::fs::hard_link(from, to) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && from.exists() => {
            if let Some(dir) = to.parent() {
                std::fs::create_dir_all(dir)?;
            }
            std::fs::hard_link(from, to).is_ok()
        }
        r => r.is_ok(),
    };
    let mut src = std::fs::File::open(if linked { to } else { from }).map_err(not_found)?;
    let mut out = if linked {
        None
    } else {
        let file = match std::fs::File::create(to) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if let Some(dir) = to.parent() {
                    std::fs::create_dir_all(dir)?;
                }
                std::fs::File::create(to)?
            }
            other => other?,
        };
        Some(std::io::BufWriter::with_capacity(256 * 1024, file))
    };
    let (total, sha) = hash_through(&mut src, out.as_mut())?;
    if let Some(mut out) = out {
        out.flush()?;
    }
    Ok((total, sha))
}

/// Reads `src` to its end in 256 KiB buffers, writing each to `out` when
/// given; returns the bytes read and their SHA-256 (hex).
pub fn hash_through(
    src: &mut impl std::io::Read,
    mut out: Option<&mut impl std::io::Write>,
) -> std::io::Result<(u64, String)> {
    use sha2::Digest;
    let mut hasher = sha2::Sha256::new();
    let mut buf = vec![0u8; 256 * 1024];
    let mut total = 0u64;
    loop {
        let n = src.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        if let Some(out) = out.as_mut() {
            out.write_all(&buf[..n])?;
        }
        total += n as u64;
    }
    Ok((total, hex::encode(hasher.finalize())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn local_store_round_trips_files_and_ranges() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::local(&dir.path().join("media")).unwrap();
        let src = dir.path().join("src.bin");
        let data: Vec<u8> = (0..3_000_000u32).map(|i| (i % 251) as u8).collect();
        std::fs::write(&src, &data).unwrap();
        assert_eq!(
            store.put_file("originals/ab/abc", &src).await.unwrap(),
            data.len() as u64
        );
        assert_eq!(
            store.size("originals/ab/abc").await.unwrap(),
            Some(data.len() as u64)
        );
        assert!(store.local_path("originals/ab/abc").unwrap().exists());
        let (mut s, size, got) = store
            .read_range("originals/ab/abc", Some(10..20))
            .await
            .unwrap();
        assert_eq!(size, data.len() as u64);
        assert_eq!(got, 10..20);
        let mut read = Vec::new();
        while let Some(c) = s.next().await {
            read.extend_from_slice(&c.unwrap());
        }
        assert_eq!(read, &data[10..20]);
        // Ranges over several chunks, and the whole object, byte for byte.
        for (range, want) in [
            (Some(100_000..1_100_001), &data[100_000..1_100_001]),
            (Some(2_999_999..3_000_000), &data[2_999_999..]),
            (None, &data[..]),
        ] {
            let (mut s, _, _) = store.read_range("originals/ab/abc", range).await.unwrap();
            let mut read = Vec::new();
            while let Some(c) = s.next().await {
                read.extend_from_slice(&c.unwrap());
            }
            assert_eq!(read, want);
        }
        let out = dir.path().join("out.bin");
        store.download("originals/ab/abc", &out).await.unwrap();
        assert_eq!(std::fs::read(&out).unwrap(), data);
        assert_eq!(
            store.list("originals").await.unwrap(),
            vec!["originals/ab/abc".to_string()]
        );
        // A copy hashed as it is made, into a folder that did not exist.
        let staged = dir.path().join("staging/new/out.bin");
        let (n, sha) = store
            .download_hashed("originals/ab/abc", &staged)
            .await
            .unwrap();
        assert_eq!(n, data.len() as u64);
        assert_eq!(std::fs::read(&staged).unwrap(), data);
        assert_eq!(sha, {
            use sha2::Digest;
            hex::encode(sha2::Sha256::digest(&data))
        });
        store.delete("originals/ab/abc").await.unwrap();
        assert_eq!(store.size("originals/ab/abc").await.unwrap(), None);
        store.delete("originals/ab/abc").await.unwrap();
        assert!(matches!(
            store.download_hashed("originals/ab/abc", &staged).await,
            Err(StorageError::NotFound(_))
        ));
    }
}
