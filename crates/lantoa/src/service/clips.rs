//! Operations on clips beyond uploading (which is `uploads`).

use super::accounts::Principal;
use super::{Actor, audit, review};
use crate::db::clips;
use crate::domain::VersionStatus;
use crate::domain::policy::ClipOp;
use crate::domain::{ClipId, OrgId, VersionId};
use crate::error::{Error, Result};
use crate::state::AppState;
use serde_json::json;

/// Queues the media check of a version again (after it failed).
pub async fn retry_check(
    st: &AppState,
    actor: &Actor,
    p: &Principal,
    agency: OrgId,
    clip: ClipId,
    version: VersionId,
) -> Result<()> {
    let now = st.now();
    let mut tx = st.db.write().await?;
    let v = version_to_manage(&mut tx, p, agency, clip, version, now).await?;
    if v.status != VersionStatus::Failed {
        return Err(Error::Conflict("check-not-failed"));
    }
    clips::set_checked(&mut tx, version, clips::Checked::status("processing"), now).await?;
    crate::ingest::queue(&mut tx, version, agency, now).await?;
    audit(
        &mut tx,
        actor,
        Some(agency),
        "version.recheck",
        "clip_version",
        version,
        json!({"before": {"status": "failed"}, "after": {"status": "processing"}}),
        now,
    )
    .await?;
    tx.commit().await?;
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
pub async fn delete_version(
    st: &AppState,
    actor: &Actor,
    p: &Principal,
    agency: OrgId,
    clip: ClipId,
    version: VersionId,
) -> Result<Deleted> {
    let now = st.now();
    let mut tx = st.db.write().await?;
    let v = version_to_manage(&mut tx, p, agency, clip, version, now).await?;
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
    audit(
        &mut tx,
        actor,
        Some(agency),
        "version.delete",
        "clip_version",
        version,
        json!({"before": {"clip": clip, "number": v.number, "status": v.status, "sha256": v.sha256},
               "after": {"clip_deleted": matches!(outcome, Deleted::Clip)}}),
        now,
    )
    .await?;
    tx.commit().await?;
    // Files go after the rows: a crash in between leaves unreferenced files, never a
    // row pointing at a missing file.
    for key in st
        .store
        .list(&crate::storage::outputs_prefix(version.0))
        .await
        .unwrap_or_default()
    {
        let _ = st.store.delete(&key).await;
    }
    if !keep_original {
        let _ = st.store.delete(&v.original_key).await;
    }
    Ok(outcome)
}

/// A version of the agency's clip that `p` may recheck or delete now.
async fn version_to_manage(
    tx: &mut crate::db::Tx,
    p: &Principal,
    agency: OrgId,
    clip: ClipId,
    version: VersionId,
    now: i64,
) -> Result<clips::Version> {
    let v = clips::version_of(tx, agency, clip, version)
        .await?
        .ok_or(Error::NotFound)?;
    let c = review::load(tx, agency, clip).await?;
    review::enforce_now(tx, p, &c, ClipOp::ManageVersions, "", now).await?;
    Ok(v)
}
