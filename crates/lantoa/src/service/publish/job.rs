//! The publish job: stages the exact bytes, re-checks them and the approval,
//! paces itself by the platforms' limits, saves every handle before the bytes
//! it announces, and records the outcome.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use serde_json::json;

use super::LATE_AFTER_MS;
use super::pacing::{next_pacific_midnight, pace};
use super::staging::{Staged, stage};
use super::takedown::{queue_removal, replace_old};
use crate::db::Tx;
use crate::db::clips::{self, Clip, Version};
use crate::db::publishing::{self as pdb, Channel, Publication};
use crate::domain::PublicationState;
use crate::domain::approval::Outgoing;
use crate::domain::workflow::{ClipAction, ClipState, Requester};
use crate::domain::{PublicationId, Role, UserId};
use crate::error::{Error, Refusal, Result};
use crate::jobs::{JobCtx, JobError};
use crate::platforms::connector::{Connector, Connectors, Handle, Next, Post, Visibility};
use crate::platforms::{ErrorClass, Platform, PlatformError, text, with_connector};
use crate::service::channels::Token;
use crate::service::{audit, review};
use crate::state::AppState;

/// How long a job waits for a platform's processing before handing back.
const MAX_WAIT: Duration = Duration::from_secs(20 * 60);
/// How long work waits for a dead channel to be reconnected before looking again.
const RECONNECT_WAIT_MS: i64 = 15 * 60_000;

/// The content a publication's approval was given to.
async fn approved_content(
    st: &AppState,
    pb: &Publication,
) -> std::result::Result<crate::domain::approval::Outgoing, JobError> {
    let mut tx = st.db.read().await?;
    crate::db::review::all_approvals(&mut tx, pb.clip_id)
        .await?
        .into_iter()
        .find(|a| a.digest == pb.digest)
        .and_then(|a| serde_json::from_str(&a.content).ok())
        .ok_or_else(|| JobError::Permanent("the approved content is gone".into()))
}

