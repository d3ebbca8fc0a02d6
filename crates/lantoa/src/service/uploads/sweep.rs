//! The expiry sweep: staged bytes of expired uploads, and staging files no open
//! upload owns.

use super::{io, part_path, staging_dir, valid_id};
use crate::db::uploads;
use crate::error::Result;
use crate::state::AppState;

/// A staging file this young may belong to a create still receiving its first
/// bytes (its row is written after them): the sweep leaves it.
const ORPHAN_GRACE_MS: i64 = 3_600_000;

/// Deletes the staged bytes of uploads past their expiry, and staging files no
/// open upload owns (a crash between the file and its row, or older versions
/// that left refused creates behind) (housekeeping).
pub async fn expire(st: &AppState) -> Result<usize> {
    let now = st.now();
    let ids = {
        let mut tx = st.db.read().await?;
        uploads::expired(&mut tx, now).await?
    };
    for id in &ids {
        let mut tx = st.db.write().await?;
        uploads::mark_expired(&mut tx, id, now).await?;
        tx.commit().await?;
        let _ = tokio::fs::remove_file(part_path(st, id)).await;
        st.uploads.forget(id);
    }
    Ok(ids.len() + remove_orphans(st, now).await?)
}

async fn remove_orphans(st: &AppState, now: i64) -> Result<usize> {
    let mut dir = match tokio::fs::read_dir(staging_dir(st)).await {
        Ok(d) => d,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(io(e)),
    };
    let mut removed = 0;
    while let Some(entry) = dir.next_entry().await.map_err(io)? {
        let name = entry.file_name();
        let Some(id) = name.to_str().and_then(|n| n.strip_suffix(".part")) else {
            continue;
        };
        if !valid_id(id) {
            continue;
        }
        let modified_ms = entry
            .metadata()
            .await
            .ok()
            .and_then(|m| m.modified().ok())
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(now, |d| d.as_millis() as i64);
        if now - modified_ms < ORPHAN_GRACE_MS {
            continue;
        }
        let owned = {
            let mut tx = st.db.read().await?;
            uploads::get(&mut tx, id)
                .await?
                .is_some_and(|u| u.state == "open")
        };
        if !owned {
            tracing::info!(upload = id, "removing a staging file no open upload owns");
            let _ = tokio::fs::remove_file(entry.path()).await;
            st.uploads.forget(id);
            removed += 1;
        }
    }
    Ok(removed)
}
