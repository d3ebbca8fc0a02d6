//! Finishing a complete upload: its bytes become a content-addressed original,
//! a clip version (and a new clip for a first upload), and a queued check.

use std::collections::HashMap;

use serde_json::json;
use sha2::Digest;

use super::staging::Staging;
use super::tus::running_hash;
use super::{Intent, Status, intent, status_of};
use crate::db::{Tx, clips, uploads};
use crate::domain::ClipId;
use crate::error::{Error, Result};
use crate::service::accounts::Principal;
use crate::service::{Actor, audit};
use crate::state::AppState;

/// Turns a complete upload into a stored original, a clip version and a queued
/// check. Safe to repeat after a crash, in any process: the object is
/// content-addressed, and the upload row changes state and its staged pieces
/// are forgotten only in the final transaction.
pub(super) async fn finish(st: &AppState, p: &Principal, client: &str, id: &str) -> Result<Status> {
    let (u, parts) = {
        let mut tx = st.db.read().await?;
        let u = uploads::get(&mut tx, id).await?.ok_or(Error::NotFound)?;
        (u, uploads::parts(&mut tx, id).await?)
    };
    if u.state != "open" {
        return Ok(status_of(&u));
    }
    let staging = Staging::for_upload(st, &u.id);
    let (sha_hex, key) = store_original(st, &staging, &u, &parts).await?;
    let meta: HashMap<String, String> = serde_json::from_str(&u.metadata).unwrap_or_default();
    let i = intent(&meta)?;
    let now = st.now();
    let mut tx = st.db.write().await?;
    let actor: Actor = p.actor(client);
    let clip = match u.clip_id {
        Some(c) => c,
        None => new_clip(&mut tx, &actor, &u, &i, now).await?,
    };
    let (version, number) = clips::insert_version(
        &mut tx,
        clips::NewVersion {
            clip_id: clip,
            sha256: &sha_hex,
            size_bytes: u.length,
            original_key: &key,
            original_name: &i.filename,
            uploaded_by: u.user_id,
            now,
        },
    )
    .await?;
    crate::service::review::version_arrived(&mut tx, &actor, p, clip, (version, number), now)
        .await?;
    if !uploads::complete(&mut tx, id, clip, version, now).await? {
        // Another process finished it first: its version stands.
        drop(tx);
        let mut tx = st.db.read().await?;
        let u = uploads::get(&mut tx, id).await?.ok_or(Error::NotFound)?;
        return Ok(status_of(&u));
    }
    uploads::delete_parts(&mut tx, id).await?;
    crate::ingest::queue(&mut tx, version, u.agency_id, now).await?;
    audit(
        &mut tx,
        &actor,
        Some(u.agency_id),
        "version.upload",
        "clip_version",
        version,
        json!({"after": {"clip": clip, "number": number, "sha256": sha_hex, "size": u.length}}),
        now,
    )
    .await?;
    tx.commit().await?;
    if i.submit && number == 1 {
        submit_new(st, p, clip, u.agency_id, client).await;
    }
    staging.remove(st, id, &parts).await;
    st.uploads.forget(id);
    let mut s = status_of(&u);
    s.offset = u.length;
    s.version = Some(version);
    s.clip = Some(clip);
    Ok(s)
}

/// Stores the complete upload's bytes as a content-addressed original, unless
/// an object of its size is there already. Returns the SHA-256 (hex) and the
/// object's key.
async fn store_original(
    st: &AppState,
    staging: &Staging,
    u: &uploads::Upload,
    parts: &[uploads::Part],
) -> Result<(String, String)> {
    let sha = running_hash(st, u).await?;
    let sha_hex = hex::encode(sha.finalize());
    let key = crate::storage::original_key(&sha_hex);
    let stored = st.store.size(&key).await?;
    if stored != Some(u.length as u64) {
        staging.store_original(st, &u.id, parts, &key).await?;
    }
    Ok((sha_hex, key))
}

/// Creates the clip a first upload brings, from its metadata, audited and
/// linted.
async fn new_clip(
    tx: &mut Tx,
    actor: &Actor,
    u: &uploads::Upload,
    i: &Intent,
    now: i64,
) -> Result<ClipId> {
    let c = clips::insert(
        tx,
        clips::NewClip {
            agency_id: u.agency_id,
            author_id: u.user_id,
            title: i.title.as_deref().unwrap_or("video"),
            caption: &i.caption,
            category: i.category.as_deref().unwrap_or("other"),
            political: i
                .category
                .as_deref()
                .and_then(|c| crate::domain::Category::parse(c).ok())
                .is_some_and(crate::domain::Category::is_political),
            now,
        },
    )
    .await?;
    audit(
        tx,
        actor,
        Some(u.agency_id),
        "clip.create",
        "clip",
        c,
        json!({"after": {"title": i.title, "category": i.category}}),
        now,
    )
    .await?;
    // Tagged as asked when the campaign still takes the agency's clips (it
    // was checked when the upload began; it may have ended since).
    if let Some(campaign) = i.campaign
        && crate::service::campaigns::check_tag(tx, u.agency_id, campaign, now)
            .await
            .is_ok()
    {
        clips::set_campaign_of_new(tx, c, campaign).await?;
    }
    crate::service::review::prepare_new_clip(tx, c, now).await?;
    Ok(c)
}

/// "Upload and submit": the new clip goes to review as its author would send
/// it. A refusal (no channel connected, say) leaves it a draft, which its
/// page shows; the upload itself has succeeded either way.
async fn submit_new(
    st: &AppState,
    p: &Principal,
    clip: ClipId,
    agency: crate::domain::OrgId,
    client: &str,
) {
    let caller = match crate::service::Caller::for_user(st, p.user_id, agency, client).await {
        Ok(Some(c)) => c,
        _ => return,
    };
    let action = crate::domain::workflow::ClipAction::Submit;
    let input = crate::service::review::ActInput::default();
    let Err(e) = crate::service::review::act(&caller, clip, action, input).await else {
        return;
    };
    tracing::info!(clip = %clip, error = %e, "a new clip was uploaded but not submitted");
    // The person left the upload to go on by itself: they are told why it
    // stayed a draft, in their language, where they look (the inbox).
    let tr = crate::i18n::Tr::new(p.locale);
    let why = match &e {
        Error::Refused(r) => r.message(&tr),
        Error::Invalid(i) => tr.t(i.message_id),
        _ => return,
    };
    let told = async {
        let mut tx = st.db.write().await?;
        crate::service::review::notify_users(
            &mut tx,
            &[p.user_id],
            agency,
            clip,
            "submit_refused",
            json!({"note": why}),
            st.now(),
        )
        .await?;
        tx.commit().await?;
        Ok::<_, Error>(())
    };
    if let Err(e) = told.await {
        tracing::warn!(clip = %clip, error = %e, "the author could not be told");
    }
}