/// Why a publication was refused at the moment of upload.
async fn refuse(
    st: &AppState,
    pb: &Publication,
    clip: &Clip,
    e: &Error,
) -> std::result::Result<(), JobError> {
    let now = st.now();
    let code = match e {
        Error::Refused(r) => r.message_id,
        _ => "publish-refused",
    };
    let mut tx = st.db.write().await?;
    pdb::set_error(
        &mut tx,
        pb.id,
        "failed",
        "integrity",
        code,
        &e.to_string(),
        now,
    )
    .await?;
    audit(
        &mut tx,
        &review::system_actor(),
        Some(pb.agency_id),
        "publication.refused",
        "publication",
        pb.id,
        json!({"clip": clip.id, "reason": code, "after": {"state": "failed"}}),
        now,
    )
    .await?;
    tell_heads_and_author(
        &mut tx,
        clip,
        None,
        "publish_refused",
        json!({"note": code}),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The agency's heads and the clip's author (except `but`), told of what
/// happened to the clip's publication.
pub(super) async fn tell_heads_and_author(
    tx: &mut Tx,
    clip: &Clip,
    but: Option<UserId>,
    kind: &str,
    args: serde_json::Value,
    now: i64,
) -> Result<()> {
    let mut who = review::members_with(tx, clip.agency_id, &[Role::Head], &[]).await?;
    who.push(clip.author_id);
    who.retain(|u| Some(*u) != but);
    review::notify_users(tx, &who, clip.agency_id, clip.id, kind, args, now).await
}

/// Records why the publication waits (its error code, class and message)
/// and hands the job back until `at`, without counting the attempt.
async fn wait_until(
    st: &AppState,
    pid: PublicationId,
    (code, class, message): (&str, &str, &str),
    at: i64,
    reason: String,
) -> std::result::Result<(), JobError> {
    let mut tx = st.db.write().await?;
    pdb::set_error(&mut tx, pid, "", code, class, message, st.now()).await?;
    tx.commit().await?;
    Err(JobError::Later { at, reason })
}

/// Runs one publication to its end (or hands it back to wait).
pub async fn run(ctx: JobCtx, payload: serde_json::Value) -> std::result::Result<(), JobError> {
    let st = ctx.st.clone();
    let pid = PublicationId(
        payload["publication"]
            .as_i64()
            .ok_or_else(|| JobError::Permanent("no publication".into()))?,
    );
    let cs = st.config.platforms.connectors();
    let (pb, ch, clip) = load(&st, pid).await?;
    if !(pb.state == PublicationState::Scheduled || pb.state.in_flight()) {
        return Ok(());
    }
    let now = st.now();
    if ch.status != "active" {
        // Looked at again later: someone may reconnect it meanwhile.
        let why = ch.status_reason.as_deref().unwrap_or("needs reconnecting");
        let reason = format!("channel {} needs reconnecting", ch.id);
        let at = now + RECONNECT_WAIT_MS;
        return wait_until(&st, pid, ("reconnect", "channel", why), at, reason).await;
    }
    // A channel bound to an API these settings do not reach (a sandbox
    // channel served without the sandbox) fails here, before any call.
    if let Err(u) = crate::service::channels::binding(&st, &ch) {
        tracing::warn!(publication = %pid, channel = %ch.id, code = u.code(), "{}", u.english());
        return give_up(&st, &pb, &clip, &ch, "binding", u.code(), u.english()).await;
    }
    if pb.state == PublicationState::Scheduled {
        let mut tx = st.db.write().await?;
        pdb::set_state(&mut tx, pid, &["scheduled"], "queued", now).await?;
        tx.commit().await?;
    }
    // A correction first takes the earlier post down where the API can.
    if let Some(old) = pb.replaces_id {
        replace_old(&st, &cs, old).await?;
    }
    // The exact bytes, hashed as they are staged, and the approval they carry.
    let version = {
        let mut tx = st.db.read().await?;
        clips::version_of(&mut tx, pb.agency_id, pb.clip_id, pb.version_id)
            .await?
            .ok_or_else(|| JobError::Permanent("version gone".into()))?
    };
    let staged = stage(&st, &version.original_key, pid).await?;
    let started: Handle = serde_json::from_str(&pb.handle).unwrap_or_default();
    let started = started != Handle::default();
    let outgoing = if !started && clip.state == ClipState::TakenDown {
        let mut tx = st.db.write().await?;
        pdb::set_state(&mut tx, pid, &["queued"], "cancelled", now).await?;
        tx.commit().await?;
        return Ok(());
    } else if started {
        resumed_content(&st, &pb, &clip, &staged, &version).await?
    } else {
        verified_content(&st, &pb, &clip, &staged, now).await?
    };
    let work = Work {
        pb: &pb,
        ch: &ch,
        clip: &clip,
        version: &version,
    };
    // The approved subtitles: caption tracks beside the video, or the
    // picture with them burned in, sent instead of the original.
    let delivered = super::subtitles::deliver(&st, &ch, &version, &outgoing, &staged, pid).await?;
    let staged = delivered.burned.as_ref().unwrap_or(&staged);
    if ch.platform == crate::domain::outlet::OUTLET {
        return super::outlet::publish(&ctx, work, staged, &outgoing, &delivered.captions).await;
    }
    let platform = Platform::parse(&ch.platform)
        .ok_or_else(|| JobError::Permanent("unknown platform".into()))?;
    // Exactly the text that was checked before approval. A clip approved under
    // older rules is checked again before anything reaches the platform, so a
    // breach fails here, clearly, and never as the platform's refusal.
    let sent = text::build(&outgoing.content(), platform);
    if !started && let Some(f) = text::rules().check(platform, &sent).into_iter().next() {
        let e = PlatformError {
            class: ErrorClass::FixContent,
            status: None,
            code: "text_rules".into(),
            message: f.breach.to_string(),
        };
        return fail(&st, &ctx, &pb, &ch, &clip, &pb.handle, e).await;
    }
    let (privacy, extra) = super::sending::sending(&st, platform, &pb, &ch, &clip, &version);
    if privacy.is_none() {
        // TikTok's rules forbid a default: a person chooses on the channel
        // or when publishing; nothing goes out before.
        return give_up(
            &st,
            &pb,
            &clip,
            &ch,
            "fix_content",
            "privacy_not_chosen",
            "no one chose who may see this channel's posts: choose it on the channel, then retry",
        )
        .await;
    }
    let sending = Sending {
        staged,
        sent: &sent,
        extra: &extra,
        captions: &delivered.captions,
    };
    upload(&ctx, &cs, platform, work, sending).await
}

/// What one upload sends: the bytes, the checked text, the channel's
/// choices and the caption tracks.
struct Sending<'a> {
    staged: &'a Staged,
    sent: &'a text::PlatformText,
    extra: &'a super::sending::Sending,
    captions: &'a [crate::platforms::connector::Caption],
}

/// What one run of a publication works on, as loaded when it started.
#[derive(Clone, Copy)]
pub(super) struct Work<'a> {
    pub pb: &'a Publication,
    pub ch: &'a Channel,
    pub clip: &'a Clip,
    pub version: &'a Version,
}

