//! `lantoa backup` and `lantoa restore` for an install on SQLite.
//!
//! A backup is a folder: `lantoa.db` (the database), `secrets.toml` (the key
//! file: without `encryption_key` the stored platform tokens cannot be read),
//! `media/` (the objects, when the storage is a local folder) and
//! `manifest.json`, written last, so a folder without one is not a backup.
//!
//! Consistency comes from the order: the database is copied first, in one
//! snapshot, while the server keeps running; the manifest is read from that
//! copy; only then are the objects it names copied. Objects are written once
//! under a new name and never changed in place (originals are named by their
//! SHA-256), so every object the copy names still exists, with the bytes it
//! had, when it is copied. The exception is the files of an invalid or failed
//! version, which a person may delete meanwhile: those are reported, not fatal.
//!
//! With S3 storage the media are not copied: the bucket's versioning or
//! replication is their backup, and the manifest lists what must exist in it
//! (restore checks each object's size there). PostgreSQL is backed up with
//! `pg_dump` (see the README's *Operations*).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Component, Path, PathBuf};

use futures_util::StreamExt;
use serde::{Deserialize, Serialize};

use crate::config::{Config, StorageUrl};
use crate::db::audit::Verdict;
use crate::db::{Db, migrate};
use crate::storage::{StorageError, Store};

pub const MANIFEST: &str = "manifest.json";
pub const DATABASE: &str = "lantoa.db";
pub const SECRETS: &str = "secrets.toml";
pub const MEDIA: &str = "media";
const FORMAT: u32 = 1;
/// Objects copied, hashed or looked up at once.
const AT_ONCE: usize = 4;

/// Why `lantoa backup` does not copy a PostgreSQL database.
pub const POSTGRES_REFUSAL: &str = "lantoa backup copies installs on SQLite. \
With PostgreSQL, back up the database with `pg_dump -Fc` and the media with your object \
storage's versioning or replication, and keep secrets.toml (or the two keys) with them; \
restore with `pg_restore` into an empty database, then `lantoa migrate`. \
See README.md, Running it yourself → Operations → Backups.";

/// What a backup holds, as `manifest.json` says.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    pub format: u32,
    pub lantoa_version: String,
    /// When the database was copied (UTC, RFC 3339).
    pub created_at: String,
    pub schema_version: i64,
    pub database: FileEntry,
    /// The key file's name in the backup, when the data folder had one.
    pub secrets: Option<String>,
    /// `local`, or the `s3://bucket/prefix` the objects are in.
    pub storage: String,
    /// Whether the objects are in the backup's `media/` folder.
    pub media_copied: bool,
    pub objects: Vec<Object>,
    /// Objects the copy names that were gone when they were to be copied.
    pub missing: Vec<Missing>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct FileEntry {
    pub file: String,
    pub size: u64,
    pub sha256: String,
}

/// One object the database copy names.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Object {
    pub key: String,
    /// Its size and SHA-256: as copied (local storage), else as recorded in
    /// the database or found in the bucket where known.
    pub size: Option<u64>,
    pub sha256: Option<String>,
    /// The column that names it (`clip_versions.original_key`, `clip_versions.outputs`…).
    pub source: String,
    /// It belongs to an invalid or failed version (may be deleted any time).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub deletable: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Missing {
    pub key: String,
    pub source: String,
    pub deletable: bool,
}

