//! Operations on clips beyond uploading (which is `uploads`).

use serde_json::json;

use super::{Caller, review};
use crate::db::clips;
use crate::domain::VersionStatus;
use crate::domain::policy::ClipOp;
use crate::domain::{ClipId, VersionId};
use crate::error::{Error, Result};

/// Queues the media check of a version again (after it failed).
pub async fn retry_check(caller: &Caller, clip: ClipId, version: VersionId) -> Result<()> {
    let (mut tx, now, v) = version_to_manage(caller, clip, version).await?;
    if v.status != VersionStatus::Failed {
        return Err(Error::Conflict("check-not-failed"));
    }
    clips::set_checked(&mut tx, version, clips::Checked::status("processing"), now).await?;
    crate::ingest::queue(&mut tx, version, caller.agency.id, now).await?;
    let summary = json!({"before": {"status": "failed"}, "after": {"status": "processing"}});
    caller
        .audit_and_commit(
            tx,
            now,
            "version.recheck",
            ("clip_version", version),
            summary,
        )
        .await?;
    Ok(())
}

/// What deleting an unusable version left of its clip.
pub enum Deleted {
    /// The clip still has other versions.
    Version,
    /// It was the clip's only version: the clip is gone too.
    Clip,
}

/// Deletes a version that is invalid or whose check failed, with its files; the
/// original goes too unless another version has the same bytes. A clip left
/// without versions is deleted.
pub async fn delete_version(caller: &Caller, clip: ClipId, version: VersionId) -> Result<Deleted> {
    let (mut tx, now, v) = version_to_manage(caller, clip, version).await?;
    if v.status != VersionStatus::Invalid && v.status != VersionStatus::Failed {
        return Err(Error::Conflict("version-not-deletable"));
    }
    clips::delete_version(&mut tx, version).await?;
    let keep_original = clips::versions_with_sha(&mut tx, &v.sha256).await? > 0;
    let outcome = match clips::latest_version(&mut tx, clip).await? {
        Some(latest) => {
            clips::set_current_version(&mut tx, clip, latest, now).await?;
            Deleted::Version
        }
        None => {
            clips::delete_empty_clip(&mut tx, clip).await?;
            Deleted::Clip
        }
    };
    let before = json!({"clip": clip, "number": v.number, "status": v.status, "sha256": v.sha256});
    let after = json!({"clip_deleted": matches!(outcome, Deleted::Clip)});
    let summary = json!({"before": before, "after": after});
    caller
        .audit_and_commit(
            tx,
            now,
            "version.delete",
            ("clip_version", version),
            summary,
        )
        .await?;
    // Files go after the rows: a crash in between leaves unreferenced files, never a
    // row pointing at a missing file.
    for key in caller
        .st
        .store
        .list(&crate::storage::outputs_prefix(version.0))
        .await
        .unwrap_or_default()
    {
        let _ = caller.st.store.delete(&key).await;
    }
    if !keep_original {
        let _ = caller.st.store.delete(&v.original_key).await;
    }
    Ok(outcome)
}

/// Opens a write and loads a version of the agency's clip that the caller
/// may recheck or delete now.
async fn version_to_manage(
    caller: &Caller,
    clip: ClipId,
    version: VersionId,
) -> Result<(crate::db::Tx, i64, clips::Version)> {
    let (mut tx, now) = caller.write().await?;
    let v = clips::version_of(&mut tx, caller.agency.id, clip, version)
        .await?
        .ok_or(Error::NotFound)?;
    let c = review::load(&mut tx, caller.agency.id, clip).await?;
    review::enforce_now(
        &mut tx,
        &caller.principal,
        &c,
        ClipOp::ManageVersions,
        "",
        now,
    )
    .await?;
    Ok((tx, now, v))
}