/// The publication and the channel it goes to; a job whose rows are gone
/// fails for good.
pub(super) async fn publication_and_channel(
    tx: &mut Tx,
    pid: PublicationId,
) -> std::result::Result<(Publication, Channel), JobError> {
    let pb = pdb::publication(tx, pid)
        .await?
        .ok_or_else(|| JobError::Permanent("publication gone".into()))?;
    let ch = pdb::channel(tx, pb.agency_id, pb.channel_id)
        .await?
        .ok_or_else(|| JobError::Permanent("channel gone".into()))?;
    Ok((pb, ch))
}

/// The publication, its channel and its clip, as the job starts.
async fn load(
    st: &AppState,
    pid: PublicationId,
) -> std::result::Result<(Publication, Channel, Clip), JobError> {
    let mut tx = st.db.read().await?;
    let (pb, ch) = publication_and_channel(&mut tx, pid).await?;
    let clip = clips::get_any(&mut tx, pb.clip_id)
        .await?
        .ok_or_else(|| JobError::Permanent("clip gone".into()))?;
    Ok((pb, ch, clip))
}

/// What a resumed upload sends. The approval was checked before the platform
/// got anything. The bytes are checked again; the text is what was approved,
/// whatever happened since (a takedown removes the post as soon as it is out).
async fn resumed_content(
    st: &AppState,
    pb: &Publication,
    clip: &Clip,
    staged: &Staged,
    version: &Version,
) -> std::result::Result<Outgoing, JobError> {
    if staged.sha256 != version.sha256 {
        let e = Error::Refused(Box::new(Refusal::new(
            "approval_refused",
            "publish-bytes-mismatch",
        )));
        refuse(st, pb, clip, &e).await?;
        return Err(JobError::Permanent("refused: the bytes changed".into()));
    }
    approved_content(st, pb).await
}

/// What a new upload sends, once the staged bytes and the approval are
/// verified for the channel; a refusal is recorded and ends the job.
async fn verified_content(
    st: &AppState,
    pb: &Publication,
    clip: &Clip,
    staged: &Staged,
    now: i64,
) -> std::result::Result<Outgoing, JobError> {
    // The signed window's end: a post that has not started by then (a retry,
    // a wait for a platform's limit or a reconnection) goes out only on a new
    // signature. A minute's grace for a queue's delay past a time at the end.
    if clip
        .publish_until
        .is_some_and(|until| now > until + LATE_AFTER_MS)
    {
        let e = Error::Refused(Box::new(Refusal::new(
            "approval_refused",
            "publish-window-ended",
        )));
        refuse(st, pb, clip, &e).await?;
        return Err(JobError::Permanent(
            "refused: the signed publishing window has ended".into(),
        ));
    }
    // The check only reads: it needs no place in the write queue.
    let mut tx = st.db.read().await?;
    let checked = review::verify_for_channel(
        &mut tx,
        pb.agency_id,
        pb.clip_id,
        &staged.sha256,
        &pb.digest,
        pb.created_at,
        now,
    )
    .await;
    match checked {
        Ok(o) => Ok(o),
        Err(Error::Refused(r)) => {
            drop(tx);
            refuse(st, pb, clip, &Error::Refused(r)).await?;
            Err(JobError::Permanent(
                "refused: bytes or approval do not match".into(),
            ))
        }
        Err(e) => Err(e.into()),
    }
}