/// What `lantoa backup` did.
#[derive(Debug)]
pub struct BackupReport {
    pub dir: PathBuf,
    pub manifest: Manifest,
    pub counts: Vec<(&'static str, i64)>,
    /// Objects that differ from what the database recorded, or are gone
    /// though nobody may delete them: the backup is written but not whole.
    pub problems: Vec<String>,
    /// The keys come from the settings, not from a key file.
    pub keys_from_settings: bool,
}

/// What `lantoa restore` did.
#[derive(Debug)]
pub struct RestoreReport {
    pub objects: usize,
    pub bytes: u64,
    pub counts: Vec<(&'static str, i64)>,
    pub audit_entries: u64,
    pub secrets: bool,
    /// The objects were copied from the backup (else checked in the bucket).
    pub media_copied: bool,
}

fn err(what: impl std::fmt::Display) -> String {
    what.to_string()
}

// ---- Backup -------------------------------------------------------------------------

/// Backs the install up into `to`: the folder itself when it is new or
/// empty, else a new `lantoa-backup-<time>` folder inside it.
pub async fn backup(config: &Config, to: &Path) -> Result<BackupReport, String> {
    let Some(db_file) = sqlite_file(&config.database_url) else {
        return Err(POSTGRES_REFUSAL.into());
    };
    if !db_file.is_file() {
        return Err(format!(
            "There is no Lantoa database at {}; check `database_url` (LANTOA_DATABASE_URL).",
            db_file.display()
        ));
    }
    let store = Store::from_config(config).map_err(err)?;
    let started = jiff::Timestamp::now();
    let dir = backup_dir(to, started)?;

    // 1. The database, in one snapshot, while the server runs.
    let live = Db::connect(&config.database_url)
        .await
        .map_err(|e| format!("The database {} cannot be opened: {e}.", db_file.display()))?;
    let copied = migrate::copy_sqlite_into(&live, &dir.join(DATABASE)).await;
    live.close().await;
    copied.map_err(|e| format!("The database could not be copied: {e}."))?;

    // 2. What the copy names.
    let (schema_version, refs, counts) = read_copy(&dir).await?;
    let database = hashed_entry(&dir, DATABASE).await?;

    // 3. The objects it names.
    let local = matches!(config.storage_url, StorageUrl::Local(_));
    let (objects, missing, mut problems) = copy_objects(&store, &dir, refs, local).await;

    let secrets = copy_secrets(&config.data_dir, &dir)?;
    let manifest = Manifest {
        format: FORMAT,
        lantoa_version: env!("CARGO_PKG_VERSION").into(),
        created_at: started.to_string(),
        schema_version,
        database,
        secrets,
        storage: match &config.storage_url {
            StorageUrl::Local(_) => "local".into(),
            StorageUrl::S3 { bucket, prefix } if prefix.is_empty() => format!("s3://{bucket}"),
            StorageUrl::S3 { bucket, prefix } => format!("s3://{bucket}/{prefix}"),
        },
        media_copied: local,
        objects,
        missing,
    };
    for m in manifest.missing.iter().filter(|m| !m.deletable) {
        problems.push(format!("{} ({}) is missing", m.key, m.source));
    }
    write_manifest(&dir, &manifest)?;
    Ok(BackupReport {
        dir,
        manifest,
        counts,
        problems,
        keys_from_settings: config.session_key.is_some() && config.encryption_key.is_some(),
    })
}

/// The file of a `sqlite:` database URL; None for another engine.
fn sqlite_file(url: &str) -> Option<PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    Some(PathBuf::from(rest.split('?').next().unwrap_or(rest)))
}

/// The folder the backup goes into (created, private).
fn backup_dir(to: &Path, now: jiff::Timestamp) -> Result<PathBuf, String> {
    let dir = if !to.exists() {
        to.to_path_buf()
    } else if !to.is_dir() {
        return Err(format!("{} is a file; name a folder.", to.display()));
    } else if is_empty_dir(to)? {
        to.to_path_buf()
    } else {
        to.join(format!("lantoa-backup-{}", now.strftime("%Y%m%dT%H%M%SZ")))
    };
    std::fs::create_dir_all(&dir)
        .map_err(|e| format!("The folder {} cannot be created: {e}.", dir.display()))?;
    if !is_empty_dir(&dir)? {
        return Err(format!("{} is not empty.", dir.display()));
    }
    private(&dir, 0o700)?;
    Ok(dir)
}

fn is_empty_dir(dir: &Path) -> Result<bool, String> {
    let mut entries = std::fs::read_dir(dir)
        .map_err(|e| format!("The folder {} cannot be read: {e}.", dir.display()))?;
    Ok(entries.next().is_none())
}

#[cfg(unix)]
fn private(path: &Path, mode: u32) -> Result<(), String> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
        .map_err(|e| format!("The mode of {} cannot be set: {e}.", path.display()))
}

