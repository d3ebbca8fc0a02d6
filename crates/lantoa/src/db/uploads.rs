//! Resumable uploads (tus): what was announced and how far the bytes have come.
//! The offset is written only after the bytes are staged, so it never runs
//! ahead; with it, the running hash of those bytes and (in object storage) the
//! staged piece that brought it there.

use super::{DbResult, Tx, sql};
use crate::domain::{ClipId, OrgId, UserId, VersionId};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Upload {
    pub id: String,
    pub agency_id: OrgId,
    pub user_id: UserId,
    pub clip_id: Option<ClipId>,
    pub length: i64,
    pub offset_bytes: i64,
    pub metadata: String,
    pub state: String,
    pub version_id: Option<VersionId>,
    pub expires_at: i64,
    pub created_at: i64,
    /// The SHA-256 state after `offset_bytes` bytes (hex); absent for uploads
    /// begun before it was kept.
    pub sha_state: Option<String>,
}

macro_rules! select_upload {
    ($rest:literal) => {
        concat!(
            "SELECT id, agency_id, user_id, clip_id, length, offset_bytes, metadata, state, version_id,
                    expires_at, created_at, sha_state FROM uploads ",
            $rest
        )
    };
}

pub struct NewUpload<'a> {
    pub id: &'a str,
    pub agency_id: OrgId,
    pub user_id: UserId,
    pub clip_id: Option<ClipId>,
    pub length: i64,
    pub metadata: &'a str,
    pub expires_at: i64,
    pub now: i64,
}

pub async fn insert(tx: &mut Tx, u: NewUpload<'_>) -> DbResult<()> {
    sql!(tx, execute
        "INSERT INTO uploads (id, agency_id, user_id, clip_id, length, offset_bytes, metadata, state,
                              expires_at, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, 0, $6, 'open', $7, $8, $8)",
        u.id, u.agency_id, u.user_id, u.clip_id, u.length, u.metadata, u.expires_at, u.now)?;
    Ok(())
}

pub async fn get(tx: &mut Tx, id: &str) -> DbResult<Option<Upload>> {
    Ok(sql!(tx, fetch_optional select_upload!("WHERE id = $1"), id)?)
}

pub async fn open_count(tx: &mut Tx, user: UserId, now: i64) -> DbResult<i64> {
    Ok(sql!(tx, scalar fetch_one
        "SELECT COUNT(*) FROM uploads WHERE user_id = $1 AND state = 'open' AND expires_at > $2",
        user, now)?)
}

/// How far an upload moves with one request's bytes.
pub struct Advance<'a> {
    pub from: i64,
    pub to: i64,
    /// The hash's state after `to` bytes (hex).
    pub sha_state: &'a str,
    pub expires_at: i64,
    pub now: i64,
}

/// Moves the offset from `a.from` to `a.to`, unless another request (in
/// this process or another) moved it first: false then, and nothing changes.
pub async fn advance(tx: &mut Tx, id: &str, a: Advance<'_>) -> DbResult<bool> {
    let n = sql!(tx, execute
        "UPDATE uploads SET offset_bytes = $1, sha_state = $2, expires_at = $3, updated_at = $4
         WHERE id = $5 AND state = 'open' AND offset_bytes = $6",
        a.to, a.sha_state, a.expires_at, a.now, id, a.from)?;
    Ok(n == 1)
}

/// One request's bytes staged as an object of their own.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Part {
    pub start_offset: i64,
    pub size_bytes: i64,
    pub object_key: String,
}

pub async fn add_part(tx: &mut Tx, id: &str, p: &Part) -> DbResult<()> {
    sql!(tx, execute
        "INSERT INTO upload_parts (upload_id, start_offset, size_bytes, object_key) VALUES ($1, $2, $3, $4)",
        id, p.start_offset, p.size_bytes, &p.object_key)?;
    Ok(())
}

/// The upload's staged pieces, in the order of their bytes.
pub async fn parts(tx: &mut Tx, id: &str) -> DbResult<Vec<Part>> {
    Ok(sql!(tx, fetch_all
        "SELECT start_offset, size_bytes, object_key FROM upload_parts WHERE upload_id = $1 ORDER BY start_offset",
        id)?)
}

/// Forgets the upload's staged pieces (their objects are the caller's to delete
/// once this commits).
pub async fn delete_parts(tx: &mut Tx, id: &str) -> DbResult<()> {
    sql!(tx, execute "DELETE FROM upload_parts WHERE upload_id = $1", id)?;
    Ok(())
}

/// Whether an object is a staged piece some upload still counts on.
pub async fn part_recorded(tx: &mut Tx, key: &str) -> DbResult<bool> {
    let n: i64 = sql!(tx, scalar fetch_one
        "SELECT COUNT(*) FROM upload_parts WHERE object_key = $1", key)?;
    Ok(n > 0)
}

/// Marks the upload finished, naming the clip and version it became.
pub async fn complete(
    tx: &mut Tx,
    id: &str,
    clip: ClipId,
    version: VersionId,
    now: i64,
) -> DbResult<bool> {
    let n = sql!(tx, execute
        "UPDATE uploads SET state = 'complete', clip_id = $1, version_id = $2, updated_at = $3
         WHERE id = $4 AND state = 'open'",
        clip, version, now, id)?;
    Ok(n == 1)
}

pub async fn terminate(tx: &mut Tx, id: &str, now: i64) -> DbResult<bool> {
    let n = sql!(tx, execute
        "UPDATE uploads SET state = 'terminated', updated_at = $1 WHERE id = $2 AND state = 'open'",
        now, id)?;
    Ok(n == 1)
}

/// Open uploads that have every byte but were left unfinished since `before`
/// (the process died, or the storage failed, between the last byte and the
/// finish).
pub async fn stranded(tx: &mut Tx, before: i64) -> DbResult<Vec<Upload>> {
    Ok(sql!(tx, fetch_all
        select_upload!("WHERE state = 'open' AND offset_bytes = length AND updated_at < $1"),
        before)?)
}

/// Open uploads past their expiry (their staged bytes can go).
pub async fn expired(tx: &mut Tx, now: i64) -> DbResult<Vec<String>> {
    Ok(sql!(tx, scalar fetch_all
        "SELECT id FROM uploads WHERE state = 'open' AND expires_at <= $1",
        now)?)
}

pub async fn mark_expired(tx: &mut Tx, id: &str, now: i64) -> DbResult<()> {
    sql!(tx, execute
        "UPDATE uploads SET state = 'terminated', updated_at = $1 WHERE id = $2 AND state = 'open'",
        now, id)?;
    Ok(())
}