/// Takes the staged bytes and the checked text to the platform step by step,
/// saving each handle before the next step, until the post is out or the job
/// must wait or fail.
async fn upload(
    ctx: &JobCtx,
    cs: &Connectors,
    platform: Platform,
    work: Work<'_>,
    sending: Sending<'_>,
) -> std::result::Result<(), JobError> {
    let Sending {
        staged,
        sent,
        extra,
        captions,
    } = sending;
    let st = &ctx.st;
    let Work { pb, ch, clip, .. } = work;
    let pid = pb.id;
    let progress = Arc::new(AtomicU64::new(f64::NAN.to_bits()));
    let pr = progress.clone();
    let report = move |f: f64| pr.store(f.clamp(0.0, 1.0).to_bits(), Ordering::Relaxed);
    let mut handle: Handle = serde_json::from_str(&pb.handle).unwrap_or_default();
    // The handle as saved: the next save must find it unchanged.
    let mut saved_json = pb.handle.clone();
    // Until this run saves a handle of its own, the one it has is what an
    // earlier run left.
    let mut resumed = handle != Handle::default();
    // The token the platform refused, to be refreshed before the next step
    // (once per run: a second refusal means the authorisation is dead).
    let mut refused: Option<String> = None;
    let mut refreshed = false;
    let mut kept: Option<Token> = None;
    let mut waited = Duration::ZERO;
    loop {
        if let Some(limit) = with_connector!(cs, platform, c => c.limit(&handle))
            && let Some(at) = pace(st, ch, limit).await?
        {
            let why = ("paced", "rate_limit", "waiting for the platform's limit");
            let reason = format!("{} limit: waiting", platform.as_str());
            return wait_until(st, pid, why, at, reason).await;
        }
        // The token is kept from step to step until it nears expiry; one the
        // platform refused is read again (another job or housekeeping may
        // have refreshed it) or refreshed here.
        let usable = kept
            .take()
            .filter(|t: &Token| refused.is_none() && t.usable(st.now()));
        let token = match usable {
            Some(t) => t,
            None => {
                match crate::service::channels::token(st, ch, refused.take().as_deref()).await {
                    Ok(t) => t,
                    Err(e) => return fail(st, ctx, pb, ch, clip, &saved_json, e).await,
                }
            }
        };
        let post = Post {
            account: &ch.external_id,
            account_name: &ch.name,
            token: &token.value,
            file: &staged.path,
            size: staged.size,
            title: &sent.title,
            description: &sent.description,
            tags: &sent.tags,
            privacy: &extra.privacy,
            category: extra.category.as_deref(),
            content_type: extra.content_type,
            poster_url: extra.poster_url.as_deref(),
            cover_ms: extra.cover_ms,
            duration_ms: extra.duration_ms,
            progress: &report,
            resumed,
            captions,
        };
        let step = with_connector!(cs, platform, c => with_progress(st, pid, &progress, c.step(&post, &handle)).await);
        match step {
            Ok(Next::Save { handle: h, state }) => {
                let json = serde_json::to_string(&h).unwrap_or_default();
                if !save_handle(st, pid, state, &saved_json, &json).await? {
                    // Cancelled (unscheduled, spiked, taken down), or another
                    // runner of this publication got there first: stop before
                    // anything more reaches the platform.
                    tracing::info!(publication = %pid, "publication moved on elsewhere or cancelled; stopping");
                    return Ok(());
                }
                saved_json = json;
                handle = h;
                resumed = false;
                kept = Some(token);
            }
            Ok(Next::Wait(d)) => {
                waited += d;
                if waited > MAX_WAIT {
                    return Err(JobError::Later {
                        at: st.now() + 60_000,
                        reason: "platform still processing".into(),
                    });
                }
                tokio::time::sleep(d).await;
                kept = Some(token);
            }
            Ok(Next::Done {
                id,
                url,
                visibility,
            }) => {
                return done(ctx, work, &id, &url, &visibility).await;
            }
            Err(e) if e.class == ErrorClass::Reconnect && !refreshed => {
                // An access token that died mid-upload: the next step
                // refreshes it (unless someone already did) and goes on with
                // the new one.
                refreshed = true;
                refused = Some(token.value);
            }
            Err(e) => return fail(st, ctx, pb, ch, clip, &saved_json, e).await,
        }
    }
}

/// Saves a step's handle if the one saved before is still there, in a turn
/// of the write lock shared with the other jobs' writes; false when the
/// publication moved on without this run.
async fn save_handle(
    st: &AppState,
    pid: PublicationId,
    state: &'static str,
    old: &str,
    new: &str,
) -> std::result::Result<bool, JobError> {
    let (old, new, now) = (old.to_string(), new.to_string(), st.now());
    Ok(st
        .db
        .write_shared(move |tx| {
            let (old, new) = (old.clone(), new.clone());
            Box::pin(async move { pdb::save_handle(tx, pid, state, &old, &new, now).await })
        })
        .await?)
}

