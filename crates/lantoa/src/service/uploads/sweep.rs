//! The expiry sweep: staged bytes of expired uploads, and staged bytes no open
//! upload owns.

use super::staging::Staging;
use super::{io, staging_dir, valid_id};
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
    finish_stranded(st, now).await?;
    let ids = {
        let mut tx = st.db.read().await?;
        uploads::expired(&mut tx, now).await?
    };
    let staging = Staging::of(st);
    for id in &ids {
        let mut tx = st.db.write().await?;
        let parts = uploads::parts(&mut tx, id).await?;
        uploads::mark_expired(&mut tx, id, now).await?;
        uploads::delete_parts(&mut tx, id).await?;
        tx.commit().await?;
        staging.remove(st, id, &parts).await;
        st.uploads.forget(id);
    }
    // Local staging files (with object storage too: uploads begun under an
    // older version), then pieces in object storage.
    let mut orphans = remove_orphans(st, now).await?;
    if let Staging::Objects(_) = staging {
        orphans += remove_orphan_pieces(st, now).await?;
    }
    Ok(ids.len() + orphans)
}

/// How long an upload with every byte may wait for the request that
/// finishes it before housekeeping does.
const STRANDED_AFTER_MS: i64 = 30_000;

/// Finishes uploads that have every byte but no version: their request died
/// between the last byte and the finish (a killed process, the storage
/// failing). Done as their uploader, as the next `HEAD` would have.
async fn finish_stranded(st: &AppState, now: i64) -> Result<()> {
    let stranded = {
        let mut tx = st.db.read().await?;
        uploads::stranded(&mut tx, now - STRANDED_AFTER_MS).await?
    };
    for u in stranded {
        let caller =
            crate::service::Caller::for_user(st, u.user_id, u.agency_id, "housekeeping").await?;
        let Some(caller) = caller else { continue };
        let slot = st.uploads.slot(&u.id);
        let _turn = slot.lock().await;
        match super::finish::finish(st, &caller.principal, "housekeeping", &u.id).await {
            Ok(_) => tracing::info!(upload = u.id, "finished an upload left with every byte"),
            Err(e) => {
                tracing::warn!(upload = u.id, error = %e, "an upload with every byte is still unfinished")
            }
        }
    }
    Ok(())
}

/// Staged pieces in object storage that no upload counts on: the bytes of a
/// request that lost a race or whose process died before recording them, and
/// the pieces of finished uploads whose process died before deleting them.
async fn remove_orphan_pieces(st: &AppState, now: i64) -> Result<usize> {
    let pieces = st
        .store
        .list_aged("staging")
        .await
        .map_err(|e| crate::error::Error::Internal(e.to_string()))?;
    let mut removed = 0;
    for (key, written_at) in pieces {
        if now - written_at < ORPHAN_GRACE_MS {
            continue;
        }
        let recorded = {
            let mut tx = st.db.read().await?;
            uploads::part_recorded(&mut tx, &key).await?
        };
        if !recorded {
            tracing::info!(object = key, "removing a staged piece no upload counts on");
            let _ = st.store.delete(&key).await;
            removed += 1;
        }
    }
    Ok(removed)
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
