//! Operations on clips beyond uploading (which is `uploads`).

use super::{Actor, audit};
use crate::db::clips;
use crate::domain::{ClipId, OrgId, VersionId};
use crate::error::{Error, Result};
use crate::jobs::{Enqueue, enqueue};
use crate::service::uploads::INGEST_JOB;
use crate::state::AppState;
use serde_json::json;

/// Queues the media check of a version again (after it failed).
pub async fn retry_check(
    st: &AppState,
    actor: &Actor,
    agency: OrgId,
    clip: ClipId,
    version: VersionId,
) -> Result<()> {
    let now = st.now();
    let mut tx = st.db.write().await?;
    clips::get(&mut tx, agency, clip)
        .await?
        .ok_or(Error::NotFound)?;
    let v = clips::get_version(&mut tx, version)
        .await?
        .filter(|v| v.clip_id == clip)
        .ok_or(Error::NotFound)?;
    if v.status != "failed" {
        return Err(Error::Conflict("check-not-failed"));
    }
    clips::set_checked(
        &mut tx,
        version,
        clips::Checked {
            status: "processing",
            probe: None,
            validation: None,
            qc: None,
            compliance: None,
            outputs: None,
            error: None,
        },
        now,
    )
    .await?;
    enqueue(
        &mut tx,
        INGEST_JOB,
        &json!({"version_id": version.0}),
        &Enqueue {
            priority: 10,
            unique_key: Some(format!("ingest:{}", version.0)),
            agency: Some(agency),
            max_attempts: 3,
            ..Default::default()
        },
        now,
    )
    .await?;
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