/// Runs a step while saving its upload progress every second.
async fn with_progress<F: std::future::Future>(
    st: &AppState,
    pid: PublicationId,
    progress: &AtomicU64,
    f: F,
) -> F::Output {
    tokio::pin!(f);
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.tick().await;
    let mut last = f64::NAN;
    loop {
        tokio::select! {
            out = &mut f => return out,
            _ = tick.tick() => {
                let p = f64::from_bits(progress.load(Ordering::Relaxed));
                if !p.is_nan() && p != last {
                    last = p;
                    if let Ok(mut tx) = st.db.write().await
                        && pdb::set_progress(&mut tx, pid, p, st.now()).await.is_ok()
                    {
                        let _ = tx.commit().await;
                    }
                }
            }
        }
    }
}

/// A post that is out, as the job records it.
struct Out {
    ctx: JobCtx,
    pb: Publication,
    clip: Clip,
    id: String,
    url: String,
    seen: Visibility,
    facts: crate::insights::collect::Facts,
    late: Option<i64>,
    now: i64,
}

/// Records the post as out, in one write transaction with the job's own
/// success. What it needs to read is read before, and the transaction is
/// shared with the other jobs' writes of the moment: the write lock is held
/// only to write.
pub(super) async fn done(
    ctx: &JobCtx,
    work: Work<'_>,
    id: &str,
    url: &str,
    seen: &Visibility,
) -> std::result::Result<(), JobError> {
    let (st, pb) = (&ctx.st, work.pb);
    let facts = {
        let mut tx = st.db.read().await?;
        crate::insights::collect::facts(&mut tx, work.clip, &work.ch.platform, work.version).await?
    };
    let now = st.now();
    let late =
        (now - pb.run_at > LATE_AFTER_MS && pb.run_at > pb.created_at).then_some(now - pb.run_at);
    let out = Arc::new(Out {
        ctx: ctx.clone(),
        pb: pb.clone(),
        clip: work.clip.clone(),
        id: id.to_string(),
        url: url.to_string(),
        seen: seen.clone(),
        facts,
        late,
        now,
    });
    let recorded = st
        .db
        .write_shared(move |tx| {
            let out = out.clone();
            Box::pin(async move {
                record_out(tx, &out)
                    .await
                    .map_err(|e| crate::db::DbError::Other(e.to_string()))
            })
        })
        .await?;
    if recorded {
        ctx.recorded();
    }
    // A post is out (on the outlet, its pages show it).
    st.outlet_pages.forget();
    Ok(())
}

/// [`done`]'s writes; whether the job's success was written with them.
async fn record_out(tx: &mut Tx, o: &Out) -> Result<bool> {
    let (pb, clip, seen, now) = (&o.pb, &o.clip, &o.seen, o.now);
    if !pdb::set_published(tx, pb.id, &o.id, &o.url, o.late, seen, now).await? {
        return Ok(false);
    }
    audit(tx, &review::system_actor(), Some(pb.agency_id), "publication.published", "publication", pb.id,
        json!({"clip": clip.id, "after": {"state": "published", "external_id": o.id, "url": o.url,
               "late_ms": o.late, "visibility": seen.level, "public": seen.public, "reason": seen.reason}}),
        now).await?;
    if !seen.public {
        // Out, but not for everyone: the heads and the author are told why.
        tell_heads_and_author(
            tx,
            clip,
            None,
            "published_private",
            json!({"note": seen.reason.clone().unwrap_or_else(|| seen.level.clone())}),
            now,
        )
        .await?;
    }
    crate::insights::collect::on_published(tx, pb, clip, &o.facts, now).await?;
    let fresh = clips::get_any(tx, clip.id).await?.ok_or(Error::NotFound)?;
    match fresh.state {
        ClipState::Approved | ClipState::Scheduled => {
            review::transition(
                tx,
                &review::system_actor(),
                &fresh,
                ClipAction::Publish,
                Requester::System,
                json!({"publication": pb.id}),
                now,
            )
            .await?;
            crate::db::review::use_approvals(tx, clip.id, now).await?;
            if pb.round > 1 {
                // A correction is out: those who took the clip are offered it.
                crate::service::sharing::after_correction(tx, &fresh, now).await?;
            }
            review::notify_users(
                tx,
                &[clip.author_id],
                pb.agency_id,
                clip.id,
                "published",
                json!({}),
                now,
            )
            .await?;
        }
        ClipState::TakenDown => {
            // Taken down while this post was on its way: take it down too.
            queue_removal(tx, pb.agency_id, pb.id, now).await?;
        }
        _ => {}
    }
    Ok(o.ctx.succeed_in(tx).await?)
}