#[cfg(not(unix))]
fn private(_: &Path, _: u32) -> Result<(), String> {
    Ok(())
}

type CopyContents = (i64, BTreeMap<String, Object>, Vec<(&'static str, i64)>);

/// The copy's schema version, the objects it names and its row counts.
async fn read_copy(dir: &Path) -> Result<CopyContents, String> {
    let copy = Db::connect(&crate::db::sqlite_url_for(dir))
        .await
        .map_err(|e| format!("The copied database cannot be opened: {e}."))?;
    let read = async {
        let mut tx = copy.read().await?;
        let version = migrate::current_version(&mut tx).await?;
        let refs = crate::db::objects::stored_objects(&mut tx).await?;
        let outputs = crate::db::objects::versions_outputs(&mut tx).await?;
        let counts = migrate::row_counts(&mut tx).await?;
        Ok::<_, crate::db::DbError>((version, refs, outputs, counts))
    }
    .await;
    // Closing checkpoints the copy's write-ahead log into its file.
    copy.close().await;
    let (version, refs, outputs, counts) =
        read.map_err(|e| format!("The copied database cannot be read: {e}."))?;
    let mut objects = BTreeMap::new();
    for r in refs {
        named(
            &mut objects,
            r.key,
            r.size,
            r.sha256,
            &r.source,
            r.deletable,
        );
    }
    for (_, deletable, json) in outputs {
        for key in output_keys(&json) {
            named(
                &mut objects,
                key,
                None,
                None,
                "clip_versions.outputs",
                deletable,
            );
        }
    }
    Ok((version, objects, counts))
}

/// Adds a named object, keeping what any row knows of it.
fn named(
    objects: &mut BTreeMap<String, Object>,
    key: String,
    size: Option<i64>,
    sha256: Option<String>,
    source: &str,
    deletable: bool,
) {
    let o = objects.entry(key.clone()).or_insert_with(|| Object {
        key,
        size: None,
        sha256: None,
        source: source.to_string(),
        deletable,
    });
    o.size = o.size.or(size.and_then(|s| u64::try_from(s).ok()));
    o.sha256 = o.sha256.take().or(sha256);
    // Kept by any row that may not lose it.
    o.deletable &= deletable;
}

/// The keys a version's `outputs` JSON names.
fn output_keys(json: &str) -> Vec<String> {
    let Ok(o) = serde_json::from_str::<crate::ingest::Outputs>(json) else {
        return Vec::new();
    };
    let mut keys = o.posters;
    keys.extend(o.storyboard.map(|s| s.key));
    keys.extend(o.proxy);
    keys.push(o.playback);
    keys.extend(o.renditions.into_iter().map(|r| r.key));
    keys.retain(|k| !k.is_empty());
    keys
}

/// Whether a key stays inside the folder it is joined to.
fn safe_key(key: &str) -> bool {
    !key.is_empty()
        && Path::new(key)
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
}

type Copied = (Vec<Object>, Vec<Missing>, Vec<String>);
/// An object's size and (when its bytes were read) SHA-256.
type Found = Result<(u64, Option<String>), StorageError>;

/// Copies (local storage) or looks up (S3) every object; what was found, what
/// was missing, and what differs from what the database recorded.
async fn copy_objects(
    store: &Store,
    dir: &Path,
    objects: BTreeMap<String, Object>,
    local: bool,
) -> Copied {
    let media = dir.join(MEDIA);
    let results: Vec<(Object, Found)> = futures_util::stream::iter(objects.into_values())
        .map(|o| {
            let to = media.join(&o.key);
            async move {
                let r = if !safe_key(&o.key) {
                    Err(StorageError::Backend("a key that leaves its folder".into()))
                } else if local {
                    store
                        .download_hashed(&o.key, &to)
                        .await
                        .map(|(n, h)| (n, Some(h)))
                } else {
                    match store.size(&o.key).await {
                        Ok(Some(n)) => Ok((n, None)),
                        Ok(None) => Err(StorageError::NotFound(o.key.clone())),
                        Err(e) => Err(e),
                    }
                };
                (o, r)
            }
        })
        .buffer_unordered(AT_ONCE)
        .collect()
        .await;
    let (mut found, mut missing, mut problems) = (Vec::new(), Vec::new(), Vec::new());
    for (mut o, r) in results {
        match r {
            Ok((size, sha)) => {
                // The recorded SHA-256 when there is one (the bytes' identity), else the size.
                let differs = match (&o.sha256, &sha) {
                    (Some(want), Some(got)) => want != got,
                    _ => o.size.is_some_and(|s| s != size),
                };
                if differs {
                    problems.push(format!(
                        "{} ({}) differs from what the database recorded",
                        o.key, o.source
                    ));
                }
                o.size = Some(size);
                o.sha256 = sha.or(o.sha256);
                found.push(o);
            }
            Err(StorageError::NotFound(_)) => missing.push(Missing {
                key: o.key,
                source: o.source,
                deletable: o.deletable,
            }),
            Err(e) => problems.push(format!("{} ({}): {e}", o.key, o.source)),
        }
    }
    found.sort_by(|a, b| a.key.cmp(&b.key));
    missing.sort_by(|a, b| a.key.cmp(&b.key));
    (found, missing, problems)
}

/// Copies the data folder's key file, private; None when there is none.
fn copy_secrets(data_dir: &Path, dir: &Path) -> Result<Option<String>, String> {
    let from = data_dir.join(SECRETS);
    if !from.is_file() {
        return Ok(None);
    }
    let bytes = std::fs::read(&from)
        .map_err(|e| format!("The key file {} cannot be read: {e}.", from.display()))?;
    write_private(&dir.join(SECRETS), &bytes)?;
    Ok(Some(SECRETS.into()))
}

/// Writes a new file with mode 0600.
fn write_private(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let bad = |e: std::io::Error| format!("{} cannot be written: {e}.", path.display());
    let mut f = opts.open(path).map_err(bad)?;
    f.write_all(bytes).map_err(bad)?;
    f.sync_all().map_err(bad)
}

/// Writes the manifest under a temporary name, then gives it its name.
fn write_manifest(dir: &Path, m: &Manifest) -> Result<(), String> {
    let text = serde_json::to_string_pretty(m).map_err(err)?;
    let tmp = dir.join(format!("{MANIFEST}.tmp"));
    let bad = |e: std::io::Error| format!("The manifest cannot be written: {e}.");
    std::fs::write(&tmp, text).map_err(bad)?;
    std::fs::File::open(&tmp)
        .and_then(|f| f.sync_all())
        .map_err(bad)?;
    std::fs::rename(&tmp, dir.join(MANIFEST)).map_err(bad)
}

async fn hashed_entry(dir: &Path, name: &str) -> Result<FileEntry, String> {
    let path = dir.join(name);
    let (size, sha256) = tokio::task::spawn_blocking(move || copy_hashing(&path, None))
        .await
        .map_err(err)?
        .map_err(|e| format!("{name} cannot be read: {e}."))?;
    Ok(FileEntry {
        file: name.into(),
        size,
        sha256,
    })
}

/// Reads `from` (copying it to `to` when given, its folders made) and returns
/// its size and SHA-256.
fn copy_hashing(from: &Path, to: Option<&Path>) -> std::io::Result<(u64, String)> {
    let mut src = std::fs::File::open(from)?;
    let mut out = match to {
        Some(to) => {
            if let Some(parent) = to.parent() {
                std::fs::create_dir_all(parent)?;
            }
            Some(std::io::BufWriter::with_capacity(
                256 * 1024,
                std::fs::File::create_new(to)?,
            ))
        }
        None => None,
    };
    let (total, sha) = crate::storage::hash_through(&mut src, out.as_mut())?;
    if let Some(out) = out {
        out.into_inner().map_err(|e| e.into_error())?.sync_all()?;
    }
    Ok((total, sha))
}

// ---- Restore ------------------------------------------------------------------------

/// Restores the backup in `from` into `data_dir`, which must be empty or
/// absent; checks every object's size and SHA-256 and the audit trail.
/// `config` is only used to reach the bucket of a backup whose media stayed
/// in S3.
pub async fn restore(
    config: &Config,
    from: &Path,
    data_dir: &Path,
) -> Result<RestoreReport, String> {
    if data_dir.exists() && (!data_dir.is_dir() || !is_empty_dir(data_dir)?) {
        return Err(format!(
            "{} is not empty: restore only into an empty or new folder.",
            data_dir.display()
        ));
    }
    let text = std::fs::read_to_string(from.join(MANIFEST)).map_err(|e| {
        format!(
            "{} is not a Lantoa backup ({MANIFEST} cannot be read: {e}).",
            from.display()
        )
    })?;
    let m: Manifest = serde_json::from_str(&text)
        .map_err(|e| format!("{MANIFEST} in {} is damaged: {e}.", from.display()))?;
    if m.format != FORMAT {
        return Err(format!(
            "This backup's format is {}; this Lantoa reads format {FORMAT}.",
            m.format
        ));
    }
    std::fs::create_dir_all(data_dir)
        .map_err(|e| format!("The folder {} cannot be created: {e}.", data_dir.display()))?;
    private(data_dir, 0o750)?;

    let db = FileEntry {
        file: DATABASE.into(),
        ..m.database.clone()
    };
    let mut problems = copy_checked(from, data_dir, std::slice::from_ref(&db)).await;
    if !problems.is_empty() {
        return Err(problems.join("\n"));
    }
    let secrets = match &m.secrets {
        Some(name) => {
            let bytes = std::fs::read(from.join(name))
                .map_err(|e| format!("{name} of the backup cannot be read: {e}."))?;
            write_private(&data_dir.join(SECRETS), &bytes)?;
            true
        }
        None => false,
    };
    let (objects, bytes) = if m.media_copied {
        let entries: Vec<FileEntry> = m
            .objects
            .iter()
            .map(|o| FileEntry {
                file: format!("{MEDIA}/{}", o.key),
                size: o.size.unwrap_or_default(),
                sha256: o.sha256.clone().unwrap_or_default(),
            })
            .collect();
        problems = copy_checked(from, data_dir, &entries).await;
        (entries.len(), entries.iter().map(|e| e.size).sum())
    } else {
        problems = check_in_bucket(config, &m).await?;
        (
            m.objects.len(),
            m.objects.iter().filter_map(|o| o.size).sum(),
        )
    };
    if !problems.is_empty() {
        let n = problems.len();
        problems.truncate(10);
        return Err(format!(
            "{n} objects did not restore as the backup recorded them (the folder {} is left as it is):\n{}",
            data_dir.display(),
            problems.join("\n")
        ));
    }

    let db = Db::connect(&crate::db::sqlite_url_for(data_dir))
        .await
        .map_err(|e| format!("The restored database cannot be opened: {e}."))?;
    let checked = async {
        let verdict = crate::db::audit::verify(&db).await?;
        let mut tx = db.read().await?;
        Ok::<_, crate::db::DbError>((verdict, migrate::row_counts(&mut tx).await?))
    }
    .await;
    db.close().await;
    let (verdict, counts) =
        checked.map_err(|e| format!("The restored database cannot be read: {e}."))?;
    let audit_entries = match verdict {
        Verdict::Intact { entries } => entries,
        Verdict::Broken(e) => return Err(format!("The restored audit trail is broken: {e}")),
    };
    Ok(RestoreReport {
        objects,
        bytes,
        counts,
        audit_entries,
        secrets,
        media_copied: m.media_copied,
    })
}

/// Copies each file of the backup into the data folder, checking its size
/// and SHA-256; one line per file that does not match.
async fn copy_checked(from: &Path, to: &Path, files: &[FileEntry]) -> Vec<String> {
    futures_util::stream::iter(files.iter().cloned())
        .map(|f| {
            let (src, dst) = (from.join(&f.file), to.join(&f.file));
            async move {
                if !safe_key(&f.file) {
                    return Some(format!("{}: a name that leaves its folder", f.file));
                }
                let copied = tokio::task::spawn_blocking(move || copy_hashing(&src, Some(&dst)))
                    .await
                    .map_err(|e| std::io::Error::other(e.to_string()));
                match copied {
                    Ok(Ok((size, sha))) if size == f.size && sha == f.sha256 => None,
                    Ok(Ok((size, sha))) => Some(format!(
                        "{}: {size} bytes with SHA-256 {sha}, the backup recorded {} bytes with {}",
                        f.file, f.size, f.sha256
                    )),
                    Ok(Err(e)) | Err(e) => Some(format!("{}: {e}", f.file)),
                }
            }
        })
        .buffer_unordered(AT_ONCE)
        .filter_map(|p| async move { p })
        .collect()
        .await
}

/// For a backup whose media stayed in S3: every object is in the bucket the
/// settings name, with its recorded size.
async fn check_in_bucket(config: &Config, m: &Manifest) -> Result<Vec<String>, String> {
    if matches!(config.storage_url, StorageUrl::Local(_)) {
        return Err(format!(
            "This backup's media stayed in {}: set `storage_url` and the s3_* settings to that \
             bucket (restored from its versioning or replica) and run restore again.",
            m.storage
        ));
    }
    let store = Store::from_config(config).map_err(err)?;
    Ok(futures_util::stream::iter(m.objects.iter())
        .map(|o| {
            let store = store.clone();
            async move {
                match store.size(&o.key).await {
                    Ok(Some(n)) if o.size.is_none_or(|s| s == n) => None,
                    Ok(Some(n)) => Some(format!("{}: {n} bytes, recorded {:?}", o.key, o.size)),
                    Ok(None) => Some(format!("{}: not in the bucket", o.key)),
                    Err(e) => Some(format!("{}: {e}", o.key)),
                }
            }
        })
        .buffer_unordered(AT_ONCE * 2)
        .filter_map(|p| async move { p })
        .collect()
        .await)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_stay_inside_their_folder() {
        assert!(safe_key("originals/ab/abcdef"));
        assert!(safe_key("derived/v3/poster_1.jpg"));
        for bad in ["", "../etc/passwd", "/etc/passwd", "a/../../b", "./a"] {
            assert!(!safe_key(bad), "{bad}");
        }
    }

    #[test]
    fn sqlite_urls_name_their_file() {
        assert_eq!(
            sqlite_file("sqlite:///var/lib/lantoa/lantoa.db"),
            Some(PathBuf::from("/var/lib/lantoa/lantoa.db"))
        );
        assert_eq!(
            sqlite_file("sqlite:data/lantoa.db?mode=rwc"),
            Some(PathBuf::from("data/lantoa.db"))
        );
        assert_eq!(sqlite_file("postgres://db/lantoa"), None);
    }

    #[test]
    fn outputs_name_every_derived_file() {
        let json = r#"{"posters":["derived/v1/p0.jpg","derived/v1/p1.jpg"],
            "storyboard":{"key":"derived/v1/sb.jpg","cols":1,"rows":1,"tile_width":1,
                          "tile_height":1,"interval_s":1.0,"tiles":1},
            "proxy":"derived/v1/proxy.mp4","playback":"derived/v1/proxy.mp4",
            "renditions":[{"label":"9x16","key":"derived/v1/9x16.mp4","width":1,"height":1,
                           "remuxed":false}]}"#;
        let mut keys = output_keys(json);
        keys.sort();
        keys.dedup();
        assert_eq!(
            keys,
            [
                "derived/v1/9x16.mp4",
                "derived/v1/p0.jpg",
                "derived/v1/p1.jpg",
                "derived/v1/proxy.mp4",
                "derived/v1/sb.jpg"
            ]
        );
        assert!(output_keys("not json").is_empty());
    }
}