#[allow(clippy::too_many_arguments)]
async fn fail(
    st: &AppState,
    ctx: &JobCtx,
    pb: &Publication,
    ch: &Channel,
    clip: &Clip,
    saved_json: &str,
    e: PlatformError,
) -> std::result::Result<(), JobError> {
    let now = st.now();
    let msg = e.to_string();
    // Another runner of this publication moved on (this one's lease expired
    // while it was stalled): its error is about a stale step; stand down.
    let current = {
        let mut tx = st.db.read().await?;
        pdb::publication(&mut tx, pb.id).await?
    };
    if current.is_none_or(|c| {
        c.handle != saved_json
            || matches!(c.state.as_str(), "published" | "cancelled" | "superseded")
    }) {
        tracing::info!(publication = %pb.id, error = %msg, "a stale runner's error is ignored");
        return Ok(());
    }
    match e.class {
        ErrorClass::Retry { after } if !ctx.last_attempt() || after.is_some() => {
            let mut tx = st.db.write().await?;
            pdb::set_error(&mut tx, pb.id, "", "retry", &e.code, &e.message, now).await?;
            tx.commit().await?;
            match after {
                Some(d) => Err(JobError::Later {
                    at: now + d.as_millis() as i64,
                    reason: msg,
                }),
                None => Err(JobError::Retry(msg)),
            }
        }
        ErrorClass::Reconnect => {
            let mut tx = st.db.write().await?;
            crate::service::channels::mark_needs_reconnect(&mut tx, ch, &e.message, now).await?;
            pdb::set_error(&mut tx, pb.id, "", "reconnect", &e.code, &e.message, now).await?;
            tx.commit().await?;
            Err(JobError::Later {
                at: now + RECONNECT_WAIT_MS,
                reason: msg,
            })
        }
        ErrorClass::Permanent if e.code == "spam_risk_too_many_posts" => {
            // TikTok's per-creator daily cap: wait for the next day.
            let mut tx = st.db.write().await?;
            pdb::set_error(&mut tx, pb.id, "", "paced", &e.code, &e.message, now).await?;
            tx.commit().await?;
            Err(JobError::Later {
                at: (now / 86_400_000 + 1) * 86_400_000 + 60_000,
                reason: msg,
            })
        }
        ErrorClass::Permanent if e.code == "quotaExceeded" || e.code == "uploadLimitExceeded" => {
            // The day's quota: wait for tomorrow rather than fail.
            let mut tx = st.db.write().await?;
            pdb::set_error(&mut tx, pb.id, "", "paced", &e.code, &e.message, now).await?;
            tx.commit().await?;
            Err(JobError::Later {
                at: next_pacific_midnight(now),
                reason: msg,
            })
        }
        class => {
            let class = match class {
                ErrorClass::FixContent => "fix_content",
                ErrorClass::Retry { .. } => "retry",
                _ => "permanent",
            };
            give_up(st, pb, clip, ch, class, &e.code, &e.message).await
        }
    }
}

/// Marks a publication failed for good, audited, its author and the
/// agency's heads told.
async fn give_up(
    st: &AppState,
    pb: &Publication,
    clip: &Clip,
    ch: &Channel,
    class: &str,
    code: &str,
    message: &str,
) -> std::result::Result<(), JobError> {
    let now = st.now();
    let mut tx = st.db.write().await?;
    pdb::set_error(&mut tx, pb.id, "failed", class, code, message, now).await?;
    audit(&mut tx, &review::system_actor(), Some(pb.agency_id), "publication.failed", "publication", pb.id,
        json!({"clip": clip.id, "after": {"state": "failed", "class": class, "code": code, "message": message}}), now).await?;
    tell_heads_and_author(
        &mut tx,
        clip,
        None,
        "publish_failed",
        json!({"from": ch.name, "note": message}),
        now,
    )
    .await?;
    tx.commit().await?;
    Err(JobError::Permanent(format!("{message} ({code})")))
}
